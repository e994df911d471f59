"""Pydantic validation problems as InvalidInput: the dotted field and the values it allows.

Pydantic reports one bound of a range at a time and no list of known keys, so the allowed values
are read from the model at the error's location (the same constraints that produced the error),
and from the error's own context where there is no model (a query parameter). Models raise
`FieldProblem` for rules that span fields; the problem then names the exact field.
"""

from __future__ import annotations

import datetime as dt
import types
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from typing import Any, Literal, TypeGuard, TypeVar, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from regenspine.errors import InvalidInput, shown

Location = tuple[int | str, ...]
ModelT = TypeVar("ModelT", bound=BaseModel)
Allowed = list[str] | str | None

NOT_AN_OBJECT = ("model_type", "dict_type", "model_attributes_type")
RANGE_ERRORS = ("greater_than", "greater_than_equal", "less_than", "less_than_equal")
LENGTH_ERRORS = ("string_too_short", "string_too_long", "too_short", "too_long")
AMOUNT_ERRORS = ("decimal_max_digits", "decimal_max_places", "decimal_whole_digits")
# A validator's own message says what is wrong; the field's type would only repeat the obvious.
RULE_ERRORS = ("value_error", "assertion_error")
# What a value of a type looks like, by the start of pydantic's error type; datetime before date.
TYPE_WORDS = {
    "int": "a whole number",
    "float": "a number",
    "decimal": "a number",
    "string": "text",
    "datetime": "a date and time as YYYY-MM-DDTHH:MM:SS",
    "date": "a date as YYYY-MM-DD",
    "time": "a time as HH:MM",
    "dict": "a JSON object",
    "model": "a JSON object",
    "list": "a JSON list",
    "tuple": "a JSON list",
    "set": "a JSON list",
    "json": "valid JSON",
}
# The kinds a field can be that have no list of choices (a bool has: true, false).
KIND_WORDS: tuple[tuple[type, str], ...] = (
    (int, "a whole number"),
    (float, "a number"),
    (Decimal, "a number"),
    (str, "text"),
    (dt.datetime, TYPE_WORDS["datetime"]),
    (dt.date, TYPE_WORDS["date"]),
    (dt.time, TYPE_WORDS["time"]),
    (BaseModel, "a JSON object"),
    (dict, "a JSON object"),
)
LISTS = (list, tuple, set, frozenset)


class FieldProblem(ValueError):
    """A rule broken inside a model, at a field given relative to that model."""

    def __init__(
        self, at: Location, problem: str, allowed: Iterable[object] | str | None = None
    ) -> None:
        super().__init__(problem)
        self.at = at
        self.problem = problem
        self.allowed = allowed


@dataclass(frozen=True)
class Spot:
    """Where a location leads in a model: the parts to show, the field there and its holder."""

    shown: Location
    field: FieldInfo | None
    holder: type[BaseModel] | None


