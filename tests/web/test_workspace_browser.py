"""The workspace and the self-report pages in a real Chromium: a clinician signs in, records a
procedure that a protocol check refuses, fixes it and saves it, and enters a follow-up PROM; a
patient answers a self-report link on a 390 px phone; a researcher reads and filters the registry
dashboard on a phone and a desktop. axe-core runs on the pages on the way."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from tests.factories.browser import (
    browser_tab,
    outside_requests,
    policy_violations,
    serious_accessibility_problems,
    serving,
    sideways_overflow,
)
from tests.factories.cases import Case, add_cases, dashboard_cases
from tests.factories.pages import Tab
from tests.factories.registry import PASSWORD, Acting, insert_patients, many_people

from regenspine.registry.database import Registry
from regenspine.registry.services.selfreport import create_self_report_link

# One engine is enough in the browser; the route tests cover SQLite and PostgreSQL.
pytestmark = [pytest.mark.browser, pytest.mark.parametrize("backend", ["sqlite"], indirect=True)]


@pytest.fixture
def clinic_server(clinic_app: FastAPI) -> Iterator[str]:
    """The whole app, on the test's registry, served for one test."""
    with serving(clinic_app) as base_url:
        yield base_url


def checked_page(tab: Tab, label: str) -> None:
    """A screenshot, then the checks every page passes: self-contained, policy kept, fits, axe."""
    tab.screenshot(label)
    assert outside_requests(tab) == [], label
    assert policy_violations(tab) == [], label
    assert tab.page.locator("footer #disclaimer").is_visible(), label
    overflow = sideways_overflow(tab)
    assert overflow <= 0, f"{label} scrolls sideways by {overflow}px"
    assert serious_accessibility_problems(tab) == [], label


def sign_in(tab: Tab, username: str) -> None:
    """Sign in through the form, as a person would."""
    tab.open("/clinic/login")
    tab.page.get_by_label("Username").fill(username)
    tab.page.get_by_label("Password").fill(PASSWORD)
    tab.page.get_by_role("button", name="Sign in").click()
    tab.page.wait_for_load_state("load")


def fill_procedure(page: Any, performed_on: dt.date, guidance: str) -> None:
    """A bone marrow procedure into the lumbar epidural space with the given image guidance."""
    page.get_by_label("Performed on").fill(performed_on.isoformat())
    page.get_by_label("Bone marrow (own cells)").check()
    page.get_by_label("Harvest site").fill("posterior iliac crest")
    page.get_by_label("Volume harvested").fill("60")
    page.get_by_label("Method").fill("centrifugation")
    page.get_by_label("Started at").fill(f"{performed_on.isoformat()}T09:00")
    page.get_by_label("Ended at").fill(f"{performed_on.isoformat()}T09:45")
    page.get_by_label("CFU-F").fill("2713")
    page.get_by_label("CD34+ cells").fill("2500000")
    page.get_by_label("Lumbar").check()
    page.get_by_label("Levels").fill("L4-L5")
    page.get_by_label("Epidural space").check()
    page.get_by_label(guidance, exact=True).check()
    page.get_by_label("Operator").fill("Dr Example")


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_the_sign_in_page_is_accessible_and_self_contained(
    browser: Any, clinic_server: str, viewport: str
) -> None:
    with browser_tab(browser, clinic_server, viewport) as tab:
        response = tab.open("/clinic/login")
        assert response.status == 200
        checked_page(tab, "clinic-login")
        tab.page.get_by_label("Username").fill("cleo")
        tab.page.get_by_label("Password").fill("not the password")
        tab.page.get_by_role("button", name="Sign in").click()
        tab.page.wait_for_load_state("load")
        assert "not right" in tab.page.locator("#login-message").inner_text()
        checked_page(tab, "clinic-login-failed")


