"""The summary on paper: a real Chromium prints it to PDF on Letter and on A4, and the PDF has
one or two pages and no text smaller than 10 pt; on screen a phone reads it without scrolling
sideways."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from tests.factories.browser import VIEWPORTS, pages_and_smallest_text
from tests.factories.pages import SCREENSHOT_DIR
from tests.factories.profiles import VALUES, candidate_profile

from regenspine.decision_aid.costs import cost_query
from regenspine.decision_aid.profile import parse_profile
from regenspine.decision_aid.summary import build_summary
from regenspine.decision_aid.values import parse_values_answers
from regenspine.documents.summary_page import render_summary_html

pytestmark = pytest.mark.browser


def full_page(**changes: Any) -> str:
    """The summary with every step answered, the person's own travel figures included."""
    arguments: dict[str, Any] = {
        "values": parse_values_answers(VALUES),
        "prepared_on": dt.date(2026, 12, 1),
        "costs": cost_query(travel_cost="900", companions=1, nights=6, nightly_cost="150"),
        "red_flags_checked": True,
    }
    arguments.update(changes)
    return render_summary_html(build_summary(parse_profile(candidate_profile()), **arguments))


@pytest.mark.parametrize("paper", ["Letter", "A4"])
@pytest.mark.parametrize("with_values", [True, False])
def test_the_full_summary_prints_on_one_or_two_pages_at_10_pt_or_more(
    browser: Any, paper: str, with_values: bool
) -> None:
    html = full_page() if with_values else full_page(values=None)
    page = browser.new_page()
    try:
        page.set_content(html)
        pdf = page.pdf(format=paper)
    finally:
        page.close()
    if SCREENSHOT_DIR:
        Path(SCREENSHOT_DIR).mkdir(parents=True, exist_ok=True)
        (Path(SCREENSHOT_DIR) / f"summary-full-{paper}.pdf").write_bytes(pdf)
    pages, smallest = pages_and_smallest_text(pdf)
    assert 1 <= pages <= 2, f"{paper}: {pages} pages"
    assert smallest >= 10, f"{paper}: text at {smallest} pt"


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_the_summary_fits_the_screen_and_hides_nothing_it_prints(
    browser: Any, viewport: str
) -> None:
    context = browser.new_context(**VIEWPORTS[viewport])
    page = context.new_page()
    try:
        page.set_content(full_page())
        if SCREENSHOT_DIR:
            Path(SCREENSHOT_DIR).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=f"{SCREENSHOT_DIR}/summary-full-{viewport}.png", full_page=True)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"the summary scrolls sideways by {overflow}px"
        body_size = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
        assert body_size >= 16
        # On the phone each option's answers are listed with the question they answer.
        question = page.locator("#option-stem_cell_injection .question").first
        assert question.is_visible() == (viewport == "phone")
    finally:
        context.close()