def parse_as(
    model: type[ModelT], data: object, prefix: str = "", whole: str | None = None
) -> ModelT:
    """Validate decoded input into `model`, or raise InvalidInput naming the field."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise invalid_input_from(error, model, prefix, whole) from None


def invalid_input_from(
    error: ValidationError, model: Any = None, prefix: str = "", whole: str | None = None
) -> InvalidInput:
    """The first problem of a ValidationError as an InvalidInput (see `input_problem`)."""
    return input_problem(error.errors(include_url=False)[0], model, prefix, whole)


def input_problem(
    detail: Mapping[str, Any], model: Any, prefix: str = "", whole: str | None = None
) -> InvalidInput:
    """One pydantic error as an InvalidInput naming the dotted field and the allowed values.

    `model` is the type the input was validated as (a model, `list[Model]`), or None when it is
    not known. `prefix` goes before every field (`patient.mrn`); `whole` names the whole
    document, and is `prefix` (or "input") when not given.
    """
    whole = whole or prefix or "input"
    kind = str(detail.get("type", ""))
    location: Location = tuple(detail.get("loc", ()))
    cause = (detail.get("ctx") or {}).get("error")
    if isinstance(cause, FieldProblem):
        spot = locate(model, (*location, *cause.at))
        return InvalidInput(field_path(spot.shown, whole, prefix), cause.problem, cause.allowed)
    if kind == "json_invalid":
        # Broken JSON is reported at a character position; the whole document is what is wrong.
        return InvalidInput(whole, _message(detail), "valid JSON")
    spot = locate(model, location)
    problem, allowed = _problem_at(spot, kind, detail)
    return InvalidInput(field_path(spot.shown, whole, prefix), problem, allowed)


def _problem_at(spot: Spot, kind: str, detail: Mapping[str, Any]) -> tuple[str, Allowed]:
    """The problem in words and the allowed values, for an error of `kind` at `spot`."""
    context = detail.get("ctx") or {}
    if kind == "extra_forbidden":
        return "unknown key", list(spot.holder.model_fields) if spot.holder else None
    if kind == "missing":
        return "is required", accepted(spot.field)
    if kind in NOT_AN_OBJECT:
        return "is not a JSON object", "a JSON object"
    if kind in ("literal_error", "enum"):
        listed = choices(spot.field) or _expected(context)
        return f"unknown value {shown(detail.get('input'))}", listed
    return _message(detail), _allowed(kind, context, spot.field)


def _message(detail: Mapping[str, Any]) -> str:
    return str(detail.get("msg", "is not valid")).lower()


def _allowed(kind: str, context: Mapping[str, Any], field: FieldInfo | None) -> Allowed:
    """The allowed values for an error of `kind`: the field's constraints, else the context."""
    if kind.startswith("bool"):
        return ["true", "false"]
    if kind in RANGE_ERRORS:
        return allowed_range(field) or describe_bounds(context)
    if kind in LENGTH_ERRORS:
        return allowed_length(field) or _context_length(kind, context)
    if kind in AMOUNT_ERRORS:
        return allowed_amount(field) or "a number"
    if kind in RULE_ERRORS:
        return None
    if field is not None:
        return accepted(field) or _type_words(kind)
    return _expected(context) or _type_words(kind)


def _type_words(kind: str) -> str | None:
    return next((words for start, words in TYPE_WORDS.items() if kind.startswith(start)), None)


def _expected(context: Mapping[str, Any]) -> list[str] | None:
    """The choices in pydantic's `expected` text, e.g. "'a', 'b' or 'c'" -> [a, b, c]."""
    if "expected" not in context:
        return None
    text = str(context["expected"]).replace(" or ", ", ")
    return [choice.strip().strip("'") for choice in text.split(", ")]


def _context_length(kind: str, context: Mapping[str, Any]) -> str:
    unit = "characters" if kind.startswith("string") else "items"
    if "min_length" in context:
        return f"{context['min_length']:,} or more {unit}"
    if "max_length" in context:
        return f"at most {context['max_length']:,} {unit}"
    return "text" if unit == "characters" else "a JSON list"


def field_path(location: Sequence[int | str], whole: str = "input", prefix: str = "") -> str:
    """`imaging.bony_compression_percent`, `symptoms[2]`; `whole` for the whole document."""
    path = prefix if location else ""
    for part in location:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or whole


def locate(model: Any, location: Location) -> Spot:
    """Follow `location` through the nested models, lists, dicts and unions of type `model`.

    Pydantic puts the name of the union member it tried into the location (`int`, `Model`);
    those parts are stepped through but not shown.
    """
    field = FieldInfo.from_annotation(model) if model is not None else None
    holder: type[BaseModel] | None = None
    shown: list[int | str] = []
    for part in location:
        field = _settled(field)
        annotation = field.annotation if field is not None else None
        if _is_union(annotation):
            field = _member(annotation, part)
            continue
        shown.append(part)
        holder = annotation if _is_model(annotation) else None
        field = _step(annotation, part)
    return Spot(tuple(shown), _settled(field), holder)


def _step(annotation: Any, part: int | str) -> FieldInfo | None:
    """The field one location part further in: a model's field, a list item or a dict value."""
    if _is_model(annotation) and isinstance(part, str):
        return _field_named(annotation, part)
    arguments = get_args(annotation)
    origin = get_origin(annotation)
    if origin in LISTS and isinstance(part, int) and arguments:
        fixed = origin is tuple and Ellipsis not in arguments
        item = arguments[part] if fixed and part < len(arguments) else arguments[0]
        return FieldInfo.from_annotation(item)
    if origin is dict and len(arguments) == 2:
        return FieldInfo.from_annotation(arguments[1])
    return None


def _field_named(model: type[BaseModel], name: str) -> FieldInfo | None:
    if name in model.model_fields:
        return model.model_fields[name]
    return next((info for info in model.model_fields.values() if info.alias == name), None)


