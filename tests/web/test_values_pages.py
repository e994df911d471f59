"""What matters to the person, and the printable summary carried through without storage."""

from __future__ import annotations

import json
import re

from fastapi.testclient import TestClient
from tests.factories.pages import hidden_value, texts, values_form
from tests.factories.profiles import VALUE_IDS, candidate_profile

from regenspine.decision_aid.values import load_values_catalogue
from regenspine.knowledge import load_knowledge
from regenspine.web.plumbing.security import style_hash

PROFILE = json.dumps(candidate_profile())


def test_the_form_asks_every_item_sure_question_and_the_leaning(client: TestClient) -> None:
    page = client.get("/values").text
    catalogue = load_values_catalogue()
    for item in catalogue.items:
        assert page.count(f'name="ratings.{item.id}"') == len(catalogue.scale)
    for item in catalogue.sure.items:
        assert page.count(f'name="sure.{item.id}"') == 2
    assert 'value="unsure"' in page


def test_starting_from_the_screening_carries_the_profile(client: TestClient) -> None:
    page = client.post("/values", data={"stage": "start", "profile": PROFILE}).text
    # The carried profile spells out the optional fields added since (worsening_symptoms, and
    # whether the scan report is known).
    carried = json.loads(hidden_value(page, "profile"))
    expected = candidate_profile(imaging={"known": True})
    assert carried == {**expected, "worsening_symptoms": []}
    assert 'class="field-error"' not in page


def test_unanswered_questions_are_each_shown_next_to_their_field(client: TestClient) -> None:
    response = client.post("/values", data={"profile": PROFILE, "leaning": "nothing"})
    assert response.status_code == 422
    errors = texts(response.text, "field-error")
    assert len(errors) == len(VALUE_IDS) + 4 + 1
    assert set(errors) == {"Error: Choose one of the answers."}
    assert "Relief of leg pain, numbness or cramping: Choose one of the answers." in response.text
    assert "Which option you lean toward: Choose one of the answers." in response.text
    assert "allowed" not in response.text


def test_the_result_shows_what_matters_most_sure_and_the_leaning(client: TestClient) -> None:
    page = client.post("/values", data={**values_form(sure="no"), "profile": PROFILE}).text
    assert "SURE check: 0 of 4 yes" in page
    assert texts(page, "note")
    assert "Conservative care, or wait and see" in page
    carried = json.loads(hidden_value(page, "values"))
    assert carried["leaning"] == "conservative_care"
    assert 'action="/summary"' in page


def test_without_a_profile_the_result_sends_the_person_to_the_check(client: TestClient) -> None:
    page = client.post("/values", data=values_form()).text
    assert 'action="/summary"' not in page
    assert 'href="/check"' in page


def test_the_summary_is_the_printable_page_with_its_style_allowed_by_hash(
    client: TestClient,
) -> None:
    answers = json.dumps(
        {
            "ratings": dict.fromkeys(VALUE_IDS, 3),
            "sure": {
                "sure_of_myself": True,
                "understand_information": True,
                "risk_benefit_ratio": True,
                "encouragement": False,
            },
            "leaning": "decompression",
        }
    )
    response = client.post("/summary", data={"profile": PROFILE, "values": answers})
    assert response.status_code == 200
    page = response.text
    knowledge = load_knowledge()
    assert f'id="last-reviewed">{knowledge.text("evidence_last_reviewed")}' in page
    assert "SURE check: 3 of 4 yes." in page
    css = re.search(r"<style>(.*?)</style>", page, re.S)
    assert css is not None
    policy = response.headers["content-security-policy"]
    assert f"style-src 'self' {style_hash(css.group(1))};" in policy
    assert "script-src 'self';" in policy
    assert "unsafe-inline" not in policy
    assert "content-disposition" not in response.headers
    # The print button runs the app's own script, the only script on the page.
    assert "data-print" in page
    assert re.findall(r"<script[^>]*>", page) == ['<script src="/static/js/print.js" defer>']
    assert client.get("/static/js/print.js").status_code == 200
    # The check's first step is the warning signs, so the summary says they were checked.
    assert "I checked them. I have none of them." in page


def test_the_summary_can_be_downloaded_as_a_file(client: TestClient) -> None:
    response = client.post("/summary", data={"profile": PROFILE, "download": "yes"})
    assert response.headers["content-disposition"] == (
        'attachment; filename="regenspine-summary.html"'
    )
    # A saved file cannot reach the app's script: no button, no script, the keys to press.
    assert "<script" not in response.text
    assert "data-print" not in response.text
    assert "press Ctrl+P" in response.text


def test_an_urgent_profile_gives_an_urgent_summary(client: TestClient) -> None:
    urgent = json.dumps(candidate_profile(red_flags=["saddle_anesthesia"]))
    page = client.post("/summary", data={"profile": urgent}).text
    assert 'id="urgent"' in page
    assert 'id="options"' not in page


def test_a_summary_without_answers_or_with_broken_ones_is_refused(client: TestClient) -> None:
    missing = client.post("/summary", data={})
    assert missing.status_code == 200
    assert "no answers in this browser yet" in missing.text
    start_again = "Your answers from the symptom check: These answers could not be read."
    broken = client.post("/summary", data={"profile": "{not json"})
    assert broken.status_code == 422
    assert start_again in broken.text
    wrong = client.post("/summary", data={"profile": json.dumps(candidate_profile(age=7))})
    assert wrong.status_code == 422
    assert "Your age: Enter a number from 18 to 120." in wrong.text


def test_the_summary_start_page_explains_the_steps(client: TestClient) -> None:
    page = client.get("/summary").text
    assert 'href="/check"' in page
    assert "no answers in this browser yet" in page
    assert 'href="/save"' in page
