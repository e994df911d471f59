"""The recovery plan page with dates, and its .ics calendar download."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient
from icalendar import Calendar

from regenspine.decision_aid.recovery import build_recovery_plan


def test_the_plan_shows_every_phase_visit_and_warning_sign_with_dates(client: TestClient) -> None:
    page = client.get("/recovery?procedure_date=2026-03-02").text
    plan = build_recovery_plan(dt.date(2026, 3, 2))
    assert "Plan for an injection on Mon 2 March 2026" in page
    assert page.count('<li class="phase">') == len(plan.phases)
    assert page.count('<li class="sign ') == len(plan.warning_signs)
    # Phase 1 runs days 1 to 5: 2 to 6 March 2026.
    assert "Mon 2 March 2026 to Fri 6 March 2026" in page
    assert 'href="/recovery.ics?procedure_date=2026-03-02"' in page


def test_the_form_alone_is_shown_before_a_date_is_given(client: TestClient) -> None:
    page = client.get("/recovery").text
    assert 'type="date" name="procedure_date"' in page
    assert '<li class="phase">' not in page


@pytest.mark.parametrize("value", ["2026-02-30", "tomorrow", "", "02/03/2026"])
def test_a_bad_date_is_shown_next_to_the_field(client: TestClient, value: str) -> None:
    response = client.get(f"/recovery?procedure_date={value}")
    assert response.status_code == 422
    assert 'id="f-procedure_date-error"' in response.text
    assert "Enter the date as year-month-day, for example 2026-03-02." in response.text
    assert "YYYY-MM-DD" not in response.text


def test_the_calendar_download_holds_every_dated_event(client: TestClient) -> None:
    response = client.get("/recovery.ics?procedure_date=2026-03-02")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    assert 'filename="recovery-plan-2026-03-02.ics"' in response.headers["content-disposition"]
    calendar = Calendar.from_ical(response.content)
    events = calendar.walk("VEVENT")
    plan = build_recovery_plan(dt.date(2026, 3, 2))
    assert len(events) == len(plan.phases) + 1 + len(plan.follow_up_visits)
    assert events[0].decoded("dtstart") == dt.date(2026, 3, 2)


def test_a_bad_calendar_date_is_an_html_error_page(client: TestClient) -> None:
    response = client.get("/recovery.ics?procedure_date=2026-13-01")
    assert response.status_code == 422
    assert "Day of the injection: Enter the date as year-month-day" in response.text
    assert "procedure_date" not in response.text
    assert response.headers["content-type"].startswith("text/html")
