"""Hostile input on every registry write command: one error line naming the field, exit code 2,
no traceback, no identifying value repeated, and nothing stored, on SQLite and on PostgreSQL.

One registry per engine serves the whole module: every case must leave it as it found it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from tests.factories.cli import (
    EPISODE_STARTED,
    PASSWORD,
    Clinic,
    adverse_event_record,
    point_cli_at,
    procedure_record,
    run,
)
from tests.factories.hostile import (
    FAR_FUTURE,
    FAR_PAST,
    HUGE_NUMBER,
    LONG_TEXT,
    NUL_TEXT,
    hostile_patient,
    leaked_identity,
)
from tests.factories.profiles import candidate_profile

from regenspine.registry.database import Registry
from regenspine.registry.services.episodes import open_episode
from regenspine.registry.services.patients import add_patient
from regenspine.registry.services.users import add_user, find_user

# The longest error line a case may print: the field, the problem and the allowed values.
LONGEST_LINE = 300


@pytest.fixture(scope="module")
def clinic(module_registry: Registry, tmp_path_factory: pytest.TempPathFactory) -> Clinic:
    """One user per role and the sample patient (Grace Example) with an open episode."""
    with module_registry.transaction() as session:
        admin = add_user(session, None, username="admin", role="admin", password=PASSWORD)
        for role in ("clinician", "coordinator"):
            add_user(session, admin, username=role, role=role, password=PASSWORD)
        clinician = find_user(session, "clinician")
        record = {"name": "Grace Example", "birth_date": "1957-06-02", "sex": "female"}
        patient = add_patient(session, clinician, {**record, "mrn": "MRN-100"}, "set-up")
        started = {"region": "lumbar", "started_on": EPISODE_STARTED}
        episode = open_episode(session, clinician, patient.registry_key, started, "set-up")
        key, episode_id = patient.registry_key, episode.id
    folder = tmp_path_factory.mktemp("hostile-cli")
    return Clinic(registry=module_registry, patient=key, episode=episode_id, folder=folder)


@pytest.fixture(autouse=True)
def _cli_on_the_clinic(clinic: Clinic, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    point_cli_at(clinic.registry.url, monkeypatch, tmp_path)


@dataclass(frozen=True)
class Case:
    """A write command with one hostile value, and the field its error line must name."""

    field: str
    args: Callable[[Clinic], list[str]]
    stdin: str | None = None


def _file(clinic: Clinic, data: Any) -> str:
    return clinic.write_json("hostile.json", data)


def _patient(**changes: Any) -> Case:
    field = "patient." + next(iter(changes))
    return Case(
        field, lambda c: ["patients", "add", "--json", _file(c, hostile_patient(**changes))]
    )


def _procedure(field: str, **changes: Any) -> Case:
    return Case(
        field,
        lambda c: ["procedures", "add", "--json", _file(c, procedure_record(c.patient, **changes))],
    )


def _medication(field: str, **changes: Any) -> Case:
    record = {"drug": "ibuprofen", "is_nsaid": True, "started_on": "2026-02-20", **changes}
    return Case(
        field,
        lambda c: ["medications", "add", "--json", _file(c, {"patient": c.patient, **record})],
    )


def _adverse_event(field: str, **changes: Any) -> Case:
    return Case(
        field,
        lambda c: [
            "adverse-events",
            "add",
            "--json",
            _file(c, adverse_event_record(c.patient, **changes)),
        ],
    )


def _episode(*options: str, field: str) -> Case:
    return Case(field, lambda c: ["episodes", "add", c.patient, "--region", "lumbar", *options])


def _assess(field: str, answers: str = "4", timepoint: str = "6m", on: str = "2026-09-02") -> Case:
    return Case(
        field,
        lambda c: [
            "assess",
            c.patient,
            "nrs_leg",
            "--answers",
            answers,
            "--timepoint",
            timepoint,
            "--on",
            on,
        ],
    )


def _intervention(field: str, *options: str, on: str = "2026-10-01") -> Case:
    return Case(
        field,
        lambda c: ["interventions", "add", c.patient, "--kind", "other", "--on", on, *options],
    )


def _consent(field: str, *options: str) -> Case:
    return Case(
        field,
        lambda c: [
            "episodes",
            "consent",
            str(c.episode),
            "--kind",
            "registry",
            "--given",
            *options,
        ],
    )


def _screen(field: str, on: str | None = None, **changes: Any) -> Case:
    def args(c: Clinic) -> list[str]:
        path = _file(c, candidate_profile(**changes))
        return [
            "episodes",
            "screen",
            str(c.episode),
            "--profile",
            path,
            *(["--on", on] if on else []),
        ]

    return Case(field, args)


def _user(field: str, *options: str, name: str = "ida") -> Case:
    return Case(
        field,
        lambda c: ["users", "add", name, "--role", "clinician", "--password-stdin", *options],
        stdin=PASSWORD + "\n",
    )


CASES: dict[str, Case] = {
    # patients add: identity in the input itself
    "patients-nul-name": _patient(name=NUL_TEXT),
    "patients-long-name": _patient(name=LONG_TEXT),
    "patients-list-name": _patient(name=["Zebedee", "Quartermain"]),
    "patients-future-birth": _patient(birth_date=FAR_FUTURE),
    "patients-ancient-birth": _patient(birth_date=FAR_PAST),
    "patients-number-birth": _patient(birth_date=19500304),
    "patients-nul-mrn": _patient(mrn="MRN\x00ZQ"),
    "patients-long-mrn": _patient(mrn=LONG_TEXT),
    "patients-nul-reason": Case(
        "audit_event.reason",
        lambda c: ["patients", "add", "--json", _file(c, hostile_patient()), "--reason", NUL_TEXT],
    ),
    # episodes
    "episodes-far-start": _episode("--started", FAR_FUTURE, field="episode.started_on"),
    "episodes-ancient-start": _episode("--started", FAR_PAST, field="episode.started_on"),
    "episodes-nul-diagnosis": _episode("--diagnosis", "M48\x00", field="episode.diagnosis_code"),
    "episodes-nul-patient": Case(
        "patient", lambda c: ["episodes", "add", c.patient + "\x00", "--region", "lumbar"]
    ),
    "episodes-long-patient": Case(
        "patient", lambda c: ["episodes", "add", LONG_TEXT, "--region", "lumbar"]
    ),
    "episodes-close-far": Case(
        "episode.closed_on", lambda c: ["episodes", "close", str(c.episode), "--on", FAR_FUTURE]
    ),
    "episodes-close-huge": Case(
        "episode", lambda c: ["episodes", "close", str(HUGE_NUMBER), "--on", "2026-09-01"]
    ),
    "episodes-screen-far": _screen("screening.screened_on", on=FAR_FUTURE),
    "episodes-screen-text-age": _screen("age", age="sixty-eight"),
    "episodes-screen-nul": _screen("region", region=NUL_TEXT),
    "episodes-consent-nul": _consent("consent.form_version", "--form-version", NUL_TEXT),
    "episodes-consent-long": _consent("consent.form_version", "--form-version", LONG_TEXT),
    "episodes-consent-ancient": _consent("consent.recorded_on", "--on", FAR_PAST),
    # procedures and medicines
    "procedures-nul-site": _procedure("harvest.site", harvest__site=NUL_TEXT),
    "procedures-long-operator": _procedure("injection.operator", injection__operator=LONG_TEXT),
    "procedures-far-date": _procedure("performed_on", performed_on=FAR_FUTURE),
    "procedures-ancient-date": _procedure("performed_on", performed_on=FAR_PAST),
    "procedures-text-levels": _procedure("injection.levels", injection__levels="L4-L5"),
    "procedures-text-volume": _procedure("harvest.volume_ml", harvest__volume_ml="sixty"),
    "procedures-huge-episode": Case(
        "procedure.episode",
        lambda c: ["procedures", "add", "--json", _file(c, {"episode": HUGE_NUMBER})],
    ),
    "medications-nul-drug": _medication("medication_note.drug", drug=NUL_TEXT),
    "medications-far-start": _medication("medication_note.started_on", started_on=FAR_FUTURE),
    "medications-text-nsaid": _medication("is_nsaid", is_nsaid="yes"),
    "medications-list-drug": _medication("drug", drug=["ibuprofen"]),
    # assessments
    "assess-far-date": _assess("assessment.assessed_on", on=FAR_FUTURE),
    "assess-nul-timepoint": _assess("timepoint", timepoint=NUL_TEXT),
    "assess-long-answers": _assess("answers[1]", answers=LONG_TEXT),
    # safety
    "adverse-nul-description": _adverse_event("adverse_event.description", description=NUL_TEXT),
    "adverse-list-description": _adverse_event("description", description=["bleeding"]),
    "adverse-text-grade": _adverse_event("grade", grade="three"),
    "adverse-ancient-onset": _adverse_event("adverse_event.onset_on", onset_on=FAR_PAST),
    "adverse-huge-procedure": _adverse_event("adverse_event.procedure", procedure=HUGE_NUMBER),
    "interventions-far-date": _intervention("intervention.performed_on", on=FAR_FUTURE),
    "interventions-nul-description": _intervention(
        "intervention.description", "--description", NUL_TEXT
    ),
    "interventions-long-description": _intervention(
        "intervention.description", "--description", LONG_TEXT
    ),
    # follow-ups
    "followups-link-huge": Case(
        "follow_up",
        lambda c: ["followups", "link", str(HUGE_NUMBER), "--base-url", "https://clinic.example"],
    ),
    "followups-remind-long": Case(
        "within", lambda c: ["followups", "remind", "--within", LONG_TEXT]
    ),
    # users
    "users-nul-name": _user("username", name="ida\x00"),
    "users-nul-display": _user("app_user.display_name", "--display-name", NUL_TEXT),
    "users-long-display": _user("app_user.display_name", "--display-name", LONG_TEXT),
    "users-token-nul-label": Case(
        "api_token.label", lambda c: ["users", "token", "clinician", "--label", NUL_TEXT]
    ),
    "users-token-long-label": Case(
        "api_token.label", lambda c: ["users", "token", "clinician", "--label", LONG_TEXT]
    ),
}
# Who runs each command: an admin may do everything these commands do.
ACTOR = ("--user", "admin")


@pytest.mark.parametrize("name", CASES)
def test_hostile_input_is_one_error_line_and_stores_nothing(clinic: Clinic, name: str) -> None:
    case = CASES[name]
    before = clinic.counts()
    result = run(*case.args(clinic), *ACTOR, stdin=case.stdin)
    output = result.stdout + result.stderr
    assert result.exit_code == 2, (result.exit_code, output[-2000:])
    assert isinstance(result.exception, SystemExit)  # a rendered error, not a crash
    assert "Traceback" not in output
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, lines
    # The field, perhaps with its label (`answers[1] (NRS leg question 1: ...)`), then the problem.
    assert re.match(rf"error: {re.escape(case.field)}( \([^)]*\))?: ", lines[0]), lines[0]
    assert len(lines[0]) <= LONGEST_LINE, lines[0][:LONGEST_LINE]
    assert leaked_identity(output) == []
    assert clinic.counts() == before


def test_a_far_procedure_date_names_the_allowed_dates(clinic: Clinic) -> None:
    record = procedure_record(clinic.patient, performed_on="2500-01-01")
    result = run("procedures", "add", "--json", _file(clinic, record), *ACTOR)
    assert result.stderr == (
        "error: performed_on: 2500-01-01 is outside the dates the registry keeps "
        "(allowed: a date from 1900-01-01 to 2200-12-31)\n"
    )


def test_a_nul_in_a_patient_name_names_the_field_but_not_the_patient(clinic: Clinic) -> None:
    before = clinic.counts()
    path = _file(clinic, hostile_patient(name=NUL_TEXT))
    result = run("patients", "add", "--json", path, *ACTOR)
    assert result.stderr == (
        "error: patient.name: contains a NUL character (allowed: text without NUL characters)\n"
    )
    assert clinic.counts() == before
    assert json.dumps(hostile_patient()) not in result.stderr
