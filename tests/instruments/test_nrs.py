"""Single-question measures: pain ratings, walking tolerance and the PGIC."""

from __future__ import annotations

import pytest

from regenspine.errors import InvalidInput
from regenspine.instruments import score
from regenspine.instruments.nrs import PAIN_SITES, score_nrs


@pytest.mark.parametrize("site", PAIN_SITES)
@pytest.mark.parametrize("value", [0, 7, 10])
def test_pain_rating_is_the_number_given(site: str, value: int) -> None:
    result = score_nrs(site, [value])
    assert result.score == float(value)
    assert result.instrument == f"nrs_{site}"
    assert any(change.value == 2 for change in result.minimal_important_change)


@pytest.mark.parametrize("value", [-1, 11])
def test_pain_rating_out_of_range_names_item_and_range(value: int) -> None:
    with pytest.raises(InvalidInput) as caught:
        score_nrs("leg", [value])
    assert caught.value.field == "answers[1] (NRS leg question 1: leg pain intensity)"
    assert caught.value.allowed == "0-10"


def test_missing_pain_rating_gives_no_score_with_reason() -> None:
    result = score("nrs_back", "-")
    assert (result.score, result.answered, result.reason) == (None, 0, "no answer given")


def test_registry_thresholds_differ_for_back_and_leg() -> None:
    back = {c.value for c in score("nrs_back", "5").minimal_important_change}
    leg = {c.value for c in score("nrs_leg", "5").minimal_important_change}
    assert 2.7 in back
    assert 3.2 in leg


@pytest.mark.parametrize(
    ("instrument", "text", "expected"),
    [
        ("walking_minutes", "0", 0.0),
        ("walking_minutes", "600", 600.0),
        ("walking_distance", "50000", 50000.0),
        ("walking_distance", " 250 ", 250.0),
    ],
)
def test_walking_tolerance_bounds_are_inclusive(
    instrument: str, text: str, expected: float
) -> None:
    result = score(instrument, text)
    assert result.score == expected
    assert result.minimal_important_change == ()
    assert result.note is not None
    assert "No validated minimal important change" in result.note


@pytest.mark.parametrize(
    ("instrument", "text"),
    [("walking_minutes", "601"), ("walking_distance", "50001"), ("walking_minutes", "-5")],
)
def test_walking_tolerance_beyond_bounds_is_refused(instrument: str, text: str) -> None:
    with pytest.raises(InvalidInput, match="out of range"):
        score(instrument, text)


@pytest.mark.parametrize(
    ("value", "label"), [(1, "very much improved"), (4, "no change"), (7, "very much worse")]
)
def test_pgic_answer_carries_its_label(value: int, label: str) -> None:
    result = score("pgic", [value])
    assert (result.score, result.band) == (float(value), label)


@pytest.mark.parametrize("text", ["0", "8", "2,3"])
def test_pgic_refuses_values_outside_1_to_7_and_extra_answers(text: str) -> None:
    with pytest.raises(InvalidInput):
        score("pgic", text)
