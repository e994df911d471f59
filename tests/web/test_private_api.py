"""The registry's JSON API: bearer tokens, roles, 422 naming the field and the allowed values,
a refused procedure as 422 with its checks, and the endpoints in OpenAPI with their scheme."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from tests.factories.procedures import BONE_MARROW_PROCEDURE, changed
from tests.factories.registry import ROLE_USERS, Acting, patient_record, row_counts

from regenspine.registry.database import Registry
from regenspine.registry.services.tokens import issue_api_token

ApiClient = Callable[[str], TestClient]


@pytest.fixture
def api(clinic_app: FastAPI, acting: Acting) -> ApiClient:
    """`api("researcher")`: a client that sends that role's API token with every request."""

    def _client(role: str) -> TestClient:
        with acting(role) as (session, user):
            token = issue_api_token(session, user, ROLE_USERS[role], "tests")
        client = TestClient(clinic_app, raise_server_exceptions=False)
        client.headers["authorization"] = f"Bearer {token}"
        return client

    return _client


def _procedure(patient_key: str, **changes: Any) -> dict[str, Any]:
    return {"patient": patient_key, **changed(BONE_MARROW_PROCEDURE, **changes)}


def test_no_token_or_an_unknown_one_is_401_with_the_bearer_challenge(
    clinic_app: FastAPI,
) -> None:
    client = TestClient(clinic_app, raise_server_exceptions=False)
    missing = client.get("/api/v1/patients")
    assert missing.status_code == 401
    assert missing.headers["www-authenticate"] == "Bearer"
    assert missing.json()["error"] == "Unauthorized"
    unknown = client.get("/api/v1/patients", headers={"authorization": "Bearer not-a-token"})
    assert unknown.status_code == 401
    assert "invalid_token" in unknown.headers["www-authenticate"]
    basic = client.get("/api/v1/patients", headers={"authorization": "Basic YWRhOnB3"})
    assert basic.status_code == 401


def test_researchers_get_registry_keys_only_and_may_not_write(
    api: ApiClient, staffed: Registry, patient_key: str
) -> None:
    researcher = api("researcher")
    listed = researcher.get("/api/v1/patients")
    assert listed.status_code == 200
    assert listed.json() == {
        "items": [
            {
                "registry_key": patient_key,
                "site": "main",
                "synthetic": False,
                "episodes": 1,
                "identity": None,
            }
        ],
        "next_cursor": None,
    }
    asked = researcher.get("/api/v1/patients", params={"identified": "true"})
    assert asked.status_code == 422
    assert asked.json()["field"] == "identified"
    before = row_counts(staffed)
    refused = researcher.post("/api/v1/patients", json=patient_record(mrn="MRN-9"))
    assert refused.status_code == 403
    assert "researcher" in refused.json()["detail"]
    assert (
        researcher.post("/api/v1/procedures/check", json=_procedure(patient_key)).status_code == 403
    )
    assert row_counts(staffed) == before


def test_the_care_team_sees_identities_and_adds_patients(api: ApiClient, patient_key: str) -> None:
    coordinator = api("coordinator")
    listed = coordinator.get("/api/v1/patients").json()["items"]
    assert listed[0]["identity"]["name"] == "Grace Example"
    added = coordinator.post("/api/v1/patients", json=patient_record(mrn="MRN-101", name="Ida"))
    assert added.status_code == 201
    assert added.json()["registry_key"].startswith("RS-")
    assert len(coordinator.get("/api/v1/patients").json()["items"]) == 2


@pytest.mark.parametrize(
    ("changes", "field", "allowed"),
    [
        ({"sex": "robot"}, "sex", "female"),
        ({"birth_date": "1957-02-30"}, "birth_date", "date"),
        ({"nickname": "G"}, "nickname", "birth_date"),
        ({"name": ""}, "name", "1 to 200 characters"),
    ],
)
def test_bad_patient_input_is_422_naming_the_field_and_the_allowed_values(
    api: ApiClient, changes: dict[str, str], field: str, allowed: str
) -> None:
    response = api("clinician").post("/api/v1/patients", json=patient_record(**changes))
    assert response.status_code == 422
    body = response.json()
    assert body["field"] == field
    assert allowed in str(body["allowed"])


def test_procedure_check_stores_nothing_and_a_refusal_is_422_with_every_check(
    api: ApiClient, staffed: Registry, patient_key: str
) -> None:
    clinician = api("clinician")
    before = row_counts(staffed)
    checked = clinician.post("/api/v1/procedures/check", json=_procedure(patient_key))
    assert checked.status_code == 200
    assert checked.json()["refused"] is False
    assert len(checked.json()["checks"]) == 5
    document = _procedure(patient_key, injection__image_guidance="none")
    preview = clinician.post("/api/v1/procedures/check", json=document).json()
    assert preview["refused"] is True
    assert preview["checks"][0]["outcome"] == "refused"
    refused = clinician.post("/api/v1/procedures", json=document)
    assert refused.status_code == 422
    body = refused.json()
    assert body["field"] == "injection.image_guidance"
    assert next(check["outcome"] for check in body["checks"]) == "refused"
    assert all(check["sources"] for check in body["checks"])
    assert row_counts(staffed) == before
    saved = clinician.post("/api/v1/procedures", json=_procedure(patient_key))
    assert saved.status_code == 201
    assert saved.json()["procedure_id"] >= 1
    assert row_counts(staffed)["follow_up"] == 7


