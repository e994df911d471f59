"""Hostile values and the identity they must never leak, shared by the registry, CLI and API tests.

Every face writes through the registry's transaction, so each hostile value must come back as
one bad-input error that names a field, repeats no identifying value and stores nothing.
"""

from __future__ import annotations

from typing import Any

NUL_TEXT = "Quarter\x00main"
LONG_TEXT = "x" * 10_000
FAR_FUTURE = "9999-12-01"
FAR_PAST = "0001-01-01"
HUGE_NUMBER = 99_999_999_999  # past PostgreSQL's integer (and a SQLite-safe 64-bit value)

# A patient whose identity appears in hostile input: none of it may appear in any error.
HOSTILE_PATIENT: dict[str, Any] = {
    "name": "Zebedee Quartermain",
    "birth_date": "1950-03-04",
    "sex": "male",
    "mrn": "MRN-ZQ-4411",
}
# The identifying values of HOSTILE_PATIENT and of the set-up patient (Grace Example, MRN-100).
IDENTITY = ("Zebedee", "Quartermain", "1950-03-04", "MRN-ZQ-4411", "Grace", "1957-06-02", "MRN-100")


def hostile_patient(**changes: Any) -> dict[str, Any]:
    """HOSTILE_PATIENT with fields changed."""
    return {**HOSTILE_PATIENT, **changes}


def leaked_identity(text: str) -> list[str]:
    """The identifying values that appear in `text` (none may)."""
    return [value for value in IDENTITY if value in text]
