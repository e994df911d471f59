"""The public pages in a real Chromium, on a 390 px phone and a desktop: a person's journey,
accessibility (axe-core), the security policy, and no request leaving the app."""

from __future__ import annotations

from typing import Any

import pytest
from tests.factories.browser import (
    outside_requests,
    policy_violations,
    serious_accessibility_problems,
)
from tests.factories.pages import PUBLIC_PAGES, Tab

from regenspine.knowledge import load_knowledge

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("name", list(PUBLIC_PAGES))
def test_every_public_page_is_accessible_self_contained_and_fits(tab: Tab, name: str) -> None:
    response = tab.open(PUBLIC_PAGES[name])
    assert response.status == (404 if name == "not-found" else 200)
    tab.screenshot(name)
    assert outside_requests(tab) == []
    assert policy_violations(tab) == []
    assert tab.page.locator("footer #disclaimer").is_visible()
    assert tab.page.locator("html").get_attribute("lang") == "en"
    overflow = tab.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{name} scrolls sideways by {overflow}px"
    assert serious_accessibility_problems(tab) == []


def test_skip_link_is_the_first_stop_and_moves_focus_to_the_content(desktop: Tab) -> None:
    desktop.open("/options")
    desktop.page.keyboard.press("Tab")
    assert desktop.page.evaluate("document.activeElement.textContent") == "Skip to main content"
    desktop.page.keyboard.press("Enter")
    assert desktop.page.evaluate("document.activeElement.id") == "main"


def test_a_red_flag_takes_over_the_page(tab: Tab) -> None:
    tab.open("/check")
    tab.page.get_by_label("New trouble holding your pee or emptying your bladder").check()
    tab.page.get_by_role("button", name="Continue").click()
    tab.page.wait_for_load_state("load")
    tab.screenshot("red-flag-result")
    assert tab.page.get_by_role("heading", level=1).inner_text() == "Seek urgent care now"
    assert load_knowledge().text("urgent_care")[:40] in tab.page.locator("#urgent").inner_text()
    assert tab.page.locator("form").count() == 0
    assert tab.page.locator("svg.icons").count() == 0


def _answer_screening(page: Any) -> None:
    page.get_by_label("How old are you?").fill("66")
    page.get_by_label("Low back (lumbar)").check()
    page.get_by_label("Moderate").check()
    page.get_by_label("How long have you had symptoms?").fill("52")
    page.get_by_label("Leg pain", exact=True).check()
    page.get_by_label("A bulging disc").check()
    page.get_by_label("How much of the narrowing is caused by bone").fill("20")
    page.get_by_label("For how many weeks have you tried conservative care").fill("16")
    page.get_by_label("Good", exact=True).check()


def _answer_values(page: Any) -> None:
    for fieldset in page.locator("fieldset.scale").all():
        fieldset.get_by_label("3: Important").check()
    for question in page.locator("fieldset:has(input[value='yes'])").all():
        question.get_by_label("Yes").check()
    page.get_by_label("Conservative care, or wait and see").check()


def test_a_person_checks_screens_compares_and_prints_a_summary(tab: Tab) -> None:
    page = tab.page
    tab.open("/check")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state("load")
    assert "Questions about your stenosis" in page.get_by_role("heading", level=1).inner_text()
    page.get_by_role("button", name="See the result").click()
    page.wait_for_load_state("load")
    assert page.locator(".error-summary").is_visible()
    tab.screenshot("screening-errors")
    _answer_screening(page)
    page.get_by_role("button", name="See the result").click()
    page.wait_for_load_state("load")
    tab.screenshot("screening-result")
    assert page.locator("#result-title").inner_text() == "Candidate"
    assert serious_accessibility_problems(tab) == []

    page.get_by_role("link", name="Compare the options for lumbar stenosis").click()
    page.wait_for_load_state("load")
    assert page.locator("article.option").count() == 5
    assert page.locator("svg.icons").first.locator("use").count() == 100
    page.go_back()
    page.wait_for_load_state("load")

    page.get_by_role("button", name="Next: what matters to you").click()
    page.wait_for_load_state("load")
    _answer_values(page)
    page.get_by_role("button", name="See what lines up").click()
    page.wait_for_load_state("load")
    tab.screenshot("values-result")
    assert "Conservative care" in page.locator("#leaning").inner_text()
    assert serious_accessibility_problems(tab) == []

    tab.requests.clear()
    tab.console.clear()
    page.get_by_role("button", name="Open my printable summary").click()
    page.wait_for_load_state("load")
    tab.screenshot("summary")
    assert page.locator("#disclaimer").is_visible()
    assert page.locator("#last-reviewed").inner_text() == load_knowledge().text(
        "evidence_last_reviewed"
    )
    assert policy_violations(tab) == []
    assert outside_requests(tab) == []
    # The summary's own stylesheet applied under the policy (its hash is allowed).
    border = page.evaluate("getComputedStyle(document.querySelector('h2')).borderBottomStyle")
    assert border == "solid"
    # The print button opens the browser's print dialog (replaced here to see that it is asked).
    page.evaluate("window.print = () => { window.printAsked = true; }")
    page.get_by_role("button", name="Print this summary").click()
    assert page.evaluate("window.printAsked === true")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the summary scrolls sideways by {overflow}px"
    assert serious_accessibility_problems(tab) == []


def _keep_marker(page: Any) -> None:
    page.evaluate("window.stillSamePage = true")


def _same_page(page: Any) -> bool:
    return bool(page.evaluate("window.stillSamePage === true"))


def test_claims_check_updates_in_place_and_marks_the_excerpts(tab: Tab) -> None:
    tab.open("/claims")
    _keep_marker(tab.page)
    tab.page.get_by_label("The clinic's text").fill(
        "Our stem cell protocol cures spinal stenosis. There is zero risk and no downtime."
    )
    tab.page.get_by_role("button", name="Check the text").click()
    tab.page.locator("#claims-result mark").first.wait_for()
    tab.screenshot("claims-result")
    assert _same_page(tab.page), "htmx should update the result without a new page"
    assert tab.page.locator("#claims-result .finding").count() >= 2
    assert policy_violations(tab) == []
    assert serious_accessibility_problems(tab) == []


def test_faq_answers_update_in_place_with_sources(tab: Tab) -> None:
    tab.open("/faq")
    _keep_marker(tab.page)
    tab.page.get_by_label("Your question").fill("How much does it cost in Mexico?")
    tab.page.get_by_role("button", name="Search").click()
    tab.page.locator("#faq-answers .answer").first.wait_for()
    assert _same_page(tab.page)
    assert tab.page.locator("#faq-answers .source-list li").count() >= 1
    assert "q=How+much" in tab.page.url
    assert policy_violations(tab) == []


def test_recovery_calendar_downloads_as_ics(desktop: Tab) -> None:
    desktop.open("/recovery?procedure_date=2026-03-02")
    with desktop.page.expect_download() as download:
        desktop.page.get_by_role("link", name="Download the dates as a calendar file").click()
    assert download.value.suggested_filename == "recovery-plan-2026-03-02.ics"


def test_api_docs_work_under_the_policy_from_local_files(desktop: Tab) -> None:
    desktop.open("/docs")
    desktop.page.locator(".swagger-ui .info .title").wait_for()
    desktop.page.locator(".opblock-summary-path", has_text="/api/v1/screening").wait_for()
    desktop.screenshot("docs")
    assert "regenspine" in desktop.page.locator(".swagger-ui .info .title").inner_text()
    assert outside_requests(desktop) == []
    assert policy_violations(desktop) == []
