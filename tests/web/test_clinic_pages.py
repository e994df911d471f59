"""The clinic-claims checker (whole page and htmx part) and the questions to ask a clinic."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient
from tests.factories.pages import plain

from regenspine.decision_aid.claims import check_claims
from regenspine.decision_aid.clinic_questions import clinic_questions

FIXTURES = Path(__file__).parents[1] / "fixtures" / "clinic_texts"
HTMX = {"HX-Request": "true", "HX-Target": "claims-tool"}


def test_the_checker_marks_each_excerpt_and_says_why(client: TestClient) -> None:
    text = (FIXTURES / "marketing_offer.txt").read_text(encoding="utf-8")
    page = client.post("/claims", data={"text": text}).text
    expected = check_claims(text)
    assert page.count('<li class="finding') == len(expected.flags)
    marks = re.findall(r"<mark>(.*?)</mark>", page, re.S)
    assert [plain(mark) for mark in marks] == [
        " ".join(quote.excerpt[quote.excerpt_start : quote.excerpt_end].split())
        for flag in expected.flags
        for quote in flag.examples
    ]
    assert expected.flags[0].why.split(";")[0] in plain(page)
    assert '<a href="/clinic-questions">the list of questions to ask a clinic</a>' in page


def test_a_balanced_page_lists_what_it_does_not_say(client: TestClient) -> None:
    text = (FIXTURES / "balanced_clinic_page.txt").read_text(encoding="utf-8")
    page = client.post("/claims", data={"text": text}).text
    expected = check_claims(text)
    assert page.count('<li class="finding') == len(expected.flags)
    assert page.count("<li><p><strong>") == len(expected.missing)


def test_a_long_marketing_paste_shows_each_sign_once_with_its_count(client: TestClient) -> None:
    text = ("Only 3 spots left! Our cells cure stenosis. NFL players trust us. " * 2_000)[:100_000]
    response = client.post("/claims", data={"text": text})
    assert response.status_code == 200
    page = response.text
    assert page.count('<li class="finding') == 3
    assert page.count("<mark>") == 9
    found = re.findall(r'<p class="finding-count">(.*?)</p>', page)
    # 66 characters a round: 1,515 whole rounds fit in 100,000 characters.
    assert found == ["Found 1,515 times. The first 3 are shown:"] * 3
    # The pasted text comes back in the box; the rest of the page stays small.
    assert len(response.content) < len(text.encode()) + 40_000


def test_a_paste_over_the_cap_gets_a_plain_message_naming_the_box(client: TestClient) -> None:
    text = "Our cells cure stenosis. " * 12_480
    for headers in ({}, HTMX):
        response = client.post("/claims", data={"text": text}, headers=headers)
        assert response.status_code == 422
        message = plain(response.text)
        assert "The clinic's text has 312,000 characters. This box checks up to 100,000." in message
        assert 'id="f-text-error"' in response.text
        box = re.search(r"<textarea[^>]*>(.*?)</textarea>", response.text, re.S)
        assert box is not None
        assert len(box.group(1)) == 100_000
        assert "<mark>" not in response.text


def test_pasted_text_is_escaped_not_run(client: TestClient) -> None:
    text = "<script>alert(1)</script> Our cells cure stenosis."
    page = client.post("/claims", data={"text": text}).text
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_htmx_gets_only_the_tool_section(client: TestClient) -> None:
    response = client.post("/claims", data={"text": "Our cells cure stenosis."}, headers=HTMX)
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section id="claims-tool"')
    assert "<html" not in response.text
    assert "HX-Request" in response.headers["vary"]


def test_an_empty_text_is_shown_next_to_the_field_in_both_faces(client: TestClient) -> None:
    for headers in ({}, HTMX):
        response = client.post("/claims", data={"text": "   "}, headers=headers)
        assert response.status_code == 422
        assert 'id="f-text-error"' in response.text
        assert "Write something in this box." in response.text


def test_the_questions_page_lists_every_question_with_why_and_sources(
    client: TestClient,
) -> None:
    questions = clinic_questions()
    page = client.get("/clinic-questions").text
    listed = [q for group in questions.groups for q in group.questions]
    assert page.count('<p class="question">') == len(listed)
    numbers = [int(n) for n in re.findall(r'<li value="(\d+)"><p class="question">', page)]
    assert numbers == list(range(1, len(listed) + 1))
    for question in listed:
        assert question.question in plain(page)
        for source_id in question.sources:
            assert f'id="source-{source_id}"' in page
