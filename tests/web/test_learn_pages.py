"""Home, Learn and About: facts with sources and evidence levels, conflicts, review and funding."""

from __future__ import annotations

import html
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from tests.factories.pages import plain

from regenspine.config import Settings
from regenspine.knowledge import load_knowledge
from regenspine.knowledge.passages import knowledge_base_grade
from regenspine.web.app import create_app
from regenspine.web.labels import EVIDENCE_LABELS
from regenspine.web.pages.learn import topic_groups

PATIENT_PAGES = (
    "/",
    "/learn",
    "/learn/condition",
    "/about",
    "/check",
    "/screening?checked=yes",
    "/options",
    "/costs",
    "/claims",
    "/clinic-questions",
    "/recovery",
    "/values",
    "/summary",
    "/faq",
    "/no-such-page",
)


@pytest.mark.parametrize("path", PATIENT_PAGES)
def test_every_patient_page_carries_the_disclaimer_and_review_date(
    client: TestClient, path: str
) -> None:
    page = client.get(path).text
    knowledge = load_knowledge()
    assert html.escape(knowledge.text("disclaimer")) in page
    assert f"Evidence last reviewed <strong>{knowledge.text('evidence_last_reviewed')}" in page
    assert '<html lang="en">' in page
    assert '<a class="skip-link" href="#main">' in page


def test_home_links_every_step_and_every_topic_group(client: TestClient) -> None:
    page = client.get("/").text
    for path in ("/check", "/options", "/costs", "/claims", "/values", "/recovery", "/faq"):
        assert f'href="{path}"' in page, path
    for group in topic_groups():
        assert f'href="/learn/{group.id}"' in page


def test_learn_group_shows_each_fact_with_sources_and_evidence_level(client: TestClient) -> None:
    page = client.get("/learn/condition").text
    knowledge = load_knowledge()
    facts = [fact for fact in knowledge.facts if knowledge.topic(fact.topic).group == "condition"]
    assert facts
    for fact in facts:
        anchor = f'id="fact-{fact.id.replace(".", "-")}"'
        assert anchor in page
        block = page.split(anchor, 1)[1].split('<div class="fact', 1)[0]
        assert EVIDENCE_LABELS[fact.evidence_level] in block
        for source_id in fact.sources:
            assert f'href="#source-{source_id}"' in block
            assert f'id="source-{source_id}"' in page


def test_claims_are_labelled_as_claims_not_facts(client: TestClient) -> None:
    knowledge = load_knowledge()
    claim = next(fact for fact in knowledge.facts if fact.is_claim)
    group = knowledge.topic(claim.topic).group
    page = client.get(f"/learn/{group}").text
    block = page.split(f'id="fact-{claim.id.replace(".", "-")}"', 1)[1][:400]
    assert "A claim made by sellers, not an established fact" in block


def test_conflicts_show_every_side_and_the_assessment(client: TestClient) -> None:
    knowledge = load_knowledge()
    conflict = knowledge.conflicts[0]
    group = knowledge.topic(conflict.topic).group
    page = plain(client.get(f"/learn/{group}").text)
    assert f"Sources disagree: {conflict.title}" in page
    for position in conflict.positions:
        assert " ".join(position.claim.split()) in page
    assert " ".join(conflict.assessment.split()) in page


def test_every_conflict_appears_on_its_group_page(client: TestClient) -> None:
    knowledge = load_knowledge()
    pages = {group.id: client.get(f"/learn/{group.id}").text for group in topic_groups()}
    for conflict in knowledge.conflicts:
        assert f'id="conflict-{conflict.id}"' in pages[knowledge.topic(conflict.topic).group]


def test_an_unknown_topic_group_is_a_404_page_in_plain_words(client: TestClient) -> None:
    response = client.get("/learn/astrology")
    assert response.status_code == 404
    assert "There is no page of topics at this address." in response.text
    assert 'href="/learn"' in response.text
    assert "condition, therapy" not in response.text


def test_about_states_review_date_update_policy_funding_and_all_sources(
    client: TestClient,
) -> None:
    knowledge = load_knowledge()
    page = plain(client.get("/about").text)
    assert f"Evidence last reviewed {knowledge.text('evidence_last_reviewed')}" in page
    assert " ".join(knowledge.text("update_policy").split()) in page
    assert " ".join(knowledge.text("funding").split()) in page
    for source in knowledge.sources:
        assert source.title in page


ABOUT_SECTIONS = {
    "authors": "about_authors",
    "evidence-chosen": "about_evidence_chosen",
    "evidence-rated": "about_evidence_rated",
    "funding": "funding",
    "conflicts-of-interest": "about_conflicts",
    "not-done": "about_not_done",
}


@pytest.mark.parametrize(("element", "key"), ABOUT_SECTIONS.items())
def test_about_discloses_how_the_aid_was_made(client: TestClient, element: str, key: str) -> None:
    page = client.get("/about").text
    block = page.split(f'id="{element}"')[1].split("</p>")[0]
    assert " ".join(load_knowledge().text(key).split()) in plain(block)


def test_about_says_plainly_what_has_not_been_done(client: TestClient) -> None:
    page = plain(client.get("/about").text)
    assert "No patients have tried this tool in a test" in page
    assert "no doctor from outside the team has checked its content" in page


def test_without_a_report_address_about_says_whom_to_ask(client: TestClient) -> None:
    block = client.get("/about").text.split('id="report-error"')[1].split("</p>")[0]
    assert "mailto:" not in block
    assert " ".join(load_knowledge().text("about_no_contact").split()) in plain(block)


def test_a_configured_report_address_is_a_mail_link(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, report_error_email="content@clinic.example")
    page = TestClient(create_app(settings)).get("/about").text
    block = page.split('id="report-error"')[1].split("</p>")[0]
    assert '<a href="mailto:content@clinic.example">content@clinic.example</a>' in block
    assert load_knowledge().text("about_no_contact")[:30] not in block


@pytest.mark.parametrize("address", ["not-an-address", "a@b", "x y@z.org", "<a@b.org>"])
def test_a_report_address_that_is_not_an_email_is_refused(tmp_path: Path, address: str) -> None:
    with pytest.raises(ValidationError, match="report_error_email"):
        Settings(data_dir=tmp_path, report_error_email=address)


def test_about_reports_the_measured_reading_grade(client: TestClient) -> None:
    grade = knowledge_base_grade()
    page = plain(client.get("/about").text)
    assert f"Of the {grade.count} texts, half are at grade {grade.median} or below." in page
    assert f"{grade.share_above_8 * 100:.0f}% are above grade 8." in page
