"""A small registry for the export tests, filled through the services as a clinic would.

`fill_course` gives the clinic's patient (Grace, tests/fixtures/registry/patient.json) a whole
course: screening, consent, a procedure on 2026-03-02 with its checks and follow-ups, ODI and
ZCQ at baseline and 3 months, an adverse event, a medicine and a later operation.
`plant_identifiers` adds a second patient with every kind of identifier the registry can hold,
typed into both the identifying fields and the free-text ones.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from click.testing import Result
from sqlalchemy import select, update
from tests.factories.cli import Clinic, adverse_event_record, procedure_record
from tests.factories.procedures import BONE_MARROW_PROCEDURE
from tests.factories.profiles import candidate_profile
from typer.testing import CliRunner

from regenspine.cli.app import app
from regenspine.registry.database import Registry
from regenspine.registry.models import Screening
from regenspine.registry.services.episodes import open_episode, record_consent, record_screening
from regenspine.registry.services.followups import record_assessment
from regenspine.registry.services.patients import add_patient
from regenspine.registry.services.procedures import record_medication, record_procedure
from regenspine.registry.services.safety import record_adverse_event, record_intervention
from regenspine.registry.services.users import find_user

ODI_BASELINE = "3,3,2,3,2,3,2,-,3,2"  # 23 of 45 answered points: 51.1
ODI_3M = "1,1,1,2,1,1,1,-,1,1"  # 10 of 45: 22.2
ZCQ_BASELINE = "3,3,3,3,3,3,3,3,3,3,3,3"
ZCQ_3M = "2,2,2,2,2,2,1,2,2,2,2,2,2,2,2,2,2,2"


def run_export(*args: str) -> Result:
    """Run `regenspine export ARGS...` (stdout and stderr kept apart)."""
    return CliRunner().invoke(app, ["export", *args])


def read_rows(path: Path) -> list[dict[str, str]]:
    """A CSV file's rows as dictionaries."""
    with path.open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def header(path: Path) -> list[str]:
    """A CSV file's header row."""
    with path.open(encoding="utf-8", newline="") as stream:
        return next(csv.reader(stream))


def fill_course(clinic: Clinic) -> None:
    """Give the clinic's patient a whole course of care (dates in the module docstring)."""
    key, episode = clinic.patient, clinic.episode
    with clinic.registry.transaction() as session:
        clinician = find_user(session, "clinician")
        record_screening(session, clinician, episode, candidate_profile(), date(2026, 2, 18), "t")
        consent = {"kind": "registry", "given": True, "recorded_on": date(2026, 2, 16)}
        record_consent(session, clinician, episode, consent, "t")
        _assess(session, clinician, key, "odi", ODI_BASELINE, "baseline", date(2026, 2, 20))
        _assess(session, clinician, key, "zcq", ZCQ_BASELINE, "baseline", date(2026, 2, 20))
        record_procedure(session, clinician, procedure_record(key), "t")
        _assess(session, clinician, key, "odi", ODI_3M, "3m", date(2026, 6, 2))
        _assess(session, clinician, key, "zcq", ZCQ_3M, "3m", date(2026, 6, 2))
        record_adverse_event(session, clinician, adverse_event_record(key), "t")
        medicine = {"patient": key, "drug": "paracetamol", "is_nsaid": False}
        record_medication(session, clinician, medicine | {"started_on": "2026-03-03"}, "t")
        later = {"patient": key, "performed_on": date(2026, 9, 1), "kind": "decompression"}
        record_intervention(session, clinician, later, "t")


def _assess(session: Any, user: Any, key: str, name: str, answers: str, at: str, on: date) -> None:
    record_assessment(
        session,
        user,
        registry_key=key,
        instrument=name,
        answers=answers,
        timepoint=at,
        assessed_on=on,
        reason="t",
    )


@dataclass(frozen=True)
class Planted:
    """The planted patient's key and every identifying string typed into the registry."""

    registry_key: str
    strings: tuple[str, ...]


