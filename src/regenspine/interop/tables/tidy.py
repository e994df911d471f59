"""The registry as tidy tables for research exports: typed columns with their meaning, rows
streamed from SQL.

Every table is one select joined to the episode frame (registry key, episode number, index
procedure), read a chunk at a time, so memory stays flat however large the registry. A column
says whether it belongs to identified exports, de-identified ones or both; in a de-identified
export every value must also fit its column's declared shape (a vocabulary, a number, a code
pattern), so text typed where it does not belong is left out rather than passed on.

Row producers yield plain Python values keyed by column name; keys starting with `_` carry
internal sort keys (never written) that let the REDCap layout merge streams in order.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from sqlalchemy import Connection, Executable, Row, Subquery, func, select

from regenspine.interop.release import ExportContext
from regenspine.registry.models import Episode, Patient, PatientIdentity, Procedure

ColumnKind = Literal[
    "key",  # the registry key or a number given by the export
    "code",  # a short code checked against a pattern when it was entered (site, ICD-10, level)
    "label",  # text regenspine wrote from its knowledge base (a protocol check's title)
    "text",  # short free text a person typed
    "notes",  # long free text a person typed
    "integer",
    "number",
    "boolean",
    "category",  # one value of a closed vocabulary
    "categories",  # several values of a closed vocabulary, joined with ';'
    "date",
    "datetime",
    "age",  # whole years up to 89, then 90+
]
Privacy = Literal["both", "identified", "deidentified"]
# Rows fetched per round trip: a server-side cursor on PostgreSQL, so memory stays flat.
STREAM_CHUNK = 2000
AGE_PATTERN = r"[0-9]{1,2}|90\+"
REGISTRY_KEY_PATTERN = r"[A-Z0-9-]{1,16}"

Values = dict[str, Any]
T = TypeVar("T")
P = TypeVar("P")


@dataclass(frozen=True)
class Column:
    """One exported column: its name, kind, meaning, allowed values and who may see it."""

    name: str
    kind: ColumnKind
    meaning: str
    allowed: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    pattern: str | None = None
    privacy: Privacy = "both"
    # A HIPAA identifier, or free text that may hold one: flagged in REDCap's Identifier? column.
    identifier: bool = False

    def shown(self, identified: bool) -> bool:
        """Whether the column belongs to an identified (or de-identified) export."""
        return self.privacy == "both" or (self.privacy == "identified") == identified

    def allowed_text(self) -> str:
        """The allowed values in words, for the data dictionary."""
        if self.kind in ("category", "categories"):
            joined = "; ".join(self.allowed)
            return joined if self.kind == "category" else f"any of {joined} (joined with ;)"
        fixed = {
            "boolean": "true; false",
            "date": "YYYY-MM-DD",
            "datetime": "YYYY-MM-DD HH:MM:SS (UTC)",
            "age": "0 to 89, or 90+ for 90 or older",
            "text": "free text",
            "notes": "free text",
        }
        if self.kind in fixed:
            return fixed[self.kind]
        if self.minimum is not None and self.maximum is not None:
            return f"{self.minimum:g} to {self.maximum:g}"
        if self.minimum is not None:
            return f"{self.minimum:g} or more"
        return f"pattern {self.pattern}" if self.pattern else ""


RowSource = Callable[[Connection, ExportContext], Iterator[Values]]


@dataclass(frozen=True)
class ExportTable:
    """One tidy file of the export: its columns and where its rows come from."""

    name: str
    description: str
    columns: tuple[Column, ...]
    source: RowSource

    def columns_for(self, context: ExportContext) -> tuple[Column, ...]:
        """The columns this export shows, in order."""
        return tuple(column for column in self.columns if column.shown(context.identified))

    def rows(self, connection: Connection, context: ExportContext) -> Iterator[Values]:
        """The rows, keeping only this export's columns (plus internal `_` sort keys)."""
        columns = self.columns_for(context)
        for produced in self.source(connection, context):
            row = {key: value for key, value in produced.items() if key.startswith("_")}
            for column in columns:
                value = produced.get(column.name)
                row[column.name] = value if context.identified else conform(column, value)
            yield row


def conform(column: Column, value: Any) -> Any:
    """The value if it fits the column's declared shape, else None (de-identified exports)."""
    if value is None:
        return None
    kind = column.kind
    if kind == "boolean":
        return value if isinstance(value, bool) else None
    if kind in ("integer", "number"):
        numeric = (int,) if kind == "integer" else (int, float)
        return value if isinstance(value, numeric) and not isinstance(value, bool) else None
    if kind == "category":
        return value if isinstance(value, str) and value in column.allowed else None
    if kind == "categories":
        if not isinstance(value, list):
            return None
        return [item for item in value if isinstance(item, str) and item in column.allowed]
    if kind == "label":
        return value if isinstance(value, str) else None
    patterns = {"key": REGISTRY_KEY_PATTERN, "age": AGE_PATTERN, "code": column.pattern}
    pattern = patterns.get(kind)
    if kind == "key" and isinstance(value, int) and not isinstance(value, bool):
        return value
    if pattern is not None and isinstance(value, str) and re.fullmatch(pattern, value):
        return value
    # Free text, dates and anything unrecognised never reach a de-identified file.
    return None


