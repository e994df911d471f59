"""Neck Disability Index (NDI), the cervical disability questionnaire."""

from __future__ import annotations

from collections.abc import Sequence

from regenspine.instruments.base import InstrumentScore, banded_percent_score
from regenspine.instruments.catalogue import instrument


def score_ndi(answers: Sequence[object]) -> InstrumentScore:
    """Score the ten NDI items (0-5 each, None if skipped) as percent disability and band."""
    return banded_percent_score(instrument("ndi"), answers)
