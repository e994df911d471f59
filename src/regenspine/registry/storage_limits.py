"""What the registry's columns can hold, checked on every row before the database sees it.

PostgreSQL text and JSONB cannot contain NUL characters, its integers stop at 2,147,483,647, a
`String(n)` column holds n characters (PostgreSQL enforces it, SQLite does not), and a date
far outside anyone's lifetime breaks the follow-up calendar. Every face (CLI, web pages, JSON
API) writes through a `Registry` session, so a `before_flush` listener sees each new or changed
row whichever face wrote it, and refuses the first value that cannot be stored as one
`InvalidInput` naming `table.column`. Values of identifying columns are never repeated.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Enum,
    Float,
    Integer,
    String,
    inspect,
)
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeDecorator, TypeEngine

from regenspine.errors import InvalidInput

NUL = "\x00"
NO_NUL = "text without NUL characters"
# PostgreSQL's `integer`: the largest record number (and whole number) a column can hold.
MAX_INTEGER = 2_147_483_647
MIN_INTEGER = -MAX_INTEGER - 1
MAX_RECORD_ID = MAX_INTEGER
RECORD_ID_RANGE = f"a whole number from 1 to {MAX_RECORD_ID:,}"
INTEGER_RANGE = f"a whole number from {MIN_INTEGER:,} to {MAX_INTEGER:,}"
# Birth dates start in 1900 (the patient form's own floor); 2200 leaves room for the longest
# follow-up schedule after any plausible procedure date and stays inside Python's calendar.
EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2200, 12, 31)
DATE_RANGE = f"a date from {EARLIEST_DATE} to {LATEST_DATE}"
# Tables whose values identify a patient: a problem with them is described, never quoted.
IDENTIFYING_TABLES = frozenset({"patient_identity"})
# Tables written from an input record of another name: the patient record's identifying fields.
RECORD_NAMES = {"patient_identity": "patient"}


def check_text(field: str, value: str, limit: int | None = None) -> None:
    """Text must hold no NUL character and, for a bounded column, fit its length."""
    if NUL in value:
        raise InvalidInput(field, "contains a NUL character", NO_NUL)
    if limit is not None and len(value) > limit:
        raise InvalidInput(field, f"is {len(value):,} characters long", f"1 to {limit}")


def check_record_number(field: str, value: object) -> None:
    """A record number (episode, procedure, follow-up) must be one the registry can hold."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(field, "must be a record number", RECORD_ID_RANGE)
    if not 1 <= value <= MAX_RECORD_ID:
        raise InvalidInput(field, f"{value} is out of range", RECORD_ID_RANGE)


def check_date(field: str, value: dt.date, private: bool = False) -> None:
    """A date (or the day of a time) must fall in the years the registry keeps."""
    day = value.date() if isinstance(value, dt.datetime) else value
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        shown = "is" if private else f"{day.isoformat()} is"
        raise InvalidInput(field, f"{shown} outside the dates the registry keeps", DATE_RANGE)


def refuse_nul_anywhere(value: object, path: str = "", document: str = "input") -> None:
    """The first string (or key) in decoded JSON holding a NUL character, named by its path
    (`document` names the whole when the problem is at the top)."""
    where = path or document
    if isinstance(value, str):
        check_text(where, value)
    elif isinstance(value, Mapping):
        for key, item in value.items():
            name = str(key)
            if NUL in name:
                raise InvalidInput(where, "has a key with a NUL character", NO_NUL)
            refuse_nul_anywhere(item, f"{path}.{name}" if path else name, document)
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            refuse_nul_anywhere(item, f"{where}[{index}]", document)


def _check_json(field: str, value: object) -> None:
    """JSON kept in a column: no NUL characters, and numbers JSON can write (no NaN, no inf)."""
    refuse_nul_anywhere(value, field)
    for number in _numbers(value):
        if not math.isfinite(number):
            raise InvalidInput(field, "holds a number that is not finite", "finite numbers")


def _numbers(value: object) -> Iterable[float]:
    if isinstance(value, float):
        yield value
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _numbers(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _numbers(item)


def _stored_type(column_type: TypeEngine[Any]) -> TypeEngine[Any]:
    """The type the database sees (a TypeDecorator such as UtcDateTime stands for its impl)."""
    if isinstance(column_type, TypeDecorator):
        return _stored_type(column_type.impl_instance)
    return column_type


def check_column_value(column: Column[Any], value: object) -> None:
    """InvalidInput naming `table.column` (or `patient.name`) when the column cannot hold it."""
    if value is None:
        return  # required columns are the services' business; NOT NULL is the backstop
    field = f"{RECORD_NAMES.get(column.table.name, column.table.name)}.{column.name}"
    private = column.table.name in IDENTIFYING_TABLES
    stored = _stored_type(column.type)
    if isinstance(stored, Enum):
        _check_choice(field, stored, value)
    elif isinstance(stored, String):
        if not isinstance(value, str):
            raise InvalidInput(field, "must be text", "text")
        check_text(field, value, stored.length)
    elif isinstance(stored, JSON):
        _check_json(field, value)
    elif isinstance(stored, Boolean):
        if not isinstance(value, bool):
            raise InvalidInput(field, "must be true or false", ["true", "false"])
    elif isinstance(stored, Integer):
        _check_integer(field, value, private)
    elif isinstance(stored, Float):
        _check_number(field, value)
    elif isinstance(stored, Date | DateTime):
        _check_moment(field, stored, value, private)


def _check_choice(field: str, stored: Enum, value: object) -> None:
    if not isinstance(value, str) or value not in stored.enums:
        raise InvalidInput(field, "is not one of the allowed values", list(stored.enums))


def _check_integer(field: str, value: object, private: bool) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(field, "must be a whole number", INTEGER_RANGE)
    if not MIN_INTEGER <= value <= MAX_INTEGER:
        shown = "is" if private else f"{value} is"
        raise InvalidInput(field, f"{shown} out of range", INTEGER_RANGE)


def _check_number(field: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidInput(field, "must be a number", "a finite number")
    if isinstance(value, float) and not math.isfinite(value):
        raise InvalidInput(field, "must be a finite number", "a finite number")


def _check_moment(field: str, stored: TypeEngine[Any], value: object, private: bool) -> None:
    wanted = dt.datetime if isinstance(stored, DateTime) else dt.date
    if not isinstance(value, wanted):
        kind = "a date and time" if wanted is dt.datetime else "a date"
        raise InvalidInput(field, f"must be {kind}", DATE_RANGE)
    check_date(field, value, private)


def check_row(row: object, changed_only: bool) -> None:
    """Check every set (or, for a stored row, every changed) column value of a mapped row."""
    state = inspect(row)
    for attribute in state.mapper.column_attrs:
        if attribute.key not in state.dict:
            continue
        if changed_only and not state.attrs[attribute.key].history.has_changes():
            continue
        for column in attribute.columns:
            if isinstance(column, Column):
                check_column_value(column, state.dict[attribute.key])


def refuse_unstorable_rows(session: Session, _flush_context: object, _instances: object) -> None:
    """`before_flush` listener: refuse a new or changed row holding a value it cannot store."""
    for row in session.new:
        check_row(row, changed_only=False)
    for row in session.dirty:
        check_row(row, changed_only=True)


def storage_refusal() -> InvalidInput:
    """A value the database itself refused, as bad input (the field is not known there)."""
    return InvalidInput(
        "input",
        "a value cannot be stored (text too long, or a number or date out of range)",
        f"shorter text, numbers of a usual size, dates from {EARLIEST_DATE} to {LATEST_DATE}",
    )
