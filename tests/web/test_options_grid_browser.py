"""The options at a glance in a real Chromium: the grid fits one desktop screen and a few phone
screens, the page stays short with the details closed, each option's details open on demand with
their sources, and a 390 px phone never scrolls the page sideways."""

from __future__ import annotations

import pytest
from tests.factories.browser import VIEWPORTS, serious_accessibility_problems
from tests.factories.pages import Tab

from regenspine.decision_aid.options import compare_options
from regenspine.knowledge import load_knowledge

pytestmark = pytest.mark.browser

PHONE_SCREEN = VIEWPORTS["phone"]["viewport"]["height"]
PHONE_WIDTH = VIEWPORTS["phone"]["viewport"]["width"]
DESKTOP_SCREEN = VIEWPORTS["desktop"]["viewport"]["height"]


def height(tab: Tab, selector: str) -> float:
    """The rendered height of the first element matching `selector`, in CSS pixels."""
    value: float = tab.page.locator(selector).first.evaluate(
        "element => element.getBoundingClientRect().height"
    )
    return value


def page_height(tab: Tab) -> int:
    """The height of the whole page, in CSS pixels."""
    value: int = tab.page.evaluate("document.documentElement.scrollHeight")
    return value


def eventually(tab: Tab, script: str, seconds: float = 5) -> bool:
    """Whether `script` becomes true within `seconds` (polled from here: the pages' policy
    forbids the string evaluation Playwright's wait_for_function uses)."""
    for _ in range(int(seconds * 10)):
        if tab.page.evaluate(script):
            return True
        tab.page.wait_for_timeout(100)
    return False


def open_details(tab: Tab) -> int:
    """How many disclosure elements on the page are open."""
    count: int = tab.page.evaluate("document.querySelectorAll('details[open]').length")
    return count


@pytest.mark.parametrize("region", ["lumbar", "cervical"])
def test_the_grid_fits_one_desktop_screen(desktop: Tab, region: str) -> None:
    desktop.open(f"/options?region={region}")
    desktop.screenshot(f"options-grid-{region}")
    assert height(desktop, "#options-grid") <= DESKTOP_SCREEN
    # Every option is a column the reader sees at once, without scrolling the grid sideways.
    frame = desktop.page.locator(".glance-scroll")
    assert frame.evaluate("e => e.scrollWidth <= e.clientWidth")
    assert not desktop.page.locator("#grid-hint").is_visible()


@pytest.mark.parametrize("region", ["lumbar", "cervical"])
def test_on_a_phone_the_grid_and_the_closed_page_stay_short(phone: Tab, region: str) -> None:
    phone.open(f"/options?region={region}")
    assert open_details(phone) == 0
    assert height(phone, "#options-grid") <= 4 * PHONE_SCREEN
    assert page_height(phone) < 6 * PHONE_SCREEN


def test_on_a_phone_the_grid_swipes_inside_its_frame_not_the_page(phone: Tab) -> None:
    phone.open("/options")
    # A mobile browser widens its layout viewport to fit overflowing content, which would make
    # innerWidth grow with it; so the page is held to the phone's real width.
    widths = phone.page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths == [PHONE_WIDTH, PHONE_WIDTH]
    assert phone.page.locator("#grid-hint").is_visible()
    frame = phone.page.locator(".glance-scroll")
    assert frame.evaluate("e => e.scrollWidth > e.clientWidth")
    assert frame.evaluate("e => getComputedStyle(e).scrollSnapType").startswith("x")
    # The keyboard scrolls the frame too: it is a focusable, named region.
    frame.focus()
    phone.page.keyboard.press("ArrowRight")
    assert eventually(phone, "document.querySelector('.glance-scroll').scrollLeft > 0")
    # The questions stay in view while the options move under them.
    row_header = phone.page.locator("#row-improvement th")
    assert row_header.evaluate("e => getComputedStyle(e).position") == "sticky"
    assert row_header.bounding_box()["x"] >= 0
    phone.screenshot("options-grid-swiped")


def test_each_options_details_open_on_demand_with_their_sources(tab: Tab) -> None:
    tab.open("/options")
    knowledge = load_knowledge()
    for option in compare_options("lumbar").options:
        details = tab.page.locator(f"#details-{option.id}")
        sources = details.locator(".option-sources li")
        assert details.get_attribute("open") is None
        assert not sources.first.is_visible()
        details.locator("summary").click()
        assert details.get_attribute("open") is not None
        assert sources.first.is_visible()
        listed = details.locator(".option-sources").inner_text()
        for source_id in {sid for cell in option.cells for sid in cell.sources}:
            assert knowledge.source(source_id).title in listed, (option.id, source_id)
        if option.outcomes and any(outcome.has_number for outcome in option.outcomes):
            assert details.locator("svg.icons").first.is_visible()
    tab.screenshot("options-details-open")
    assert serious_accessibility_problems(tab) == []


def test_a_grid_details_link_opens_that_options_answer_without_script(tab: Tab) -> None:
    tab.open("/options")
    details = tab.page.locator("#details-epidural_steroid")
    assert details.get_attribute("open") is None
    tab.page.locator("#cell-epidural_steroid-improvement a").click()
    assert eventually(tab, "document.querySelector('#details-epidural_steroid').open")
    answer = tab.page.locator("#full-epidural_steroid-improvement")
    assert answer.is_visible()
    assert "#full-epidural_steroid-improvement" in tab.page.url


def test_every_icon_array_is_drawn_the_same_size_with_its_legend_below(desktop: Tab) -> None:
    desktop.open("/options")
    for summary in desktop.page.locator(".option-details > summary").all():
        summary.click()
    figures = desktop.page.locator(".option-list figure.icon-array")
    assert figures.count() >= 10
    sizes = set()
    for figure in figures.all():
        icons = figure.locator("svg.icons").bounding_box()
        legend = figure.locator("figcaption").bounding_box()
        sizes.add((round(icons["width"]), round(icons["height"])))
        # Below the picture and at least as wide as it: the legend is never squeezed beside it.
        assert legend["y"] >= icons["y"] + icons["height"] - 1
        assert legend["width"] >= icons["width"]
    assert len(sizes) == 1, sizes


def test_printing_shows_every_options_details_and_sources(desktop: Tab) -> None:
    desktop.open("/options")
    first_source = "#details-{} .option-sources li"
    options = compare_options("lumbar").options
    assert not desktop.page.locator(first_source.format(options[0].id)).first.is_visible()
    desktop.page.emulate_media(media="print")
    try:
        for option in options:
            assert desktop.page.locator(first_source.format(option.id)).first.is_visible()
        assert desktop.page.locator(".all-sources .source-list li").first.is_visible()
    finally:
        desktop.page.emulate_media(media="screen")
