"""No input makes the app fail: junk in every form field, query and JSON body is answered < 500."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.support import SURE_IDS, VALUE_IDS, candidate_profile
from tests.web.support import candidate_form, values_form

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
