"""FastAPI's request validation errors in the InvalidInput shape: the field and allowed values.

The translation itself is `regenspine.input_problems`; this module only takes off the part of the
location that says where in the request the value was (`body`, `query`) and finds the route's
body model, whose constraints give the allowed values.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError

from regenspine.errors import InvalidInput
from regenspine.input_problems import input_problem

LOCATIONS = ("body", "query", "path", "header", "cookie")


def split_location(location: Sequence[int | str]) -> tuple[str, tuple[int | str, ...]]:
    """(`body`, the rest) for a request location; "input" when it names no part of the request."""
    parts = tuple(location)
    if parts and parts[0] in LOCATIONS:
        return str(parts[0]), parts[1:]
    return "input", parts


def body_type(request: Request) -> Any:
    """The type of the matched route's JSON body (`Model`, `list[Model]`), or None."""
    body_field = getattr(request.scope.get("route"), "body_field", None)
    return getattr(getattr(body_field, "field_info", None), "annotation", None)


def request_problem(detail: dict[str, Any], body: Any) -> InvalidInput:
    """One of FastAPI's errors as InvalidInput; only the body is read against its type."""
    where, path = split_location(detail.get("loc", ()))
    located = {**detail, "loc": path}
    return input_problem(located, body if where == "body" else None, whole=where)


def validation_error_body(error: RequestValidationError, request: Request) -> dict[str, Any]:
    """The 422 JSON body: the first problem as InvalidInput does it, then every problem listed."""
    body = body_type(request)
    problems = [request_problem(dict(item), body) for item in error.errors()]
    first = problems[0] if problems else InvalidInput("input", "is not valid")
    listed = [
        {"field": problem.field, "problem": problem.problem, "allowed": problem.allowed}
        for problem in problems
    ]
    return {**first.to_dict(), "errors": listed}
