"""No input makes the app fail: junk in every form field, query and JSON body is answered < 500,
on the public endpoints and on the registry's token-authenticated ones."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from tests.factories.pages import candidate_form, values_form
from tests.factories.procedures import BONE_MARROW_PROCEDURE
from tests.factories.profiles import SURE_IDS, VALUE_IDS, candidate_profile
from tests.factories.registry import Acting, patient_record
from tests.factories.workspace import Clinic, procedure_form

from regenspine.registry.database import Registry
from regenspine.registry.models import Episode
from regenspine.registry.services.tokens import issue_api_token

JUNK = (
    "",
    " ",
    "abc",
    "-1",
    "0",
    "1e400",
    "nan",
    "-inf",
    "99999999999999999999999",
    "3.5",
    "\x00",
    "😀" * 50,
    "<script>alert(1)</script>",
    "x" * 20_000,
    "[]",
    "{}",
    "null",
    "true",
    "2026-02-30",
    "../../etc/passwd",
    '{"age": 66}',
)
PROFILE = json.dumps(candidate_profile())
VALUES = json.dumps(
    {
        "ratings": dict.fromkeys(VALUE_IDS, 2),
        "sure": dict.fromkeys(SURE_IDS, True),
        "leaning": "unsure",
    }
)

# (method, path, a valid submission); every field of it is replaced by each junk value in turn.
FORMS: list[tuple[str, str, dict[str, Any]]] = [
    ("GET", "/screening", {"checked": "yes", "red_flags": "major_trauma"}),
    (
        "POST",
        "/screening",
        {**candidate_form(), "red_flags": "saddle_anesthesia", "contraindications": "pregnancy"},
    ),
    ("GET", "/options", {"region": "lumbar"}),
    (
        "GET",
        "/costs",
        {
            "option": "decompression",
            "country": "mexico",
            "travel_cost": "600",
            "companions": "1",
            "nights": "5",
            "nightly_cost": "120",
            "procedures": "1",
        },
    ),
    ("POST", "/claims", {"text": "Our cells cure stenosis."}),
    ("GET", "/recovery", {"procedure_date": "2026-03-02"}),
    ("GET", "/recovery.ics", {"procedure_date": "2026-03-02"}),
    ("POST", "/values", {**values_form(), "profile": PROFILE, "stage": "answers"}),
    ("POST", "/summary", {"profile": PROFILE, "values": VALUES, "download": "yes"}),
    ("GET", "/faq", {"q": "What does it cost?"}),
]
# (method, path, a valid JSON body); fields are replaced by arbitrary JSON by hypothesis.
API_BODIES: list[tuple[str, dict[str, Any]]] = [
    ("/api/v1/screening", candidate_profile()),
    ("/api/v1/costs", {"country": "mexico", "travel_cost": 600, "nights": 2, "nightly_cost": 90}),
    ("/api/v1/recovery", {"procedure_date": "2026-03-02"}),
    ("/api/v1/recovery/ics", {"procedure_date": "2026-03-02"}),
    ("/api/v1/claims/check", {"text": "Zero risk."}),
    ("/api/v1/values", json.loads(VALUES)),
    ("/api/v1/faq", {"question": "cost?", "top": 2}),
]
# The client is session-wide and keeps no state between examples, so sharing it is safe.
SHARED_CLIENT = [HealthCheck.function_scoped_fixture]
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)


def post_json(client: TestClient, path: str, body: Any) -> Any:
    """POST any JSON, even Infinity and NaN, which some clients send (httpx refuses to)."""
    content = json.dumps(body).encode("utf-8")
    return client.post(path, content=content, headers={"content-type": "application/json"})


def submit(client: TestClient, method: str, path: str, fields: dict[str, Any]) -> int:
    """Send the fields as a query (GET) or a form (POST); the status code."""
    if method == "GET":
        return client.get(path, params=fields).status_code
    return client.post(path, data=fields).status_code


@pytest.mark.parametrize(("method", "path", "valid"), FORMS, ids=[f[1] for f in FORMS])
def test_junk_in_any_form_field_is_never_a_server_error(
    client: TestClient, method: str, path: str, valid: dict[str, Any]
) -> None:
    assert submit(client, method, path, valid) == 200
    for field in valid:
        for junk in JUNK:
            status = submit(client, method, path, {**valid, field: junk})
            assert status < 500, (path, field, junk[:30])
        assert submit(client, method, path, {k: v for k, v in valid.items() if k != field}) < 500
        assert submit(client, method, path, {**valid, field: ["a", "b"]}) < 500


@pytest.mark.parametrize("path", ["/screening", "/claims", "/values", "/summary"])
def test_a_file_upload_or_an_odd_body_is_refused_not_crashed(client: TestClient, path: str) -> None:
    upload = client.post(path, files={"text": ("a.txt", b"cure", "text/plain")})
    assert upload.status_code < 500
    odd = client.post(path, content=b"\xff\xfe\x00junk", headers={"content-type": "text/plain"})
    assert odd.status_code < 500


@pytest.mark.parametrize("path", ["/learn/%00", "/learn/" + "x" * 5000, "/learn/..%2F..", "/%F0"])
def test_odd_addresses_are_not_server_errors(client: TestClient, path: str) -> None:
    assert client.get(path).status_code < 500


@pytest.mark.parametrize(("path", "valid"), API_BODIES, ids=[b[0] for b in API_BODIES])
@settings(max_examples=60, deadline=None, suppress_health_check=SHARED_CLIENT)
@given(data=st.data())
def test_any_json_in_any_api_field_is_never_a_server_error(
    client: TestClient, path: str, valid: dict[str, Any], data: st.DataObject
) -> None:
    field = data.draw(st.sampled_from([*valid, "unknown_key"]))
    body = {**valid, field: data.draw(json_values)}
    response = post_json(client, path, body)
    assert response.status_code < 500, (path, body)
    if response.status_code == 422:
        assert response.json()["field"]


@settings(max_examples=40, deadline=None, suppress_health_check=SHARED_CLIENT)
@given(body=json_values)
def test_any_json_document_as_a_whole_body_is_never_a_server_error(
    client: TestClient, body: Any
) -> None:
    for path, _ in API_BODIES:
        assert post_json(client, path, body).status_code < 500, (path, body)
    assert client.get("/api/v1/options", params={"region": json.dumps(body)}).status_code < 500


# The registry endpoints, with an API token: any JSON in any field, nested ones included.
PRIVATE_BODIES: list[tuple[str, Callable[[str], dict[str, Any]]]] = [
    ("/api/v1/patients", lambda key: patient_record(mrn=None)),
    ("/api/v1/procedures/check", lambda key: {"patient": key, **BONE_MARROW_PROCEDURE}),
    ("/api/v1/procedures", lambda key: {"patient": key, **BONE_MARROW_PROCEDURE}),
    (
        "/api/v1/assessments",
        lambda key: {
            "patient": key,
            "instrument": "nrs_leg",
            "answers": [4],
            "timepoint": "6m",
            "assessed_on": "2026-12-01",
        },
    ),
    (
        "/api/v1/adverse-events",
        lambda key: {
            "patient": key,
            "description": "Bruising",
            "category": "bleeding",
            "site": "harvest",
            "grade": 1,
            "relatedness": "definite",
            "onset_on": "2026-09-03",
            "outcome": "recovering",
        },
    ),
]


def _paths(document: dict[str, Any], prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every key path in a JSON object, nested objects included."""
    found = []
    for key, value in document.items():
        found.append((*prefix, key))
        if isinstance(value, dict):
            found.extend(_paths(value, (*prefix, key)))
    return found


