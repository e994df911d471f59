"""Rows of a synthetic registry: ids handed out in advance, batches written with executemany.

The generator writes hundreds of thousands of rows per minute, so it bypasses the ORM's unit of
work: ids are taken from counters that start above each table's largest id, rows are plain dicts,
and each batch goes in with one Core `INSERT` per table (the driver's executemany).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import Session

from regenspine.registry.models import (
    AdverseEvent,
    Assessment,
    Base,
    Consent,
    Episode,
    FollowUp,
    InjectionTargetRow,
    Intervention,
    MedicationNote,
    Patient,
    PatientIdentity,
    Procedure,
    ProtocolCheckRow,
    Screening,
    table_of,
)
from regenspine.registry.services.patients import KEY_ALPHABET

Row = dict[str, Any]
# Tables whose integer `id` the generator assigns itself.
NUMBERED: tuple[type[Base], ...] = (
    Patient,
    Episode,
    Screening,
    Consent,
    MedicationNote,
    Procedure,
    FollowUp,
    Assessment,
    AdverseEvent,
    Intervention,
)
# Parents before children, so that foreign keys hold at every statement.
INSERT_ORDER: tuple[type[Base], ...] = (
    Patient,
    PatientIdentity,
    Episode,
    Screening,
    Consent,
    MedicationNote,
    Procedure,
    InjectionTargetRow,
    ProtocolCheckRow,
    FollowUp,
    Assessment,
    AdverseEvent,
    Intervention,
)
_KEY_BITS = 40  # eight base-32 characters
_KEY_MASK = (1 << _KEY_BITS) - 1


class IdCounters:
    """The next free id of each numbered table, read once at the start of a run."""

    def __init__(self, first: dict[str, int]) -> None:
        self.first = dict(first)
        self.next = dict(first)

    @classmethod
    def after_stored_rows(cls, session: Session) -> IdCounters:
        """Counters that start just above the largest id stored in each numbered table."""
        first = {}
        for model in NUMBERED:
            table = table_of(model)
            largest = session.scalar(select(func.max(table.c.id)))
            first[table.name] = (largest or 0) + 1
        return cls(first)

    def take(self, table: str) -> int:
        """The next id of `table`."""
        number = self.next[table]
        self.next[table] = number + 1
        return number

    def used(self) -> dict[str, int]:
        """How many ids of each table this run has handed out."""
        return {name: self.next[name] - self.first[name] for name in self.first}


class RowBatch:
    """The rows of a group of synthetic patients, per table, waiting to be inserted."""

    def __init__(self) -> None:
        self.rows: defaultdict[str, list[Row]] = defaultdict(list)

    def add(self, table: str, row: Row) -> None:
        """Queue one row for `table`."""
        self.rows[table].append(row)

    def count(self, table: str) -> int:
        """How many rows are queued for `table`."""
        return len(self.rows.get(table, ()))

    def insert_into(self, session: Session) -> dict[str, int]:
        """Write every queued row, parents first, and return how many rows each table got."""
        written = {}
        for model in INSERT_ORDER:
            table = table_of(model)
            rows = self.rows.get(table.name)
            if rows:
                session.execute(insert(table), rows)
                written[table.name] = len(rows)
        self.rows.clear()
        return written


def lock_for_generation(session: Session) -> None:
    """On PostgreSQL, keep other writers out of the tables while ids are handed out."""
    if session.get_bind().dialect.name != "postgresql":
        # SQLite has one writer at a time; a writer that slipped in between our read of the
        # largest ids and our first insert makes that insert fail, and the run rolls back.
        return
    names = ", ".join(table_of(model).name for model in INSERT_ORDER)
    session.execute(text(f"LOCK TABLE {names} IN SHARE ROW EXCLUSIVE MODE"))


def advance_sequences(session: Session, counters: IdCounters) -> None:
    """On PostgreSQL, move each id sequence past the ids this run wrote itself."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for name, used in counters.used().items():
        if used:
            session.execute(
                text("SELECT setval(pg_get_serial_sequence(:table, 'id'), :last)"),
                {"table": name, "last": counters.next[name] - 1},
            )


def synthetic_registry_key(patient_id: int) -> str:
    """A registry key such as RS-7F3K9Q2M that no other patient id maps to.

    A fixed bijection on 40-bit numbers (odd multipliers and xor-shifts are both invertible), so
    synthetic keys never collide with each other and look as scattered as drawn ones.
    """
    mixed = (patient_id * 0x9E3779B97F) & _KEY_MASK
    mixed ^= mixed >> 19
    mixed = (mixed * 0xC2B2AE3D27) & _KEY_MASK
    mixed ^= mixed >> 21
    mixed = (mixed * 0x165667B19F) & _KEY_MASK
    mixed ^= mixed >> 17
    characters = []
    for _ in range(_KEY_BITS // 5):
        characters.append(KEY_ALPHABET[mixed & 31])
        mixed >>= 5
    return "RS-" + "".join(reversed(characters))


def at_noon(day: date) -> datetime:
    """A recording time on `day` that is the same in every run (reproducible data)."""
    return datetime.combine(day, time(12, 0), tzinfo=UTC)
