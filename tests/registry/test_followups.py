"""Follow-ups: what is due and when, assessments scored and stored once, visits marked done."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from tests.factories.procedures import BONE_MARROW_PROCEDURE
from tests.factories.registry import Acting, row_counts

from regenspine.errors import Conflict, InvalidInput
from regenspine.registry.database import Registry
from regenspine.registry.models import Reminder
from regenspine.registry.services.followups import due_follow_ups, record_assessment
from regenspine.registry.services.procedures import record_procedure

ODI_ONE_MISSING = "3,2,1,2,2,1,2,1,2,-"  # 16 of 45: the scoring sheet's worked example


@pytest.fixture
def treated(acting: Acting, patient_key: str) -> str:
    """The patient after a bone marrow procedure on 2026-03-02."""
    with acting("clinician") as (session, user):
        record_procedure(session, user, {"patient": patient_key, **BONE_MARROW_PROCEDURE}, "t")
    return patient_key


def _due(acting: Acting, today: date, within: int) -> list[tuple[str, str]]:
    with acting("coordinator") as (session, user):
        return [(v.timepoint, v.status) for v in due_follow_ups(session, user, today, within)]


def test_due_lists_open_windows_and_those_opening_within_the_horizon(
    acting: Acting, treated: str
) -> None:
    # 2-week target 16 March, window 13 to 23 March (tool assumption in followup.yaml).
    assert _due(acting, date(2026, 3, 5), 8) == [("2w", "upcoming")]
    assert _due(acting, date(2026, 3, 5), 7) == []
    assert _due(acting, date(2026, 3, 16), 0) == [("2w", "due")]
    assert _due(acting, date(2026, 3, 20), 0) == [("2w", "overdue")]
    # The 2-week window has closed; the 6-week one (13 April, from 6 April) is not yet near.
    assert _due(acting, date(2026, 3, 24), 0) == []


def test_an_assessment_is_scored_stored_and_closes_the_visit(acting: Acting, treated: str) -> None:
    with acting("coordinator") as (session, user):
        stored = record_assessment(
            session,
            user,
            registry_key=treated,
            instrument="odi",
            answers=ODI_ONE_MISSING,
            timepoint="2W",
            assessed_on=date(2026, 3, 16),
            reason="t",
        )
    assert stored.scored.score == 35.6
    assert stored.timepoint == "2w"
    assert stored.window_note is None
    assert _due(acting, date(2026, 3, 16), 0) == []


def test_late_assessments_are_stored_with_a_note(acting: Acting, treated: str) -> None:
    with acting("coordinator") as (session, user):
        stored = record_assessment(
            session,
            user,
            registry_key=treated,
            instrument="nrs_leg",
            answers="4",
            timepoint="3m",
            assessed_on=date(2026, 8, 1),
            reason="t",
        )
    assert stored.window_note is not None
    assert "outside the 3m window" in stored.window_note


def test_the_same_instrument_and_timepoint_cannot_be_stored_twice(
    acting: Acting, staffed: Registry, treated: str
) -> None:
    entry = {
        "registry_key": treated,
        "instrument": "nrs_back",
        "answers": "5",
        "timepoint": "baseline",
        "assessed_on": date(2026, 2, 20),
        "reason": "t",
    }
    with acting("coordinator") as (session, user):
        record_assessment(session, user, **entry)
    before = row_counts(staffed)
    with pytest.raises(Conflict, match="already recorded"), acting("coordinator") as (s, u):
        record_assessment(s, u, **entry)
    assert row_counts(staffed) == before


@pytest.mark.parametrize(
    ("instrument", "answers", "timepoint", "field"),
    [
        ("odi", "1,2,3", "3m", "answers"),
        ("odi", "6,0,0,0,0,0,0,0,0,0", "3m", "answers[1] (ODI section 1"),
        ("odi", "0,0,0,0,0,0,0,0,0,0", "4m", "timepoint"),
        ("eq5d", "1", "3m", "instrument"),
    ],
)
def test_bad_assessments_name_the_field_and_write_nothing(
    acting: Acting,
    staffed: Registry,
    treated: str,
    instrument: str,
    answers: str,
    timepoint: str,
    field: str,
) -> None:
    before = row_counts(staffed)
    with pytest.raises(InvalidInput) as raised, acting("coordinator") as (session, user):
        record_assessment(
            session,
            user,
            registry_key=treated,
            instrument=instrument,
            answers=answers,
            timepoint=timepoint,
            assessed_on=date(2026, 6, 2),
            reason="t",
        )
    assert raised.value.field.startswith(field)
    assert row_counts(staffed) == before


def test_assessments_without_a_procedure_are_kept_without_a_visit(
    acting: Acting, patient_key: str
) -> None:
    with acting("coordinator") as (session, user):
        stored = record_assessment(
            session,
            user,
            registry_key=patient_key,
            instrument="nrs_leg",
            answers="7",
            timepoint="baseline",
            assessed_on=date(2026, 9, 2),
            reason="t",
        )
    assert stored.window_note is not None
    assert "without a visit" in stored.window_note


def test_due_visits_say_how_many_days_overdue_and_when_a_reminder_went_out(
    acting: Acting, treated: str
) -> None:
    def shown(today: date) -> list[tuple[str, int, object]]:
        with acting("coordinator") as (session, user):
            visits = due_follow_ups(session, user, today, 0)
            return [(v.timepoint, v.days_overdue, v.reminded_at) for v in visits]

    # 2-week target 16 March: not yet due on the 13th, due on the day, 4 days over on the 20th.
    assert shown(date(2026, 3, 13)) == [("2w", 0, None)]
    assert shown(date(2026, 3, 16)) == [("2w", 0, None)]
    assert shown(date(2026, 3, 20)) == [("2w", 4, None)]
    sent = datetime(2026, 3, 17, 9, 30, tzinfo=UTC)
    with acting("coordinator") as (session, user):
        visit = due_follow_ups(session, user, date(2026, 3, 17), 0)[0]
        session.add(
            Reminder(
                follow_up_id=visit.follow_up_id,
                recipient="p@example.org",
                subject="s",
                sent_at=sent,
            )
        )
    [(_, _, reminded_at)] = shown(date(2026, 3, 20))
    assert reminded_at == sent
