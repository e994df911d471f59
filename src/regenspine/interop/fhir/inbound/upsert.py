"""Writing imported rows: bulk read, compare, insert what is missing, update what changed.

Comparing before writing is what makes an import idempotent: a row that already holds the same
values is left alone, so importing the same files twice changes nothing.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import Row as SqlRow
from sqlalchemy import Table, func, insert, select, update
from sqlalchemy.orm import Session

from regenspine.interop.fhir.inbound.read import BadResource, ParsedResource
from regenspine.interop.fhir.inbound.rows import Row, subject_key
from regenspine.registry.models import (
    Assessment,
    Base,
    Episode,
    FollowUp,
    Patient,
    Procedure,
    table_of,
)

# How each patient-owned table reaches its patient (for the ownership checks).
_TO_EPISODE: dict[type[Base], tuple[tuple[type[Base], Any], ...]] = {
    Episode: (),
    Procedure: ((Episode, Procedure.episode_id == Episode.id),),
    FollowUp: (
        (Procedure, FollowUp.procedure_id == Procedure.id),
        (Episode, Procedure.episode_id == Episode.id),
    ),
    Assessment: ((Episode, Assessment.episode_id == Episode.id),),
}


class RowWriter:
    """Writes the rows of one batch and counts rows created and updated per table."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.created: Counter[str] = Counter()
        self.updated: Counter[str] = Counter()

    def upsert(
        self,
        model: type[Base],
        rows: list[tuple[ParsedResource, Row]],
        *,
        key: str = "id",
        fixed: tuple[str, ...] = (),
        insert_only: tuple[str, ...] = (),
        create: str | None = None,
    ) -> None:
        """Insert missing rows and update changed ones.

        `fixed` columns may not change (they tie a row to its owner); `insert_only` columns are
        written for new rows only; with `create` (the reason) missing rows are refused instead.
        """
        table = table_of(model)
        columns = sorted({name for _, row in rows for name in row} | {key})
        wanted = [row[key] for _, row in rows]
        query = select(*(table.c[name] for name in columns)).where(table.c[key].in_(wanted))
        stored = {getattr(found, key): found for found in self.session.execute(query)}
        inserts = []
        for item, row in rows:
            old = stored.get(row[key])
            if old is None:
                if create is not None:
                    raise BadResource(item.where, f"{item.resource_type} {item.id}", create)
                inserts.append(row)
                continue
            _keep_fixed(item, old, row, fixed)
            changed = {
                name: value
                for name, value in row.items()
                if name not in insert_only and getattr(old, name) != value
            }
            if changed:
                self.session.execute(update(table).where(table.c[key] == row[key]).values(changed))
                self.updated[table.name] += 1
        if inserts:
            self.session.execute(insert(table), inserts)
            self.created[table.name] += len(inserts)
            if key == "id":
                self._advance_sequence(table)

    def _advance_sequence(self, table: Table) -> None:
        # Rows came with their registry ids; PostgreSQL's id sequence must move past them.
        if self.session.get_bind().dialect.name != "postgresql":
            return
        last = select(func.max(table.c.id)).scalar_subquery()
        self.session.execute(
            select(func.setval(func.pg_get_serial_sequence(table.name, "id"), last))
        )


def _keep_fixed(item: ParsedResource, old: Any, row: Row, fixed: tuple[str, ...]) -> None:
    for name in fixed:
        if getattr(old, name) != row[name]:
            raise BadResource(
                item.where,
                f"{item.resource_type} {item.id}",
                f"is stored with another {name} ({getattr(old, name)}) in this registry; "
                "an import keeps registry ids, so it cannot merge two registries",
            )


def owners(session: Session, model: type[Base], ids: set[int], *columns: Any) -> dict[int, Any]:
    """Stored rows of a patient-owned table by id, with `registry_key` and the given columns."""
    id_column = table_of(model).c.id
    query = select(id_column, Patient.registry_key, *columns)
    for target, condition in _TO_EPISODE[model]:
        query = query.join(target, condition)
    query = query.join(Patient, Episode.patient_id == Patient.id).where(id_column.in_(ids))
    return {found.id: found for found in session.execute(query)}


def patient_ids(session: Session, keys: set[str]) -> dict[str, int]:
    """Stored patients' ids by registry key."""
    query = select(Patient.registry_key, Patient.id).where(Patient.registry_key.in_(keys))
    return dict(session.execute(query).all())


def check_owner(item: ParsedResource, field: str, what: str, owner: SqlRow[Any] | None) -> Any:
    """The stored row a resource refers to; refused when missing or another patient's."""
    if owner is None:
        problem = f"{what} is not in the registry (import its file first)"
    elif owner.registry_key != subject_key(item):
        problem = f"{what} belongs to another patient than {subject_key(item)}"
    else:
        return owner
    raise BadResource(item.where, f"{item.resource_type}.{field}", problem)
