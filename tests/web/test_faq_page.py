"""The question box: cited answers, urgent care first, honest refusals, htmx updates."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from tests.factories.pages import plain

from regenspine.config import Settings
from regenspine.decision_aid.faq import answer_question
from regenspine.knowledge import load_knowledge
from regenspine.web.app import create_app

HTMX = {"HX-Request": "true", "HX-Target": "faq-tool"}


def test_answers_come_best_first_with_their_sources(client: TestClient) -> None:
    question = "Is it covered by insurance?"
    page = client.get("/faq", params={"q": question}).text
    expected = answer_question(question, top=3)
    assert page.count('<li class="answer') == len(expected.answers)
    titles = [answer.topic_title for answer in expected.answers]
    positions = [page.index(f"<h3>{title}</h3>") for title in titles]
    assert positions == sorted(positions)
    for answer in expected.answers:
        for source in answer.sources:
            assert f'id="source-{source.id}"' in page


def test_a_red_flag_in_the_question_puts_urgent_care_first(client: TestClient) -> None:
    page = client.get("/faq", params={"q": "I cannot control my bladder, is that normal?"}).text
    urgent = " ".join(load_knowledge().text("urgent_care").split())
    assert urgent in plain(page)
    assert page.index("Seek urgent care") < page.index('<ol class="answers">')


def test_the_urgent_box_names_the_cause_of_the_symptom(client: TestClient) -> None:
    page = client.get("/faq", params={"q": "fever and chills since my injection"}).text
    (message,) = answer_question("fever and chills since my injection").urgent_messages
    assert 'id="urgent-spinal_infection"' in page
    assert 'id="urgent-cauda_equina"' not in page
    assert message.text in plain(page)
    assert page.index('id="urgent-spinal_infection"') < page.index('<ol class="answers">')


def test_a_question_outside_the_knowledge_base_gets_no_guess(client: TestClient) -> None:
    page = client.get("/faq", params={"q": "What is the best pizza in Naples?"}).text
    assert 'id="not-covered"' in page
    assert '<li class="answer' not in page


def test_an_empty_question_is_shown_next_to_the_box(client: TestClient) -> None:
    response = client.get("/faq", params={"q": " "})
    assert response.status_code == 422
    assert 'id="f-q-error"' in response.text
    assert "Write something in this box." in response.text


def test_htmx_gets_only_the_tool_section(client: TestClient) -> None:
    response = client.get("/faq", params={"q": "costs in Mexico"}, headers=HTMX)
    assert response.text.lstrip().startswith('<section id="faq-tool"')
    assert "<footer" not in response.text


def test_a_history_restore_gets_the_whole_page(client: TestClient) -> None:
    headers = {**HTMX, "HX-History-Restore-Request": "true"}
    response = client.get("/faq", params={"q": "costs in Mexico"}, headers=headers)
    assert response.text.lstrip().startswith("<!DOCTYPE html>")


def test_one_best_answer_leads_and_the_others_sit_under_more_answers(client: TestClient) -> None:
    question = "How long until I feel better?"
    page = client.get("/faq", params={"q": question}).text
    expected = answer_question(question, top=3)
    best, *more = expected.answers
    assert best.topic == "time_to_results"
    assert page.count('<li class="answer best-answer') == 1
    assert page.index(f"<h3>{best.topic_title}</h3>") < page.index('<details class="more-answers">')
    assert f"<summary>More answers ({len(more)})</summary>" in page
    details = page[page.index('<details class="more-answers">') :]
    for answer in more:
        assert f"<h3>{answer.topic_title}</h3>" in details
    assert page.count('<li class="answer') == len(expected.answers)


def test_a_single_answer_has_no_more_answers_box(tmp_path: Path) -> None:
    client = TestClient(create_app(Settings(data_dir=tmp_path, faq_top=1)))
    page = client.get("/faq", params={"q": "How long until I feel better?"}).text
    assert page.count('<li class="answer best-answer') == 1
    assert page.count('<li class="answer') == 1
    assert "More answers" not in page
