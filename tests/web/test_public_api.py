"""The public JSON API: the same answers as the rules, and 422 naming field and allowed values."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from fastapi.testclient import TestClient
from icalendar import Calendar
from tests.factories.profiles import SURE_IDS, VALUE_IDS, candidate_profile

from regenspine.decision_aid.costs import cost_query, estimate_costs
from regenspine.decision_aid.options import compare_options
from regenspine.decision_aid.profile import parse_profile
from regenspine.decision_aid.screening import screen_candidate

API = "/api/v1"


def problem(response: Any) -> dict[str, Any]:
    """The body of a 422 answer, checked to be an InvalidInput naming its field."""
    assert response.status_code == 422, response.text
    body: dict[str, Any] = response.json()
    assert body["error"] == "InvalidInput"
    assert body["detail"].startswith(body["field"])
    return body


def test_screening_gives_the_rules_answer(client: TestClient) -> None:
    response = client.post(f"{API}/screening", json=candidate_profile(severity="severe"))
    assert response.status_code == 200
    expected = screen_candidate(parse_profile(candidate_profile(severity="severe")))
    assert response.json() == expected.model_dump(mode="json")
    assert response.json()["category"] == "surgical_evaluation"


def test_screening_red_flags_come_first(client: TestClient) -> None:
    body = client.post(
        f"{API}/screening", json=candidate_profile(red_flags=["fever_with_back_pain"])
    ).json()
    assert body["category"] == "urgent_care"
    assert body["reasons"][0]["code"] == "red_flag.fever_with_back_pain"


@pytest.mark.parametrize(
    ("changes", "field", "allowed"),
    [
        ({"age": 12}, "age", "18 to 120"),
        ({"age": "66"}, "age", "a whole number, 18 to 120"),
        ({"region": "knee"}, "region", ["lumbar", "cervical", "thoracic"]),
        (
            {"imaging": {"bony_compression_percent": 120}},
            "imaging.bony_compression_percent",
            "0 to 100",
        ),
        ({"imaging": {"disc_bulge": "yes"}}, "imaging.disc_bulge", ["true", "false"]),
        ({"symptom_weeks": -1}, "symptom_weeks", "0 or more"),
        ({"colour": "blue"}, "colour", None),
    ],
)
def test_bad_profiles_name_the_field_and_the_allowed_values(
    client: TestClient, changes: dict[str, Any], field: str, allowed: str | list[str] | None
) -> None:
    body = problem(client.post(f"{API}/screening", json=candidate_profile(**changes)))
    assert body["field"] == field
    if allowed is not None:
        assert body["allowed"] == allowed
    else:
        assert "age" in body["allowed"]
        assert "imaging" in body["allowed"]


def test_a_nested_unknown_key_lists_the_keys_of_that_object(client: TestClient) -> None:
    profile = candidate_profile(imaging={"tumour": True})
    body = problem(client.post(f"{API}/screening", json=profile))
    assert body["field"] == "imaging.tumour"
    assert body["allowed"] == [
        "known",
        "disc_bulge",
        "ligamentum_flavum_hypertrophy",
        "facet_arthropathy",
        "bony_compression_percent",
        "instability",
    ]


def test_a_body_that_is_not_json_is_named_as_the_body(client: TestClient) -> None:
    response = client.post(
        f"{API}/screening", content=b"{age: 66", headers={"content-type": "application/json"}
    )
    body = problem(response)
    assert body["field"] == "body"
    assert body["allowed"] == "valid JSON"


def test_every_problem_is_listed_not_only_the_first(client: TestClient) -> None:
    body = problem(client.post(f"{API}/screening", json=candidate_profile(age=5, region="x")))
    assert {item["field"] for item in body["errors"]} == {"age", "region"}


def test_options_by_region_and_a_bad_region(client: TestClient) -> None:
    body = client.get(f"{API}/options", params={"region": "cervical"}).json()
    assert body == compare_options("cervical").model_dump(mode="json")
    bad = problem(client.get(f"{API}/options", params={"region": "elbow"}))
    assert bad["field"] == "region"


def test_costs_with_travel_match_the_rule(client: TestClient) -> None:
    query = {
        "country": "mexico",
        "travel_cost": 600,
        "companions": 1,
        "nights": 5,
        "nightly_cost": 120,
    }
    body = client.post(f"{API}/costs", json=query).json()
    assert body["travel"]["amount"] == 1800.0
    assert body == estimate_costs(cost_query(**query)).model_dump(mode="json")


def test_cost_rule_errors_come_back_as_the_domain_error(client: TestClient) -> None:
    body = problem(client.post(f"{API}/costs", json={"currency": "EUR"}))
    assert body["field"] == "currency"
    assert body["allowed"] == ["USD"]


def test_recovery_plan_and_calendar(client: TestClient) -> None:
    plan = client.post(f"{API}/recovery", json={"procedure_date": "2026-01-31"}).json()
    assert plan["procedure_date"] == "2026-01-31"
    assert plan["phases"][0]["first_day"] == "2026-01-31"
    ics = client.post(f"{API}/recovery/ics", json={"procedure_date": "2026-01-31"})
    assert ics.headers["content-type"] == "text/calendar; charset=utf-8"
    first = Calendar.from_ical(ics.content).walk("VEVENT")[0]
    assert first.decoded("dtstart") == dt.date(2026, 1, 31)
    bad = problem(client.post(f"{API}/recovery", json={"procedure_date": "31/01/2026"}))
    assert bad["field"] == "procedure_date"
    assert bad["allowed"] == "a date as YYYY-MM-DD"


def test_claims_check_and_its_limits(client: TestClient) -> None:
    body = client.post(f"{API}/claims/check", json={"text": "Zero risk. Cures stenosis."}).json()
    flags = body["flags"]
    found = [(flag["slug"], flag["count"], flag["examples"][0]["matched"]) for flag in flags]
    assert found == [("no-risk-claim", 1, "Zero risk"), ("cure-or-reversal", 1, "Cures")]
    assert body["disclaimer"]
    empty = problem(client.post(f"{API}/claims/check", json={"text": ""}))
    assert empty["field"] == "text"
    assert empty["allowed"] == "1 to 100,000 characters"
    over = client.post(f"{API}/claims/check", json={"text": "a" * 100_001})
    assert over.status_code == 422
    assert problem(over)["field"] == "text"
    assert problem(over)["allowed"] == "1 to 100,000 characters"


def test_claims_check_of_a_long_marketing_paste_sends_each_sign_once(client: TestClient) -> None:
    text = ("Only 3 spots left! Our cells cure stenosis. NFL players trust us. " * 2_000)[:100_000]
    response = client.post(f"{API}/claims/check", json={"text": text})
    assert response.status_code == 200
    body = response.json()
    assert [flag["rule_id"] for flag in body["flags"]] == ["R17", "R1", "R18"]
    assert all(flag["count"] > 1_000 and len(flag["examples"]) == 3 for flag in body["flags"])
    assert len(response.content) < 20_000


def test_clinic_questions(client: TestClient) -> None:
    body = client.get(f"{API}/clinic-questions").json()
    assert body["groups"]
    assert body["disclaimer"]


def test_values_and_their_errors(client: TestClient) -> None:
    answers = {
        "ratings": dict.fromkeys(VALUE_IDS, 4),
        "sure": dict.fromkeys(SURE_IDS, True),
        "leaning": "unsure",
    }
    body = client.post(f"{API}/values", json=answers).json()
    assert body["sure"]["score"] == 4
    assert body["leaning"]["id"] == "unsure"
    unknown = problem(client.post(f"{API}/values", json={**answers, "leaning": "magic"}))
    assert unknown["field"] == "leaning"
    assert "unsure" in unknown["allowed"]
    missing = problem(client.post(f"{API}/values", json={**answers, "ratings": {}}))
    assert missing["field"] == "ratings.leg_pain_relief"


def test_faq_answers_and_limits(client: TestClient) -> None:
    body = client.post(f"{API}/faq", json={"question": "What does it cost?", "top": 2}).json()
    assert 1 <= len(body["answers"]) <= 2
    assert all(answer["sources"] for answer in body["answers"])
    too_many = problem(client.post(f"{API}/faq", json={"question": "cost", "top": 50}))
    assert too_many["field"] == "top"
    assert too_many["allowed"] == "1 to 10"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"travel_cost": 1e30}, "travel_cost"),
        ({"nightly_cost": "12.345", "nights": 1}, "nightly_cost"),
        ({"nights": 10**30, "nightly_cost": 1}, "nights"),
        ({"companions": 10**6}, "companions"),
    ],
)
def test_amounts_and_counts_beyond_the_input_limits_are_refused(
    client: TestClient, changes: dict[str, Any], field: str
) -> None:
    body = problem(client.post(f"{API}/costs", json=changes))
    assert body["field"] == field
    assert body["allowed"]


@pytest.mark.parametrize("rating", [True, "3", 3.0])
def test_values_ratings_are_read_as_strictly_as_the_cli_reads_them(
    client: TestClient, rating: object
) -> None:
    answers = {
        "ratings": {**dict.fromkeys(VALUE_IDS, 2), "low_cost": rating},
        "sure": dict.fromkeys(SURE_IDS, True),
        "leaning": "unsure",
    }
    body = problem(client.post(f"{API}/values", json=answers))
    assert body["field"] == "ratings.low_cost"
