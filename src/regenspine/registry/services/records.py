"""One patient's whole record: identity (when allowed, audited) and every episode's entries."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.orm import Session

from regenspine.registry.access import Permission, allows, require
from regenspine.registry.entries import IDENTIFYING_FIELDS
from regenspine.registry.models import (
    AdverseEvent,
    Assessment,
    Consent,
    Episode,
    FollowUp,
    Intervention,
    MedicationNote,
    Procedure,
    Screening,
    User,
)
from regenspine.registry.services.audit import record_audit
from regenspine.registry.services.patients import find_patient


class _View(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class ScreeningView(_View):
    """A stored screening."""

    id: int
    screened_on: date
    category: str


class ConsentView(_View):
    """A consent decision."""

    id: int
    kind: str
    given: bool
    recorded_on: date
    withdrawn_on: date | None


class CheckView(_View):
    """A protocol check as stored with its procedure."""

    check_id: str
    title: str
    outcome: str
    message: str
    sources: list[str]


class ProcedureView(_View):
    """A procedure with what was injected where, and its checks."""

    id: int
    performed_on: date
    cell_source: str
    region: str
    levels: list[str]
    image_guidance: str
    checks: list[CheckView]


class FollowUpView(_View):
    """A scheduled visit."""

    id: int
    procedure_id: int
    timepoint: str
    due_on: date
    window_opens: date
    window_closes: date
    completed_on: date | None


class AssessmentView(_View):
    """A scored questionnaire."""

    id: int
    instrument: str
    timepoint: str
    assessed_on: date
    score: float | None
    subscales: dict[str, Any] | None


class AdverseEventView(_View):
    """A recorded harm."""

    id: int
    category: str
    site: str
    grade: int
    serious: bool
    relatedness: str
    onset_on: date
    outcome: str


class InterventionView(_View):
    """A later treatment."""

    id: int
    kind: str
    is_surgery: bool
    performed_on: date


class MedicationView(_View):
    """A medicine note."""

    id: int
    drug: str
    is_nsaid: bool
    started_on: date
    stopped_on: date | None


class EpisodeRecord(_View):
    """An episode with everything recorded on it, oldest first."""

    id: int
    region: str
    severity: str | None
    diagnosis_code: str | None
    started_on: date
    status: str
    closed_on: date | None
    screenings: list[ScreeningView] = []
    consents: list[ConsentView] = []
    procedures: list[ProcedureView] = []
    follow_ups: list[FollowUpView] = []
    assessments: list[AssessmentView] = []
    adverse_events: list[AdverseEventView] = []
    interventions: list[InterventionView] = []
    medications: list[MedicationView] = []


class PatientRecord(BaseModel):
    """A patient as a role may see them: identity only for roles allowed, then every episode."""

    registry_key: str
    site: str
    synthetic: bool
    identity: dict[str, str | None] | None
    episodes: list[EpisodeRecord]


# Each list of an episode record: its table, the order to show rows in, and the view of a row.
_PARTS: dict[str, tuple[Any, Any, type[_View]]] = {
    "screenings": (Screening, Screening.screened_on, ScreeningView),
    "consents": (Consent, Consent.recorded_on, ConsentView),
    "procedures": (Procedure, Procedure.performed_on, ProcedureView),
    "assessments": (Assessment, Assessment.assessed_on, AssessmentView),
    "adverse_events": (AdverseEvent, AdverseEvent.onset_on, AdverseEventView),
    "interventions": (Intervention, Intervention.performed_on, InterventionView),
    "medications": (MedicationNote, MedicationNote.started_on, MedicationView),
}


def patient_record(session: Session, actor: User, registry_key: str, reason: str) -> PatientRecord:
    """The whole record; reading the identity is recorded in the audit trail."""
    require(actor, Permission.read_deidentified)
    patient = find_patient(session, registry_key)
    identity = None
    if allows(actor, Permission.read_identifying) and patient.identity is not None:
        identity = {
            field: None
            if getattr(patient.identity, field) is None
            else str(getattr(patient.identity, field))
            for field in IDENTIFYING_FIELDS
        }
        record_audit(session, actor, "read_identifying", "patient", patient.registry_key, reason)
    return PatientRecord(
        registry_key=patient.registry_key,
        site=patient.site,
        synthetic=patient.synthetic,
        identity=identity,
        episodes=[_episode_record(session, episode) for episode in patient.episodes],
    )


def _episode_record(session: Session, episode: Episode) -> EpisodeRecord:
    record = EpisodeRecord.model_validate(episode)
    for name, (model, order, view) in _PARTS.items():
        rows = session.scalars(
            select(model).where(model.episode_id == episode.id).order_by(order, model.id)
        ).all()
        setattr(record, name, [view.model_validate(row) for row in rows])
    record.follow_ups = [
        FollowUpView.model_validate(row)
        for row in session.scalars(
            select(FollowUp)
            .join(Procedure, FollowUp.procedure_id == Procedure.id)
            .where(Procedure.episode_id == episode.id)
            .order_by(FollowUp.due_on, FollowUp.id)
        )
    ]
    return record
