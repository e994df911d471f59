"""NDI scoring: awell-score vectors, the shared percentage arithmetic and the author's bands."""

from __future__ import annotations

import pytest

from regenspine.errors import InvalidInput
from regenspine.instruments.ndi import score_ndi


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ([3, 2, 3, 0, 0, 2, 5, 2, 2, 2], 42.0),  # awell-score test vector
        ([0] * 10, 0.0),
        ([5] * 10, 100.0),
        ([2] * 5 + [3] * 5, 50.0),
    ],
)
def test_worked_examples(answers: list[int], expected: float) -> None:
    assert score_ndi(answers).score == expected


def test_one_missing_item_equals_vernons_mean_substitution() -> None:
    # Vernon adds the mean of the other items: raw 20 + 20/9, doubled = 44.4 (one decimal)
    assert score_ndi([2, 2, 2, 2, 2, 2, 2, 2, 4, None]).score == 44.4


def test_two_missing_items_give_no_score() -> None:
    result = score_ndi([2] * 8 + [None, None])
    assert result.score is None
    assert result.reason is not None
    assert "8 of 10" in result.reason


@pytest.mark.parametrize(
    ("answers", "band"),
    [
        ([0, 0, 0, 0, 0, 0, 1, 1, 1, 1], "no disability"),  # raw 4 -> 8%
        ([0, 0, 0, 0, 0, 1, 1, 1, 1, 1], "mild disability"),  # raw 5 -> 10%
        ([1, 1, 1, 1, 0, 0, 0, 0, 0, None], "mild disability"),  # 8.9%: between limits, higher band
        ([2, 2, 2, 2, 2, 2, 2, 2, 2, 2], "moderate disability"),  # raw 20 -> 40%
        ([3] * 9 + [4], "severe disability"),  # raw 31 -> 62%
        ([4] * 10, "complete disability"),  # raw 40 -> 80%
    ],
)
def test_bands_follow_the_raw_limits_doubled(answers: list[int | None], band: str) -> None:
    assert score_ndi(answers).band == band


def test_out_of_range_names_item_and_label() -> None:
    with pytest.raises(InvalidInput, match=r"answers\[5\] \(NDI section 5: headaches\)"):
        score_ndi([0, 0, 0, 0, 9, 0, 0, 0, 0, 0])
