"""FastAPI's request validation errors in the InvalidInput shape: the field and allowed values.

Pydantic reports one bound of a range at a time and no list of known keys, so the allowed values
are read from the request body's model where the route has one (the same constraints that
produced the error), and from the error's own context otherwise.
"""

from __future__ import annotations

import types
from collections.abc import Sequence
from typing import Any, Union, get_args, get_origin

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel

TYPE_WORDS = {
    "int": "a whole number",
    "float": "a number",
    "decimal": "a number",
    "bool": "true or false",
    "string": "text",
    "date": "a date as YYYY-MM-DD",
    "dict": "a JSON object",
    "model": "a JSON object",
    "list": "a JSON list",
    "tuple": "a JSON list",
    "json": "valid JSON",
    "enum": None,
}
LOCATIONS = ("body", "query", "path", "header", "cookie")


def field_name(location: Sequence[int | str]) -> str:
    """`imaging.bony_compression_percent`, `symptoms[2]`; `body` when the whole body is wrong."""
    parts = list(location)
    if parts and parts[0] in LOCATIONS:
        where, parts = str(parts[0]), parts[1:]
    else:
        where = "input"
    name = ""
    for part in parts:
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else str(part))
    return name or where


def body_model(request: Request) -> type[BaseModel] | None:
    """The pydantic model of the matched route's JSON body, if it has one."""
    body_field = getattr(request.scope.get("route"), "body_field", None)
    annotation = getattr(getattr(body_field, "field_info", None), "annotation", None)
    return _model_in(annotation)


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The first pydantic model inside a type such as `Model`, `list[Model]` or `Model | None`."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if get_origin(annotation) in (Union, types.UnionType, list, tuple, dict, set):
        for argument in get_args(annotation):
            found = _model_in(argument)
            if found is not None:
                return found
    return None


def _model_at(model: type[BaseModel] | None, path: Sequence[int | str]) -> type[BaseModel] | None:
    """The model found by following the named fields of `path` (list positions are skipped)."""
    for part in path:
        if model is None:
            return None
        if isinstance(part, str):
            info = model.model_fields.get(part)
            model = _model_in(info.annotation) if info is not None else None
    return model


def _field_info(model: type[BaseModel] | None, path: Sequence[int | str]) -> Any:
    """The FieldInfo of the last named field of `path`, or None."""
    names = [index for index, part in enumerate(path) if isinstance(part, str)]
    if not names:
        return None
    last = names[-1]
    holder = _model_at(model, path[:last])
    return holder.model_fields.get(str(path[last])) if holder is not None else None


def allowed_amount(info: Any) -> str | None:
    """A decimal field's allowed size, e.g. "a number of at most 12 digits, 2 after the point"."""
    digits = places = None
    for rule in getattr(info, "metadata", ()):
        digits = getattr(rule, "max_digits", digits)
        places = getattr(rule, "decimal_places", places)
    if digits is None:
        return None
    return f"a number of at most {digits} digits, {places or 0} after the point"


def allowed_length(info: Any) -> str | None:
    """A text field's allowed length from its constraints, e.g. "1 to 500,000 characters"."""
    low = high = None
    for rule in getattr(info, "metadata", ()):
        low = getattr(rule, "min_length", low)
        high = getattr(rule, "max_length", high)
    if low is None and high is None:
        return None
    if high is None:
        return f"{low:,} or more characters"
    return f"{low or 0:,} to {high:,} characters"


def allowed_range(info: Any) -> str | None:
    """A numeric field's allowed range from its constraints, e.g. "18 to 120" or "0 or more"."""
    low = high = None
    for rule in getattr(info, "metadata", ()):
        low = getattr(rule, "ge", None) if getattr(rule, "ge", None) is not None else low
        low = getattr(rule, "gt", None) if getattr(rule, "gt", None) is not None else low
        high = getattr(rule, "le", None) if getattr(rule, "le", None) is not None else high
    if low is not None and high is not None:
        return f"{low:g} to {high:g}"
    if low is not None:
        return f"{low:g} or more"
    return f"{high:g} or less" if high is not None else None


def _allowed(error: dict[str, Any], model: type[BaseModel] | None) -> str | list[str] | None:
    location = list(error.get("loc", ()))
    path = location[1:] if location and location[0] in LOCATIONS else location
    context = error.get("ctx") or {}
    kind = str(error.get("type", ""))
    if "expected" in context:
        return str(context["expected"]).replace("'", "")
    if kind == "extra_forbidden":
        holder = _model_at(model, path[:-1])
        return list(holder.model_fields) if holder is not None else None
    if kind.startswith("decimal_max") or kind == "decimal_whole_digits":
        return allowed_amount(_field_info(model, path)) or "a number"
    if kind in ("string_too_short", "string_too_long"):
        return allowed_length(_field_info(model, path)) or "text"
    if any(key in context for key in ("ge", "gt", "le", "lt")):
        info = _field_info(model, path)
        bound = next(f"{context[key]}" for key in ("ge", "gt", "le", "lt") if key in context)
        return allowed_range(info) or bound
    for prefix, text in TYPE_WORDS.items():
        if kind.startswith(prefix):
            return text
    return allowed_range(_field_info(model, path))


def validation_error_body(error: RequestValidationError, request: Request) -> dict[str, Any]:
    """The 422 JSON body: the first problem as InvalidInput does it, then every problem listed."""
    model = body_model(request)
    problems = []
    for item in error.errors():
        detail = dict(item)
        # A body that is not JSON at all is reported at a position; name the body instead.
        json_broken = detail.get("type") == "json_invalid"
        field = "body" if json_broken else field_name(detail.get("loc", ()))
        allowed = _allowed(detail, model)
        problem = str(detail.get("msg", "is not valid")).lower()
        problems.append({"field": field, "problem": problem, "allowed": allowed})
    first = problems[0] if problems else {"field": "input", "problem": "is not valid"}
    allowed_text = first.get("allowed")
    if isinstance(allowed_text, list):
        allowed_text = ", ".join(allowed_text)
    detail_text = f"{first['field']}: {first['problem']}"
    if allowed_text:
        detail_text += f" (allowed: {allowed_text})"
    return {
        "error": "InvalidInput",
        "detail": detail_text,
        "field": first["field"],
        "allowed": first.get("allowed"),
        "errors": problems,
    }
