"""Follow-ups: which visits are due, and PROM assessments recorded against them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from regenspine.care import FollowUpVisit, parse_timepoint, visit_status
from regenspine.errors import Conflict
from regenspine.instruments import InstrumentScore, score
from regenspine.registry.access import Permission, require
from regenspine.registry.models import (
    Assessment,
    Episode,
    FollowUp,
    Patient,
    Procedure,
    Reminder,
    User,
)
from regenspine.registry.rows import assessment_columns
from regenspine.registry.services.audit import record_audit
from regenspine.registry.services.episodes import current_episode
from regenspine.registry.services.references import resolve_episode


class DueFollowUp(BaseModel):
    """A follow-up visit whose window is open now or opens within the horizon."""

    follow_up_id: int
    registry_key: str
    episode_id: int
    procedure_id: int
    timepoint: str
    due_on: date
    window_opens: date
    window_closes: date
    status: str
    # Days past the due date today (0 when not yet due): who to chase first.
    days_overdue: int = 0
    # When the reminder e-mail went out, if one did (one per visit: see models/contact.py).
    reminded_at: datetime | None = None


class RecordedAssessment(BaseModel):
    """An assessment as stored, with its score and whether it fell inside its window."""

    assessment_id: int
    registry_key: str
    episode_id: int
    timepoint: str
    assessed_on: date
    scored: InstrumentScore
    window_note: str | None


def due_follow_ups(
    session: Session, actor: User, today: date, within_days: int
) -> list[DueFollowUp]:
    """Open follow-ups whose window is open today or opens within `within_days`, by due date."""
    require(actor, Permission.read_deidentified)
    horizon = today + timedelta(days=within_days)
    rows = session.execute(
        select(FollowUp, Procedure.episode_id, Patient.registry_key, Reminder.sent_at)
        .join(Procedure, FollowUp.procedure_id == Procedure.id)
        .join(Episode, Procedure.episode_id == Episode.id)
        .join(Patient, Episode.patient_id == Patient.id)
        .outerjoin(Reminder, Reminder.follow_up_id == FollowUp.id)
        .where(
            FollowUp.completed_on.is_(None),
            Episode.status == "open",
            FollowUp.window_opens <= horizon,
            FollowUp.window_closes >= today,
        )
        .order_by(FollowUp.due_on, Patient.registry_key, FollowUp.id)
    ).all()
    return [
        DueFollowUp(
            follow_up_id=follow_up.id,
            registry_key=key,
            episode_id=episode_id,
            procedure_id=follow_up.procedure_id,
            timepoint=follow_up.timepoint,
            due_on=follow_up.due_on,
            window_opens=follow_up.window_opens,
            window_closes=follow_up.window_closes,
            status=visit_status(_visit(follow_up), today, done=False),
            days_overdue=max(0, (today - follow_up.due_on).days),
            reminded_at=reminded_at,
        )
        for follow_up, episode_id, key, reminded_at in rows
    ]


def _visit(follow_up: FollowUp) -> FollowUpVisit:
    return FollowUpVisit(
        timepoint=follow_up.timepoint,
        label=follow_up.timepoint,
        due_on=follow_up.due_on,
        window_opens=follow_up.window_opens,
        window_closes=follow_up.window_closes,
    )


def record_assessment(
    session: Session,
    actor: User,
    *,
    registry_key: str,
    instrument: str,
    answers: str | Sequence[object],
    timepoint: str,
    assessed_on: date,
    reason: str,
    episode_id: int | None = None,
) -> RecordedAssessment:
    """Score the answers, store them against the episode's follow-up, mark the visit done."""
    require(actor, Permission.record_assessments)
    if episode_id is None:
        episode = current_episode(session, registry_key)
    else:
        reference = {"patient": registry_key, "episode": episode_id}
        episode = resolve_episode(session, reference, "assessment")[0]
    stored = store_assessment(session, episode, instrument, answers, timepoint, assessed_on)
    record_audit(
        session,
        actor,
        "create",
        "assessment",
        stored.assessment_id,
        reason,
        {"instrument": stored.scored.instrument, "timepoint": stored.timepoint},
    )
    return stored


def store_assessment(
    session: Session,
    episode: Episode,
    instrument: str,
    answers: str | Sequence[object],
    timepoint: str,
    assessed_on: date,
) -> RecordedAssessment:
    """Score and store one instrument for an episode (callers check rights and audit)."""
    timepoint_id = parse_timepoint(timepoint)
    scored = score(instrument, answers)
    _refuse_duplicate(session, episode, scored.instrument, timepoint_id)
    follow_up = _follow_up_for(session, episode, timepoint_id)
    row = Assessment(
        **assessment_columns(
            scored,
            _stored_answers(answers),
            episode_id=episode.id,
            follow_up_id=follow_up.id if follow_up else None,
            timepoint=timepoint_id,
            assessed_on=assessed_on,
        )
    )
    session.add(row)
    if follow_up is not None and follow_up.completed_on is None:
        follow_up.completed_on = assessed_on
    session.flush()
    return RecordedAssessment(
        assessment_id=row.id,
        registry_key=episode.patient.registry_key,
        episode_id=episode.id,
        timepoint=timepoint_id,
        assessed_on=assessed_on,
        scored=scored,
        window_note=_window_note(follow_up, assessed_on),
    )


def _refuse_duplicate(session: Session, episode: Episode, instrument: str, timepoint: str) -> None:
    existing = session.scalar(
        select(Assessment.id).where(
            Assessment.episode_id == episode.id,
            Assessment.instrument == instrument,
            Assessment.timepoint == timepoint,
        )
    )
    if existing is not None:
        raise Conflict(
            f"assessment: {instrument} at {timepoint} is already recorded for episode "
            f"{episode.id} (assessment {existing})"
        )


def _follow_up_for(session: Session, episode: Episode, timepoint: str) -> FollowUp | None:
    # The newest procedure of the episode sets the schedule the visit belongs to.
    return session.scalar(
        select(FollowUp)
        .join(Procedure, FollowUp.procedure_id == Procedure.id)
        .where(Procedure.episode_id == episode.id, FollowUp.timepoint == timepoint)
        .order_by(Procedure.performed_on.desc(), Procedure.id.desc())
    )


def _stored_answers(answers: str | Sequence[object]) -> list[int | None]:
    from regenspine.instruments.base import parse_answers

    raw = parse_answers(answers) if isinstance(answers, str) else list(answers)
    return [None if value is None else int(str(value)) for value in raw]


def _window_note(follow_up: FollowUp | None, assessed_on: date) -> str | None:
    if follow_up is None:
        return "no procedure scheduled this timepoint for the episode; stored without a visit"
    if follow_up.window_opens <= assessed_on <= follow_up.window_closes:
        return None
    return (
        f"outside the {follow_up.timepoint} window "
        f"({follow_up.window_opens} to {follow_up.window_closes})"
    )
