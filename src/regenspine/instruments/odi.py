"""Oswestry Disability Index (ODI v2.1a), the lumbar disability questionnaire."""

from __future__ import annotations

from collections.abc import Sequence

from regenspine.instruments.base import InstrumentScore, banded_percent_score
from regenspine.instruments.catalogue import instrument


def score_odi(answers: Sequence[object]) -> InstrumentScore:
    """Score the ten ODI sections (0-5 each, None if skipped) as percent disability and band."""
    return banded_percent_score(instrument("odi"), answers)
