"""Registry staff and records for the service tests: one user per role, a sample patient."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import func, select

from regenspine.registry.database import Registry
from regenspine.registry.models import Base, Episode, Patient, PatientIdentity

PASSWORD = "a long enough passphrase"
ROLE_USERS = {"admin": "ada", "clinician": "cleo", "coordinator": "cora", "researcher": "rhea"}

# The `acting` fixture: `with acting("clinician") as (session, user):` one transaction.
Acting = Callable[[str], Any]


def patient_record(**changes: Any) -> dict[str, Any]:
    """A valid new-patient record with the given fields changed."""
    record: dict[str, Any] = {
        "name": "Grace Example",
        "birth_date": "1957-06-02",
        "sex": "female",
        "zip": "02139",
        "email": "grace@example.org",
        "phone": "+1 617 555 0101",
        "mrn": "MRN-100",
    }
    record.update(changes)
    return {key: value for key, value in record.items() if value is not None}


def row_counts(registry: Registry) -> dict[str, int]:
    """How many rows each registry table holds (to show a failed write left nothing)."""
    with registry.sessions() as session:
        return {
            table.name: session.scalar(select(func.count()).select_from(table)) or 0
            for table in Base.metadata.sorted_tables
        }


# Four patients to search: shared names, a shared birth date, an MRN with LIKE wildcards.
SEARCHED_PEOPLE = [
    # key, name, MRN, birth date, site, episode region/status
    ("RS-00000001", "Grace Example", "MRN-1", date(1957, 6, 2), "main", ("lumbar", "open")),
    ("RS-00000002", "Ada Lovelace", "MRN-2", date(1960, 1, 15), "north", ("cervical", "closed")),
    ("RS-0000000A", "Alan Turing", "MRN-3", date(1957, 6, 2), "main", None),
    ("RS-1000000B", "Zora Grace-Hill", "X_%", date(1970, 3, 3), "north", ("lumbar", "closed")),
]


def insert_patients(staffed: Registry, people: list[tuple[Any, ...]]) -> dict[str, int]:
    """Patients straight into the tables (the search reads rows, however they were written)."""
    ids: dict[str, int] = {}
    with staffed.transaction() as session:
        for key, name, mrn, born, site, episode in people:
            patient = Patient(registry_key=key, site=site, synthetic=False)
            patient.identity = PatientIdentity(name=name, mrn=mrn, birth_date=born, sex="female")
            if episode:
                region, status = episode
                patient.episodes.append(
                    Episode(region=region, status=status, started_on=date(2026, 1, 5))
                )
            session.add(patient)
            session.flush()
            ids[key] = patient.id
    return ids


def many_people(count: int) -> list[tuple[Any, ...]]:
    """Patients whose names repeat (so ties fall to the tiebreak) and keys out of name order."""
    return [
        (
            f"RS-{(count - n) * 7919 % 100000:08d}",
            f"Person {n % 7}",
            f"M{n}",
            date(1950, 1, 1),
            "main",
            None,
        )
        for n in range(count)
    ]