PLANTED_STRINGS = (
    "Zebulon",
    "Quistgaard",
    "zebulon.q@example.net",
    "555-0199",
    "555 0199",
    "5550199",
    "MRN-ZQ-77731",
    "03601",
    "02139",  # the clinic patient's ZIP, in an area large enough to keep 021
    "1935",  # birth year of a 91-year-old
    "Pemberton",
    "SN-884421",
    "LOT-884421",
    "Grace Example",
    "grace@example.org",
    "617 555 0101",
    "MRN-100",
)
ZEBULON = "Zebulon Quistgaard"


def plant_identifiers(registry: Registry) -> Planted:
    """A 91-year-old patient in a restricted ZIP area, identifiers in every free-text field."""
    contact = f"{ZEBULON} (zebulon.q@example.net, 617-555-0199, MRN-ZQ-77731)"
    person = {
        "name": ZEBULON,
        "birth_date": "1935-01-15",
        "sex": "male",
        "zip": "03601",
        "email": "zebulon.q@example.net",
        "phone": "+1 (617) 555-0199",
        "mrn": "MRN-ZQ-77731",
    }
    with registry.transaction() as session:
        clinician = find_user(session, "clinician")
        key = add_patient(session, clinician, person, "t").registry_key
        started = {"region": "lumbar", "started_on": date(2026, 8, 3), "note": f"Seen: {contact}"}
        episode = open_episode(session, clinician, key, started, "t").id
        consent = {"kind": "treatment", "given": True, "recorded_on": date(2026, 8, 3)}
        record_consent(session, clinician, episode, consent | {"form_version": "ZQ Zebulon"}, "t")
        screening = record_screening(
            session, clinician, episode, candidate_profile(age=91), date(2026, 8, 4), "t"
        )
        _plant_in_profile(session, screening.id, contact)
        _assess(session, clinician, key, "odi", ODI_BASELINE, "baseline", date(2026, 8, 5))
        record_procedure(session, clinician, _planted_procedure(key, contact), "t")
        _assess(session, clinician, key, "odi", ODI_3M, "3m", date(2026, 11, 17))
        event = {"description": f"Fever; {contact}", "onset_on": "2026-08-20"}
        record_adverse_event(session, clinician, adverse_event_record(key, **event), "t")
        later = {"patient": key, "performed_on": date(2026, 10, 9), "kind": "other"}
        record_intervention(session, clinician, later | {"description": contact}, "t")
    return Planted(key, PLANTED_STRINGS)


def _planted_procedure(key: str, contact: str) -> dict[str, Any]:
    document = procedure_record(
        key,
        BONE_MARROW_PROCEDURE,
        performed_on="2026-08-10",
        harvest__site=f"iliac crest, {contact}",
        harvest__lot_number="LOT-884421",
        processing__device="Concentrator SN-884421",
        processing__started_at="2026-08-10T09:00:00",
        processing__ended_at="2026-08-10T09:40:00",
        injection__operator="Dr Ignatius Pemberton",
    )
    # An NSAID taken into the avoidance window: its protocol check message quotes the dates.
    medicine = {"drug": f"ibuprofen for {ZEBULON}", "is_nsaid": True, "note": contact}
    document["medications"] = [medicine | {"started_on": "2026-08-01", "stopped_on": "2026-08-12"}]
    return document


def _plant_in_profile(session: Any, screening_id: int, contact: str) -> None:
    """Text where the profile expects vocabulary (as an import or an old version might store)."""
    profile = dict(session.scalar(select(Screening.profile).where(Screening.id == screening_id)))
    profile["symptoms"] = [*profile["symptoms"], contact]
    profile["general_health"] = contact
    profile["contact"] = contact
    session.execute(update(Screening).where(Screening.id == screening_id).values(profile=profile))


def exported_files(folder: Path) -> Iterator[Path]:
    """Every file an export wrote, however deep."""
    return (path for path in sorted(folder.rglob("*")) if path.is_file())
