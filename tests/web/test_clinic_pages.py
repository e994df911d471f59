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
    assert page.count('<li class="finding') == len(expected.findings)
    marks = re.findall(r"<mark>(.*?)</mark>", page, re.S)
    assert [plain(mark) for mark in marks] == [
        " ".join(finding.excerpt[finding.excerpt_start : finding.excerpt_end].split())
        for finding in expected.findings
    ]
    assert expected.findings[0].why.split(";")[0] in plain(page)
    assert '<a href="/clinic-questions">the list of questions to ask a clinic</a>' in page


def test_a_balanced_page_lists_what_it_does_not_say(client: TestClient) -> None:
    text = (FIXTURES / "balanced_clinic_page.txt").read_text(encoding="utf-8")
    page = client.post("/claims", data={"text": text}).text
    expected = check_claims(text)
    assert page.count('<li class="finding') == len(expected.findings)
    assert page.count("<li><p><strong>") == len(expected.missing)


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
