"""Registry staff and records for the service tests: one user per role, a sample patient."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import func, select

from regenspine.registry.database import Registry
from regenspine.registry.models import Base

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
