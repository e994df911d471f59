"""Input the database cannot hold, refused at the edge with the field named (never a 500).

PostgreSQL text cannot contain NUL characters, its integer keys stop at 2,147,483,647, and some
columns are shorter than the care models' free text allows. These checks name the field before
a write is tried; `storage_refusal` is the backstop for anything they miss.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import String

from regenspine.care import follow_up_schedule, nsaid_window
from regenspine.errors import InvalidInput
from regenspine.registry.models import MedicationNote, Procedure

NUL = "\x00"
NO_NUL = "text without NUL characters"
MAX_RECORD_ID = 2_147_483_647  # PostgreSQL's integer: the largest record number there can be
RECORD_ID_RANGE = f"a whole number from 1 to {MAX_RECORD_ID:,}"


def _length(column: Any) -> int:
    """The length limit of a registry column."""
    column_type = column.type
    assert isinstance(column_type, String), column
    assert column_type.length is not None, column
    return int(column_type.length)


# Free-text fields of a procedure record and the registry columns that keep them.
PROCEDURE_TEXT_LIMITS: dict[str, int] = {
    "harvest.site": _length(Procedure.harvest_site),
    "harvest.anaesthetic": _length(Procedure.anaesthetic),
    "harvest.product_name": _length(Procedure.product_name),
    "harvest.lot_number": _length(Procedure.lot_number),
    "processing.method": _length(Procedure.processing_method),
    "processing.device": _length(Procedure.processing_device),
    "injection.operator": _length(Procedure.operator),
    "medications.drug": _length(MedicationNote.drug),
}


def refuse_nul_in_json(value: object, path: str = "body") -> None:
    """InvalidInput for the first string (or key) in decoded JSON that holds a NUL character."""
    if isinstance(value, str):
        if NUL in value:
            raise InvalidInput(path, "contains a NUL character", NO_NUL)
    elif isinstance(value, Mapping):
        for key, item in value.items():
            name = str(key)
            if NUL in name:
                raise InvalidInput(path, "has a key with a NUL character", NO_NUL)
            refuse_nul_in_json(item, f"{path}.{name}" if path != "body" else name)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            refuse_nul_in_json(item, f"{path}[{index}]")


def check_record_ids(document: Mapping[str, Any], names: Iterable[str], prefix: str) -> None:
    """A record number (episode, procedure) must be one the registry can hold."""
    for name in names:
        value = document.get(name)
        if isinstance(value, int) and not isinstance(value, bool):
            if not 1 <= value <= MAX_RECORD_ID:
                raise InvalidInput(f"{prefix}.{name}", f"{value} is out of range", RECORD_ID_RANGE)


def check_procedure_text(document: Mapping[str, Any]) -> None:
    """Procedure free text must fit the registry's columns (the care model sets no length)."""
    for dotted, limit in PROCEDURE_TEXT_LIMITS.items():
        section, field = dotted.split(".")
        holders = document.get(section)
        for index, holder in enumerate(holders if isinstance(holders, list) else [holders]):
            value = holder.get(field) if isinstance(holder, Mapping) else None
            if isinstance(value, str) and len(value.strip()) > limit:
                where = f"{section}[{index}].{field}" if isinstance(holders, list) else dotted
                raise InvalidInput(where, f"is {len(value):,} characters long", f"1 to {limit}")


def storage_refusal() -> InvalidInput:
    """A value the database itself refused, as bad input (the field is not known here)."""
    return InvalidInput(
        "input",
        "a value cannot be stored (text too long, or a number out of range)",
        "shorter text and numbers of a usual size",
    )


def check_schedulable(document: Mapping[str, Any]) -> None:
    """A procedure date so late that its follow-up visits fall past the calendar is refused."""
    value = document.get("performed_on")
    if not isinstance(value, str):
        return
    try:
        performed_on = dt.date.fromisoformat(value)
    except ValueError:
        return  # the care rules name a date they cannot read
    try:
        follow_up_schedule(performed_on)
        nsaid_window(performed_on)
    except (OverflowError, ValueError):
        problem = f"{value} is too late to schedule follow-up visits"
        raise InvalidInput("performed_on", problem, "an earlier date") from None
