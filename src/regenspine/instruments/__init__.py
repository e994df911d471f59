"""Validated patient-reported outcome instruments: items, answer checks, scoring and thresholds."""

from __future__ import annotations

from collections.abc import Sequence

from regenspine.errors import InvalidInput
from regenspine.instruments.base import InstrumentScore, Scorer, parse_answers
from regenspine.instruments.catalogue import Instrument, load_instruments
from regenspine.instruments.ndi import score_ndi
from regenspine.instruments.nrs import score_nrs_arm, score_nrs_back, score_nrs_leg, score_nrs_neck
from regenspine.instruments.odi import score_odi
from regenspine.instruments.pgic import score_pgic
from regenspine.instruments.walking import score_walking_distance, score_walking_minutes
from regenspine.instruments.zcq import score_zcq

SCORERS: dict[str, Scorer] = {
    "odi": score_odi,
    "ndi": score_ndi,
    "zcq": score_zcq,
    "nrs_back": score_nrs_back,
    "nrs_leg": score_nrs_leg,
    "nrs_neck": score_nrs_neck,
    "nrs_arm": score_nrs_arm,
    "walking_minutes": score_walking_minutes,
    "walking_distance": score_walking_distance,
    "pgic": score_pgic,
}


def scorer_for(instrument_id: str) -> Scorer:
    """The scoring function of an instrument id; unknown ids name the allowed ones."""
    try:
        return SCORERS[instrument_id]
    except KeyError:
        raise InvalidInput(
            "instrument", f"unknown instrument {instrument_id[:40]!r}", list(SCORERS)
        ) from None


def score(instrument_id: str, answers: Sequence[object] | str) -> InstrumentScore:
    """Score answers (a list of int or None, or the CLI text `3,-,2`) for an instrument id."""
    scorer = scorer_for(instrument_id)
    return scorer(parse_answers(answers) if isinstance(answers, str) else answers)


def instruments() -> list[Instrument]:
    """The data of every scored instrument, in registry order."""
    data = load_instruments()
    return [data[instrument_id] for instrument_id in SCORERS]


__all__ = [
    "SCORERS",
    "Instrument",
    "InstrumentScore",
    "instruments",
    "parse_answers",
    "score",
    "scorer_for",
]
