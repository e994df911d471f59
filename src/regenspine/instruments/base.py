"""What every instrument shares: reading answers, the result model and the ODI/NDI arithmetic."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from decimal import ROUND_HALF_UP, Decimal

from pydantic import BaseModel, ConfigDict

from regenspine.errors import InvalidInput
from regenspine.instruments.catalogue import ChangeThreshold, Instrument, Item

Answer = int | None
MISSING = "-"
# Nine digits is far beyond any scale here and keeps int() away from huge-number limits.
_WHOLE_NUMBER = re.compile(r"[+-]?[0-9]{1,9}")


class InstrumentScore(BaseModel):
    """The scored answers of one instrument, with why a score is missing and what it means."""

    model_config = ConfigDict(frozen=True)

    instrument: str
    instrument_title: str
    score: float | None
    subscales: dict[str, float | None] | None = None
    answered: int
    reason: str | None = None
    band: str | None = None
    minimal_important_change: tuple[ChangeThreshold, ...] = ()
    note: str | None = None
    sources: tuple[str, ...] = ()


Scorer = Callable[[Sequence[object]], InstrumentScore]


def parse_answers(text: str) -> list[str | None]:
    """Split a comma-separated answer list such as `3,-,2`; `-` or an empty slot is missing."""
    parts = [part.strip() for part in text.split(",")]
    return [None if part in ("", MISSING) else part for part in parts]


def read_answers(instrument: Instrument, raw: Sequence[object]) -> list[Answer]:
    """Check the count and every answer against its item; missing answers become None."""
    counts = instrument.accepted_counts()
    if len(raw) not in counts:
        wanted = " or ".join(str(count) for count in counts)
        raise InvalidInput(
            "answers",
            f"{instrument.short_title} takes {wanted} answers, got {len(raw)}",
            [str(count) for count in counts],
        )
    return [
        _read_one(instrument, item, value)
        for item, value in zip(instrument.items, raw, strict=False)
    ]


def _read_one(instrument: Instrument, item: Item, value: object) -> Answer:
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        if text in ("", MISSING):
            return None
        if not _WHOLE_NUMBER.fullmatch(text):
            raise _bad(instrument, item, f"{text[:20]!r} is not a whole number")
        value = int(text)
    # bool is an int subclass; True must not pass as the answer 1.
    if isinstance(value, bool) or not isinstance(value, int):
        raise _bad(instrument, item, f"{value!r} is not a whole number")
    if not item.scale.accepts(value):
        raise _bad(instrument, item, f"{value} is out of range")
    return value


def _bad(instrument: Instrument, item: Item, problem: str) -> InvalidInput:
    return InvalidInput(instrument.item_field(item), problem, item.scale.allowed_text())


def rounded(numerator: int | Decimal, denominator: int, decimals: int) -> float:
    """numerator / denominator rounded half up (never to even) to a number of decimals."""
    quotient = Decimal(numerator) / Decimal(denominator)
    return float(quotient.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))


def percent_of_maximum(
    answers: Sequence[Answer], item_maximum: int, min_answered: int, decimals: int = 1
) -> tuple[float | None, str | None]:
    """ODI/NDI arithmetic: sum / (maximum x items answered) x 100, or no score and the reason."""
    given = [answer for answer in answers if answer is not None]
    if len(given) < min_answered:
        return None, (
            f"{len(given)} of {len(answers)} answered; a score needs at least {min_answered}"
        )
    return rounded(100 * sum(given), item_maximum * len(given), decimals), None


def result(
    instrument: Instrument,
    answers: Sequence[Answer],
    score: float | None,
    *,
    reason: str | None = None,
    band: str | None = None,
    subscales: dict[str, float | None] | None = None,
) -> InstrumentScore:
    """Assemble the result with the instrument's title, thresholds, notes and sources."""
    return InstrumentScore(
        instrument=instrument.id,
        instrument_title=instrument.title,
        score=score,
        subscales=subscales,
        answered=sum(answer is not None for answer in answers),
        reason=reason,
        band=band,
        minimal_important_change=instrument.minimal_important_change,
        note=instrument.unknowns,
        sources=tuple(dict.fromkeys(instrument.cited_sources())),
    )


def banded_percent_score(instrument: Instrument, raw: Sequence[object]) -> InstrumentScore:
    """Score an ODI-style instrument: percent of the maximum, then its band."""
    answers = read_answers(instrument, raw)
    item_maximum = max(item.scale.maximum for item in instrument.items)
    score, reason = percent_of_maximum(
        answers, item_maximum, instrument.min_answered, instrument.decimals
    )
    band = instrument.banding.band_for(score) if instrument.banding and score is not None else None
    return result(instrument, answers, score, reason=reason, band=band)


def single_answer_score(instrument: Instrument, raw: Sequence[object]) -> InstrumentScore:
    """Score a one-question measure: the answer itself, labelled by its band when one is set."""
    answers = read_answers(instrument, raw)
    value = answers[0]
    if value is None:
        return result(instrument, answers, None, reason="no answer given")
    band = instrument.banding.band_for(value) if instrument.banding else None
    return result(instrument, answers, float(value), band=band)
