"""The common rows: every option answers the same five questions, each number with its time frame,
population and comparison group, and the neck never shows a low-back number."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from regenspine.decision_aid.comparison_rows import ComparisonCell, ComparisonRow, rows_complete
from regenspine.decision_aid.comparison_table import CellResult
from regenspine.decision_aid.option_content import NeckContent, Region, load_options_content
from regenspine.decision_aid.options import OptionComparison, compare_options


@pytest.fixture(scope="module")
def lumbar() -> OptionComparison:
    return compare_options("lumbar")


@pytest.fixture(scope="module")
def neck() -> OptionComparison:
    return compare_options("cervical")


def cell(comparison: OptionComparison, option_id: str, row: ComparisonRow) -> CellResult:
    option = next(item for item in comparison.options if item.id == option_id)
    return next(item for item in option.cells if item.row is row)


def per_100(result: CellResult) -> list[int | None]:
    return [figure.per_100 for figure in result.figures]


SHARE: dict[str, Any] = {"kind": "improved", "label": "improved"}
NUMBERED: dict[str, Any] = {
    "row": "improvement",
    "measure": "Less leg pain",
    "figures": [
        {"label": "with it", "this_option": True, "share": {**SHARE, "percent": 40}},
        {"label": "without", "this_option": False, "share": {**SHARE, "percent": 30}},
    ],
    "source_has_comparison": True,
    "time_frame": "1 year",
    "population": "100 people with stenosis in the low back",
    "population_region": "lumbar",
    "certainty": "low",
    "sources": ["friedly-2014-less"],
}


@pytest.mark.parametrize("comparison", ["lumbar", "neck"])
def test_every_option_answers_every_row_once(
    comparison: str, request: pytest.FixtureRequest
) -> None:
    result: OptionComparison = request.getfixturevalue(comparison)
    assert [row.row for row in result.table] == list(ComparisonRow)
    option_ids = [option.id for option in result.options]
    for row in result.table:
        assert [c.option_id for c in row.cells] == option_ids, row.row


def test_content_covers_every_row_for_the_low_back_and_the_neck() -> None:
    for option in load_options_content().options:
        assert {c.row for c in option.cells} == set(ComparisonRow), option.id
        assert {c.row for c in option.neck.cells} == set(ComparisonRow), option.id


def test_a_cell_without_a_time_frame_is_refused() -> None:
    with pytest.raises(ValidationError, match="time frame"):
        ComparisonCell.model_validate({**NUMBERED, "time_frame": None})


def test_a_cell_without_a_population_is_refused() -> None:
    with pytest.raises(ValidationError, match="population"):
        ComparisonCell.model_validate({**NUMBERED, "population": None})


def test_a_cell_hiding_the_sources_comparison_group_is_refused() -> None:
    with pytest.raises(ValidationError, match="comparison group"):
        ComparisonCell.model_validate({**NUMBERED, "figures": NUMBERED["figures"][:1]})


def test_a_cell_without_a_number_must_say_why() -> None:
    bare = {"row": "cost", "measure": "Price", "certainty": "no_data", "sources": ["seed-004"]}
    with pytest.raises(ValidationError, match="say why"):
        ComparisonCell.model_validate(bare)
    assert not ComparisonCell.model_validate({**bare, "why_no_number": "None found."}).has_number


def test_an_option_missing_a_row_is_refused() -> None:
    cells = (ComparisonCell.model_validate(NUMBERED),)
    with pytest.raises(ValueError, match="missing rows"):
        rows_complete(cells, "some_option")


def test_a_low_back_number_cannot_be_given_for_the_neck() -> None:
    neck = load_options_content().options[3].neck.model_dump(mode="json")
    neck["cells"][0] = NUMBERED
    with pytest.raises(ValidationError, match="must come from the neck"):
        NeckContent.model_validate(neck)


def test_every_number_shown_carries_time_population_and_source(lumbar: OptionComparison) -> None:
    numbered = [c for row in lumbar.table for c in row.cells if c.has_number]
    assert len(numbered) >= 12
    for result in numbered:
        assert result.time_frame, result.measure
        assert result.population, result.measure
        assert result.sources, result.measure
        if result.source_has_comparison:
            assert any(not figure.this_option for figure in result.figures), result.measure


def test_every_neck_cell_is_from_the_neck_or_says_no_number(neck: OptionComparison) -> None:
    cells = [c for row in neck.table for c in row.cells]
    assert any(c.has_number for c in cells)
    for result in cells:
        assert result.population_region is Region.cervical or not result.has_number
        assert not result.from_other_region
    assert all(o.study_region is Region.cervical for opt in neck.options for o in opt.outcomes)


def test_neck_surgery_complications_compare_front_and_back(neck: OptionComparison) -> None:
    back = cell(neck, "decompression", ComparisonRow.serious_harm)
    front = cell(neck, "decompression_with_fusion", ComparisonRow.serious_harm)
    assert per_100(back) == [24, 48]
    assert per_100(front) == [48, 24]
    assert back.sources == ("ghogawala-2021-csm-s",)
    assert "163 people" in back.population


def test_worked_examples_set_each_option_beside_its_comparison(lumbar: OptionComparison) -> None:
    cells_improved = cell(lumbar, "stem_cell_injection", ComparisonRow.improvement)
    assert per_100(cells_improved) == [44, 56]
    assert "sham" in cells_improved.figures[1].label
    assert "not stenosis" in cells_improved.population
    assert not cells_improved.applies_directly
    steroid = cell(lumbar, "epidural_steroid", ComparisonRow.improvement)
    assert per_100(steroid) == [54, 56]
    assert steroid.figures[0].reported == "53.7%"


def test_non_significant_differences_are_marked(lumbar: OptionComparison) -> None:
    fusion = cell(lumbar, "decompression_with_fusion", ComparisonRow.another_procedure)
    assert per_100(fusion) == [9, 13]
    assert fusion.difference is not None
    assert "not statistically significant" in fusion.difference
    levi = cell(lumbar, "stem_cell_injection", ComparisonRow.improvement)
    assert levi.difference is not None
    assert "not statistically significant" in levi.difference


def test_decompression_benefit_is_not_taken_from_a_slipped_vertebra_trial(
    lumbar: OptionComparison,
) -> None:
    benefit = cell(lumbar, "decompression", ComparisonRow.improvement)
    assert "austevoll-2021-nordsten-ds" not in benefit.sources
    decompression = next(o for o in lumbar.options if o.id == "decompression")
    assert all("austevoll-2021-nordsten-ds" not in o.sources for o in decompression.outcomes)


def test_fusion_harm_says_it_is_for_complex_fusion_only(lumbar: OptionComparison) -> None:
    harm = cell(lumbar, "decompression_with_fusion", ComparisonRow.serious_harm)
    assert "complex fusion" in harm.measure
    assert harm.difference is not None
    assert "no rate for a simpler fusion" in harm.difference


def test_pettine_figures_use_the_right_denominator(lumbar: OptionComparison) -> None:
    surgery = cell(lumbar, "stem_cell_injection", ComparisonRow.another_procedure)
    assert per_100(surgery) == [19]  # 5 of 26 had surgery by 2 years
    assert surgery.figures[0].reported == "5 of 26 people"
    stem = next(o for o in lumbar.options if o.id == "stem_cell_injection")
    pettine = next(item for item in stem.benefits if "pettine-2016-bmc-two-year" in item.sources)
    assert "those 21 people only" in pettine.text


def test_nearest_stenosis_evidence_comes_before_disc_pain_trials(lumbar: OptionComparison) -> None:
    stem = next(o for o in lumbar.options if o.id == "stem_cell_injection")
    order = [item.sources[0] for item in stem.benefits]
    assert order.index("atluri-2022-bmc-lumbar-degeneration") < order.index("levi-2025-bmc-rct")
    levi = next(item for item in stem.benefits if item.sources == ("levi-2025-bmc-rct",))
    assert "disc pain" in levi.text
    assert "not a narrow canal" in levi.text
