"""The option comparison: equal detail, natural frequencies, icon arrays, regions, honesty."""

from __future__ import annotations

from decimal import Decimal

import pytest

from regenspine.decision_aid.natural_frequencies import icon_array, share_from_counts, whole_people
from regenspine.decision_aid.option_content import ReportedResult, load_options_content
from regenspine.decision_aid.options import (
    OptionComparison,
    OptionResult,
    OutcomeResult,
    compare_options,
    option_ids,
)
from regenspine.errors import InvalidInput
from regenspine.knowledge import load_knowledge


@pytest.fixture(scope="module")
def lumbar() -> OptionComparison:
    return compare_options("lumbar")


def option(comparison: OptionComparison, option_id: str) -> OptionResult:
    return next(item for item in comparison.options if item.id == option_id)


def outcome(comparison: OptionComparison, option_id: str, outcome_id: str) -> OutcomeResult:
    return next(item for item in option(comparison, option_id).outcomes if item.id == outcome_id)


def per_100(result: OutcomeResult, arm: int = 0) -> list[int]:
    return [frequency.per_100 for frequency in result.arms[arm].frequencies]


def test_all_five_options_are_compared_including_conservative_care() -> None:
    assert option_ids() == [
        "conservative_care",
        "epidural_steroid",
        "stem_cell_injection",
        "decompression",
        "decompression_with_fusion",
    ]


def test_every_option_has_every_section_in_equal_detail(lumbar: OptionComparison) -> None:
    for item in lumbar.options:
        sections = (item.involves, item.time_and_visits, item.recovery, item.benefits, item.harms)
        assert all(sections), item.id
        assert item.unknowns, item.id
        assert item.fda_status.text, item.id
        assert item.coverage.text, item.id
        assert any(result.has_number for result in item.outcomes), item.id


def test_stem_cells_say_plainly_there_is_no_stenosis_number(lumbar: OptionComparison) -> None:
    result = outcome(lumbar, "stem_cell_injection", "stenosis_no_number")
    assert not result.has_number
    assert result.arms == ()
    assert result.certainty.value == "no_data"
    assert result.note is not None
    assert "no number" in result.note.lower()


def test_stem_cell_nearest_evidence_is_labelled_disc_pain(lumbar: OptionComparison) -> None:
    result = outcome(lumbar, "stem_cell_injection", "levi_2025_disc_pain")
    assert not result.applies_directly
    assert "not spinal stenosis" in result.group
    assert per_100(result, 0) == [44]
    assert per_100(result, 1) == [56]
    assert result.arms[0].this_option
    assert not result.arms[1].this_option
    assert result.sources == ("levi-2025-bmc-rct",)


def test_natural_history_shows_both_disagreeing_accounts(lumbar: OptionComparison) -> None:
    study = outcome(lumbar, "conservative_care", "johnsson_1992_course")
    summary = outcome(lumbar, "conservative_care", "bmj_summary_course")
    assert per_100(study) == [15, 70, 15]
    assert per_100(summary) == [25, 50, 25]
    assert study.disagrees_with == ("bmj_summary_course",)
    assert summary.disagrees_with == ("johnsson_1992_course",)


def test_decimal_shares_round_half_up_and_keep_the_reported_figure(
    lumbar: OptionComparison,
) -> None:
    meng = outcome(lumbar, "epidural_steroid", "meng_2015_relief")
    assert per_100(meng, 0) == [54]
    assert meng.arms[0].frequencies[0].reported == "53.7%"
    assert per_100(meng, 1) == [56]
    assert [group.count for group in meng.arms[0].icon_array.groups] == [54, 46]
    reoperation = outcome(lumbar, "decompression_with_fusion", "nordsten_ds_reoperation")
    assert per_100(reoperation, 0) == [9]  # 9.1
    assert per_100(reoperation, 1) == [13]  # 12.5 rounds half up
    deyo = outcome(lumbar, "decompression", "deyo_life_threatening")
    assert (per_100(deyo, 0), per_100(deyo, 1)) == ([2], [6])  # from 2.3 and 5.6


def test_counts_are_scaled_to_100_people(lumbar: OptionComparison) -> None:
    durotomy = outcome(lumbar, "decompression", "sport_durotomy")
    assert per_100(durotomy) == [9]
    assert durotomy.arms[0].frequencies[0].reported == "37 of 409 people"
    assert per_100(outcome(lumbar, "decompression", "sport_reoperation")) == [13]  # 54 of 413


def test_every_icon_array_has_exactly_100_cells(lumbar: OptionComparison) -> None:
    arrays = [
        arm.icon_array for item in lumbar.options for result in item.outcomes for arm in result.arms
    ]
    assert len(arrays) >= 15
    for array in arrays:
        assert sum(group.count for group in array.groups) == 100
        assert len(array.cells()) == 100


