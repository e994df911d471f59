"""The columns each record becomes: one mapping from an entity to its rows, for every writer.

The registry services build ORM objects from these (`Procedure(**columns)`), the FHIR import
bulk-inserts them and the synthetic generator writes them with executemany, so a column added
to a table is added here once and no writer can forget it. Columns only one writer sets (ids
handed out in advance, `recorded_at` of synthetic rows) are added by that writer.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from regenspine.care import (
    AdverseEventAssessment,
    AdverseEventReport,
    FollowUpVisit,
    MedicationNote,
    ProcedureRecord,
    ProtocolReport,
)
from regenspine.decision_aid.profile import PatientProfile
from regenspine.decision_aid.screening import ScreeningResult
from regenspine.instruments import InstrumentScore
from regenspine.registry.entries import (
    IDENTIFYING_FIELDS,
    ConsentInput,
    EpisodeInput,
    InterventionInput,
    PatientInput,
)
from regenspine.registry.models import SURGICAL_KINDS
from regenspine.registry.models.base import as_plain

Row = dict[str, Any]
# Procedure columns filled from the processing record (all empty for a ready-made donor product).
PROCESSING_COLUMNS = (
    ("processing_method", "method"),
    ("processing_device", "device"),
    ("processing_started_at", "started_at"),
    ("processing_ended_at", "ended_at"),
    ("total_nucleated_cells_per_ml", "total_nucleated_cells_per_ml"),
    ("cfu_f_per_ml", "cfu_f_per_ml"),
    ("cd34_per_ml", "cd34_per_ml"),
    ("viability_percent", "viability_percent"),
)


def patient_columns(registry_key: str, *, site: str, synthetic: bool) -> Row:
    """The `patient` row: the registry key, the site and whether the patient is made up."""
    return {"registry_key": registry_key, "site": site, "synthetic": synthetic}


def identity_columns(entered: PatientInput) -> Row:
    """The `patient_identity` row (without its patient id): the identifying fields only."""
    return entered.model_dump(include=set(IDENTIFYING_FIELDS))


def episode_columns(
    entered: EpisodeInput,
    *,
    patient_id: int,
    status: str = "open",
    closed_on: date | None = None,
) -> Row:
    """The `episode` row of an episode as entered, open unless said otherwise."""
    return {
        "patient_id": patient_id,
        **entered.model_dump(),
        "status": status,
        "closed_on": closed_on,
    }


def screening_columns(
    profile: PatientProfile, result: ScreeningResult, *, episode_id: int, screened_on: date
) -> Row:
    """The `screening` row: the profile as entered and the result as it was shown."""
    return {
        "episode_id": episode_id,
        "screened_on": screened_on,
        "category": str(result.category.value),
        "profile": as_plain(profile.model_dump(mode="json")),
        "result": as_plain(result.model_dump(mode="json")),
    }


def consent_columns(entered: ConsentInput, *, episode_id: int) -> Row:
    """The `consent` row of a consent decision."""
    return {"episode_id": episode_id, **entered.model_dump()}


def medication_columns(note: MedicationNote, *, episode_id: int) -> Row:
    """The `medication_note` row of a medicine taken around the procedure."""
    return {"episode_id": episode_id, **note.model_dump()}


def procedure_columns(record: ProcedureRecord, *, episode_id: int) -> Row:
    """The `procedure` row: harvest, processing (empty for a donor product) and injection."""
    harvest, processing, injection = record.harvest, record.processing, record.injection
    return {
        "episode_id": episode_id,
        "performed_on": record.performed_on,
        "cell_source": harvest.source,
        "harvest_site": harvest.site,
        "harvest_volume_ml": harvest.volume_ml,
        "anaesthetic": harvest.anaesthetic,
        "product_name": harvest.product_name,
        "lot_number": harvest.lot_number,
        "donor_screening_documented": harvest.donor_screening_documented,
        # getattr on a missing processing record (None) leaves every processing column empty.
        **{column: getattr(processing, field, None) for column, field in PROCESSING_COLUMNS},
        "region": injection.region,
        "levels": list(injection.levels),
        "image_guidance": injection.image_guidance,
        "injection_volume_ml": injection.volume_ml,
        "cell_dose": injection.cell_dose,
        "operator": injection.operator,
    }


def injection_target_columns(record: ProcedureRecord) -> list[Row]:
    """The `injection_target` rows (without their procedure id), one per target."""
    return [{"target": target} for target in record.injection.targets]


def protocol_check_columns(report: ProtocolReport) -> list[Row]:
    """The `protocol_check` rows (without their procedure id), in the report's order."""
    return [
        {
            "position": position,
            "check_id": check.id,
            "title": check.title,
            "outcome": check.outcome,
            "field": check.field,
            "message": check.message,
            "sources": list(check.sources),
            "evidence_level": check.evidence_level,
        }
        for position, check in enumerate(report.checks)
    ]


def follow_up_columns(visit: FollowUpVisit, *, procedure_id: int) -> Row:
    """The `follow_up` row of a scheduled visit (its completion is recorded when it happens)."""
    return {
        "procedure_id": procedure_id,
        "timepoint": visit.timepoint,
        "due_on": visit.due_on,
        "window_opens": visit.window_opens,
        "window_closes": visit.window_closes,
    }


def assessment_columns(
    scored: InstrumentScore,
    answers: list[int | None],
    *,
    episode_id: int,
    follow_up_id: int | None,
    timepoint: str,
    assessed_on: date,
) -> Row:
    """The `assessment` row: the answers as given and the instrument's score of them."""
    return {
        "episode_id": episode_id,
        "follow_up_id": follow_up_id,
        "instrument": scored.instrument,
        "timepoint": timepoint,
        "assessed_on": assessed_on,
        "answers": answers,
        "score": scored.score,
        "subscales": scored.subscales,
        "answered": scored.answered,
        "reason": scored.reason,
    }


def adverse_event_columns(
    report: AdverseEventReport,
    assessment: AdverseEventAssessment,
    *,
    episode_id: int,
    procedure_id: int | None,
) -> Row:
    """The `adverse_event` row: the report as given and whether it is serious (ICH E2A)."""
    return {
        "episode_id": episode_id,
        "procedure_id": procedure_id,
        "serious": assessment.serious,
        **report.model_dump(),
    }


def intervention_columns(entered: InterventionInput, *, episode_id: int) -> Row:
    """The `intervention` row of a later treatment; surgery ends the surgery-free time."""
    return {
        "episode_id": episode_id,
        "is_surgery": entered.kind in SURGICAL_KINDS,
        **entered.model_dump(),
    }