def test_a_clinician_records_a_refused_procedure_fixes_it_and_enters_a_prom(
    browser: Any, clinic_server: str, patient_key: str
) -> None:
    with browser_tab(browser, clinic_server, "desktop") as tab:
        page = tab.page
        sign_in(tab, "cleo")
        assert "Signed in as cleo." in page.locator(".notice").inner_text()
        checked_page(tab, "clinic-patients")
        page.get_by_role("link", name=patient_key).click()
        page.wait_for_load_state("load")
        checked_page(tab, "clinic-patient")
        page.get_by_role("link", name="Record a procedure").click()
        page.wait_for_load_state("load")
        assert page.get_by_role("button", name="Save the procedure").is_disabled()

        two_weeks_ago = dt.date.today() - dt.timedelta(days=14)
        fill_procedure(page, two_weeks_ago, "None")
        page.evaluate("window.stillSamePage = true")
        page.get_by_role("button", name="Check").click()
        page.locator(".refusal").wait_for()
        assert page.evaluate("window.stillSamePage === true"), "htmx should swap the form in place"
        assert "This procedure cannot be saved." in page.locator(".refusal").inner_text()
        assert page.get_by_role("button", name="Save the procedure").is_disabled()
        assert page.get_by_label("Levels").input_value() == "L4-L5"  # the form kept its values
        checked_page(tab, "clinic-procedure-refused")

        page.get_by_label("Fluoroscopy (live X-ray)").check()
        page.get_by_role("button", name="Check").click()
        page.locator(".checks-ok").wait_for()
        assert page.get_by_role("button", name="Save the procedure").is_enabled()
        checked_page(tab, "clinic-procedure-checked")
        page.get_by_role("button", name="Save the procedure").click()
        page.wait_for_load_state("load")
        assert "saved with its follow-up visits" in page.locator(".notice").inner_text()

        page.locator("article.episode").get_by_role("link", name="Enter questionnaires").click()
        page.wait_for_load_state("load")
        page.get_by_label("Questionnaire").select_option("nrs_leg")
        page.get_by_label("Visit").select_option("2w")
        page.get_by_role("button", name="Show the questions").click()
        page.wait_for_load_state("load")
        checked_page(tab, "clinic-prom-form")
        page.get_by_label("3", exact=True).check()
        page.get_by_role("button", name="Score and store").click()
        page.wait_for_load_state("load")
        notice = page.locator(".notice").inner_text()
        assert "visit 2w, score 3.0" in notice
        assert "outside" not in notice  # inside the 2w window
        checked_page(tab, "clinic-prom-stored")
        page.reload()
        page.wait_for_load_state("load")
        assert page.locator(".notice").count() == 0  # a reload shows the record, stores nothing
        assert page.locator("table.assessments tbody tr").count() == 1


def test_a_coordinator_makes_a_link_and_a_patient_answers_it_on_a_phone(
    browser: Any, clinic_server: str, visit_due_today: int
) -> None:
    with browser_tab(browser, clinic_server, "desktop") as desk:
        sign_in(desk, "cora")
        desk.open("/clinic/follow-ups")
        checked_page(desk, "clinic-follow-ups")
        desk.page.get_by_role("button", name="Create self-report link").click()
        desk.page.wait_for_load_state("load")
        checked_page(desk, "clinic-link")
        link = desk.page.locator("#self-report-url").get_attribute("href")
    assert link is not None
    path = link[link.index("/r/") :]
    with browser_tab(browser, clinic_server, "phone") as tab:
        page = tab.page
        assert tab.open(path).status == 200
        checked_page(tab, "selfreport-form")
        for question in page.locator("fieldset.question").all():
            question.locator("label").nth(1).click()
        page.get_by_label("Minutes of walking before having to stop").fill("25")
        page.get_by_role("button", name="Send my answers").click()
        page.wait_for_load_state("load")
        assert "were sent to your clinic" in page.locator("#thanks-message").inner_text()
        checked_page(tab, "selfreport-thanks")
        assert tab.open(path).status == 410
        assert page.get_by_role("heading", level=1).inner_text() == ("Already sent")
        checked_page(tab, "selfreport-used")


def test_the_link_page_fits_a_phone_and_copies_the_link(
    browser: Any, clinic_server: str, visit_due_today: int
) -> None:
    with browser_tab(browser, clinic_server, "phone") as tab:
        page = tab.page
        page.context.grant_permissions(["clipboard-read", "clipboard-write"])
        sign_in(tab, "cora")
        tab.open("/clinic/follow-ups")
        page.get_by_role("button", name="Create self-report link").click()
        page.wait_for_load_state("load")
        checked_page(tab, "clinic-link-phone")
        url = page.locator("#self-report-url").get_attribute("href")
        assert url is not None
        assert url.startswith(clinic_server + "/r/")
        qr = page.get_by_role("img", name="QR code of the self-report link", exact=False)
        box = qr.bounding_box()
        assert box is not None
        assert 100 <= box["width"] <= 390
        page.get_by_label("The link as text").focus()
        assert page.evaluate("document.getSelection().toString()") == url
        page.get_by_role("button", name="Copy link").click()
        page.get_by_text("Link copied.").wait_for()
        assert page.evaluate("navigator.clipboard.readText()") == url
        page.get_by_role("button", name="Re-send: make a fresh link").click()
        page.wait_for_load_state("load")
        fresh = page.locator("#self-report-url").get_attribute("href")
        assert fresh is not None
        assert fresh != url


def test_an_expired_link_says_so_on_a_phone(
    browser: Any, clinic_server: str, acting: Acting, visit_due_today: int
) -> None:
    last_week = dt.datetime.now(dt.UTC) - dt.timedelta(days=7)
    with acting("coordinator") as (session, user):
        path = create_self_report_link(session, user, visit_due_today, last_week, 72).path
    with browser_tab(browser, clinic_server, "phone") as tab:
        assert tab.open(path).status == 410
        assert tab.page.get_by_role("heading", level=1).inner_text() == "This link has expired"
        checked_page(tab, "selfreport-expired")


