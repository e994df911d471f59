"""Questionnaires as forms: one field per item with the item's own answers, and reading them back.

Items come from the instrument data (labels, scales, anchors), so the form asks exactly what the
scorer scores. An item with a short scale is a list of radio buttons labelled with its anchors;
a long one (minutes or metres walked) is a number box. Items of a subscale asked only after
treatment (the ZCQ's satisfaction questions) are left out at baseline. A question left
unanswered counts as missing; the scorer decides whether enough were answered for a score.
"""

from __future__ import annotations

from dataclasses import dataclass

from regenspine.errors import InvalidInput
from regenspine.instruments import instruments
from regenspine.instruments.catalogue import Instrument, Item, instrument
from regenspine.web.forms.fields import FieldReader, choice, text, whole_number

# A 0-10 rating has eleven answers; anything longer reads better as a number box.
MAX_RADIO_ANSWERS = 11
BASELINE = "baseline"


@dataclass(frozen=True)
class AnswerOption:
    """One answer of an item: the value scored and its words (the anchor, when it has one)."""

    value: int
    label: str
    anchor: str | None


@dataclass(frozen=True)
class Question:
    """One item as a form field."""

    field: str
    number: int
    label: str
    options: tuple[AnswerOption, ...]
    minimum: int
    maximum: int
    unit: str | None

    @property
    def as_number(self) -> bool:
        """Whether the answer is typed as a number instead of picked from a list."""
        return not self.options


@dataclass(frozen=True)
class Questionnaire:
    """An instrument's items as asked at one timepoint."""

    id: str
    title: str
    measures: str
    sources: tuple[str, ...]
    questions: tuple[Question, ...]


def instrument_ids() -> list[str]:
    """Every instrument a form can ask, in registry order."""
    return [item.id for item in instruments()]


def instrument_choices() -> list[tuple[str, str]]:
    """(id, title) of every instrument, for choosing one."""
    return [(item.id, item.title) for item in instruments()]


def _question(data: Instrument, item: Item) -> Question:
    scale = item.scale
    values = scale.only or tuple(range(scale.minimum, scale.maximum + 1))
    options: tuple[AnswerOption, ...] = ()
    if len(values) <= MAX_RADIO_ANSWERS:
        options = tuple(
            AnswerOption(
                value, _option_label(value, scale.anchors.get(value)), scale.anchors.get(value)
            )
            for value in values
        )
    return Question(
        field=f"{data.id}.{item.number}",
        number=item.number,
        label=item.label[:1].upper() + item.label[1:],
        options=options,
        minimum=scale.minimum,
        maximum=scale.maximum,
        unit=scale.unit,
    )


def _option_label(value: int, anchor: str | None) -> str:
    return f"{value}: {anchor}" if anchor else str(value)


def questionnaire(instrument_id: str, timepoint: str) -> Questionnaire:
    """The questions of an instrument at a timepoint; InvalidInput for an unknown instrument."""
    if instrument_id not in instrument_ids():
        raise InvalidInput(
            "instrument", f"unknown instrument {instrument_id[:40]!r}", instrument_ids()
        )
    data = instrument(instrument_id)
    later_only = {subscale.id for subscale in data.subscales if subscale.after_treatment_only}
    asked = [
        item for item in data.items if not (timepoint == BASELINE and item.subscale in later_only)
    ]
    return Questionnaire(
        id=data.id,
        title=data.title,
        measures=data.measures,
        sources=tuple(data.sources),
        questions=tuple(_question(data, item) for item in asked),
    )


def _answer(question: Question, reader: FieldReader) -> int | None:
    """One item's answer, or None when it was left out."""
    if not text(reader.form, question.field):
        return None
    if not question.as_number:
        allowed = [str(option.value) for option in question.options]
        picked = reader.read(lambda f, n: choice(f, n, allowed), question.field, "")
        return int(picked) if picked else None
    allowed_range = f"a whole number from {question.minimum} to {question.maximum}"
    value = reader.read(lambda f, n: whole_number(f, n, allowed_range), question.field, None)
    if value is not None and not question.minimum <= value <= question.maximum:
        reader.problems.append(
            InvalidInput(question.field, f"{value} is out of range", allowed_range)
        )
        return None
    return value


def answers_from(asked: Questionnaire, reader: FieldReader) -> list[int | None]:
    """The answers to one questionnaire in item order; problems are kept by the reader."""
    return [_answer(question, reader) for question in asked.questions]