def stream(connection: Connection, statement: Executable) -> Iterator[Row[Any]]:
    """The rows of a select, fetched a chunk at a time."""
    # Per statement: Connection.execution_options() would change the whole connection.
    result = connection.execute(statement, execution_options={"yield_per": STREAM_CHUNK})
    try:
        yield from result
    finally:
        result.close()


def episode_frame() -> Subquery:
    """One row per episode: patient id and key, synthetic flag, episode number within the
    patient, index procedure date (the episode's first procedure), procedure count, birth date."""
    index = (
        select(
            Procedure.episode_id,
            func.min(Procedure.performed_on).label("index_date"),
            func.count().label("procedures"),
        )
        .group_by(Procedure.episode_id)
        .subquery("index_procedure")
    )
    number = func.row_number().over(
        partition_by=Episode.patient_id, order_by=(Episode.started_on, Episode.id)
    )
    return (
        select(
            Episode.id.label("episode_id"),
            Episode.patient_id,
            Patient.registry_key,
            Patient.synthetic,
            number.label("episode_number"),
            index.c.index_date,
            func.coalesce(index.c.procedures, 0).label("procedures"),
            PatientIdentity.birth_date,
        )
        .join(Patient, Patient.id == Episode.patient_id)
        .outerjoin(index, index.c.episode_id == Episode.id)
        .outerjoin(PatientIdentity, PatientIdentity.patient_id == Episode.patient_id)
        .subquery("episode_frame")
    )


def procedure_numbers() -> Subquery:
    """Each procedure's number within its episode: 1 is the index procedure."""
    number = func.row_number().over(
        partition_by=Procedure.episode_id, order_by=(Procedure.performed_on, Procedure.id)
    )
    return select(Procedure.id.label("procedure_id"), number.label("procedure_number")).subquery(
        "procedure_numbers"
    )


def frame_columns(frame: Subquery) -> tuple[Any, ...]:
    """The frame columns every table selects (see `episode_values`)."""
    return (
        frame.c.patient_id,
        frame.c.episode_id,
        frame.c.registry_key,
        frame.c.episode_number,
        frame.c.synthetic,
        frame.c.index_date,
    )


def fields(model: type[Any], *names: str) -> tuple[Any, ...]:
    """Columns of a model selected under their own names (rows are read by attribute)."""
    return tuple(getattr(model, name).label(name) for name in names)


def episode_values(row: Row[Any]) -> Values:
    """The key columns every per-episode row starts with, and its internal sort key."""
    return {
        "patient_key": row.registry_key,
        "episode": row.episode_number,
        "synthetic": row.synthetic,
        "_order": (row.patient_id, row.episode_number),
    }


def joined(values: Iterable[object] | None) -> str | None:
    """A list as one text value (`a;b`), or None for nothing."""
    if values is None:
        return None
    return ";".join(str(value) for value in values)


def pair_up(
    parents: Iterable[P],
    children: Iterable[T],
    parent_key: Callable[[P], Any],
    child_key: Callable[[T], Any],
) -> Iterator[tuple[P, list[T]]]:
    """Each parent with its children; both streams are sorted by the same (integer) key."""
    pending = iter(children)
    waiting: list[T] = []
    for parent in parents:
        key = parent_key(parent)
        found: list[T] = []
        while True:
            if not waiting:
                following = next(pending, None)
                if following is None:
                    break
                waiting.append(following)
            if child_key(waiting[0]) > key:
                break
            child = waiting.pop()
            if child_key(child) == key:
                found.append(child)
        yield parent, found


# Column definitions that recur in many tables.
PATIENT_KEY = Column(
    "patient_key",
    "key",
    "Registry key: random, assigned at registration, derived from nothing about the person.",
)
EPISODE = Column(
    "episode", "key", "Episode of care: 1 for the patient's first, 2 for the next, ...", minimum=1
)
SYNTHETIC = Column(
    "synthetic",
    "boolean",
    "true for a made-up demonstration patient (not evidence), false for a real one.",
)
DAYS_NOTE = "days from the episode's index (first) procedure; negative before it"


def days_column(name: str, what: str) -> Column:
    """An integer column giving a date as days from the index procedure."""
    return Column(name, "integer", f"{what}, in {DAYS_NOTE}; empty without a procedure.")


def date_column(name: str, what: str) -> Column:
    """An identified-only date column."""
    return Column(name, "date", f"{what} (identified exports only).", privacy="identified")
