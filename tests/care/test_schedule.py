"""Follow-up schedule: calendar-month targets, windows, visit status boundaries and parsing."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from regenspine.care import (
    FollowUpVisit,
    follow_up_schedule,
    parse_timepoint,
    parse_within,
    timepoint_ids,
    timepoints,
    visit_status,
)
from regenspine.care.schedule import Timepoint, load_follow_up_plan
from regenspine.decision_aid.recovery import build_recovery_plan
from regenspine.errors import InvalidInput
from regenspine.knowledge import load_knowledge
from regenspine.knowledge.timing import Offset


def schedule(performed_on: dt.date) -> dict[str, FollowUpVisit]:
    return {visit.timepoint: visit for visit in follow_up_schedule(performed_on)}


def test_timepoint_ids_are_exactly_the_registry_ids() -> None:
    expected = ("baseline", "2w", "6w", "3m", "6m", "12m", "24m")
    assert timepoint_ids() == expected
    assert tuple(timepoint.id for timepoint in timepoints()) == expected


def test_schedule_from_the_31st_of_january() -> None:
    visits = schedule(dt.date(2026, 1, 31))
    assert {tid: visit.due_on for tid, visit in visits.items()} == {
        "baseline": dt.date(2026, 1, 31),
        "2w": dt.date(2026, 2, 14),
        "6w": dt.date(2026, 3, 14),
        "3m": dt.date(2026, 4, 30),
        "6m": dt.date(2026, 7, 31),
        "12m": dt.date(2027, 1, 31),
        "24m": dt.date(2028, 1, 31),
    }
    assert (visits["2w"].window_opens, visits["2w"].window_closes) == (
        dt.date(2026, 2, 11),
        dt.date(2026, 2, 21),
    )
    assert visits["3m"].label == "3 months"


def test_months_are_calendar_months() -> None:
    one_month = Timepoint(
        id="3m",
        label="test",
        offset=Offset(months=1),
        window_before_days=0,
        window_after_days=0,
        purpose="test",
        sources=("seed-000",),
    )
    assert one_month.due_on(dt.date(2026, 1, 31)) == dt.date(2026, 2, 28)
    assert one_month.due_on(dt.date(2024, 1, 31)) == dt.date(2024, 2, 29)


@pytest.mark.parametrize(
    ("performed_on", "timepoint", "due_on"),
    [
        (dt.date(2025, 11, 30), "3m", dt.date(2026, 2, 28)),
        (dt.date(2023, 11, 30), "3m", dt.date(2024, 2, 29)),
        (dt.date(2025, 8, 31), "6m", dt.date(2026, 2, 28)),
        (dt.date(2024, 2, 29), "12m", dt.date(2025, 2, 28)),
        (dt.date(2024, 2, 29), "24m", dt.date(2026, 2, 28)),
        (dt.date(2026, 12, 25), "2w", dt.date(2027, 1, 8)),
    ],
)
def test_month_ends_and_leap_years(performed_on: dt.date, timepoint: str, due_on: dt.date) -> None:
    assert schedule(performed_on)[timepoint].due_on == due_on


def test_baseline_window_runs_up_to_the_procedure_day() -> None:
    baseline = schedule(dt.date(2026, 3, 2))["baseline"]
    assert baseline.due_on == baseline.window_closes == dt.date(2026, 3, 2)
    assert baseline.window_opens < baseline.due_on


def test_the_recovery_plan_shows_every_visit_after_baseline_on_the_same_dates() -> None:
    for performed_on in (dt.date(2026, 1, 31), dt.date(2024, 2, 29), dt.date(2026, 7, 15)):
        visits = schedule(performed_on)
        plan = {visit.id: visit.due for visit in build_recovery_plan(performed_on).follow_up_visits}
        assert plan == {tid: visit.due_on for tid, visit in visits.items() if tid != "baseline"}


def test_windows_are_ordered_and_never_overlap_over_four_years_of_dates() -> None:
    first = dt.date(2024, 1, 1)
    for day in range(4 * 366):
        visits = follow_up_schedule(first + dt.timedelta(days=day))
        for visit in visits:
            assert visit.window_opens <= visit.due_on <= visit.window_closes
        for earlier, later in itertools.pairwise(visits):
            assert earlier.window_closes < later.window_opens, (earlier, later)


def test_plan_labels_its_windows_as_an_assumption_and_cites_known_sources() -> None:
    plan = load_follow_up_plan()
    assert "assumption" in plan.window_assumption
    known = {source.id for source in load_knowledge().sources}
    assert set(plan.sources) <= known
    for timepoint in plan.timepoints:
        assert timepoint.sources
        assert set(timepoint.sources) <= known


VISIT = FollowUpVisit(
    timepoint="3m",
    label="3 months",
    due_on=dt.date(2026, 6, 2),
    window_opens=dt.date(2026, 5, 19),
    window_closes=dt.date(2026, 7, 2),
)


@pytest.mark.parametrize(
    ("today", "status"),
    [
        (dt.date(2026, 5, 18), "upcoming"),  # the day before the window opens
        (dt.date(2026, 5, 19), "due"),  # the window opens
        (dt.date(2026, 6, 2), "due"),  # the target date itself
        (dt.date(2026, 6, 3), "overdue"),  # past the target, window still open
        (dt.date(2026, 7, 2), "overdue"),  # the last day of the window
        (dt.date(2026, 7, 3), "missed"),  # the window has closed
    ],
)
def test_visit_status_boundaries(today: dt.date, status: str) -> None:
    assert visit_status(VISIT, today, done=False) == status


@pytest.mark.parametrize("today", [dt.date(2026, 5, 1), dt.date(2026, 6, 2), dt.date(2027, 1, 1)])
def test_a_done_visit_is_done_whatever_the_date(today: dt.date) -> None:
    assert visit_status(VISIT, today, done=True) == "done"


def test_baseline_is_missed_the_day_after_the_procedure() -> None:
    baseline = schedule(dt.date(2026, 3, 2))["baseline"]
    assert visit_status(baseline, dt.date(2026, 3, 2), done=False) == "due"
    assert visit_status(baseline, dt.date(2026, 3, 3), done=False) == "missed"


@pytest.mark.parametrize(
    ("text", "timepoint"),
    [("3m", "3m"), ("3M", "3m"), (" 12m ", "12m"), ("Baseline", "baseline"), ("2W", "2w")],
)
def test_parse_timepoint_accepts_case_and_spaces(text: str, timepoint: str) -> None:
    assert parse_timepoint(text) == timepoint


@pytest.mark.parametrize("text", ["", "3 months", "4m", "1y", "m3"])
def test_parse_timepoint_refuses_unknown_timepoints_listing_the_ids(text: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_timepoint(text)
    assert caught.value.field == "timepoint"
    assert caught.value.allowed == list(timepoint_ids())


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("14d", 14),
        ("2w", 14),
        ("30", 30),
        ("0", 0),
        (" 14D ", 14),
        ("3650", 3650),
        ("3650d", 3650),
        ("521w", 3647),
    ],
)
def test_parse_within_reads_days_and_weeks(text: str, days: int) -> None:
    assert parse_within(text) == days


@pytest.mark.parametrize(
    "text", ["", "-1", "3651", "522w", "1.5", "14 days", "2m", "d", "fortnight", "١٤"]
)
def test_parse_within_refuses_bad_or_too_large_horizons(text: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_within(text)
    assert caught.value.field == "within"
    assert "3650" in str(caught.value.allowed)


def test_questionnaire_sets_name_known_instruments_and_add_change_after_baseline() -> None:
    from regenspine.care import questionnaires_for
    from regenspine.instruments import instruments

    known = {instrument.id for instrument in instruments()}
    for region in ("lumbar", "thoracic", "cervical"):
        baseline = questionnaires_for(region, "baseline")
        later = questionnaires_for(region, "3m")
        assert set(later) <= known
        assert later == (*baseline, "pgic")
    assert "odi" in questionnaires_for("lumbar", "baseline")
    assert "ndi" in questionnaires_for("cervical", "12m")
    with pytest.raises(InvalidInput, match="region"):
        questionnaires_for("sacral", "3m")