def test_same_outcome_kinds_are_used_across_options(lumbar: OptionComparison) -> None:
    kinds_by_option = {
        item.id: {f.kind.value for r in item.outcomes for a in r.arms for f in a.frequencies}
        for item in lumbar.options
    }
    assert "improved" in kinds_by_option["conservative_care"]
    assert "improved" in kinds_by_option["epidural_steroid"]
    assert "improved" in kinds_by_option["stem_cell_injection"]
    assert "serious_complication" in kinds_by_option["decompression"]
    assert "serious_complication" in kinds_by_option["stem_cell_injection"]


def test_lumbar_numbers_are_not_flagged_as_borrowed(lumbar: OptionComparison) -> None:
    assert not any(result.from_other_region for o in lumbar.options for result in o.outcomes)
    assert "low back" in lumbar.region_note.text


@pytest.mark.parametrize("region", ["thoracic", "  Thoracic "])
def test_the_mid_back_flags_every_number_as_from_lumbar_studies(region: str) -> None:
    comparison = compare_options(region)
    numbered = [r for o in comparison.options for r in o.outcomes if r.has_number]
    assert numbered
    assert all(r.from_other_region for r in numbered)
    assert not any(r.applies_directly for r in numbered)
    assert "No outcome numbers" in comparison.region_note.text
    no_data = outcome(comparison, "stem_cell_injection", "stenosis_no_number")
    assert not no_data.from_other_region


def test_unknown_region_names_the_allowed_ones() -> None:
    with pytest.raises(InvalidInput) as caught:
        compare_options("sacral")
    assert caught.value.field == "region"
    assert caught.value.allowed == ["lumbar", "cervical", "thoracic"]


def test_result_carries_disclaimer_rules_and_resolving_sources(lumbar: OptionComparison) -> None:
    knowledge = load_knowledge()
    assert lumbar.disclaimer == knowledge.text("disclaimer")
    assert lumbar.evidence_last_reviewed == knowledge.text("evidence_last_reviewed")
    assert set(lumbar.certainty_rule) == {"high", "moderate", "low", "very_low", "no_data"}
    known = {source.id for source in knowledge.sources}
    assert set(lumbar.sources) <= known
    assert set(load_options_content().source_ids()) == set(lumbar.sources)


def test_each_option_shows_its_price_range_at_home_and_abroad(lumbar: OptionComparison) -> None:
    stem_home, stem_abroad = option(lumbar, "stem_cell_injection").cost_ranges
    assert (stem_home.low, stem_home.high) == (Decimal(1150), Decimal(15000))
    assert not stem_home.marketing_only
    assert (stem_abroad.low, stem_abroad.high) == (Decimal(2500), Decimal(18000))
    assert stem_abroad.marketing_only
    surgery_home = option(lumbar, "decompression").cost_ranges[0]
    assert (surgery_home.high, surgery_home.open_ended) == (Decimal(90000), True)
    for cost in option(lumbar, "conservative_care").cost_ranges:
        assert cost.low is None
        assert cost.note is not None


def test_marketing_statements_are_marked_and_cite_the_seed(lumbar: OptionComparison) -> None:
    stem = option(lumbar, "stem_cell_injection")
    assert all(item.marketing for item in stem.recovery)
    assert "seed-004" in stem.recovery[0].sources


# --- the rounding rule ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("share", "people"),
    [("12.5", 13), ("2.3", 2), ("0.5", 1), ("0.49", 0), ("99.5", 100), ("71.4", 71)],
)
def test_whole_people_rounds_half_up(share: str, people: int) -> None:
    assert whole_people(Decimal(share)) == people


def test_overfull_rounding_takes_back_the_most_generous_round_up() -> None:
    # 45.5 + 30.6 + 23.9 = 100, but rounding gives 46 + 31 + 24 = 101: 45.5 gained the most.
    shares = [("a", "a", Decimal("45.5")), ("b", "b", Decimal("30.6")), ("c", "c", Decimal("23.9"))]
    array = icon_array(shares, "rest")
    assert [group.count for group in array.groups] == [45, 31, 24]


def test_remainder_becomes_its_own_labelled_group() -> None:
    array = icon_array([("improved", "better", share_from_counts(1, 3))], "not reported")
    assert [(g.kind, g.label, g.count) for g in array.groups] == [
        ("improved", "better", 33),
        ("rest", "not reported", 67),
    ]


def test_shares_above_100_are_refused() -> None:
    with pytest.raises(ValueError, match="more than 100"):
        icon_array([("a", "a", Decimal(60)), ("b", "b", Decimal(41))], "rest")


@pytest.mark.parametrize(
    "raw",
    [
        {"kind": "improved", "label": "x", "percent": 10, "events": 1, "of": 10},
        {"kind": "improved", "label": "x"},
        {"kind": "improved", "label": "x", "events": 11, "of": 10},
        {"kind": "improved", "label": "x", "percent": 101},
        {"kind": "cured", "label": "x", "percent": 10},
    ],
)
def test_reported_results_must_be_one_well_formed_figure(raw: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="validation error"):
        ReportedResult.model_validate(raw)
