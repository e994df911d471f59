"""Turning pydantic's request errors into the field name and the allowed values."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, Field

from regenspine.input_problems import allowed_length, allowed_range
from regenspine.web.plumbing.validation import request_problem


class Inner(BaseModel):
    percent: float = Field(ge=0, le=100)


class Outer(BaseModel):
    age: int = Field(ge=18, le=120)
    weeks: float = Field(ge=0)
    text: str = Field(min_length=1, max_length=500_000)
    inner: Inner


@pytest.mark.parametrize(
    ("location", "name"),
    [
        (("body", "age"), "age"),
        (("body", "inner", "percent"), "inner.percent"),
        (("body", "symptoms", 2), "symptoms[2]"),
        (("query", "region"), "region"),
        (("body",), "body"),
        ((), "input"),
    ],
)
def test_field_names_read_like_the_json_path(location: tuple[int | str, ...], name: str) -> None:
    missing = {"type": "missing", "loc": location, "msg": "Field required"}
    assert request_problem(missing, Outer).field == name


def test_only_the_body_is_read_against_the_body_model() -> None:
    too_young = {"type": "greater_than_equal", "loc": ("body", "age"), "ctx": {"ge": 18}}
    assert request_problem(too_young, Outer).allowed == "18 to 120"
    in_query = {**too_young, "loc": ("query", "age")}
    assert request_problem(in_query, Outer).allowed == "18 or more"


def test_ranges_and_lengths_come_from_the_constraints() -> None:
    assert allowed_range(Outer.model_fields["age"]) == "18 to 120"
    assert allowed_range(Outer.model_fields["weeks"]) == "0 or more"
    assert allowed_range(Inner.model_fields["percent"]) == "0 to 100"
    assert allowed_range(Outer.model_fields["inner"]) is None
    assert allowed_length(Outer.model_fields["text"]) == "1 to 500,000 characters"
    assert allowed_length(Outer.model_fields["age"]) is None
