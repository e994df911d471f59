"""A procedure record as entered, checked against what the registry can keep of it.

The care rules read the record; these checks name its fields (`harvest.site`, `performed_on`)
for what the registry's columns and its follow-up calendar cannot hold, before the protocol
checks run, so the CLI, the web form and the JSON API all give the same answer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import String

from regenspine.care import follow_up_schedule, nsaid_window
from regenspine.errors import InvalidInput
from regenspine.registry.models import MedicationNote, Procedure
from regenspine.registry.storage_limits import (
    EARLIEST_DATE,
    check_date,
    refuse_nul_anywhere,
)


def _length(column: Any) -> int:
    """The length limit of a registry column."""
    column_type = column.type
    if not isinstance(column_type, String) or column_type.length is None:
        raise TypeError(f"{column} is not a text column with a length")
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


def check_procedure_text(document: Mapping[str, Any]) -> None:
    """Procedure free text must fit the registry's columns."""
    for dotted, limit in PROCEDURE_TEXT_LIMITS.items():
        section, field = dotted.split(".")
        holders = document.get(section)
        for index, holder in enumerate(holders if isinstance(holders, list) else [holders]):
            value = holder.get(field) if isinstance(holder, Mapping) else None
            if isinstance(value, str) and len(value.strip()) > limit:
                where = f"{section}[{index}].{field}" if isinstance(holders, list) else dotted
                raise InvalidInput(where, f"is {len(value):,} characters long", f"1 to {limit}")


def check_schedulable(document: Mapping[str, Any]) -> None:
    """A procedure date must leave room for its follow-up visits and be one the registry keeps."""
    value = document.get("performed_on")
    if not isinstance(value, str):
        return
    try:
        performed_on = dt.date.fromisoformat(value)
    except ValueError:
        return  # the care rules name a date they cannot read
    if performed_on < EARLIEST_DATE:
        check_date("performed_on", performed_on)
    try:
        follow_up_schedule(performed_on)
        nsaid_window(performed_on)
    except (OverflowError, ValueError):
        problem = f"{value} is too late to schedule follow-up visits"
        raise InvalidInput("performed_on", problem, "an earlier date") from None
    check_date("performed_on", performed_on)


def check_storable_procedure(document: Mapping[str, Any]) -> None:
    """Everything the registry refuses in a procedure record, each problem naming its field."""
    refuse_nul_anywhere(document, document="procedure")
    check_procedure_text(document)
    check_schedulable(document)
