"""Validation problems as InvalidInput: worked examples of each kind on a small nested model."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

import pytest
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, model_validator

from regenspine.errors import InvalidInput
from regenspine.input_problems import (
    FieldProblem,
    allowed_amount,
    allowed_length,
    allowed_range,
    bounds,
    describe_bounds,
    field_path,
    input_problem,
    invalid_input_from,
    parse_as,
)


class Closed(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class Scan(Closed):
    percent: float = Field(ge=0, le=100)
    volume_ml: float = Field(gt=0)
    started: int = 0
    ended: int = 0

    @model_validator(mode="after")
    def _ends_after_start(self) -> Scan:
        if self.ended < self.started:
            raise FieldProblem(("ended",), "must not be before started", ">= started")
        return self


class Phone(Closed):
    number: str = Field(min_length=6, max_length=40)


class Mail(Closed):
    address: str = Field(min_length=3)


class Visit(Closed):
    age: int = Field(ge=18, le=120)
    region: Literal["lumbar", "cervical"]
    note: str = Field(min_length=1, max_length=500_000)
    fee: Decimal | None = Field(default=None, max_digits=6, decimal_places=2)
    symptoms: list[Literal["leg_pain", "numbness"]] = []
    scan: Scan
    contact: Phone | Mail | None = None
    smoker: bool = False


def good(**changes: Any) -> dict[str, Any]:
    """A valid visit with some values changed."""
    visit: dict[str, Any] = {
        "age": 66,
        "region": "lumbar",
        "note": "walks less",
        "scan": {"percent": 30.0, "volume_ml": 5.0},
    }
    return {**visit, **changes}


def refused(data: object, **where: Any) -> InvalidInput:
    """The InvalidInput that parsing `data` as a Visit raises."""
    with pytest.raises(InvalidInput) as caught:
        parse_as(Visit, data, **where)
    return caught.value


SCAN_KEYS = ["percent", "volume_ml", "started", "ended"]


@pytest.mark.parametrize(
    ("data", "field", "problem", "allowed"),
    [
        (good(region="knee"), "region", "unknown value 'knee'", ["lumbar", "cervical"]),
        (good(colour="red"), "colour", "unknown key", list(Visit.model_fields)),
        (
            good(scan={"percent": 1.0, "volume_ml": 1.0, "dye": 1}),
            "scan.dye",
            "unknown key",
            SCAN_KEYS,
        ),
        ({"region": "lumbar"}, "age", "is required", "a whole number, 18 to 120"),
        (good(age=12), "age", "input should be greater than or equal to 18", "18 to 120"),
        (good(age=121), "age", "input should be less than or equal to 120", "18 to 120"),
        (good(age="66"), "age", "input should be a valid integer", "a whole number, 18 to 120"),
        (
            good(scan={"percent": 10.0, "volume_ml": 0.0}),
            "scan.volume_ml",
            "input should be greater than 0",
            "more than 0",
        ),
        (
            good(note=""),
            "note",
            "string should have at least 1 character",
            "1 to 500,000 characters",
        ),
        (
            good(fee=Decimal("12345.67")),
            "fee",
            "decimal input should have no more than 6 digits in total",
            "a number of at most 6 digits, 2 after the point",
        ),
        (
            good(fee=Decimal("1.234")),
            "fee",
            "decimal input should have no more than 2 decimal places",
            "a number of at most 6 digits, 2 after the point",
        ),
        (
            good(symptoms=["leg_pain", "headache"]),
            "symptoms[1]",
            "unknown value 'headache'",
            ["leg_pain", "numbness"],
        ),
        (good(smoker="yes"), "smoker", "input should be a valid boolean", ["true", "false"]),
        (good(scan=[1, 2]), "scan", "is not a JSON object", "a JSON object"),
        ([good()], "visit", "is not a JSON object", "a JSON object"),
        (
            good(scan={"percent": 1.0, "volume_ml": 1.0, "started": 5, "ended": 4}),
            "scan.ended",
            "must not be before started",
            ">= started",
        ),
    ],
)
def test_each_kind_of_problem_names_the_field_and_the_allowed_values(
    data: object, field: str, problem: str, allowed: list[str] | str
) -> None:
    error = refused(data, whole="visit")
    assert (error.field, error.problem, error.allowed) == (field, problem, allowed)


def test_a_union_member_is_walked_into_but_not_named_in_the_field() -> None:
    error = refused(good(contact={"number": "12"}))
    assert error.field == "contact.number"
    assert error.allowed == "6 to 40 characters"


def test_the_message_joins_field_problem_and_allowed_values() -> None:
    error = refused(good(region="knee"))
    assert error.message == "region: unknown value 'knee' (allowed: lumbar, cervical)"


def test_a_prefix_goes_before_every_field_and_names_the_whole_document() -> None:
    assert refused(good(age=5), prefix="visit").field == "visit.age"
    assert refused(good(symptoms=["x"]), prefix="visit").field == "visit.symptoms[0]"
    assert refused("not an object", prefix="visit").field == "visit"
    assert refused("not an object").field == "input"


def test_valid_input_comes_back_as_the_model() -> None:
    visit = parse_as(Visit, good(fee=Decimal("12.50")))
    assert visit.fee == Decimal("12.50")
    assert visit.scan.percent == 30.0


def test_a_list_of_models_is_walked_by_position() -> None:
    with pytest.raises(ValidationError) as caught:
        TypeAdapter(list[Visit]).validate_python([good(), good(age=200)])
    error = invalid_input_from(caught.value, list[Visit], whole="visits")
    assert (error.field, error.allowed) == ("[1].age", "18 to 120")


def test_without_a_model_the_allowed_values_come_from_the_error_itself() -> None:
    with pytest.raises(ValidationError) as caught:
        Visit.model_validate(good(region="knee", age=5))
    first, second = caught.value.errors(include_url=False)[:2]
    assert input_problem(first, None).allowed == "18 or more"
    assert input_problem(second, None).allowed == ["lumbar", "cervical"]


def test_broken_json_names_the_whole_document() -> None:
    with pytest.raises(ValidationError) as caught:
        Visit.model_validate_json("{age: 66")
    error = invalid_input_from(caught.value, Visit, whole="body")
    assert (error.field, error.allowed) == ("body", "valid JSON")


@pytest.mark.parametrize(
    ("location", "path"),
    [
        (("age",), "age"),
        (("scan", "percent"), "scan.percent"),
        (("symptoms", 2), "symptoms[2]"),
        (("visits", 0, "scan", "ended"), "visits[0].scan.ended"),
        ((), "visit"),
    ],
)
def test_field_paths_read_like_the_json_path(location: tuple[int | str, ...], path: str) -> None:
    assert field_path(location, "visit") == path


def test_ranges_lengths_and_amounts_are_read_from_the_constraints() -> None:
    fields = Visit.model_fields
    assert allowed_range(fields["age"]) == "18 to 120"
    assert allowed_range(Scan.model_fields["volume_ml"]) == "more than 0"
    assert allowed_range(fields["note"]) is None
    assert allowed_length(fields["note"]) == "1 to 500,000 characters"
    assert allowed_length(Mail.model_fields["address"]) == "3 or more characters"
    assert allowed_amount(fields["fee"]) == "a number of at most 6 digits, 2 after the point"
    assert allowed_amount(fields["age"]) is None
    assert bounds(fields["age"]) == (18, 120)
    assert bounds(Scan.model_fields["volume_ml"]) == (None, None)


def test_bounds_in_words() -> None:
    assert describe_bounds({"ge": 0.0, "le": 100.0}) == "0 to 100"
    assert describe_bounds({"gt": 0, "le": 100}) == "more than 0 and 100 or less"
    assert describe_bounds({"lt": 0.5}) == "less than 0.5"
    assert describe_bounds({"ge": 5_000_000}) == "5000000 or more"
    assert describe_bounds({}) is None