def test_the_workspace_pages_fit_a_phone(
    browser: Any, clinic_server: str, patient_key: str, visit_due_today: int
) -> None:
    pages = {
        "clinic-patients": "/clinic/patients",
        "clinic-patient": f"/clinic/patients/{patient_key}",
        "clinic-patient-new": "/clinic/patients/new",
        "clinic-screening": "/clinic/episodes/1/screening",
        "clinic-consent": "/clinic/episodes/1/consent",
        "clinic-procedure": f"/clinic/procedures/new?patient={patient_key}",
        "clinic-follow-ups": "/clinic/follow-ups",
        "clinic-prom-form": f"/clinic/assessments/new?patient={patient_key}&instrument=zcq",
        "clinic-adverse-event": f"/clinic/adverse-events/new?patient={patient_key}",
        "clinic-intervention": f"/clinic/interventions/new?patient={patient_key}",
        "clinic-audit": "/clinic/audit",
        "clinic-dashboard": "/clinic/dashboard",
    }
    with browser_tab(browser, clinic_server, "phone") as tab:
        sign_in(tab, "ada")
        for label, path in pages.items():
            assert tab.open(path).status == 200, path
            checked_page(tab, label)


def test_a_searched_and_paged_patient_list_fits_a_phone(
    browser: Any, clinic_server: str, staffed: Registry
) -> None:
    insert_patients(staffed, many_people(60))
    with browser_tab(browser, clinic_server, "phone") as tab:
        sign_in(tab, "cora")
        tab.open("/clinic/patients")
        tab.page.get_by_label("Search").fill("person")
        tab.page.get_by_label("Sort by").select_option("name")
        tab.page.get_by_role("button", name="Find").click()
        tab.page.wait_for_load_state("load")
        assert tab.page.locator("#result-count").inner_text() == (
            "Showing 50 patients; more on the next page."
        )
        checked_page(tab, "clinic-patients-search")
        tab.page.get_by_role("link", name="Next page").click()
        tab.page.wait_for_load_state("load")
        assert tab.page.locator("#result-count").inner_text() == "Showing 10 patients."
        assert tab.page.get_by_role("link", name="First page").is_visible()
        checked_page(tab, "clinic-patients-page-2")


def test_an_expired_session_during_a_check_loads_the_sign_in_page(
    browser: Any, clinic_server: str, patient_key: str
) -> None:
    with browser_tab(browser, clinic_server, "desktop") as tab:
        sign_in(tab, "cleo")
        tab.open(f"/clinic/procedures/new?patient={patient_key}")
        tab.page.context.clear_cookies()
        tab.page.get_by_role("button", name="Check").click()
        tab.page.wait_for_url("**/clinic/login?next=*")
        assert tab.page.get_by_role("heading", level=1).inner_text() == "Sign in"


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_a_researcher_reads_and_filters_the_registry_dashboard(
    browser: Any, clinic_server: str, staffed: Registry, viewport: str
) -> None:
    add_cases(staffed, dashboard_cases(synthetic=True))
    with browser_tab(browser, clinic_server, viewport) as tab:
        page = tab.page
        sign_in(tab, "rhea")
        page.get_by_role("link", name="Registry dashboard").click()
        page.wait_for_load_state("load")
        assert page.locator("#synthetic-banner").is_visible()
        drawn = "[...document.images].filter(i => i.classList.contains('plot'))"
        assert page.evaluate(f"{drawn}.every(i => i.complete && i.naturalWidth > 0)")
        assert page.evaluate(f"{drawn}.length") >= 2  # trajectories and the survival curve
        checked_page(tab, "clinic-dashboard")
        page.get_by_label("Region").select_option("lumbar")
        page.get_by_role("button", name="Show").click()
        page.wait_for_load_state("load")
        assert "region=lumbar" in page.url
        assert "region = lumbar" in page.locator("#registry-report").inner_text()
        checked_page(tab, "clinic-dashboard-filtered")
        assert tab.open("/clinic/dashboard?since=2026-06-01&until=2026-01-01").status == 422
        assert "is after until" in page.locator(".error-summary").inner_text()
        checked_page(tab, "clinic-dashboard-problem")


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_a_patient_worse_than_baseline_leads_from_the_dashboard_to_the_plotted_record(
    browser: Any, clinic_server: str, staffed: Registry, viewport: str
) -> None:
    relapsed = Case(scores={"odi": {"baseline": 30, "3m": 20, "6m": 45, "12m": 62}})
    add_cases(staffed, [*dashboard_cases(), relapsed])
    with browser_tab(browser, clinic_server, viewport) as tab:
        page = tab.page
        sign_in(tab, "rhea")
        tab.open("/clinic/dashboard")
        assert page.locator("#worse-count").inner_text() == "1"
        page.locator("#worse-than-baseline table a").first.click()
        page.wait_for_load_state("load")
        assert "Worse than baseline" in page.locator("#worse-than-baseline").inner_text()
        chart = page.locator("figure.score-chart svg.chart").first
        assert chart.is_visible()
        assert chart.get_attribute("role") == "img"
        box = chart.bounding_box()
        assert box is not None
        assert box["width"] <= page.viewport_size["width"]  # type: ignore[index]
        checked_page(tab, f"clinic-patient-chart-{viewport}")