def _replaced(document: dict[str, Any], path: tuple[str, ...], value: Any) -> dict[str, Any]:
    copy = json.loads(json.dumps(document))
    holder = copy
    for key in path[:-1]:
        holder = holder[key]
    holder[path[-1]] = value
    return copy


@pytest.fixture
def token_client(clinic_app: FastAPI, acting: Acting) -> TestClient:
    """A client sending a clinician's API token."""
    with acting("clinician") as (session, user):
        token = issue_api_token(session, user, "cleo", "junk tests")
    client = TestClient(clinic_app, raise_server_exceptions=False)
    client.headers["authorization"] = f"Bearer {token}"
    return client


@pytest.mark.parametrize(("path", "valid"), PRIVATE_BODIES, ids=[b[0] for b in PRIVATE_BODIES])
@settings(max_examples=40, deadline=None, suppress_health_check=SHARED_CLIENT)
@given(data=st.data())
def test_any_json_in_any_registry_api_field_is_never_a_server_error(
    token_client: TestClient,
    patient_key: str,
    path: str,
    valid: Callable[[str], dict[str, Any]],
    data: st.DataObject,
) -> None:
    document = valid(patient_key)
    where = data.draw(st.sampled_from([*_paths(document), ("unknown_key",)]))
    body = _replaced(document, where, data.draw(json_values))
    response = post_json(token_client, path, body)
    assert response.status_code < 500, (path, body)
    if response.status_code == 422:
        assert response.json()["field"]


