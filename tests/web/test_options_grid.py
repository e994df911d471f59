"""The options at a glance: one grid of short cells, each naming its comparison group, with the
full answers, the pictures and the sources moved into each option's closed details."""

from __future__ import annotations

import re

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from tests.factories.pages import plain

from regenspine.decision_aid.comparison_table import CellResult
from regenspine.decision_aid.options import compare_options
from regenspine.knowledge import load_knowledge
from regenspine.web.labels import CERTAINTY_LABELS

REGIONS = ("lumbar", "cervical", "thoracic")


@pytest.fixture(scope="module", params=REGIONS)
def region_page(request: pytest.FixtureRequest, app: FastAPI) -> tuple[str, str]:
    """(region, the options page for it), fetched once per region for this module."""
    response = TestClient(app).get("/options", params={"region": request.param})
    assert response.status_code == 200
    return request.param, response.text


def grid_of(page: str) -> str:
    """The grid's table, from its opening tag to its end."""
    return page.split('<table class="glance-table">', 1)[1].split("</table>", 1)[0]


def grid_cell(page: str, cell: CellResult) -> str:
    """The text a sighted reader sees in one grid cell (words for screen readers left out)."""
    match = re.search(
        rf'<td id="cell-{cell.option_id}-{cell.row.value}"[^>]*>(.*?)</td>', grid_of(page), re.S
    )
    assert match, f"no grid cell for {cell.option_id} {cell.row.value}"
    return plain(re.sub(r'<span class="visually-hidden">.*?</span>', "", match.group(1)))


def details_of(page: str, option_id: str) -> str:
    """One option's details element, from its opening tag to its end."""
    return page.split(f'<details class="option-details" id="details-{option_id}">', 1)[1].split(
        "</details>", 1
    )[0]


def test_every_grid_cell_with_a_number_names_its_comparison_group(
    region_page: tuple[str, str],
) -> None:
    region, page = region_page
    cells = [cell for row in compare_options(region).table for cell in row.cells]
    numbered = [cell for cell in cells if cell.has_number]
    assert numbered
    for cell in numbered:
        text = grid_cell(page, cell)
        own, *others = cell.figures
        assert own.this_option
        assert own.text in text, (cell.option_id, cell.row)
        assert f"Time: {cell.time_frame}" in text
        if cell.source_has_comparison:
            assert others, (cell.option_id, cell.row)
            for figure in others:
                assert figure.text in text, (cell.option_id, cell.row)
            assert "No comparison group" not in text
        else:
            assert "No comparison group" in text, (cell.option_id, cell.row)


def test_every_grid_cell_is_short_and_links_to_its_full_answer(
    region_page: tuple[str, str],
) -> None:
    region, page = region_page
    for row in compare_options(region).table:
        for cell in row.cells:
            text = grid_cell(page, cell)
            assert CERTAINTY_LABELS[cell.certainty] in text
            if not cell.has_number:
                assert text.startswith("No reliable number")
                # The reason moves to the details, word for word; the cell stays short.
                assert cell.why_no_number
                assert cell.why_no_number not in text
                assert cell.why_no_number in plain(details_of(page, cell.option_id))
            assert len(text.split()) <= 45, (cell.option_id, cell.row, text)
            anchor = f"full-{cell.option_id}-{cell.row.value}"
            assert f'href="#{anchor}"' in grid_of(page)
            assert f'id="{anchor}"' in details_of(page, cell.option_id)


def test_a_number_that_does_not_apply_directly_is_flagged_in_the_grid(
    region_page: tuple[str, str],
) -> None:
    region, page = region_page
    flagged = 0
    for row in compare_options(region).table:
        for cell in row.cells:
            text = grid_cell(page, cell)
            other_region = f"From studies of {cell.population_region} stenosis"
            assert (other_region in text) == cell.from_other_region, (cell.option_id, cell.row)
            elsewhere = cell.has_number and not cell.applies_directly and not cell.from_other_region
            assert ("Not a stenosis study" in text) == elsewhere, (cell.option_id, cell.row)
            flagged += cell.from_other_region or elsewhere
    # Every neck number comes from people with neck stenosis; the other regions have flags.
    assert (flagged == 0) == (region == "cervical")


def test_the_grid_is_a_real_table_with_headers_for_every_option_and_row(
    region_page: tuple[str, str],
) -> None:
    region, page = region_page
    comparison = compare_options(region)
    grid = grid_of(page)
    assert re.search(r"<caption[^>]*>The options at a glance", grid)
    assert grid.count('<th scope="col"') == len(comparison.options) + 1
    for option in comparison.options:
        assert f'<th scope="col" id="col-{option.id}">{option.name}</th>' in grid
    assert grid.count('<th scope="row">') == len(comparison.table)
    assert grid.count("<td ") == len(comparison.table) * len(comparison.options)
    # The grid scrolls inside its own frame, which keyboard users can reach and scroll.
    assert '<div class="glance-scroll" role="region" aria-labelledby="grid-title"' in page
    assert 'tabindex="0"' in page.split('<div class="glance-scroll"', 1)[1].split(">", 1)[0]


def test_each_certainty_meaning_is_shown_once(region_page: tuple[str, str]) -> None:
    region, page = region_page
    text = plain(page)
    for meaning in compare_options(region).certainty_rule.values():
        assert text.count(" ".join(meaning.split())) == 1, meaning


def test_each_options_details_are_closed_and_hold_its_content_and_sources(
    region_page: tuple[str, str],
) -> None:
    region, page = region_page
    knowledge = load_knowledge()
    for option in compare_options(region).options:
        assert f'<details class="option-details" id="details-{option.id}">' in page
        details = details_of(page, option.id)
        text = plain(details)
        for item in (*option.involves, *option.unknowns, option.fda_status, option.coverage):
            assert " ".join(item.text.split()) in text, (option.id, item.text)
        listed = details.split('class="sources option-sources"', 1)[1]
        cited = {sid for cell in option.cells for sid in cell.sources}
        cited |= {sid for outcome in option.outcomes for sid in outcome.sources}
        cited |= {sid for item in option.involves for sid in item.sources}
        for source_id in cited:
            title = knowledge.source(source_id).title
            assert " ".join(title.split()) in plain(listed), (option.id, source_id)
    assert not re.search(r"<details[^>]*\bopen\b", page)


def test_every_cited_source_is_in_the_page_list_once(region_page: tuple[str, str]) -> None:
    _, page = region_page
    cited = set(re.findall(r'class="cite" href="#source-([^"]+)"', page))
    listed = re.findall(r'<li id="source-([^"]+)"', page)
    assert cited == set(listed)
    assert len(listed) == len(set(listed))
    assert f"All {len(listed)} sources on this page" in page
