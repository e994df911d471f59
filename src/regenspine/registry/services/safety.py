"""Adverse events (graded, judged serious or not) and later interventions such as surgery."""

from __future__ import annotations

from sqlalchemy.orm import Session

from regenspine.care import AdverseEventAssessment, assess_adverse_event, parse_adverse_event
from regenspine.errors import InvalidInput, NotFound
from regenspine.input_problems import parse_as
from regenspine.registry.access import Permission, require
from regenspine.registry.entries import InterventionInput
from regenspine.registry.models import AdverseEvent, Intervention, Procedure, User
from regenspine.registry.rows import adverse_event_columns, intervention_columns
from regenspine.registry.services.audit import record_audit
from regenspine.registry.services.references import resolve_episode
from regenspine.registry.storage_limits import check_record_number


def record_adverse_event(
    session: Session, actor: User, data: object, reason: str
) -> tuple[AdverseEvent, AdverseEventAssessment]:
    """Grade and store an adverse event on its episode (and procedure, when named)."""
    require(actor, Permission.record_safety)
    episode, record = resolve_episode(session, data, "adverse_event")
    procedure_id = record.pop("procedure", None)
    if procedure_id is not None:
        _check_procedure(session, procedure_id, episode.id)
    report = parse_adverse_event(record)
    assessment = assess_adverse_event(report)
    row = AdverseEvent(
        **adverse_event_columns(
            report, assessment, episode_id=episode.id, procedure_id=procedure_id
        )
    )
    session.add(row)
    session.flush()
    record_audit(
        session,
        actor,
        "create",
        "adverse_event",
        row.id,
        reason,
        {"grade": report.grade, "serious": assessment.serious},
    )
    return row, assessment


def _check_procedure(session: Session, procedure_id: object, episode_id: int) -> None:
    if isinstance(procedure_id, bool) or not isinstance(procedure_id, int):
        raise InvalidInput(
            "adverse_event.procedure", "must be a procedure number", "a whole number"
        )
    check_record_number("adverse_event.procedure", procedure_id)
    procedure = session.get(Procedure, procedure_id)
    if procedure is None:
        raise NotFound(f"adverse_event.procedure: no procedure {procedure_id}")
    if procedure.episode_id != episode_id:
        raise InvalidInput(
            "adverse_event.procedure", f"procedure {procedure_id} belongs to another episode"
        )


def record_intervention(session: Session, actor: User, data: object, reason: str) -> Intervention:
    """Store a later intervention; surgery ends the surgery-free time."""
    require(actor, Permission.record_safety)
    episode, record = resolve_episode(session, data, "intervention")
    entered = parse_as(InterventionInput, record, "intervention")
    if entered.performed_on < episode.started_on:
        raise InvalidInput(
            "intervention.performed_on",
            "is before the episode started",
            f"on or after {episode.started_on}",
        )
    row = Intervention(**intervention_columns(entered, episode_id=episode.id))
    session.add(row)
    session.flush()
    record_audit(session, actor, "create", "intervention", row.id, reason, {"kind": entered.kind})
    return row
