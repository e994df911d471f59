"""Episodes of care as a user runs them: open, list, screen, record consent, close."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import select
from tests.factories.cli import Clinic, error_line, open_clinic, run, run_json
from tests.factories.profiles import candidate_profile

from regenspine.registry.database import Registry
from regenspine.registry.models import Consent


@pytest.fixture
def clinic(registry: Registry, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Clinic:
    """A migrated registry with one user per role and one patient with an open episode."""
    return open_clinic(registry, monkeypatch, tmp_path)


def test_episodes_open_on_a_case_insensitive_key_and_list(clinic: Clinic) -> None:
    details = "--region cervical --started 2026-05-01 --severity mild --diagnosis M48.02"
    args = ("episodes", "add", clinic.patient.lower(), *details.split(), "--json")
    opened = run_json(*args, "--user", "coordinator")
    assert opened["patient"] == clinic.patient
    listed = run_json("episodes", "list", clinic.patient, "--json", "--user", "researcher")
    assert [(e["episode"], e["region"], e["status"]) for e in listed] == [
        (clinic.episode, "lumbar", "open"),
        (opened["episode"], "cervical", "open"),
    ]
    assert listed[1]["diagnosis_code"] == "M48.02"
    assert listed[1]["started_on"] == "2026-05-01"


@pytest.mark.parametrize(
    ("args", "start"),
    [
        (["--region", "neck"], "error: episode.region: "),
        (["--region", "lumbar", "--started", "2026-02-30"], "error: --started: not a calendar"),
        (["--region", "lumbar", "--diagnosis", "stenosis"], "error: episode.diagnosis_code: "),
        (["--region", "lumbar", "--severity", "awful"], "error: episode.severity: "),
        (["--region", "lumbar", "--user", "researcher"], "error: user researcher (role "),
    ],
)
def test_bad_episodes_exit_2_and_store_nothing(clinic: Clinic, args: list[str], start: str) -> None:
    before = clinic.counts()
    line = error_line(run("episodes", "add", clinic.patient, "--user", "clinician", *args))
    assert line.startswith(start)
    assert clinic.counts() == before


def test_an_unknown_patient_is_named(clinic: Clinic) -> None:
    line = error_line(
        run("episodes", "add", "RS-00000000", "--region", "lumbar", "--user", "clinician")
    )
    assert line == "error: patient: no patient with registry key 'RS-00000000'"


def test_screening_stores_the_decision_aid_result(clinic: Clinic) -> None:
    episode = str(clinic.episode)
    candidate = clinic.write_json("profile.json", candidate_profile())
    text = run("episodes", "screen", episode, "--profile", candidate, "--user", "clinician")
    assert re.fullmatch(rf"Screening \d+ stored on episode {episode}: candidate\.\n", text.stdout)
    red_flag = clinic.write_json("red.json", candidate_profile(red_flags=["saddle_anesthesia"]))
    args = ("episodes", "screen", episode, "--profile", red_flag, "--on", "2026-02-20", "--json")
    assert run_json(*args, "--user", "clinician")["category"] == "urgent_care"
    assert clinic.counts()["screening"] == 2

    before = clinic.counts()
    bad = clinic.write_json("bad.json", candidate_profile(shoe_size=44))
    line = error_line(run("episodes", "screen", episode, "--profile", bad, "--user", "clinician"))
    assert line.startswith("error: shoe_size: unknown key (allowed: age, region,")
    missing = error_line(
        run("episodes", "screen", "999", "--profile", candidate, "--user", "clinician")
    )
    assert missing == "error: episode: no episode 999"
    forbidden = error_line(
        run("episodes", "screen", episode, "--profile", candidate, "--user", "researcher")
    )
    assert forbidden.endswith("roles that may: admin, clinician, coordinator")
    assert clinic.counts() == before


def test_consent_decisions_are_recorded(clinic: Clinic) -> None:
    episode = str(clinic.episode)
    consent = ("episodes", "consent", episode, "--on", "2026-02-20", "--user", "coordinator")
    given = run(*consent, *"--kind treatment --given --form-version v2".split())
    assert re.fullmatch(
        rf"Consent \d+ recorded on episode {episode}: treatment given\.\n", given.stdout
    )
    refused = run(*consent, "--kind", "research_use", "--refused")
    assert refused.stdout.endswith(": research_use refused.\n")
    with clinic.registry.sessions() as session:
        stored = session.scalars(select(Consent).order_by(Consent.id)).all()
        assert [(c.kind, c.given, c.form_version) for c in stored] == [
            ("treatment", True, "v2"),
            ("research_use", False, None),
        ]

    before = clinic.counts()
    unknown = error_line(run(*consent, "--kind", "marketing", "--given"))
    assert unknown.startswith("error: consent.kind: ")
    assert clinic.counts() == before


def test_closing_an_episode(clinic: Clinic) -> None:
    episode = str(clinic.episode)
    early = error_line(run("episodes", "close", episode, "--on", "2026-02-15", "--user", "admin"))
    assert early == "error: closed_on: is before the episode started (allowed: >= 2026-02-16)"
    closed = run("episodes", "close", episode, "--on", "2026-02-16", "--user", "coordinator")
    assert closed.stdout == f"Closed episode {episode}.\n"
    listed = run_json("episodes", "list", clinic.patient, "--json", "--user", "researcher")
    assert (listed[0]["status"], listed[0]["closed_on"]) == ("closed", "2026-02-16")

    before = clinic.counts()
    twice = error_line(run("episodes", "close", episode, "--user", "coordinator"))
    assert twice == f"error: episode: episode {episode} is already closed"
    assess = ("assess", clinic.patient, "nrs_leg", "--answers", "4", "--timepoint", "baseline")
    no_open = error_line(run(*assess, "--user", "coordinator"))
    assert no_open == (
        f"error: episode: patient {clinic.patient} has no open episode "
        "(start one with `regenspine episodes add`)"
    )
    assert clinic.counts() == before
