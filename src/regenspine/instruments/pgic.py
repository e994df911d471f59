"""Patient Global Impression of Change (PGIC): one question from 1 (very much improved) to 7."""

from __future__ import annotations

from collections.abc import Sequence

from regenspine.instruments.base import InstrumentScore, single_answer_score
from regenspine.instruments.catalogue import instrument


def score_pgic(answers: Sequence[object]) -> InstrumentScore:
    """Score the PGIC answer and label it with its wording (e.g. 2 = much improved)."""
    data = instrument("pgic")
    scored = single_answer_score(data, answers)
    if scored.score is None:
        return scored
    label = data.items[0].scale.anchors[int(scored.score)]
    return scored.model_copy(update={"band": label})
