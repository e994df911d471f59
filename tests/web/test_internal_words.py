"""No internal word reaches a patient: every public page, each form's result and error pages,
the printable summary and the recovery calendar file show titles, labels and plain messages."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.factories.internal_words import calendar_text, internal_tokens, seen_text
from tests.factories.pages import PUBLIC_PAGES, candidate_form, values_form
from tests.factories.profiles import VALUES, candidate_profile

from regenspine.knowledge import load_knowledge

REDESIGNED = pytest.mark.xfail(reason="redesigned on another branch", strict=False)
OFFER = (Path(__file__).parents[1] / "fixtures" / "clinic_texts" / "marketing_offer.txt").read_text(
    encoding="utf-8"
)
PROFILE = json.dumps(candidate_profile())
WRONG_SCREENING = candidate_form(
    age="abc",
    region="mars",
    severity="worst",
    symptom_weeks="-3",
    symptoms=["leg_pain", "itchy_toes"],
    imaging__bony_compression_percent="250",
    conservative_care_weeks="lots",
    general_health="splendid",
    contraindications="flu_like",
)
WRONG_VALUES = {
    **values_form(rating="9", sure="maybe", leaning="magic_beans"),
    "profile": PROFILE,
}
WRONG_COSTS = "country=atlantis&travel_cost=-5&companions=lots&nights=9999&option=bogus_option"

# name -> (method, path, form data): every page a patient can reach with right or wrong answers.
CASES: dict[str, tuple[str, str, Any]] = {
    **{name: ("GET", path, None) for name, path in PUBLIC_PAGES.items()},
    "screening-result": ("POST", "/screening", candidate_form()),
    "screening-result-urgent": (
        "POST",
        "/screening",
        candidate_form(red_flags="saddle_anesthesia"),
    ),
    # One result page per screening category, each with its reasons and next steps.
    "screening-specialist": (
        "POST",
        "/screening",
        candidate_form(region="cervical", symptoms=["hand_clumsiness", "arm_pain"]),
    ),
    "screening-not-suitable": (
        "POST",
        "/screening",
        candidate_form(contraindications=["active_infection", "pregnancy"], general_health="poor"),
    ),
    "screening-surgical": (
        "POST",
        "/screening",
        candidate_form(severity="severe", region="thoracic", imaging__instability="yes"),
    ),
    "screening-conservative": ("POST", "/screening", candidate_form(conservative_care_weeks="2")),
    "screening-missing": ("POST", "/screening", {}),
    "screening-wrong": ("POST", "/screening", WRONG_SCREENING),
    "screening-unknown-flag": ("GET", "/screening?checked=yes&red_flags=no_such_flag", None),
    "values-result": ("POST", "/values", {**values_form(), "profile": PROFILE}),
    "values-result-unsure": (
        "POST",
        "/values",
        {**values_form(rating="0", sure="no", leaning="unsure"), "profile": PROFILE},
    ),
    "values-start": ("POST", "/values", {"stage": "start", "profile": PROFILE}),
    "values-missing": ("POST", "/values", {"profile": PROFILE}),
    "values-wrong": ("POST", "/values", WRONG_VALUES),
    "values-broken-profile": ("POST", "/values", {"profile": '{"age": "old"'}),
    "values-wrong-profile": ("POST", "/values", {"profile": json.dumps({"age": 5})}),
    "costs-figures": ("GET", "/costs?country=usa&travel_cost=0&companions=0&nights=0", None),
    "costs-wrong": ("GET", f"/costs?{WRONG_COSTS}", None),
    "costs-no-number": ("GET", "/costs?travel_cost=cheap&nightly_cost=1e999", None),
    "claims-result": ("POST", "/claims", {"text": OFFER}),
    "claims-missing": ("POST", "/claims", {"text": ""}),
    "claims-too-long": ("POST", "/claims", {"text": "stem cells cure " * 40_000}),
    "faq-empty": ("GET", "/faq?q=", None),
    "faq-too-long": ("GET", "/faq?q=" + "why " * 400, None),
    "faq-urgent": ("GET", "/faq?q=I+cannot+control+my+bladder+and+my+legs+are+numb", None),
    "faq-unknown": ("GET", "/faq?q=What+is+the+capital+of+France", None),
    **{
        f"faq-topic-{topic.id}": ("GET", f"/faq?q={topic.title}", None)
        for topic in load_knowledge().topics
    },
    "recovery-wrong": ("GET", "/recovery?procedure_date=yesterday", None),
    "recovery-missing": ("GET", "/recovery?procedure_date=", None),
    "recovery-impossible": ("GET", "/recovery?procedure_date=2026-02-30", None),
    "recovery-ics-wrong": ("GET", "/recovery.ics?procedure_date=soon", None),
    "learn-unknown": ("GET", "/learn/no_such_group", None),
    "options-wrong": ("GET", "/options?region=tail&severity=worst", None),
    "summary": ("POST", "/summary", {"profile": PROFILE, "values": json.dumps(VALUES)}),
    "summary-empty": ("POST", "/summary", {}),
    "summary-wrong": ("POST", "/summary", {"profile": json.dumps(candidate_profile(age=5))}),
}
# The printed summary is being redesigned on another branch.
XFAIL: set[str] = set()


def rendered(client: TestClient, name: str) -> str:
    """The text a patient sees on one of the cases' pages."""
    method, path, data = CASES[name]
    response = client.get(path) if method == "GET" else client.post(path, data=data)
    assert response.status_code < 500, response.text[:300]
    return seen_text(response.text)


