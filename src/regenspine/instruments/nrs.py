"""Numeric rating scales (0-10) for back, leg, neck and arm pain."""

from __future__ import annotations

from collections.abc import Sequence

from regenspine.instruments.base import InstrumentScore, single_answer_score
from regenspine.instruments.catalogue import instrument

PAIN_SITES = ("back", "leg", "neck", "arm")


def score_nrs(site: str, answers: Sequence[object]) -> InstrumentScore:
    """Score a 0-10 pain rating for one site (back, leg, neck or arm)."""
    return single_answer_score(instrument(f"nrs_{site}"), answers)


def score_nrs_back(answers: Sequence[object]) -> InstrumentScore:
    """Score the back pain rating, 0-10."""
    return score_nrs("back", answers)


def score_nrs_leg(answers: Sequence[object]) -> InstrumentScore:
    """Score the leg pain rating, 0-10."""
    return score_nrs("leg", answers)


def score_nrs_neck(answers: Sequence[object]) -> InstrumentScore:
    """Score the neck pain rating, 0-10."""
    return score_nrs("neck", answers)


def score_nrs_arm(answers: Sequence[object]) -> InstrumentScore:
    """Score the arm pain rating, 0-10."""
    return score_nrs("arm", answers)
