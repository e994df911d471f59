"""ODI scoring: published worked examples, the 9-of-10 rule, rounding, bands and bad answers."""

from __future__ import annotations

import pytest

from regenspine.errors import InvalidInput
from regenspine.instruments import score
from regenspine.instruments.odi import score_odi

M = None  # a missing answer


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        # awell-score test vectors (all 0, median, all 5, random), see research digest 1.1
        ([0] * 10, 0.0),
        ([2, 2, 2, 2, 2, 3, 3, 3, 3, 3], 50.0),
        ([5] * 10, 100.0),
        ([1, 5, 4, 4, 3, 0, 1, 5, 3, 4], 60.0),
        # official sheet: 16 of 50 -> 32%
        ([5, 5, 3, 3, 0, 0, 0, 0, 0, 0], 32.0),
        # all ten answered, sum 20 -> 20 / 50 x 100
        ([2] * 10, 40.0),
        # nine answered, sum 18 -> 18 / 45 x 100
        ([2, 2, 2, 2, 2, 2, 2, 2, 2, M], 40.0),
    ],
)
def test_worked_examples(answers: list[int | None], expected: float) -> None:
    assert score_odi(answers).score == expected


def test_one_section_missing_rounds_half_up_to_one_decimal() -> None:
    # official sheet 16 / 45 = 35.56: the sheet truncates to 35.5, awell rounds to 36; we say 35.6
    result = score_odi([5, 5, 3, 3, 0, 0, 0, 0, 0, M])
    assert result.score == 35.6
    assert result.answered == 9


def test_sum_7_of_9_answered_is_15_6() -> None:
    assert score_odi([1, 1, 1, 1, 1, 1, 1, 0, M, 0]).score == 15.6


def test_eight_answered_gives_no_score_and_says_why() -> None:
    result = score_odi([1, 1, 1, 1, 1, 1, 1, 1, M, M])
    assert result.score is None
    assert result.band is None
    assert result.answered == 8
    assert result.reason is not None
    assert "8 of 10" in result.reason
    assert "9" in result.reason


def test_empty_form_gives_no_score() -> None:
    result = score("odi", "-,-,-,-,-,-,-,-,-,-")
    assert (result.score, result.answered) == (None, 0)


@pytest.mark.parametrize(
    ("answers", "band"),
    [
        ([2] * 10, "moderate disability"),  # 40.0 sits in the band it closes
        ([2] * 9 + [3], "severe disability"),  # 42.0
        ([1] * 10, "minimal disability"),  # 20.0 is minimal, not moderate
        ([1] * 9 + [2], "moderate disability"),  # 22.0
        ([4] * 10, "crippling disability"),  # 80.0
        ([5] * 10, "bed-bound, or the answers may overstate the symptoms"),
    ],
)
def test_band_limits_belong_to_the_lower_band(answers: list[int], band: str) -> None:
    assert score_odi(answers).band == band


def test_result_carries_minimal_important_change_with_sources() -> None:
    result = score_odi([0] * 10)
    ten_points = next(c for c in result.minimal_important_change if c.unit == "points")
    assert ten_points.value == 10
    assert "ostelo-2008-mic" in ten_points.sources
    assert result.instrument_title.startswith("Oswestry Disability Index")


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ([0, 0, 0, 6, 0, 0, 0, 0, 0, 0], "answers[4] (ODI section 4: walking): 6 is out of range"),
        ([-1] + [0] * 9, "answers[1] (ODI section 1: pain intensity): -1 is out of range"),
        (["x"] + [0] * 9, "'x' is not a whole number"),
        ([2.5] + [0] * 9, "2.5 is not a whole number"),
    ],
)
def test_bad_answers_name_the_section_and_allowed_values(
    answers: list[object], message: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        score_odi(answers)
    assert message in caught.value.message
    assert caught.value.message.endswith("(allowed: 0-5)")


@pytest.mark.parametrize("count", [0, 9, 11])
def test_wrong_count_names_the_allowed_count(count: int) -> None:
    with pytest.raises(InvalidInput, match=r"ODI takes 10 answers, got \d+ \(allowed: 10\)"):
        score_odi([0] * count)