@pytest.mark.parametrize(
    "name", [pytest.param(n, marks=[REDESIGNED] if n in XFAIL else []) for n in CASES]
)
def test_no_internal_word_on_the_page(client: TestClient, name: str) -> None:
    assert internal_tokens(rendered(client, name)) == []


def test_every_error_case_shows_an_error(client: TestClient) -> None:
    wrong = [name for name in CASES if name.endswith(("-missing", "-wrong", "-too-long"))]
    for name in wrong:
        method, path, data = CASES[name]
        response = client.get(path) if method == "GET" else client.post(path, data=data)
        assert response.status_code == 422, name


def test_no_internal_word_in_the_calendar_file(client: TestClient) -> None:
    response = client.get("/recovery.ics?procedure_date=2026-03-02")
    assert response.status_code == 200
    text = calendar_text(response.content)
    assert "Warning signs" in text
    assert internal_tokens(text) == []


def test_wrong_screening_answers_get_plain_messages_naming_the_question(
    client: TestClient,
) -> None:
    page = seen_text(client.post("/screening", data=WRONG_SCREENING).text)
    assert "Your age: Enter a number from 18 to 120." in page
    assert "Where the narrowing is: Choose one of the answers." in page
    assert "Your symptoms: Choose from the answers shown." in page
    assert "How much of the narrowing is bone: Enter a number from 0 to 100." in page
    assert "is not a whole number" not in page


def test_each_kind_of_bad_answer_gets_its_plain_message(client: TestClient) -> None:
    expected = {
        "values-missing": "Avoiding an operation: Choose one of the answers.",
        "costs-no-number": "Travel cost: Enter a number of at most 12 digits, 2 after the point.",
        "costs-wrong": "Travel cost: Enter a number of 0 or more.",
        "claims-missing": "The clinic's text: Write something in this box.",
        "claims-too-long": "This box checks up to 100,000.",
        "faq-too-long": "This is too long. Use at most 500 characters.",
        "recovery-wrong": "Day of the injection: Enter the date as year-month-day",
        "recovery-ics-wrong": "Day of the injection: Enter the date as year-month-day",
        "values-wrong-profile": "Your age: Enter a number from 18 to 120.",
    }
    for name, message in expected.items():
        assert message in rendered(client, name), name


def test_the_api_keeps_field_names_and_allowed_values(client: TestClient) -> None:
    body = client.post("/api/v1/screening", json=candidate_profile(region="mars")).json()
    assert body["field"] == "region"
    assert "lumbar" in body["allowed"]


# The finder itself: each kind of token is caught, plain sentences pass.
@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Source text 000_0418a03815c70237.txt", "file: 000_0418a03815c70237.txt"),
        ("See notes.txt for more.", "file: notes.txt"),
        ("The five seed texts agree.", "seed words: seed texts"),
        ("A seed file says so.", "seed words: seed file"),
        ("As friedly-2014-less found.", "source id: friedly-2014-less"),
        ("Cited as seed-004 here.", "source id: seed-004"),
        ("Run regenspine options to compare.", "command: regenspine options"),
        ("Add --json for the data.", "flag: --json"),
        ("Certainty: no_data", "code: no_data"),
        ("Options: conservative_care, epidural_steroid", "code: conservative_care"),
        ("Your nrs_back score", "code: nrs_back"),
        ("Your odi score went down.", "code: odi"),
        ("region: unknown value (allowed: lumbar, cervical)", "allowed list: allowed:"),
    ],
)
def test_the_finder_catches_each_kind(text: str, kind: str) -> None:
    assert kind in internal_tokens(text)


@pytest.mark.parametrize(
    "text",
    [
        "Choose one of the answers.",
        "Your age: Enter a number from 18 to 120.",
        "Mild, moderate or severe pain in the low back (lumbar) after 12 weeks.",
        "About 30 of 100 people had less leg pain at 1 year, against 25 of 100 with a sham shot.",
        "The ODI score (Oswestry Disability Index) measures daily life, from 0 to 100.",
        "regenspine does not give medical advice. See https://example.org/some_page_name.txt.",
        "A stem cell injection is not the same as an epidural steroid injection - or surgery.",
    ],
)
def test_the_finder_passes_plain_sentences(text: str) -> None:
    assert internal_tokens(text) == []


def test_seen_text_reads_source_lists_and_labels_but_not_scripts() -> None:
    html = (
        '<body><main><p>Plain</p><ol class="source-list"><li>Source text a.txt</li></ol>'
        '<a aria-label="Source no_data" href="#x">[1]</a><script>var snake_case = 1;</script>'
        '<input type="hidden" name="profile" value="leg_pain"></main></body>'
    )
    assert seen_text(html) == "Plain Source text a.txt Source no_data [1]"
