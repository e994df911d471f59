"""Form problems in plain words: each kind of bad answer gets a message a patient can act on."""

from __future__ import annotations

import pytest

from regenspine.errors import InvalidInput
from regenspine.web.forms.fields import InvalidForm, plain_problems
from regenspine.web.plain_words import plain_problem


@pytest.mark.parametrize(
    ("problem", "message"),
    [
        (
            InvalidInput("region", "choose one", ["lumbar", "cervical"]),
            "Choose one of the answers.",
        ),
        (
            InvalidInput("symptoms", "unknown value 'x'", ["leg_pain"]),
            "Choose from the answers shown.",
        ),
        (
            InvalidInput("age", "'sixty' is not a whole number", "18 to 120"),
            "Enter a number from 18 to 120.",
        ),
        (
            InvalidInput("nights", "not valid", "a whole number, 0 to 100"),
            "Enter a whole number from 0 to 100.",
        ),
        (
            InvalidInput("symptom_weeks", "-1 is out of range", "0 or more"),
            "Enter a number of 0 or more.",
        ),
        (InvalidInput("dose", "too small", "more than 0"), "Enter a number more than 0."),
        (InvalidInput("travel_cost", "bad", "a number"), "Enter a number."),
        (
            InvalidInput("procedure_date", "is missing", "a date as YYYY-MM-DD"),
            "Enter the date as year-month-day, for example 2026-03-02.",
        ),
        (
            InvalidInput("text", "is empty", "text (1 to 500 characters)"),
            "Write something in this box.",
        ),
        (
            InvalidInput("q", "is too long", "a question of 1 to 500 characters"),
            "This is too long. Use at most 500 characters.",
        ),
        (
            InvalidInput("profile", "is not valid JSON", "the answers"),
            "These answers could not be read. Please start again with the symptom check.",
        ),
        (
            InvalidInput("nightly_cost", "give the cost per night when you give nights"),
            "Give the cost per night when you give nights.",
        ),
        (InvalidInput("option", "value error, 'no_such' is unknown"), "Check this answer."),
        (InvalidInput("weird", "odd", "something else"), "Check this answer."),
    ],
)
def test_each_kind_of_problem_has_its_plain_message(problem: InvalidInput, message: str) -> None:
    assert plain_problem(problem) == message


def test_a_form_keeps_every_field_with_its_plain_message() -> None:
    form = InvalidForm(
        [
            InvalidInput("age", "is missing", "18 to 120"),
            InvalidInput("region", "choose one", ["a"]),
        ]
    )
    assert plain_problems(form) == {
        "age": "Enter a number from 18 to 120.",
        "region": "Choose one of the answers.",
    }
    assert form.problems["age"] == "age: is missing (allowed: 18 to 120)"
