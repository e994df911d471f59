"""The registry's transaction refuses what its columns cannot hold, whichever code wrote the row:
one InvalidInput naming `table.column`, no identifying value repeated, nothing stored."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.factories.hostile import LONG_TEXT, NUL_TEXT
from tests.factories.registry import row_counts

from regenspine.errors import Conflict, InvalidInput
from regenspine.registry.database import Registry
from regenspine.registry.models import (
    Assessment,
    AuditEvent,
    Episode,
    Patient,
    PatientIdentity,
    Procedure,
)
from regenspine.registry.storage_limits import (
    EARLIEST_DATE,
    LATEST_DATE,
    MAX_INTEGER,
    refuse_nul_anywhere,
)


@pytest.fixture(scope="module")
def episode_id(module_registry: Registry) -> int:
    """A stored patient (Grace Example, MRN-100) with one episode, for rows that need one."""
    with module_registry.transaction() as session:
        patient = Patient(registry_key="RS-HOSTILE1")
        patient.identity = PatientIdentity(
            name="Grace Example", birth_date=dt.date(1957, 6, 2), sex="female", mrn="MRN-100"
        )
        session.add(patient)
        session.flush()
        episode = Episode(patient_id=patient.id, region="lumbar", started_on=dt.date(2026, 2, 16))
        session.add(episode)
        session.flush()
        return episode.id


def _identity(**changes: Any) -> Patient:
    values: dict[str, Any] = {"name": "Zebedee Quartermain", "birth_date": dt.date(1950, 3, 4)}
    patient = Patient(registry_key="RS-HOSTILE2")
    patient.identity = PatientIdentity(sex="male", **{**values, **changes})
    return patient


def _episode(**changes: Any) -> Episode:
    # On the stored patient (the first one): only the hostile value can be wrong.
    values: dict[str, Any] = {
        "patient_id": 1,
        "region": "lumbar",
        "started_on": dt.date(2026, 3, 1),
    }
    return Episode(**{**values, **changes})


def _assessment(episode: int, **changes: Any) -> Assessment:
    values: dict[str, Any] = {
        "episode_id": episode,
        "instrument": "nrs_leg",
        "timepoint": "6m",
        "assessed_on": dt.date(2026, 9, 2),
        "answers": [4],
        "answered": 1,
    }
    return Assessment(**{**values, **changes})


def _audit(**changes: Any) -> AuditEvent:
    values: dict[str, Any] = {"username": "system", "action": "create", "entity": "test"}
    return AuditEvent(reason="test", **{**values, **changes})


def _write(registry: Registry, row: object) -> None:
    """Add one row in a transaction of its own."""
    with registry.transaction() as session:
        session.add(row)
        session.flush()


def _close(registry: Registry, episode_id: int, closed_on: dt.date) -> None:
    """Change a stored episode's closing date (committed at the end of the transaction)."""
    with registry.transaction() as session:
        session.get_one(Episode, episode_id).closed_on = closed_on


def _look_up(registry: Registry, column: Any, value: object) -> None:
    """Query procedures by a column's value."""
    with registry.transaction() as session:
        session.scalars(select(Procedure).where(column == value)).first()


RowMaker = Callable[[int], object]
# (a row with one hostile value, the field named, the start of the problem)
REFUSED: dict[str, tuple[RowMaker, str, str]] = {
    "nul-name": (lambda e: _identity(name=NUL_TEXT), "patient.name", "contains a NUL character"),
    "long-name": (lambda e: _identity(name=LONG_TEXT), "patient.name", "is 10,000 characters"),
    "list-name": (lambda e: _identity(name=["Zebedee"]), "patient.name", "must be text"),
    "ancient-birth": (
        lambda e: _identity(birth_date=dt.date(1, 1, 1)),
        "patient.birth_date",
        "is outside the dates",
    ),
    "text-birth": (
        lambda e: _identity(birth_date="1950-03-04"),
        "patient.birth_date",
        "must be a date",
    ),
    "far-start": (
        lambda e: _assessment(e, assessed_on=dt.date(9999, 12, 1)),
        "assessment.assessed_on",
        "9999-12-01 is outside the dates",
    ),
    "day-after-latest": (
        lambda e: _assessment(e, assessed_on=LATEST_DATE + dt.timedelta(days=1)),
        "assessment.assessed_on",
        "2201-01-01 is outside",
    ),
    "text-count": (
        lambda e: _assessment(e, answered="1"),
        "assessment.answered",
        "must be a whole",
    ),
    "huge-count": (
        lambda e: _assessment(e, answered=MAX_INTEGER + 1),
        "assessment.answered",
        "2147483648 is out of range",
    ),
    "nan-score": (
        lambda e: _assessment(e, score=float("nan")),
        "assessment.score",
        "must be a finite",
    ),
    "text-score": (lambda e: _assessment(e, score="7"), "assessment.score", "must be a number"),
    "nul-in-json": (
        lambda e: _assessment(e, subscales={"pain": NUL_TEXT}),
        "assessment.subscales.pain",
        "contains a NUL character",
    ),
    "infinite-in-json": (
        lambda e: _assessment(e, subscales={"pain": float("inf")}),
        "assessment.subscales",
        "holds a number that is not finite",
    ),
    "unknown-choice": (lambda e: _episode(region="sacral"), "episode.region", "is not one of"),
    "list-entity-id": (lambda e: _audit(entity_id=["1"]), "audit_event.entity_id", "must be"),
    "far-time": (
        lambda e: _audit(occurred_at=dt.datetime(9999, 12, 1, tzinfo=dt.UTC)),
        "audit_event.occurred_at",
        "9999-12-01 is outside",
    ),
}


