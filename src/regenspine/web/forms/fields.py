"""Reading HTML form and query fields: every problem becomes an InvalidInput naming the field.

A form shows all its problems at once, each next to its field, so the readers below are run
through a `FieldReader` that keeps every problem instead of stopping at the first.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Iterable
from typing import TypeVar

from pydantic import BaseModel
from starlette.datastructures import ImmutableMultiDict

from regenspine.errors import InvalidInput, RegenspineError
from regenspine.input_problems import allowed_range
from regenspine.input_problems import bounds as field_bounds
from regenspine.web.plain_words import plain_problem
from regenspine.web.plumbing.input_guard import MAX_RECORD_ID, NO_NUL, NUL, RECORD_ID_RANGE

T = TypeVar("T")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# "patient.mrn: a patient with MRN ... exists": a service message that starts with its field.
FIELD_MESSAGE = re.compile(r"^([a-z_][a-z0-9_.\[\]]*): (.+)$", re.S)
LIST_POSITION = re.compile(r"\[\d+\]")
YES_NO = {"yes": True, "no": False}


# A submitted form or a query string (Starlette's FormData and QueryParams).
FormFields = ImmutableMultiDict[str, object]


class InvalidForm(InvalidInput):
    """Several fields of one form are wrong: the first is the message; all are kept by field."""

    def __init__(self, problems: Iterable[InvalidInput]) -> None:
        listed = list(problems)
        first = listed[0]
        super().__init__(first.field, first.problem, first.allowed)
        # Each field's problem: as a message naming the field, and as the problem itself.
        self.problems: dict[str, str] = {}
        self.inputs: dict[str, InvalidInput] = {}
        for problem in listed:
            # A part of the form read as a whole (the screening questions) brings its own list.
            if isinstance(problem, InvalidForm):
                self.problems.update(problem.problems)
                self.inputs.update(problem.inputs)
            else:
                self.problems[problem.field] = problem.message
                self.inputs[problem.field] = problem


class FieldReader:
    """Reads fields one by one and keeps every problem, so the form can show them all."""

    def __init__(self, form: FormFields) -> None:
        self.form = form
        self.problems: list[InvalidInput] = []

    def read(self, reader: Callable[[FormFields, str], T], name: str, fallback: T) -> T:
        """The value `reader` makes of the field, or `fallback` after noting its problem."""
        try:
            return reader(self.form, name)
        except InvalidInput as problem:
            self.problems.append(problem)
            return fallback

    def raise_problems(self) -> None:
        """Raise InvalidForm if any field had a problem."""
        if self.problems:
            raise InvalidForm(self.problems)


def text(form: FormFields, name: str) -> str:
    """A text field, stripped; an uploaded file or a missing field reads as empty text."""
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def picks(form: FormFields, name: str) -> list[str]:
    """Every ticked value of a checkbox group, in the order sent."""
    return [value for value in form.getlist(name) if isinstance(value, str)]


def ticked(form: FormFields, name: str) -> bool:
    """Whether a single checkbox was ticked (an unticked box is not sent at all)."""
    return name in form


def range_of(model: type[BaseModel], field: str) -> str | None:
    """The allowed range of a numeric model field, e.g. "18 to 120", for messages and hints."""
    return allowed_range(model.model_fields[field])


def bounds(model: type[BaseModel], field: str) -> tuple[float | None, float | None]:
    """(lowest, highest) allowed value of a numeric model field, for input min and max."""
    return field_bounds(model.model_fields[field])


def whole_number(form: FormFields, name: str, allowed: str | None = None) -> int:
    """A required whole number."""
    value = text(form, name)
    if not value:
        raise InvalidInput(name, "is missing", allowed or "a whole number")
    if not re.fullmatch(r"[+-]?\d{1,9}", value):
        problem = f"{value[:40]!r} is not a whole number"
        raise InvalidInput(name, problem, allowed or "a whole number")
    return int(value)


def number(form: FormFields, name: str, allowed: str | None = None) -> float:
    """A required number (decimals allowed; "nan" and "inf" are not numbers here)."""
    value = text(form, name).replace(",", ".")
    if not value:
        raise InvalidInput(name, "is missing", allowed or "a number")
    try:
        parsed = float(value)
    except ValueError:
        raise InvalidInput(name, f"{value[:40]!r} is not a number", allowed or "a number") from None
    if not math.isfinite(parsed):
        raise InvalidInput(name, f"{value[:40]!r} is not a number", allowed or "a number")
    return parsed


def choice(form: FormFields, name: str, allowed: Iterable[str]) -> str:
    """One value out of `allowed` (radio buttons or a select)."""
    options = list(allowed)
    value = text(form, name)
    if not value:
        raise InvalidInput(name, "choose one", options)
    if value not in options:
        raise InvalidInput(name, f"unknown value {value[:40]!r}", options)
    return value


def yes_or_no(form: FormFields, name: str) -> bool:
    """A yes/no radio question."""
    return YES_NO[choice(form, name, YES_NO)]


def calendar_date(form: FormFields, name: str) -> dt.date:
    """A date written YYYY-MM-DD (what a date input sends)."""
    value = text(form, name)
    if not value:
        raise InvalidInput(name, "is missing", "a date as YYYY-MM-DD")
    try:
        if ISO_DATE.match(value):
            return dt.date.fromisoformat(value)
    except ValueError:
        pass
    raise InvalidInput(name, f"{value[:40]!r} is not a calendar date", "a date as YYYY-MM-DD")


def problems_by_field(error: InvalidInput) -> dict[str, str]:
    """Every problem of a form error, by field name, for showing next to each field."""
    if isinstance(error, InvalidForm):
        return dict(error.problems)
    return {error.field: error.message}


def plain_problems(error: InvalidInput) -> dict[str, str]:
    """Every problem of a form error in plain words, by field name, for a patient's page."""
    if isinstance(error, InvalidForm):
        return {name: plain_problem(problem) for name, problem in error.inputs.items()}
    return {error.field: plain_problem(error)}


