"""Self-reported walking tolerance: minutes, and distance in metres, before having to stop."""

from __future__ import annotations

from collections.abc import Sequence

from regenspine.instruments.base import InstrumentScore, single_answer_score
from regenspine.instruments.catalogue import instrument


def score_walking_minutes(answers: Sequence[object]) -> InstrumentScore:
    """Record walking time in whole minutes (0-600, a bound documented in the data)."""
    return single_answer_score(instrument("walking_minutes"), answers)


def score_walking_distance(answers: Sequence[object]) -> InstrumentScore:
    """Record walking distance in whole metres (0-50,000, a bound documented in the data)."""
    return single_answer_score(instrument("walking_distance"), answers)
