"""The public pages in a real Chromium, on a 390 px phone and a desktop: a person's journey,
accessibility (axe-core), the security policy, and no request leaving the app."""

from __future__ import annotations

from typing import Any

import pytest
from tests.factories.browser import (
    outside_requests,
    policy_violations,
    serious_accessibility_problems,
    sideways_overflow,
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
    overflow = sideways_overflow(tab)
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
    # A person who does not know how much of the narrowing is bone says so.
    page.locator("fieldset", has_text="Do you know how much is bone?").get_by_label(
        "I don't know"
    ).check()
    page.get_by_label("For how many weeks have you tried conservative care").fill("16")
    page.get_by_label("Good", exact=True).check()


def _answer_values(page: Any) -> None:
    for fieldset in page.locator("fieldset.scale").all():
        fieldset.get_by_label("3: Important").check()
    for question in page.locator("fieldset:has(input[value='yes'])").all():
        question.get_by_label("Yes").check()
    page.get_by_label("Conservative care, or wait and see").check()


def _step(tab: Tab, number: int, shot: str) -> None:
    """The page shows step `number` of six, is accessible, and a screenshot is kept."""
    page = tab.page
    page.wait_for_load_state("load")
    assert f"Step {number} of 6" in page.locator("nav.progress").inner_text()
    assert page.locator('nav.progress [aria-current="step"]').count() == 1
    tab.screenshot(shot)
    overflow = sideways_overflow(tab)
    assert overflow <= 0, f"{shot} scrolls sideways by {overflow}px"
    assert serious_accessibility_problems(tab) == []


def _next(page: Any) -> None:
    page.locator('nav.step-links a[rel="next"]').click()


def test_a_person_walks_the_six_steps_and_the_answers_reach_the_summary(tab: Tab) -> None:
    page = tab.page
    tab.open("/check")
    _step(tab, 1, "step-1-check")
    page.get_by_role("button", name="Continue").click()
    _step(tab, 2, "step-2-questions")
    page.get_by_role("button", name="See the result").click()
    page.wait_for_load_state("load")
    assert page.locator(".error-summary").is_visible()
    tab.screenshot("step-2-errors")
    _answer_screening(page)
    page.get_by_role("button", name="See the result").click()
    _step(tab, 2, "step-2-result")
    assert page.locator("#result-title").inner_text() == "Candidate"
    assert (
        "did not know how much of the narrowing is bone"
        in page.locator("#unknown-bony_compression_percent").inner_text()
    )

    page.get_by_role("link", name="Next: compare the options for the low back").click()
    _step(tab, 3, "step-3-options")
    assert page.locator("svg.icons").first.locator("use").count() == 100
    _next(page)
    _step(tab, 4, "step-4-costs")
    page.get_by_label("Which country?").select_option(label="Mexico")
    page.get_by_label("Travel cost per person, in US dollars").fill("650")
    page.get_by_label("Nights of stay").fill("5")
    page.get_by_label("Lodging cost per night, in US dollars").fill("120")
    page.get_by_role("button", name="Show costs").click()
    _step(tab, 4, "step-4-costs-figures")
    assert page.locator(".error-summary").count() == 0
    _next(page)
    _step(tab, 5, "step-5-values")
    _answer_values(page)
    page.get_by_role("button", name="See what lines up").click()
    _step(tab, 5, "step-5-result")
    assert "Conservative care" in page.locator("#leaning").inner_text()

    tab.requests.clear()
    tab.console.clear()
    _next(page)
    page.wait_for_load_state("load")
    tab.screenshot("step-6-summary")
    assert "Step 6 of 6" in page.locator("nav.journey").inner_text()
    assert page.locator('nav.journey [aria-current="step"]').inner_text() == "My summary"
    summary = page.locator("main").inner_text()
    assert "650" in summary, "the travel figure typed in step 4 reaches the summary"
    assert "Conservative care, or wait and see" in summary
    assert "Candidate" in summary or "may be" in summary
    assert "skipped" not in summary.lower()
    assert page.locator("#disclaimer").is_visible()
    assert policy_violations(tab) == []
    assert outside_requests(tab) == []
    # The summary's own stylesheet applied under the policy (its hash is allowed).
    border = page.evaluate("getComputedStyle(document.querySelector('h2')).borderBottomStyle")
    assert border == "solid"
    # The print button opens the browser's print dialog (replaced here to see that it is asked).
    page.evaluate("window.print = () => { window.printAsked = true; }")
    page.get_by_role("button", name="Print this summary").click()
    assert page.evaluate("window.printAsked === true")
    assert serious_accessibility_problems(tab) == []
    overflow = sideways_overflow(tab)
    assert overflow <= 0, f"the summary scrolls sideways by {overflow}px"

    # The answers stay while the person reads elsewhere, and come back filled in.
    tab.open("/faq")
    assert "Go on with step 6 of 6" in page.locator("#your-place").inner_text()
    tab.open("/screening")
    assert page.get_by_label("How old are you?").input_value() == "66"


def test_start_again_clears_the_answers_in_the_browser(desktop: Tab) -> None:
    page = desktop.page
    desktop.open("/check")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state("load")
    desktop.open("/start-again")
    page.get_by_role("button", name="Clear my answers and start again").click()
    page.wait_for_load_state("load")
    assert page.url.endswith("/check")
    desktop.open("/faq")
    assert page.locator("#your-place").count() == 0


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


def test_faq_shows_one_best_answer_and_more_answers_on_request(tab: Tab) -> None:
    tab.open("/faq")
    tab.page.get_by_label("Your question").fill("How long until I feel better?")
    tab.page.get_by_role("button", name="Search").click()
    best = tab.page.locator("#faq-answers .best-answer h3")
    best.wait_for()
    assert best.inner_text() == "When results might show"
    more = tab.page.locator("#faq-answers .more-answers .answer").first
    assert not more.is_visible()
    tab.page.get_by_text("More answers").click()
    more.wait_for()
    tab.screenshot("faq-best-answer")
    assert serious_accessibility_problems(tab) == []


def test_claims_check_shows_a_repeated_sign_once_with_its_count(tab: Tab) -> None:
    tab.open("/claims")
    tab.page.get_by_label("The clinic's text").fill(
        "Only 3 spots left! Our cells cure stenosis. " * 40
    )
    tab.page.get_by_role("button", name="Check the text").click()
    tab.page.locator("#claims-result .finding-count").first.wait_for()
    tab.screenshot("claims-counts")
    assert tab.page.locator("#claims-result .finding").count() == 2
    assert tab.page.locator("#claims-result mark").count() == 6
    assert serious_accessibility_problems(tab) == []


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


@pytest.mark.parametrize("path", ["/learn/condition", "/learn/procedure"])
def test_learn_pictures_load_fit_the_screen_and_keep_their_shape(tab: Tab, path: str) -> None:
    tab.open(path)
    tab.screenshot(f"pictures-{path.rsplit('/', 1)[1]}")
    images = tab.page.evaluate(
        """[...document.querySelectorAll('figure.picture img')].map(img => ({
            src: img.getAttribute('src'), alt: img.alt, loaded: img.naturalWidth > 0,
            left: img.getBoundingClientRect().left, right: img.getBoundingClientRect().right,
            ratio: img.width / img.height, natural: img.naturalWidth / img.naturalHeight}))"""
    )
    assert images, f"no pictures on {path}"
    width = tab.page.evaluate("window.innerWidth")
    for image in images:
        assert image["loaded"], image["src"]
        assert image["alt"].strip(), image["src"]
        assert image["left"] >= 0, image
        assert image["right"] <= width, image
        assert image["ratio"] == pytest.approx(image["natural"], rel=0.02), image["src"]
    assert policy_violations(tab) == []
