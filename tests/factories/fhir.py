"""Shared pieces of the FHIR tests: a filled registry, the CLI, the files it writes.

`fill_fhir_registry` gives the export clinic (tests/factories/exports.py) a course of care,
the patient with planted identifiers, a cervical patient with a donor product whose episode is
closed, an adverse event without a procedure, a pain rating, and three synthetic patients.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from click.testing import Result
from sqlalchemy import select
from tests.factories.cli import Clinic, adverse_event_record, procedure_record
from tests.factories.exports import fill_course, plant_identifiers
from tests.factories.procedures import ALLOGENEIC_PROCEDURE
from typer.testing import CliRunner

from regenspine.cli.app import app
from regenspine.registry.database import Registry
from regenspine.registry.models import Base
from regenspine.registry.services.episodes import close_episode, open_episode
from regenspine.registry.services.followups import record_assessment
from regenspine.registry.services.patients import add_patient
from regenspine.registry.services.procedures import record_procedure
from regenspine.registry.services.safety import record_adverse_event
from regenspine.registry.services.users import find_user
from regenspine.synthetic.registry import generate_synthetic_registry

SYNTHETIC_AS_OF = date(2027, 6, 1)
# Tables an export leaves out, or that an import may add to (the audit trail).
NOT_EXPORTED = {"app_user", "audit_event", "api_token", "alembic_version"}


def run_fhir(*args: str) -> Result:
    """Run `regenspine ARGS...` with the FHIR commands (stdout and stderr kept apart)."""
    return CliRunner().invoke(app, list(args))


def export_to(folder: Path, *options: str, user: str = "admin") -> Path:
    """Run `export fhir` into `folder` and check that it succeeded."""
    result = run_fhir("export", "fhir", "--out", str(folder), "--user", user, *options)
    assert result.exit_code == 0, result.stderr
    return folder


def read_ndjson(folder: Path) -> dict[str, list[dict[str, Any]]]:
    """Every resource of an export, by resource type, in file order."""
    return {
        path.name.removesuffix(".ndjson"): [
            json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
        ]
        for path in sorted(folder.glob("*.ndjson"))
    }


def file_texts(folder: Path) -> dict[str, str]:
    """Each NDJSON file's text by name."""
    return {path.name: path.read_text(encoding="utf-8") for path in sorted(folder.glob("*.ndjson"))}


def fill_fhir_registry(clinic: Clinic) -> None:
    """Fill the clinic's registry with every kind of record an export carries."""
    fill_course(clinic)
    plant_identifiers(clinic.registry)
    with clinic.registry.transaction() as session:
        clinician = find_user(session, "clinician")
        record_assessment(
            session,
            clinician,
            registry_key=clinic.patient,
            instrument="nrs_leg",
            answers="6",
            timepoint="3m",
            assessed_on=date(2026, 6, 2),
            reason="t",
        )
        _donor_product_patient(session, clinician)
        generate_synthetic_registry(session, patients=3, seed=11, sites=2, as_of=SYNTHETIC_AS_OF)


def _donor_product_patient(session: Any, clinician: Any) -> None:
    person = {"name": "Ada Donor", "birth_date": "1960-02-29", "sex": "female", "zip": "10001"}
    key = add_patient(session, clinician, person, "t").registry_key
    started = {"region": "lumbar", "diagnosis_code": "M48.061", "started_on": date(2026, 2, 1)}
    episode = open_episode(session, clinician, key, started, "t")
    procedure, _ = record_procedure(
        session, clinician, procedure_record(key, ALLOGENEIC_PROCEDURE), "t"
    )
    minor = {
        "procedure": procedure.id,
        "description": "Bruising where the needle went in",
        "category": "bleeding",
        "site": "injection",
        "grade": 1,
        "serious_criteria": [],
        "relatedness": "possible",
        "onset_on": "2026-03-03",
        "resolved_on": "2026-03-04",
        "outcome": "recovered",
    }
    record_adverse_event(session, clinician, adverse_event_record(key, **minor), "t")
    close_episode(session, clinician, episode.id, date(2026, 12, 1), "t")


def registry_contents(registry: Registry) -> dict[str, list[tuple[Any, ...]]]:
    """Every exported table's rows, sorted, to show an import changed nothing."""
    with registry.sessions() as session:
        return {
            table.name: sorted(
                (tuple(map(repr, row)) for row in session.execute(select(table))), key=str
            )
            for table in Base.metadata.sorted_tables
            if table.name not in NOT_EXPORTED
        }
