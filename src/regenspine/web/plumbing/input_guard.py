"""Input the database cannot hold, refused at the web edge with the request's own field names.

What the registry can store is defined once, in `regenspine.registry.storage_limits` (checked on
every row before it is written, whichever face wrote it) and, for procedure records, in
`regenspine.registry.services.procedure_limits`. The web reads them from here to name a JSON
body's or a form's field before any write is tried.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from regenspine.errors import InvalidInput
from regenspine.registry.services.procedure_limits import (
    PROCEDURE_TEXT_LIMITS,
    check_procedure_text,
    check_schedulable,
)
from regenspine.registry.storage_limits import (
    MAX_RECORD_ID,
    NO_NUL,
    NUL,
    RECORD_ID_RANGE,
    refuse_nul_anywhere,
    storage_refusal,
)

__all__ = [
    "MAX_RECORD_ID",
    "NO_NUL",
    "NUL",
    "PROCEDURE_TEXT_LIMITS",
    "RECORD_ID_RANGE",
    "check_procedure_text",
    "check_record_ids",
    "check_schedulable",
    "refuse_nul_in_json",
    "storage_refusal",
]


def refuse_nul_in_json(value: object, path: str = "body") -> None:
    """InvalidInput for the first string (or key) in decoded JSON that holds a NUL character."""
    refuse_nul_anywhere(value, "" if path == "body" else path, document="body")


def check_record_ids(document: Mapping[str, Any], names: Iterable[str], prefix: str) -> None:
    """A record number (episode, procedure) must be one the registry can hold."""
    for name in names:
        value = document.get(name)
        if isinstance(value, int) and not isinstance(value, bool):
            if not 1 <= value <= MAX_RECORD_ID:
                raise InvalidInput(f"{prefix}.{name}", f"{value} is out of range", RECORD_ID_RANGE)