def _member(union: Any, tag: int | str) -> FieldInfo | None:
    """The member of a union that pydantic names `tag` in a location (its class name)."""
    for member in get_args(union):
        if getattr(member, "__name__", None) == tag:
            return FieldInfo.from_annotation(member)
    return None


def _settled(field: FieldInfo | None) -> FieldInfo | None:
    """The field with `X | None` read as `X`, keeping the constraints of both."""
    if field is None:
        return None
    members = [arg for arg in get_args(field.annotation) if arg is not type(None)]
    if not _is_union(field.annotation, count_none=True) or len(members) != 1:
        return field
    inner = FieldInfo.from_annotation(members[0])
    inner.metadata = [*field.metadata, *inner.metadata]
    return _settled(inner)


def _is_union(annotation: Any, count_none: bool = False) -> bool:
    """Whether `annotation` is a union pydantic tries member by member (not just `X | None`)."""
    if get_origin(annotation) not in (Union, types.UnionType):
        return False
    members = [arg for arg in get_args(annotation) if arg is not type(None)]
    return count_none or len(members) > 1


def _is_model(annotation: Any) -> TypeGuard[type[BaseModel]]:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def choices(field: FieldInfo | None) -> list[str] | None:
    """The values a Literal, an Enum or a bool field allows, as text."""
    annotation = field.annotation if field is not None else None
    if get_origin(annotation) is Literal:
        return [str(value) for value in get_args(annotation)]
    if annotation is bool:
        return ["true", "false"]
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return [str(member.value) for member in annotation]
    return None


def accepted(field: FieldInfo | None) -> Allowed:
    """What a field accepts as a whole: its choices, or its kind with its range or length."""
    if field is None:
        return None
    listed = choices(field)
    if listed:
        return listed
    amount = allowed_amount(field)
    if amount:
        return amount
    length = allowed_length(field)
    if length:
        return length
    words = _kind_words(field.annotation)
    return ", ".join(text for text in (words, allowed_range(field)) if text) or None


def _kind_words(annotation: Any) -> str | None:
    if get_origin(annotation) in LISTS:
        return "a JSON list"
    if not isinstance(annotation, type):
        return None
    return next((words for kind, words in KIND_WORDS if issubclass(annotation, kind)), None)


def _constraint(field: FieldInfo | None, name: str) -> Any:
    """The last value given for constraint `name` (`ge`, `max_length`, ...) on the field."""
    found = None
    for rule in field.metadata if field is not None else ():
        value = getattr(rule, name, None)
        found = value if value is not None else found
    return found


def bounds(field: FieldInfo | None) -> tuple[Any, Any]:
    """(lowest, highest) value a numeric field allows, inclusive; None where it has no bound."""
    return _constraint(field, "ge"), _constraint(field, "le")


def allowed_range(field: FieldInfo | None) -> str | None:
    """A numeric field's allowed range from its constraints, e.g. "18 to 120" or "0 or more"."""
    found = {kind: _constraint(field, kind) for kind in ("ge", "gt", "le", "lt")}
    return describe_bounds({kind: value for kind, value in found.items() if value is not None})


def describe_bounds(limits: Mapping[str, Any]) -> str | None:
    """Bounds in words: `ge` and `le` as "18 to 120", others as "more than 0" and the like."""
    if "ge" in limits and "le" in limits:
        return f"{_number(limits['ge'])} to {_number(limits['le'])}"
    words = {"ge": "{} or more", "gt": "more than {}", "le": "{} or less", "lt": "less than {}"}
    parts = [text.format(_number(limits[kind])) for kind, text in words.items() if kind in limits]
    return " and ".join(parts) or None


def _number(value: object) -> str:
    """A bound as written: 100.0 as 100, 0.5 and 5000000 as they are."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def allowed_length(field: FieldInfo | None) -> str | None:
    """A text or list field's allowed length, e.g. "1 to 500,000 characters" or "1 to 10 items"."""
    low, high = _constraint(field, "min_length"), _constraint(field, "max_length")
    if low is None and high is None:
        return None
    unit = "items" if field is not None and get_origin(field.annotation) in LISTS else "characters"
    if high is None:
        return f"{low:,} or more {unit}"
    return f"{low or 0:,} to {high:,} {unit}"


def allowed_amount(field: FieldInfo | None) -> str | None:
    """A decimal field's allowed size, e.g. "a number of at most 12 digits, 2 after the point"."""
    digits = _constraint(field, "max_digits")
    if digits is None:
        return None
    places = _constraint(field, "decimal_places") or 0
    return f"a number of at most {digits} digits, {places} after the point"
