"""A small clinic for the registry CLI tests: users per role, one patient with an open episode.

The set-up goes through the services on a copy of the migrated template database (fast, and covered
by tests/registry); every test then drives `regenspine` the way a user does, through CliRunner.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from tests.factories.procedures import BONE_MARROW_PROCEDURE, changed
from tests.factories.registry import row_counts
from typer.testing import CliRunner, Result

from regenspine.cli.app import app
from regenspine.registry.database import Registry
from regenspine.registry.services.episodes import open_episode
from regenspine.registry.services.patients import add_patient
from regenspine.registry.services.users import add_user, find_user

FIXTURES = Path(__file__).parents[1] / "fixtures" / "registry"
PASSWORD = "correct horse battery staple"
# One user per role, named after the role so that `--user coordinator` reads as what it tests.
ROLES = ("admin", "clinician", "coordinator", "researcher")
# The sample procedures are dated 2026-03-02; the episode opens two weeks before.
EPISODE_STARTED = date(2026, 2, 16)
REGISTRY_KEY = r"RS-[0-9A-HJKMNP-TV-Z]{8}"

runner = CliRunner()


@dataclass(frozen=True)
class Clinic:
    """The migrated registry the CLI points at, its patient and open episode, a scratch folder."""

    registry: Registry
    patient: str
    episode: int
    folder: Path

    def write_json(self, name: str, data: Any) -> str:
        """Write `data` as a JSON file in the scratch folder and return its path for --json."""
        path = self.folder / name
        path.write_text(json.dumps(data), encoding="utf-8")
        return str(path)

    def counts(self) -> dict[str, int]:
        """Rows per registry table, to show that a failed command wrote nothing."""
        return row_counts(self.registry)


def point_cli_at(database_url: str, monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """Make every `regenspine` command in this test use `database_url`, with no user preset."""
    monkeypatch.setenv("REGENSPINE_DATABASE_URL", database_url)
    monkeypatch.setenv("REGENSPINE_DATA_DIR", str(folder / "var"))
    monkeypatch.delenv("REGENSPINE_USER", raising=False)
    monkeypatch.delenv("REGENSPINE_PUBLIC_BASE_URL", raising=False)


def open_clinic(registry: Registry, monkeypatch: pytest.MonkeyPatch, folder: Path) -> Clinic:
    """Point the CLI at a migrated registry; add one user per role and a patient with an episode."""
    point_cli_at(registry.url, monkeypatch, folder)
    with registry.transaction() as session:
        admin = add_user(session, None, username="admin", role="admin", password=PASSWORD)
        for role in ROLES[1:]:
            add_user(session, admin, username=role, role=role, password=PASSWORD)
        clinician = find_user(session, "clinician")
        patient = add_patient(session, clinician, patient_record(), "set-up")
        started = {"region": "lumbar", "severity": "moderate", "started_on": EPISODE_STARTED}
        episode = open_episode(session, clinician, patient.registry_key, started, "set-up")
        key, episode_id = patient.registry_key, episode.id
    return Clinic(registry=registry, patient=key, episode=episode_id, folder=folder)


def run(*args: str, stdin: str | None = None) -> Result:
    """Run `regenspine ARGS...` and return the result (stdout and stderr kept apart)."""
    return runner.invoke(app, list(args), input=stdin)


def run_json(*args: str, stdin: str | None = None) -> Any:
    """Run a command that succeeds and decode its JSON output."""
    result = run(*args, stdin=stdin)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def error_line(result: Result) -> str:
    """The one stderr line of a command that failed with exit code 2 and printed nothing else."""
    assert result.exit_code == 2, (result.exit_code, result.stdout, result.stderr)
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    return lines[0]


def patient_record(**changes: Any) -> dict[str, Any]:
    """The sample patient (fixtures/registry/patient.json) with fields changed."""
    record = json.loads((FIXTURES / "patient.json").read_text(encoding="utf-8"))
    record.update(changes)
    return dict(record)


def adverse_event_record(registry_key: str, **changes: Any) -> dict[str, Any]:
    """The sample serious adverse event (fixtures/registry/adverse_event.json) for a patient."""
    record = json.loads((FIXTURES / "adverse_event.json").read_text(encoding="utf-8"))
    return {"patient": registry_key, **record, **changes}


def procedure_record(
    patient: str, document: dict[str, Any] = BONE_MARROW_PROCEDURE, **changes: Any
) -> dict[str, Any]:
    """A sample procedure (factories/procedures.py) for `patient`, changed as `harvest__site`."""
    return {"patient": patient, **changed(document, **changes)}