def optional_date(form: FormFields, name: str) -> dt.date | None:
    """A date field that may be left empty."""
    return calendar_date(form, name) if text(form, name) else None


def form_field(field: str, prefix: str = "") -> str:
    """A service's field name as the form names it (`patient.mrn` -> `mrn`, `x[0]` -> `x`)."""
    name = LIST_POSITION.sub("", field)
    return name.removeprefix(f"{prefix}.") if prefix else name


def form_problems(error: RegenspineError, prefix: str = "") -> dict[str, str]:
    """Every problem of a refused form by the form's own field names, for showing at each field.

    `prefix` is the name a service puts before its fields (`patient` in `patient.mrn`). An error
    that names no field (a record that is missing) is kept under "form".
    """
    if isinstance(error, InvalidForm):
        return dict(error.problems)
    if isinstance(error, InvalidInput):
        field = form_field(error.field, prefix)
        return {field: InvalidInput(field, error.problem, error.allowed).message}
    match = FIELD_MESSAGE.match(error.message)
    if match is None:
        return {"form": f"form: {error.message}"}
    field = form_field(match.group(1), prefix)
    return {field: f"{field}: {match.group(2)}"}


def refuse_nul_in_form(form: FormFields) -> None:
    """InvalidInput for the first form field whose text holds a NUL character."""
    for name, value in form.multi_items():
        if isinstance(value, str) and NUL in value:
            raise InvalidInput(name[:60].replace(NUL, ""), "contains a NUL character", NO_NUL)


def record_number(form: FormFields, name: str) -> int:
    """A record number typed or carried in a form field (episode, procedure)."""
    value = text(form, name)
    if not re.fullmatch(r"[0-9]{1,10}", value) or not 1 <= int(value) <= MAX_RECORD_ID:
        raise InvalidInput(name, f"{value[:20]!r} is not a record number", RECORD_ID_RANGE)
    return int(value)