@pytest.mark.parametrize("name", REFUSED)
def test_a_row_the_database_cannot_hold_is_refused_naming_its_column(
    module_registry: Registry, episode_id: int, name: str
) -> None:
    make, field, problem = REFUSED[name]
    before = row_counts(module_registry)
    with pytest.raises(InvalidInput) as raised:
        _write(module_registry, make(episode_id))
    assert raised.value.field == field
    assert raised.value.problem.startswith(problem), raised.value.problem
    for identifying in ("Zebedee", "Quartermain", "1950-03-04", "0001-01-01"):
        assert identifying not in raised.value.message
    assert row_counts(module_registry) == before


def test_the_limits_themselves_are_stored_and_read_back(
    module_registry: Registry, episode_id: int
) -> None:
    session: Session
    with module_registry.sessions() as session, session.begin():
        patient = _identity(name="Z" * 200, birth_date=EARLIEST_DATE)
        first = _assessment(episode_id, assessed_on=LATEST_DATE, answered=MAX_INTEGER)
        session.add_all([patient, first])
        session.flush()
        identity = session.execute(
            select(PatientIdentity.name, PatientIdentity.birth_date).where(
                PatientIdentity.patient_id == patient.id
            )
        ).one()
        stored = session.execute(
            select(Assessment.assessed_on, Assessment.answered).where(Assessment.id == first.id)
        ).one()
        session.rollback()
    assert tuple(identity) == ("Z" * 200, EARLIEST_DATE)
    assert tuple(stored) == (LATEST_DATE, MAX_INTEGER)


def test_a_stored_row_changed_to_an_unstorable_value_is_refused(
    module_registry: Registry, episode_id: int
) -> None:
    with pytest.raises(InvalidInput) as raised:
        _close(module_registry, episode_id, dt.date(9999, 12, 1))
    assert raised.value.field == "episode.closed_on"
    with module_registry.sessions() as session:
        assert session.get_one(Episode, episode_id).closed_on is None


def test_a_value_refused_in_a_query_is_bad_input_not_a_crash(
    module_registry: Registry, backend_of: str
) -> None:
    # PostgreSQL refuses a NUL in any text parameter; SQLite cannot bind an integer past 64 bits.
    hostile: object = NUL_TEXT if backend_of == "postgresql" else 2**70
    column = Procedure.operator if backend_of == "postgresql" else Procedure.id
    with pytest.raises(InvalidInput) as raised:
        _look_up(module_registry, column, hostile)
    assert raised.value.field == "input"
    assert "\n" not in raised.value.message


def test_a_clash_is_one_line_that_repeats_no_stored_value(
    module_registry: Registry, episode_id: int
) -> None:
    twin = Patient(registry_key="RS-HOSTILE3")
    twin.identity = PatientIdentity(
        name="Someone Else", birth_date=dt.date(1960, 1, 1), sex="male", mrn="MRN-100"
    )
    with pytest.raises(Conflict) as raised:
        _write(module_registry, twin)
    assert raised.value.message.startswith("database: the change clashes with stored data (")
    assert "\n" not in raised.value.message
    assert "MRN-100" not in raised.value.message
    assert "Someone Else" not in raised.value.message


@pytest.mark.parametrize(
    ("document", "field"),
    [
        ({"harvest": {"site": NUL_TEXT}}, "harvest.site"),
        ({"levels": ["L4", NUL_TEXT]}, "levels[1]"),
        ({"bad\x00key": 1}, "procedure"),
        (NUL_TEXT, "procedure"),
    ],
)
def test_a_nul_anywhere_in_a_record_is_named_by_its_path(document: object, field: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        refuse_nul_anywhere(document, document="procedure")
    assert raised.value.field == field
    refuse_nul_anywhere({"harvest": {"site": "crest"}, "levels": ["L4"]}, document="procedure")


@pytest.fixture
def backend_of(module_registry: Registry) -> str:
    """The engine the module's registry runs on."""
    return module_registry.engine.dialect.name
