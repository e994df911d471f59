"""The option comparison page (icon arrays of 100 people, certainty, unknowns) and the costs."""

from __future__ import annotations

import re

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from tests.factories.pages import plain, texts

from regenspine.decision_aid.options import compare_options
from regenspine.web.labels import CERTAINTY_LABELS


@pytest.fixture(scope="module")
def lumbar_page(app: FastAPI) -> str:
    """The comparison page for the low back, fetched once for this module."""
    return TestClient(app).get("/options").text


def test_every_option_is_shown_with_the_same_sections(lumbar_page: str) -> None:
    comparison = compare_options("lumbar")
    for option in comparison.options:
        article = lumbar_page.split(f'<article class="option" id="option-{option.id}"', 1)[1]
        article = article.split("</article>", 1)[0]
        for heading in (
            "What it involves",
            "Time and visits",
            "Recovery",
            "Benefits",
            "Harms",
            "What is not known",
            "FDA status",
            "Insurance",
            "Price of one procedure",
            "What happened to 100 people",
        ):
            assert f">{heading}</h3>" in article, (option.id, heading)


def test_every_icon_array_has_100_people_drawn_by_shape_and_counted_in_words(
    lumbar_page: str,
) -> None:
    arrays = re.findall(r'<svg class="icons".*?</svg>', lumbar_page, re.S)
    comparison = compare_options("lumbar")
    arm_count = sum(len(outcome.arms) for o in comparison.options for outcome in o.outcomes)
    assert len(arrays) == arm_count
    for array in arrays:
        assert array.count("<use ") == 100
        assert re.search(r'aria-label="[^"]*\d+ of 100 ', array)
    # The legend says "x of 100" in words next to a shape, so colour is never the only cue.
    assert "<strong>44 of 100</strong>" in lumbar_page
    for kind in ("improved", "unchanged", "worse", "rest"):
        assert f'<symbol id="icon-{kind}"' in lumbar_page


def test_each_outcome_states_time_frame_group_design_and_certainty(lumbar_page: str) -> None:
    comparison = compare_options("lumbar")
    outcomes = [outcome for option in comparison.options for outcome in option.outcomes]
    assert lumbar_page.count('<dl class="outcome-meta">') == len(outcomes)
    text = plain(lumbar_page)
    for outcome in outcomes:
        assert " ".join(outcome.time_frame.split()) in text
        assert CERTAINTY_LABELS[outcome.certainty] in text


def test_an_outcome_without_a_number_says_so_plainly(lumbar_page: str) -> None:
    comparison = compare_options("lumbar")
    missing = [o for option in comparison.options for o in option.outcomes if not o.has_number]
    assert missing
    notes = texts(lumbar_page, "no-number")
    assert len(notes) == len(missing)
    assert all(note.startswith("No number can be given.") for note in notes)


def test_numbers_from_another_region_are_flagged(client: TestClient) -> None:
    page = client.get("/options?region=thoracic").text
    assert "These numbers come from studies of lumbar stenosis, not thoracic." in page
    assert "No outcome numbers for stenosis in the mid back" in page


def test_the_neck_page_has_its_own_rows_and_no_low_back_number(client: TestClient) -> None:
    page = client.get("/options?region=cervical").text
    assert "myelopathy" in page
    assert "Neck surgery from the front, with fusion" in page
    assert "24 of 100 after surgery from the back" in page
    assert "lumbar stenosis, not cervical" not in page
    for lumbar_figure in ("54 of 100", "44 of 100", "$11,405", "4.1 days"):
        assert lumbar_figure not in page, lumbar_figure


def test_an_unknown_region_is_refused_next_to_the_field(client: TestClient) -> None:
    response = client.get("/options?region=knee")
    assert response.status_code == 422
    assert "Where the narrowing is: Choose one of the answers." in response.text
    assert "allowed" not in response.text
    assert "<article" not in response.text


def test_costs_add_the_persons_own_travel_to_prices_abroad(client: TestClient) -> None:
    query = "country=mexico&travel_cost=600&companions=1&nights=5&nightly_cost=120"
    page = client.get(f"/costs?{query}").text
    travel = texts(page, "travel")[0]
    # 600 x 2 travellers + 5 nights x 120 = 1,800
    times = "\N{MULTIPLICATION SIGN}"
    assert travel == f"Your travel: $600 {times} 2 travellers + 5 nights {times} $120 = $1,800"
    assert "<h4>Mexico</h4>" in page
    assert "<h4>United States</h4>" not in page
    assert 'value="mexico" selected' in page
    assert 'value="600"' in page


def test_costs_without_travel_say_that_travel_is_left_out(client: TestClient) -> None:
    page = client.get("/costs").text
    assert "This estimate excludes travel and lodging." in page
    assert page.count('<section class="cost-place"') == 25


def test_costs_can_be_narrowed_to_chosen_options(client: TestClient) -> None:
    page = client.get("/costs?option=stem_cell_injection&option=decompression").text
    assert page.count('<article class="cost-option"') == 2
    assert "seller's figure" in page


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("travel_cost=-5", "Travel cost: Enter a number of 0 or more."),
        ("nights=3", "Lodging cost per night: Give the cost per night when you give nights."),
        ("country=atlantis", "The country: Choose one of the answers."),
        ("option=magic", "The options: Choose from the answers shown."),
        ("procedures=0", "Number of procedures: Enter a number from 1 to 100."),
        ("companions=two", "People travelling with you: Enter a whole number from 0 to 100."),
    ],
)
def test_bad_cost_input_is_shown_next_to_its_field(
    client: TestClient, query: str, message: str
) -> None:
    response = client.get(f"/costs?{query}")
    assert response.status_code == 422
    assert message in response.text
    assert '<div class="error-summary"' in response.text


def test_an_amount_too_large_for_cents_is_refused_not_crashed(client: TestClient) -> None:
    response = client.get("/costs?travel_cost=1e400")
    assert response.status_code == 422
    assert "Travel cost: Enter a number of at most 12 digits, 2 after the point." in response.text