@settings(max_examples=25, deadline=None, suppress_health_check=SHARED_CLIENT)
@given(body=json_values, within=st.text(max_size=30))
def test_any_whole_body_or_query_on_the_registry_api_is_never_a_server_error(
    token_client: TestClient, body: Any, within: str
) -> None:
    for path, _ in PRIVATE_BODIES:
        assert post_json(token_client, path, body).status_code < 500, (path, body)
    due = token_client.get("/api/v1/follow-ups/due", params={"within": within})
    assert due.status_code < 500, within
    listed = token_client.get("/api/v1/patients", params={"identified": within})
    assert listed.status_code < 500, within


# The workspace forms, signed in as an admin (every form is allowed): junk in every field.
WORKSPACE_JUNK = ("", "abc", "-1", "1e400", "nan", "\x00", "x" * 5_000, "2026-02-30", "99999999999")


def _workspace_forms(key: str, episode: int) -> list[tuple[str, str, dict[str, Any]]]:
    procedure = procedure_form(key)
    return [
        ("POST", "/clinic/patients", {"name": "Ida", "birth_date": "1950-01-01", "sex": "female"}),
        (
            "POST",
            f"/clinic/patients/{key}/episodes",
            {"region": "lumbar", "started_on": "2026-09-02"},
        ),
        (
            "POST",
            f"/clinic/episodes/{episode}/screening",
            {**candidate_form(), "screened_on": "2026-09-02"},
        ),
        (
            "POST",
            f"/clinic/episodes/{episode}/consent",
            {"kind": "registry", "given": "yes", "recorded_on": "2026-09-02"},
        ),
        ("POST", "/clinic/procedures/check", procedure),
        (
            "POST",
            "/clinic/assessments",
            {
                "patient": key,
                "instrument": "nrs_leg",
                "timepoint": "6m",
                "assessed_on": "2026-12-01",
                "nrs_leg.1": "4",
            },
        ),
        (
            "POST",
            "/clinic/adverse-events",
            {
                "patient": key,
                "description": "Bruising",
                "category": "bleeding",
                "site": "harvest",
                "grade": "1",
                "relatedness": "definite",
                "onset_on": "2026-09-03",
                "outcome": "recovering",
            },
        ),
        (
            "POST",
            "/clinic/interventions",
            {"patient": key, "kind": "other", "performed_on": "2026-10-01"},
        ),
        ("GET", "/clinic/follow-ups", {"within": "14d"}),
        (
            "GET",
            "/clinic/assessments/new",
            {"patient": key, "instrument": "odi", "timepoint": "3m"},
        ),
        ("GET", "/clinic/audit", {"entity": "patient"}),
    ]


def test_junk_in_any_workspace_form_field_is_never_a_server_error(
    signed_in: Callable[[str], Clinic], patient_key: str, staffed: Registry
) -> None:
    clinic = signed_in("admin")
    with staffed.sessions() as session:
        episode = session.scalars(select(Episode.id)).one()
    for method, path, valid in _workspace_forms(patient_key, episode):
        send = clinic.post if method == "POST" else (lambda p, d: clinic.get(p, params=d))
        assert send(path, valid).status_code < 400, path
        for field in valid:
            for junk in WORKSPACE_JUNK:
                status = send(path, {**valid, field: junk}).status_code
                assert status < 500, (path, field, junk[:20])
            assert send(path, {k: v for k, v in valid.items() if k != field}).status_code < 500
