"""Procedures: run the protocol checks, refuse what the protocol forbids, store the rest."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from regenspine.care import (
    MedicationNote as MedicationInput,
)
from regenspine.care import (
    ProcedureRecord,
    ProtocolReport,
    check_procedure,
    follow_up_schedule,
    parse_medication,
    parse_procedure,
)
from regenspine.errors import InvalidInput
from regenspine.registry.access import Permission, require
from regenspine.registry.models import (
    Assessment,
    Episode,
    FollowUp,
    InjectionTargetRow,
    MedicationNote,
    Procedure,
    ProtocolCheckRow,
    User,
)
from regenspine.registry.rows import (
    follow_up_columns,
    injection_target_columns,
    medication_columns,
    procedure_columns,
    protocol_check_columns,
)
from regenspine.registry.services.audit import record_audit
from regenspine.registry.services.procedure_limits import check_storable_procedure
from regenspine.registry.services.references import resolve_episode


class ProcedureRefused(InvalidInput):
    """A protocol check refused the procedure; nothing was stored."""

    def __init__(self, report: ProtocolReport) -> None:
        first = report.refusals[0]
        super().__init__(first.field, f"refused by the protocol check '{first.title}'")
        self.report = report

    def to_dict(self) -> dict[str, object]:
        """The error with every check, so an API client can show why."""
        return super().to_dict() | {"checks": [check.model_dump() for check in self.report.checks]}


def preview_procedure(
    session: Session, actor: User, data: object
) -> tuple[Episode, ProcedureRecord, list[MedicationInput], ProtocolReport]:
    """Validate a procedure record and run its protocol checks without storing anything."""
    require(actor, Permission.record_procedures)
    episode, record = resolve_episode(session, data, "procedure")
    check_storable_procedure(record)
    new_medications = _parse_medications(record.pop("medications", []))
    procedure = parse_procedure(record)
    known = [_medication_input(row) for row in _stored_medications(session, episode)]
    report = check_procedure(procedure, [*known, *new_medications])
    return episode, procedure, new_medications, report


def record_procedure(
    session: Session, actor: User, data: object, reason: str
) -> tuple[Procedure, ProtocolReport]:
    """Store a procedure with its checks, medicines and follow-up schedule, unless refused."""
    episode, procedure, medications, report = preview_procedure(session, actor, data)
    if report.refused:
        raise ProcedureRefused(report)
    for medication in medications:
        session.add(MedicationNote(**medication_columns(medication, episode_id=episode.id)))
    row = Procedure(**procedure_columns(procedure, episode_id=episode.id))
    row.targets = [InjectionTargetRow(**columns) for columns in injection_target_columns(procedure)]
    row.checks = [ProtocolCheckRow(**columns) for columns in protocol_check_columns(report)]
    session.add(row)
    session.flush()
    _schedule_follow_ups(session, episode, row, procedure.performed_on)
    outcomes = {check.id: check.outcome for check in report.checks}
    record_audit(session, actor, "create", "procedure", row.id, reason, {"checks": outcomes})
    return row, report


def _schedule_follow_ups(
    session: Session, episode: Episode, row: Procedure, performed_on: date
) -> None:
    """Add the visits; answers already given (a baseline before the procedure) complete them."""
    earlier = session.scalars(
        select(Assessment).where(
            Assessment.episode_id == episode.id, Assessment.follow_up_id.is_(None)
        )
    ).all()
    for visit in follow_up_schedule(performed_on):
        follow_up = FollowUp(**follow_up_columns(visit, procedure_id=row.id))
        answered = [item for item in earlier if item.timepoint == visit.timepoint]
        if answered:
            follow_up.completed_on = min(item.assessed_on for item in answered)
        session.add(follow_up)
        session.flush()
        for item in answered:
            item.follow_up_id = follow_up.id


def _parse_medications(raw: object) -> list[MedicationInput]:
    if not isinstance(raw, list):
        raise InvalidInput("procedure.medications", "must be a list of medicine notes")
    parsed = []
    for position, item in enumerate(raw):
        try:
            parsed.append(parse_medication(item))
        except InvalidInput as error:
            # Name the place in the procedure record, not just the medicine's own field.
            field = f"procedure.medications[{position}].{error.field}"
            raise InvalidInput(field, error.problem, error.allowed) from None
    return parsed


def _stored_medications(session: Session, episode: Episode) -> Sequence[MedicationNote]:
    return session.scalars(
        select(MedicationNote).where(MedicationNote.episode_id == episode.id)
    ).all()


def _medication_input(row: MedicationNote) -> MedicationInput:
    return MedicationInput(
        drug=row.drug,
        is_nsaid=row.is_nsaid,
        started_on=row.started_on,
        stopped_on=row.stopped_on,
        note=row.note,
    )


def record_medication(session: Session, actor: User, data: object, reason: str) -> MedicationNote:
    """Note a medicine on an episode (NSAIDs matter for the protocol's avoidance window)."""
    require(actor, Permission.record_assessments)
    episode, record = resolve_episode(session, data, "medication")
    medication = parse_medication(record)
    row = MedicationNote(**medication_columns(medication, episode_id=episode.id))
    session.add(row)
    session.flush()
    record_audit(session, actor, "create", "medication_note", row.id, reason)
    return row
