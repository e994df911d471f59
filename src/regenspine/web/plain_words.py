"""A bad answer in plain words for a patient: what to do, never a field code or a list of codes.

The JSON API and the CLI keep `InvalidInput` as it is (field name and allowed values); a public
page shows the question's name (`web.labels.question_names`) and one of these messages instead.
"""

from __future__ import annotations

import re

from regenspine.errors import InvalidInput

CHOOSE_ONE = "Choose one of the answers."
CHOOSE_SOME = "Choose from the answers shown."
ENTER_DATE = "Enter the date as year-month-day, for example 2026-03-02."
WRITE_TEXT = "Write something in this box."
CHECK = "Check this answer."
START_AGAIN = "These answers could not be read. Please start again with the symptom check."
# Questions where a person may tick several answers.
SEVERAL = frozenset({"symptoms", "worsening_symptoms", "red_flags", "contraindications", "option"})
# Answers carried in a hidden field from an earlier step: the person never typed them.
CARRIED = frozenset({"profile", "values"})
WHOLE = "a whole number, "
BOUNDS = re.compile(r"^-?[\d.,]+ to -?[\d.,]+$")
ONE_SIDED = re.compile(r"^(?:-?[\d.,]+ or (?:more|less)|(?:more|less) than -?[\d.,]+)$")
MOST = re.compile(r"([\d,]+) characters\)?$")
EMPTY_WORDS = ("empty", "missing", "required", "too short", "choose one")
# A problem a rule wrote in words a person can act on: no codes, quotes or brackets.
PLAIN = re.compile(r"^[A-Za-z ,]+$")


def plain_problem(problem: InvalidInput) -> str:
    """What to do about one problem, in plain words."""
    allowed = problem.allowed
    if problem.field.split(".")[0] in CARRIED:
        return START_AGAIN
    if isinstance(allowed, list):
        return CHOOSE_SOME if problem.field in SEVERAL else CHOOSE_ONE
    if allowed is None:
        return (
            f"{problem.problem[:1].upper()}{problem.problem[1:]}." if _is_plain(problem) else CHECK
        )
    return _described(allowed, problem.problem)


def _is_plain(problem: InvalidInput) -> bool:
    return bool(PLAIN.match(problem.problem))


def _described(allowed: str, problem: str) -> str:
    """The message for a problem whose allowed values are described in words."""
    if "date" in allowed:
        return ENTER_DATE
    whole = allowed.startswith(WHOLE)
    kind, bounds = (
        ("a whole number", allowed.removeprefix(WHOLE)) if whole else ("a number", allowed)
    )
    if BOUNDS.match(bounds):
        return f"Enter {kind} from {bounds}."
    if ONE_SIDED.match(allowed):
        joined = " of " if allowed[:1].isdigit() or allowed[:1] == "-" else " "
        return f"Enter a number{joined}{allowed}."
    if allowed in ("a number", "a whole number") or allowed.startswith("a number of at most"):
        return f"Enter {allowed}."
    most = MOST.search(allowed)
    if most is not None:
        if any(word in problem for word in EMPTY_WORDS):
            return WRITE_TEXT
        return f"This is too long. Use at most {most.group(1)} characters."
    if "number" in allowed:
        return "Enter a number."
    return CHECK
