"""The six steps of the decision aid and the answers that follow a person from step to step.

Nothing is stored on the server. The answers travel as one save code: the web keeps it in a
cookie of the person's own browser (gone when the browser closes or they start again), and the
person may copy it or save it as a file to come back later. The code holds only the answers:
no name, no date of birth, no contact details.
"""

from __future__ import annotations

import base64
import binascii
import json
import zlib
from enum import StrEnum
from typing import Any

from regenspine.decision_aid.costs import CostQuery
from regenspine.decision_aid.profile import PatientProfile, RedFlagId
from regenspine.decision_aid.values import ValuesAnswers, parse_values_answers
from regenspine.errors import InvalidInput
from regenspine.input_problems import parse_as
from regenspine.knowledge.schema import StrictModel


class StepKey(StrEnum):
    """The six steps, in the order a person takes them."""

    urgent = "urgent"
    screening = "screening"
    options = "options"
    costs = "costs"
    values = "values"
    summary = "summary"


class Step(StrictModel):
    """One step: its number, its plain title and the page it lives on."""

    key: StepKey
    number: int
    title: str
    path: str


STEPS: tuple[Step, ...] = (
    Step(key=StepKey.urgent, number=1, title="Check for urgent symptoms", path="/check"),
    Step(key=StepKey.screening, number=2, title="Is this for me?", path="/screening"),
    Step(key=StepKey.options, number=3, title="Compare the options", path="/options"),
    Step(key=StepKey.costs, number=4, title="Costs", path="/costs"),
    Step(key=StepKey.values, number=5, title="What matters to me", path="/values"),
    Step(key=StepKey.summary, number=6, title="My summary", path="/summary"),
)
STEP_BY_KEY = {step.key: step for step in STEPS}

CODE_PREFIX = "RS1-"  # the format's version: a later format gets a new prefix, old codes still read
MAX_CODE_CHARS = 8_000  # a full set of answers makes about 600 characters
MAX_ANSWERS_BYTES = 20_000  # refuse a code that unpacks to more than any real set of answers
CODE_FIELD = "code"
CODE_ALLOWED = "a save code from this tool, starting with " + CODE_PREFIX


class JourneyAnswers(StrictModel):
    """What the person has answered so far; None means the step has not been answered."""

    # The red flags ticked in step 1: empty means checked and none applies.
    red_flags: tuple[RedFlagId, ...] | None = None
    profile: PatientProfile | None = None
    options_seen: bool = False
    costs: CostQuery | None = None
    values: ValuesAnswers | None = None

    @property
    def started(self) -> bool:
        """Whether any step has been answered."""
        return self != JourneyAnswers()


def step_done(answers: JourneyAnswers, key: StepKey) -> bool:
    """Whether the person has answered this step (the summary is never "done": it is the end)."""
    done = {
        StepKey.urgent: answers.red_flags is not None,
        StepKey.screening: answers.profile is not None,
        StepKey.options: answers.options_seen,
        StepKey.costs: answers.costs is not None,
        StepKey.values: answers.values is not None,
        StepKey.summary: False,
    }
    return done[key]


def skipped_steps(answers: JourneyAnswers) -> tuple[Step, ...]:
    """The steps before the summary that the person has not answered, in order."""
    return tuple(step for step in STEPS[:-1] if not step_done(answers, step.key))


def next_step(answers: JourneyAnswers) -> Step:
    """Where to carry on: the first step not answered yet, or the summary when all are."""
    skipped = skipped_steps(answers)
    return skipped[0] if skipped else STEPS[-1]


def neighbours(key: StepKey) -> tuple[Step | None, Step | None]:
    """The step before and the step after this one (None at either end)."""
    index = STEPS.index(STEP_BY_KEY[key])
    before = STEPS[index - 1] if index > 0 else None
    after = STEPS[index + 1] if index + 1 < len(STEPS) else None
    return before, after


def save_code(answers: JourneyAnswers) -> str:
    """The answers as a code the person can keep: compressed JSON in URL-safe base64."""
    packed = zlib.compress(answers.model_dump_json(exclude_defaults=True).encode(), level=9)
    return CODE_PREFIX + base64.urlsafe_b64encode(packed).decode().rstrip("=")


def read_code(code: str) -> JourneyAnswers:
    """The answers in a save code; InvalidInput naming the code when it is not one of ours."""
    cleaned = "".join(code.split())  # a code copied across lines or with spaces still reads
    if not cleaned.startswith(CODE_PREFIX) or len(cleaned) > MAX_CODE_CHARS:
        raise InvalidInput(CODE_FIELD, "is not a save code from this tool", CODE_ALLOWED)
    body = cleaned.removeprefix(CODE_PREFIX)
    try:
        packed = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        unpacker = zlib.decompressobj()
        raw = unpacker.decompress(packed, MAX_ANSWERS_BYTES)
        if unpacker.unconsumed_tail or not unpacker.eof:
            raise ValueError("incomplete or too large")
        data = json.loads(raw)
    except (binascii.Error, zlib.error, ValueError):
        raise InvalidInput(CODE_FIELD, "is damaged or incomplete", CODE_ALLOWED) from None
    return parse_answers(data)


def parse_answers(data: Any) -> JourneyAnswers:
    """Validate decoded JSON answers (a saved file's content), naming the field at fault."""
    answers = parse_as(JourneyAnswers, data, whole="answers")
    if answers.values is not None:
        # The values answers have rules beyond their shape (known items, the scale, a leaning).
        parse_values_answers(answers.values.model_dump())
    return answers