@pytest.mark.parametrize(
    ("document", "field"),
    [
        ({"injection__levels": ["L4-L6"]}, "injection.levels[0]"),
        ({"harvest__source": "placenta"}, "harvest.source"),
        ({"injection__operator": "x" * 500}, "injection.operator"),
        ({"performed_on": "9999-12-30"}, "performed_on"),
        ({"harvest__site": "crest\x00"}, "harvest.site"),
    ],
)
def test_bad_procedure_input_is_422_naming_the_exact_field(
    api: ApiClient, patient_key: str, document: dict[str, Any], field: str
) -> None:
    response = api("clinician").post("/api/v1/procedures", json=_procedure(patient_key, **document))
    assert response.status_code == 422
    assert response.json()["field"] == field


def test_an_unknown_patient_or_episode_is_404(api: ApiClient) -> None:
    clinician = api("clinician")
    unknown = clinician.post("/api/v1/procedures/check", json=_procedure("RS-NOTHERE"))
    assert unknown.status_code == 404
    episode = {**_procedure("RS-NOTHERE"), "episode": 424242}
    del episode["patient"]
    assert clinician.post("/api/v1/procedures/check", json=episode).status_code == 404
    episode["episode"] = 10**30
    assert clinician.post("/api/v1/procedures/check", json=episode).json()["field"] == (
        "procedure.episode"
    )


def test_an_assessment_is_scored_and_stored(api: ApiClient, patient_key: str) -> None:
    coordinator = api("coordinator")
    body = {
        "patient": patient_key,
        "instrument": "odi",
        "answers": [2, 2, 2, 2, 2, 2, 2, None, 2, 2],
        "timepoint": "3m",
        "assessed_on": "2026-12-01",
    }
    response = coordinator.post("/api/v1/assessments", json=body)
    assert response.status_code == 201
    assert response.json()["scored"]["score"] == 40.0
    duplicate = coordinator.post("/api/v1/assessments", json=body)
    assert duplicate.status_code == 409
    out_of_range = coordinator.post("/api/v1/assessments", json={**body, "answers": [9] * 10})
    assert out_of_range.status_code == 422
    assert out_of_range.json()["allowed"] == "0-5"
    as_true = coordinator.post("/api/v1/assessments", json={**body, "answers": [True] * 10})
    assert as_true.status_code == 422
    assert as_true.json()["field"] == "answers[0]"


def test_an_adverse_event_is_graded_and_stored(
    api: ApiClient, patient_key: str, staffed: Registry
) -> None:
    event = {
        "patient": patient_key,
        "description": "Bruising at the harvest site",
        "category": "bleeding",
        "site": "harvest",
        "grade": 1,
        "relatedness": "definite",
        "onset_on": "2026-09-03",
        "resolved_on": "2026-09-10",
        "outcome": "recovered",
    }
    response = api("clinician").post("/api/v1/adverse-events", json=event)
    assert response.status_code == 201
    assert response.json()["assessment"]["serious"] is False
    bad = api("clinician").post("/api/v1/adverse-events", json={**event, "grade": "1"})
    assert bad.status_code == 422
    assert bad.json()["field"] == "grade"
    assert row_counts(staffed)["adverse_event"] == 1


def test_a_grade_4_event_without_a_seriousness_criterion_is_refused_by_the_api(
    api: ApiClient, patient_key: str, staffed: Registry
) -> None:
    event = {
        "patient": patient_key,
        "description": "Anaphylaxis after the injection",
        "category": "allergic",
        "site": "systemic",
        "grade": 4,
        "serious_criteria": [],
        "relatedness": "probable",
        "onset_on": "2026-09-03",
        "resolved_on": "2026-09-04",
        "outcome": "recovered",
    }
    response = api("clinician").post("/api/v1/adverse-events", json=event)
    assert response.status_code == 422
    body = response.json()
    assert body["field"] == "serious_criteria"
    assert "serious by definition" in body["detail"]
    assert "ICH E2A" in body["detail"]
    assert body["allowed"].startswith("serious: at least one of life_threatening")
    assert row_counts(staffed)["adverse_event"] == 0
    saved = api("clinician").post(
        "/api/v1/adverse-events", json={**event, "serious_criteria": ["life_threatening"]}
    )
    assert saved.status_code == 201
    assert saved.json()["assessment"]["serious"] is True


def test_follow_ups_due_are_listed_for_any_role(api: ApiClient, visit_due_today: int) -> None:
    due = api("researcher").get("/api/v1/follow-ups/due", params={"within": "1d"})
    assert due.status_code == 200
    visits = due.json()
    assert [visit["follow_up_id"] for visit in visits] == [visit_due_today]
    assert visits[0]["due_on"] == dt.date.today().isoformat()
    bad = api("researcher").get("/api/v1/follow-ups/due", params={"within": "forever"})
    assert bad.status_code == 422
    assert bad.json()["field"] == "within"


def test_openapi_lists_the_registry_endpoints_with_the_bearer_scheme(
    clinic_app: FastAPI,
) -> None:
    document = TestClient(clinic_app).get("/openapi.json").json()
    scheme = document["components"]["securitySchemes"]["ApiToken"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    private = {
        ("/api/v1/patients", "get"),
        ("/api/v1/patients", "post"),
        ("/api/v1/procedures/check", "post"),
        ("/api/v1/procedures", "post"),
        ("/api/v1/assessments", "post"),
        ("/api/v1/adverse-events", "post"),
        ("/api/v1/follow-ups/due", "get"),
    }
    for path, method in private:
        assert document["paths"][path][method]["security"] == [{"ApiToken": []}], path
    assert "security" not in document["paths"]["/api/v1/screening"]["post"]
    assert not any(path.startswith(("/clinic", "/r/")) for path in document["paths"])
