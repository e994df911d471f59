"""Export tables of treatment: procedures, injection targets, protocol checks, medicines."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import get_args

from sqlalchemy import Connection, func, select

from regenspine.care.procedure import (
    CELL_SOURCES,
    IMAGE_GUIDANCE,
    INJECTION_TARGETS,
    SPINAL_REGIONS,
)
from regenspine.care.protocol import CheckOutcome
from regenspine.interop.release import ExportContext
from regenspine.interop.tables.tidy import (
    EPISODE,
    PATIENT_KEY,
    SYNTHETIC,
    Column,
    ExportTable,
    Values,
    date_column,
    days_column,
    episode_frame,
    episode_values,
    fields,
    frame_columns,
    joined,
    procedure_numbers,
    stream,
)
from regenspine.knowledge import EvidenceLevel
from regenspine.registry.models import (
    InjectionTargetRow,
    MedicationNote,
    Procedure,
    ProtocolCheckRow,
)

LEVEL = r"[CTLS][0-9]{1,2}-[CTLS][0-9]{1,2}"
PROCEDURE_NUMBER = Column(
    "procedure", "key", "Procedure number within the episode: 1 is the index procedure.", minimum=1
)


def _typed(name: str, meaning: str, *, identifier: bool = False) -> Column:
    """Text a person typed: identified exports only (it may hold a name or a number)."""
    return Column(name, "text", meaning, privacy="identified", identifier=identifier)


def _amount(name: str, meaning: str, maximum: float | None = None) -> Column:
    return Column(name, "number", meaning, minimum=0, maximum=maximum)


PROCEDURE_COLUMNS = (
    PATIENT_KEY,
    EPISODE,
    PROCEDURE_NUMBER,
    days_column("days_from_procedure", "Day of this procedure (0 for the index procedure)"),
    date_column("performed_on", "Day of the procedure"),
    Column("cell_source", "category", "Where the cells came from.", CELL_SOURCES),
    _typed("harvest_site", "Harvest site as typed."),
    _amount("harvest_volume_ml", "Volume harvested, in millilitres."),
    _typed("anaesthetic", "Anaesthetic as typed."),
    _typed("product_name", "Donor product name as typed.", identifier=True),
    _typed("lot_number", "Donor product lot number.", identifier=True),
    Column(
        "donor_screening_documented",
        "boolean",
        "Donor eligibility and infection screening on file.",
    ),
    _typed("processing_method", "Processing method as typed."),
    _typed("processing_device", "Processing device as typed.", identifier=True),
    Column(
        "processing_started_at",
        "datetime",
        "When processing started (identified exports only).",
        privacy="identified",
    ),
    Column(
        "processing_ended_at",
        "datetime",
        "When processing ended (identified exports only).",
        privacy="identified",
    ),
    _amount("processing_minutes", "Minutes from start to end of processing."),
    _amount("total_nucleated_cells_per_ml", "Total nucleated cells per millilitre."),
    _amount("cfu_f_per_ml", "Fibroblast colony-forming units per millilitre."),
    _amount("cd34_per_ml", "CD34-positive cells per millilitre."),
    _amount("viability_percent", "Cell viability, in percent.", maximum=100),
    Column("region", "category", "Region injected.", SPINAL_REGIONS),
    Column(
        "levels",
        "code",
        "Spinal levels injected, joined with ; (such as L4-L5;L5-S1).",
        pattern=f"{LEVEL}(;{LEVEL})*",
    ),
    Column("targets", "categories", "Injection targets.", INJECTION_TARGETS),
    Column("image_guidance", "category", "How the needle was guided.", IMAGE_GUIDANCE),
    _amount("injection_volume_ml", "Volume injected, in millilitres."),
    _amount("cell_dose", "Total cells injected."),
    _typed("operator", "Who gave the injection (a person's name).", identifier=True),
    SYNTHETIC,
)
_PROCEDURE_FIELDS = (
    "performed_on",
    "cell_source",
    "harvest_site",
    "harvest_volume_ml",
    "anaesthetic",
    "product_name",
    "lot_number",
    "donor_screening_documented",
    "processing_method",
    "processing_device",
    "processing_started_at",
    "processing_ended_at",
    "total_nucleated_cells_per_ml",
    "cfu_f_per_ml",
    "cd34_per_ml",
    "viability_percent",
    "region",
    "levels",
    "image_guidance",
    "injection_volume_ml",
    "cell_dose",
    "operator",
)


def _procedure_rows(connection: Connection, context: ExportContext) -> Iterator[Values]:
    frame, numbers = episode_frame(), procedure_numbers()
    # One row per procedure with its targets gathered in SQL (group_concat / string_agg).
    targets = (
        select(
            InjectionTargetRow.procedure_id,
            func.aggregate_strings(InjectionTargetRow.target, ";").label("targets"),
        )
        .group_by(InjectionTargetRow.procedure_id)
        .subquery("targets")
    )
    statement = (
        select(
            *frame_columns(frame),
            numbers.c.procedure_number,
            targets.c.targets,
            *fields(Procedure, *_PROCEDURE_FIELDS),
        )
        .join(Procedure, Procedure.episode_id == frame.c.episode_id)
        .join(numbers, numbers.c.procedure_id == Procedure.id)
        .outerjoin(targets, targets.c.procedure_id == Procedure.id)
        .order_by(frame.c.patient_id, frame.c.episode_number, numbers.c.procedure_number)
    )
    for row in stream(connection, statement):
        values = {name: getattr(row, name) for name in _PROCEDURE_FIELDS}
        yield (
            episode_values(row)
            | values
            | {
                "procedure": row.procedure_number,
                "days_from_procedure": context.day(row.index_date, row.performed_on),
                "processing_minutes": _minutes(row.processing_started_at, row.processing_ended_at),
                "levels": joined(row.levels) if isinstance(row.levels, list) else None,
                "targets": sorted(row.targets.split(";")) if row.targets else [],
            }
        )


def _minutes(started: datetime | None, ended: datetime | None) -> float | None:
    if started is None or ended is None:
        return None
    return round((ended - started).total_seconds() / 60, 1)


TARGET_COLUMNS = (
    PATIENT_KEY,
    EPISODE,
    PROCEDURE_NUMBER,
    Column("target", "category", "One injection target of the procedure.", INJECTION_TARGETS),
    SYNTHETIC,
)


def _target_rows(connection: Connection, context: ExportContext) -> Iterator[Values]:
    frame, numbers = episode_frame(), procedure_numbers()
    statement = (
        select(*frame_columns(frame), numbers.c.procedure_number, InjectionTargetRow.target)
        .join(Procedure, Procedure.episode_id == frame.c.episode_id)
        .join(numbers, numbers.c.procedure_id == Procedure.id)
        .join(InjectionTargetRow, InjectionTargetRow.procedure_id == Procedure.id)
        .order_by(
            frame.c.patient_id,
            frame.c.episode_number,
            numbers.c.procedure_number,
            InjectionTargetRow.target,
        )
    )
    for row in stream(connection, statement):
        yield episode_values(row) | {"procedure": row.procedure_number, "target": row.target}


CHECK_COLUMNS = (
    PATIENT_KEY,
    EPISODE,
    PROCEDURE_NUMBER,
    Column("position", "integer", "Order of the check in the protocol report.", minimum=0),
    Column("check_id", "code", "Protocol check identifier.", pattern=r"[a-z0-9_]+"),
    Column("title", "label", "Title of the check, from regenspine's knowledge base."),
    Column("outcome", "category", "What the check found.", get_args(CheckOutcome)),
    Column("field", "code", "Procedure field the check is about.", pattern=r"[a-z0-9_.\[\]]+"),
    Column(
        "message",
        "notes",
        "What the check said; it may quote dates and values as entered.",
        privacy="identified",
    ),
    Column("sources", "code", "Knowledge-base source ids, joined with ;.", pattern=r"[a-z0-9;-]+"),
    Column(
        "evidence_level",
        "category",
        "Evidence level behind the check.",
        tuple(level.value for level in EvidenceLevel),
    ),
    SYNTHETIC,
)


def _check_rows(connection: Connection, context: ExportContext) -> Iterator[Values]:
    frame, numbers = episode_frame(), procedure_numbers()
    kept = ("position", "check_id", "title", "outcome", "field", "message", "evidence_level")
    statement = (
        select(
            *frame_columns(frame),
            numbers.c.procedure_number,
            ProtocolCheckRow.sources,
            *fields(ProtocolCheckRow, *kept),
        )
        .join(Procedure, Procedure.episode_id == frame.c.episode_id)
        .join(numbers, numbers.c.procedure_id == Procedure.id)
        .join(ProtocolCheckRow, ProtocolCheckRow.procedure_id == Procedure.id)
        .order_by(
            frame.c.patient_id,
            frame.c.episode_number,
            numbers.c.procedure_number,
            ProtocolCheckRow.position,
        )
    )
    for row in stream(connection, statement):
        yield (
            episode_values(row)
            | {name: getattr(row, name) for name in kept}
            | {"procedure": row.procedure_number, "sources": joined(row.sources)}
        )


MEDICATION_COLUMNS = (
    PATIENT_KEY,
    EPISODE,
    Column("medication", "key", "Medicine number within the episode, by start date."),
    _typed("drug", "Medicine as typed."),
    Column("is_nsaid", "boolean", "true for an anti-inflammatory (NSAID)."),
    days_column("days_from_procedure", "Day the medicine was started"),
    date_column("started_on", "Day the medicine was started"),
    days_column("stopped_day", "Day the medicine was stopped (empty while still taken)"),
    date_column("stopped_on", "Day the medicine was stopped"),
    Column("note", "notes", "Free-text note.", privacy="identified", identifier=True),
    SYNTHETIC,
)


def _medication_rows(connection: Connection, context: ExportContext) -> Iterator[Values]:
    frame = episode_frame()
    kept = ("drug", "is_nsaid", "started_on", "stopped_on", "note")
    number = func.row_number().over(
        partition_by=MedicationNote.episode_id,
        order_by=(MedicationNote.started_on, MedicationNote.id),
    )
    statement = (
        select(*frame_columns(frame), *fields(MedicationNote, *kept), number.label("number"))
        .join(MedicationNote, MedicationNote.episode_id == frame.c.episode_id)
        .order_by(
            frame.c.patient_id,
            frame.c.episode_number,
            MedicationNote.started_on,
            MedicationNote.id,
        )
    )
    for row in stream(connection, statement):
        yield (
            episode_values(row)
            | {name: getattr(row, name) for name in kept}
            | {
                "medication": row.number,
                "days_from_procedure": context.day(row.index_date, row.started_on),
                "stopped_day": context.day(row.index_date, row.stopped_on),
            }
        )


PROCEDURES = ExportTable(
    "procedures",
    "One row per procedure: harvest, processing and injection.",
    PROCEDURE_COLUMNS,
    _procedure_rows,
)
INJECTION_TARGETS_TABLE = ExportTable(
    "injection_targets",
    "One row per injection target of a procedure.",
    TARGET_COLUMNS,
    _target_rows,
)
PROTOCOL_CHECKS = ExportTable(
    "protocol_checks",
    "One row per protocol check run when a procedure was saved.",
    CHECK_COLUMNS,
    _check_rows,
)
MEDICATIONS = ExportTable(
    "medications",
    "One row per medicine noted around a procedure.",
    MEDICATION_COLUMNS,
    _medication_rows,
)
