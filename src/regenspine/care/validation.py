"""Turn validation problems in care inputs into one InvalidInput naming the dotted field.

Models raise `FieldProblem` for rules that span fields (an end time before its start time); the
problem then names the exact field, not the model that holds it.
"""

from __future__ import annotations

import types
from collections.abc import Iterable
from typing import Annotated, Any, TypeVar, Union, get_args, get_origin

import annotated_types
from pydantic import BaseModel, ConfigDict, StringConstraints, ValidationError

from regenspine.errors import InvalidInput, invalid_input_from

Location = tuple[int | str, ...]
ModelT = TypeVar("ModelT", bound=BaseModel)

# Free text that must say something: surrounding spaces are dropped, an empty text is refused.
# The lengths match the registry's columns, so a long value is refused here, not by the database.
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
LotText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]


class CareInput(BaseModel):
    """Base of the care inputs: unknown keys are errors, values are fixed once read.

    Strict, so that "yes" or "20" are refused rather than guessed; dates and times still come as
    ISO text from JSON, so those fields relax it.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class FieldProblem(ValueError):
    """A rule broken inside a model, at a field given relative to that model."""

    def __init__(
        self, at: Location, problem: str, allowed: Iterable[object] | str | None = None
    ) -> None:
        super().__init__(problem)
        self.at = at
        self.problem = problem
        self.allowed = allowed


def parse_input(model: type[ModelT], data: object, name: str) -> ModelT:
    """Validate decoded JSON into `model`, or raise InvalidInput naming the dotted field."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise invalid_input(error, model, name) from None


def invalid_input(error: ValidationError, model: type[BaseModel], name: str) -> InvalidInput:
    """The first problem of `error` as an InvalidInput; `name` stands for the whole document."""
    first = error.errors(include_url=False)[0]
    location: Location = tuple(first["loc"])
    kind = first["type"]
    cause = (first.get("ctx") or {}).get("error")
    if isinstance(cause, FieldProblem):
        return InvalidInput(field_path((*location, *cause.at), name), cause.problem, cause.allowed)
    field = field_path(location, name)
    if kind == "extra_forbidden":
        return InvalidInput(field, "unknown key", _keys_at(model, location[:-1]))
    if kind == "missing":
        return InvalidInput(field, "is required")
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return InvalidInput(field, "must be a JSON object")
    converted = invalid_input_from(error)
    if kind == "literal_error":
        return InvalidInput(field, f"unknown value {first['input']!r}", converted.allowed)
    if kind == "bool_type":
        return InvalidInput(field, converted.problem, ["true", "false"])
    return InvalidInput(field, converted.problem, converted.allowed or _range_at(model, location))


def field_path(location: Location, name: str) -> str:
    """`injection.levels[0]`, `harvest.lot_number`; `name` for the whole document."""
    path = ""
    for part in location:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or name


def _model_at(model: type[BaseModel], location: Location) -> type[BaseModel] | None:
    """The model that holds the field at `location` (list indexes are stepped over)."""
    current: type[BaseModel] | None = model
    for part in location:
        if current is None or isinstance(part, int):
            continue
        info = current.model_fields.get(part)
        current = _inner_model(info.annotation) if info else None
    return current


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    """The pydantic model inside `X`, `X | None` or `list[X]`, if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if get_origin(annotation) in (Union, types.UnionType, list, tuple):
        for argument in get_args(annotation):
            found = _inner_model(argument)
            if found is not None:
                return found
    return None


def _keys_at(model: type[BaseModel], location: Location) -> list[str] | None:
    holder = _model_at(model, location)
    return list(holder.model_fields) if holder else None


def _range_at(model: type[BaseModel], location: Location) -> str | None:
    """The allowed range of a numeric field, read from its constraints (e.g. `0 to 100`)."""
    named = [index for index, part in enumerate(location) if isinstance(part, str)]
    if not named:
        return None
    holder = _model_at(model, location[: named[-1]])
    info = holder.model_fields.get(str(location[named[-1]])) if holder else None
    if info is None:
        return None
    bounds: dict[str, object] = {}
    for rule in info.metadata:
        for kind in ("ge", "gt", "le", "lt"):
            if isinstance(rule, getattr(annotated_types, kind.capitalize())):
                bounds[kind] = getattr(rule, kind)
    return _describe_bounds(bounds)


def _describe_bounds(bounds: dict[str, object]) -> str | None:
    if "ge" in bounds and "le" in bounds:
        return f"{bounds['ge']} to {bounds['le']}"
    words = {"ge": "{} or more", "gt": "more than {}", "le": "{} or less", "lt": "less than {}"}
    parts = [words[kind].format(value) for kind, value in bounds.items()]
    return " and ".join(parts) or None
