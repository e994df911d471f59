"""Hostile input on every write of the registry's JSON API: 422 naming the field, no identifying
value repeated, nothing stored, on SQLite and on PostgreSQL.

One registry per engine serves the whole module: every case must leave it as it found it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.factories.hostile import (
    FAR_FUTURE,
    FAR_PAST,
    HUGE_NUMBER,
    LONG_TEXT,
    NUL_TEXT,
    hostile_patient,
    leaked_identity,
)
from tests.factories.procedures import BONE_MARROW_PROCEDURE, changed
from tests.factories.registry import PASSWORD, row_counts

from regenspine.config import Settings
from regenspine.registry.database import Registry
from regenspine.registry.services.episodes import open_episode
from regenspine.registry.services.patients import add_patient
from regenspine.registry.services.tokens import issue_api_token
from regenspine.registry.services.users import add_user
from regenspine.web.app import create_app


@pytest.fixture(scope="module")
def patient(module_registry: Registry) -> str:
    """The sample patient (Grace Example, MRN-100) with an open episode; their registry key."""
    with module_registry.transaction() as session:
        admin = add_user(session, None, username="ada", role="admin", password=PASSWORD)
        record = {"name": "Grace Example", "birth_date": "1957-06-02", "sex": "female"}
        added = add_patient(session, admin, {**record, "mrn": "MRN-100"}, "set-up")
        started = {"region": "lumbar", "started_on": "2026-02-16"}
        open_episode(session, admin, added.registry_key, started, "set-up")
        return added.registry_key


@pytest.fixture(scope="module")
def api(
    module_registry: Registry, patient: str, tmp_path_factory: pytest.TempPathFactory
) -> TestClient:
    """A client sending the admin's API token (admins may make every write)."""
    with module_registry.transaction() as session:
        from regenspine.registry.services.users import find_user

        token = issue_api_token(session, find_user(session, "ada"), "ada", "hostile tests")
    data: Path = tmp_path_factory.mktemp("hostile-web")
    app = create_app(Settings(data_dir=data), module_registry)
    client = TestClient(app, raise_server_exceptions=False)
    client.headers["authorization"] = f"Bearer {token}"
    return client


Body = Callable[[str], Any]


def _procedure(**changes: Any) -> Body:
    return lambda key: {"patient": key, **changed(BONE_MARROW_PROCEDURE, **changes)}


def _assessment(**changes: Any) -> Body:
    values = {
        "instrument": "nrs_leg",
        "answers": [4],
        "timepoint": "6m",
        "assessed_on": "2026-09-02",
    }
    return lambda key: {"patient": key, **values, **changes}


def _adverse_event(**changes: Any) -> Body:
    values = {
        "description": "Bruising",
        "category": "bleeding",
        "site": "harvest",
        "grade": 1,
        "relatedness": "definite",
        "onset_on": "2026-03-03",
        "outcome": "recovering",
    }
    return lambda key: {"patient": key, **values, **changes}


# (path, the hostile body for the patient's key, the field the 422 names)
CASES: dict[str, tuple[str, Body, str]] = {
    "patients-nul-name": ("/patients", lambda k: hostile_patient(name=NUL_TEXT), "name"),
    "patients-long-name": ("/patients", lambda k: hostile_patient(name=LONG_TEXT), "name"),
    "patients-list-name": ("/patients", lambda k: hostile_patient(name=["Z", "Q"]), "name"),
    "patients-far-birth": (
        "/patients",
        lambda k: hostile_patient(birth_date=FAR_FUTURE),
        "birth_date",
    ),
    "patients-ancient-birth": (
        "/patients",
        lambda k: hostile_patient(birth_date=FAR_PAST),
        "birth_date",
    ),
    "patients-nul-mrn": ("/patients", lambda k: hostile_patient(mrn="MRN\x00ZQ"), "mrn"),
    "patients-number-name": ("/patients", lambda k: hostile_patient(name=42), "name"),
    "check-nul-site": ("/procedures/check", _procedure(harvest__site=NUL_TEXT), "harvest.site"),
    "check-far-date": ("/procedures/check", _procedure(performed_on=FAR_FUTURE), "performed_on"),
    "procedures-nul-site": ("/procedures", _procedure(harvest__site=NUL_TEXT), "harvest.site"),
    "procedures-long-operator": (
        "/procedures",
        _procedure(injection__operator=LONG_TEXT),
        "injection.operator",
    ),
    "procedures-far-date": ("/procedures", _procedure(performed_on=FAR_FUTURE), "performed_on"),
    "procedures-ancient-date": ("/procedures", _procedure(performed_on=FAR_PAST), "performed_on"),
    "procedures-text-levels": (
        "/procedures",
        _procedure(injection__levels="L4-L5"),
        "injection.levels",
    ),
    "procedures-text-volume": (
        "/procedures",
        _procedure(harvest__volume_ml="sixty"),
        "harvest.volume_ml",
    ),
    "procedures-huge-episode": (
        "/procedures",
        lambda k: {**_procedure()(k), "episode": HUGE_NUMBER},
        "procedure.episode",
    ),
    "assessments-far-date": (
        "/assessments",
        _assessment(assessed_on=FAR_FUTURE),
        "assessment.assessed_on",
    ),
    "assessments-nul-timepoint": ("/assessments", _assessment(timepoint="6m\x00"), "timepoint"),
    "assessments-long-instrument": (
        "/assessments",
        _assessment(instrument=LONG_TEXT),
        "instrument",
    ),
    "assessments-text-answers": ("/assessments", _assessment(answers="4"), "answers"),
    "assessments-huge-episode": ("/assessments", _assessment(episode=HUGE_NUMBER), "episode"),
    "adverse-nul-description": (
        "/adverse-events",
        _adverse_event(description=NUL_TEXT),
        "description",
    ),
    "adverse-list-description": (
        "/adverse-events",
        _adverse_event(description=["bleeding"]),
        "description",
    ),
    "adverse-text-grade": ("/adverse-events", _adverse_event(grade="three"), "grade"),
    "adverse-ancient-onset": (
        "/adverse-events",
        _adverse_event(onset_on=FAR_PAST),
        "adverse_event.onset_on",
    ),
    "adverse-huge-procedure": (
        "/adverse-events",
        _adverse_event(procedure=HUGE_NUMBER),
        "adverse_event.procedure",
    ),
}


@pytest.mark.parametrize("name", CASES)
def test_hostile_input_is_422_naming_the_field_and_stores_nothing(
    api: TestClient, module_registry: Registry, patient: str, name: str
) -> None:
    path, body, field = CASES[name]
    before = row_counts(module_registry)
    response = api.post(f"/api/v1{path}", json=body(patient))
    assert response.status_code == 422, response.text[:500]
    error = response.json()
    assert error["error"] == "InvalidInput"
    assert error["field"] == field, error
    assert error["detail"].startswith(field)
    assert leaked_identity(response.text) == []
    assert row_counts(module_registry) == before
