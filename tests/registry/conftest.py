"""Registry service fixtures: a migrated database with one user per role and one patient."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from regenspine.registry.database import Registry
from regenspine.registry.models import Base, User
from regenspine.registry.services.episodes import open_episode
from regenspine.registry.services.patients import add_patient
from regenspine.registry.services.users import add_user, find_user

PASSWORD = "a long enough passphrase"
ROLE_USERS = {"admin": "ada", "clinician": "cleo", "coordinator": "cora", "researcher": "rhea"}

Acting = Callable[[str], Any]


@pytest.fixture
def staffed(registry: Registry) -> Registry:
    """The registry with one active user for each role."""
    with registry.transaction() as session:
        admin = add_user(session, None, username="ada", role="admin", password=PASSWORD)
        for role, username in ROLE_USERS.items():
            if role != "admin":
                add_user(session, admin, username=username, role=role, password=PASSWORD)
    return registry


@pytest.fixture
def acting(staffed: Registry) -> Callable[[str], Any]:
    """`with acting("clinician") as (session, user):` one transaction as that role's user."""

    @contextmanager
    def _acting(role: str) -> Iterator[tuple[Session, User]]:
        with staffed.transaction() as session:
            yield session, find_user(session, ROLE_USERS[role])

    return _acting


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


@pytest.fixture
def patient_key(acting: Acting) -> str:
    """A registered patient with an open lumbar episode started 2026-09-01."""
    with acting("clinician") as (session, user):
        patient = add_patient(session, user, patient_record(), "test")
        episode = {"region": "lumbar", "severity": "moderate", "started_on": date(2026, 9, 1)}
        open_episode(session, user, patient.registry_key, episode, "test")
        return patient.registry_key


def row_counts(registry: Registry) -> dict[str, int]:
    """How many rows each registry table holds (to show a failed write left nothing)."""
    with registry.sessions() as session:
        return {
            table.name: session.scalar(select(func.count()).select_from(table)) or 0
            for table in Base.metadata.sorted_tables
        }
