"""Protocol checks on a recorded procedure: refusals, warnings and notes, each with its reason.

Issue 4 fixes what each finding means: an injection without image guidance and a donor product
without lot number or donor screening are refused; processing outside the range clinics describe
and NSAIDs inside the avoidance window are warnings; cell counts are notes. The numbers, texts and
sources live in data/care/protocol.yaml; the NSAID window is the recovery plan's own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict

from regenspine.care.procedure import MedicationNote, ProcedureRecord
from regenspine.care.protocol_texts import (
    CELL_COUNTS,
    CellCountText,
    CheckText,
    load_protocol_texts,
)
from regenspine.knowledge.timing import medicine_window_dates

CheckOutcome = Literal["passed", "refused", "warning", "note"]
ONE_DAY = dt.timedelta(days=1)
# Refusals first, then warnings, notes and passed checks: what blocks a save is read first.
OUTCOME_ORDER: tuple[CheckOutcome, ...] = ("refused", "warning", "note", "passed")
CHECK_IDS = (
    "image_guidance",
    "processing_time",
    "nsaid_window",
    "allogeneic_traceability",
    "cell_counts",
)


class ProtocolCheck(BaseModel):
    """One check's finding: what was found, why it matters and where that comes from."""

    model_config = ConfigDict(frozen=True)

    id: str
    title: str
    outcome: CheckOutcome
    field: str
    message: str
    sources: tuple[str, ...]
    evidence_level: str


class ProtocolReport(BaseModel):
    """Every check on one procedure, refusals first, then warnings, notes and passed checks."""

    model_config = ConfigDict(frozen=True)

    checks: tuple[ProtocolCheck, ...]

    @property
    def refused(self) -> bool:
        """Whether any check refuses the procedure record."""
        return bool(self.refusals)

    @property
    def refusals(self) -> tuple[ProtocolCheck, ...]:
        """The checks that refuse the record."""
        return self._with("refused")

    @property
    def warnings(self) -> tuple[ProtocolCheck, ...]:
        """The checks that warn."""
        return self._with("warning")

    @property
    def notes(self) -> tuple[ProtocolCheck, ...]:
        """The checks that add a note."""
        return self._with("note")

    @property
    def passed(self) -> tuple[ProtocolCheck, ...]:
        """The checks that passed (or do not apply)."""
        return self._with("passed")

    def _with(self, outcome: CheckOutcome) -> tuple[ProtocolCheck, ...]:
        return tuple(check for check in self.checks if check.outcome == outcome)


def check_procedure(
    record: ProcedureRecord, medications: Sequence[MedicationNote] = ()
) -> ProtocolReport:
    """Run every protocol check on a procedure and the medicines recorded around it."""
    checks = [
        check_image_guidance(record),
        check_processing_time(record),
        check_nsaid_window(record, medications),
        check_allogeneic_traceability(record),
        check_cell_counts(record),
    ]
    # sorted() is stable, so checks with the same outcome keep the order above.
    checks.sort(key=lambda check: OUTCOME_ORDER.index(check.outcome))
    return ProtocolReport(checks=tuple(checks))


def check_image_guidance(record: ProcedureRecord) -> ProtocolCheck:
    """Refuse an injection given without imaging."""
    text = load_protocol_texts().image_guidance
    guidance = record.injection.image_guidance
    if guidance == "none":
        return _finding("image_guidance", text, "refused", text.refused)
    label = text.guidance_labels[guidance]
    return _finding("image_guidance", text, "passed", text.passed.format(guidance=label))


def check_processing_time(record: ProcedureRecord) -> ProtocolCheck:
    """Warn when processing took longer or shorter than the range clinics describe."""
    text = load_protocol_texts().processing_time
    bounds = {"minimum": text.minimum_minutes, "maximum": text.maximum_minutes}
    if record.processing is None:
        return _finding("processing_time", text, "passed", text.not_applicable, field="processing")
    minutes = record.processing.duration_minutes
    if minutes is None:
        return _finding("processing_time", text, "note", text.times_missing.format(**bounds))
    inside = text.minimum_minutes <= minutes <= text.maximum_minutes
    template = text.inside if inside else text.outside
    message = template.format(minutes=_number(minutes), **bounds)
    return _finding("processing_time", text, "passed" if inside else "warning", message)


def nsaid_window(performed_on: dt.date) -> tuple[dt.date, dt.date]:
    """The recovery plan's NSAID avoidance window: its first day and the day it ends (excluded)."""
    return medicine_window_dates(performed_on)


def check_nsaid_window(
    record: ProcedureRecord, medications: Sequence[MedicationNote]
) -> ProtocolCheck:
    """Warn about every NSAID taken on any day inside the avoidance window."""
    text = load_protocol_texts().nsaid_window
    first_day, end = nsaid_window(record.performed_on)
    dates = {"window_first": first_day.isoformat(), "window_last": (end - ONE_DAY).isoformat()}
    overlapping = [
        note
        for note in medications
        if note.is_nsaid
        and note.started_on < end
        and (note.stopped_on is None or note.stopped_on >= first_day)
    ]
    if not overlapping:
        return _finding("nsaid_window", text, "passed", text.clear.format(**dates))
    listed = "; ".join(_medication_period(note) for note in overlapping)
    message = text.overlap.format(medications=listed, **dates)
    return _finding("nsaid_window", text, "warning", message)


def check_allogeneic_traceability(record: ProcedureRecord) -> ProtocolCheck:
    """Refuse a donor product without a lot number or documented donor screening."""
    text = load_protocol_texts().allogeneic_traceability
    harvest = record.harvest
    if harvest.source != "allogeneic":
        label = text.source_labels[harvest.source]
        message = text.not_applicable.format(source=label)
        return _finding("allogeneic_traceability", text, "passed", message, field="harvest.source")
    missing = [
        name
        for name, present in (
            ("lot_number", harvest.lot_number is not None),
            ("donor_screening_documented", harvest.donor_screening_documented),
        )
        if not present
    ]
    if not missing:
        message = text.passed.format(lot_number=harvest.lot_number)
        return _finding("allogeneic_traceability", text, "passed", message)
    named = " and ".join(text.missing_labels[name] for name in missing)
    return _finding(
        "allogeneic_traceability",
        text,
        "refused",
        text.missing.format(missing=named),
        field=f"harvest.{missing[0]}",
    )


def check_cell_counts(record: ProcedureRecord) -> ProtocolCheck:
    """Note bone marrow counts that are missing or not above the published association."""
    text = load_protocol_texts().cell_counts
    source = record.harvest.source
    if source != "bone_marrow":
        label = text.source_labels[source]
        message = text.other_source.format(source=label)
        return _finding("cell_counts", text, "note", message, field="harvest.source")
    processing = record.processing
    counts = {name: getattr(processing, name, None) for name in CELL_COUNTS}
    thresholds = " and ".join(
        f"{_number(text.thresholds[name])} {text.count_labels[name]} per mL" for name in CELL_COUNTS
    )
    low = [n for n, value in counts.items() if value is not None and not _above(text, n, value)]
    missing = [name for name, value in counts.items() if value is None]
    if low:
        message = text.not_above.format(counts=_counts(text, counts, low), thresholds=thresholds)
        return _finding("cell_counts", text, "note", message, field=f"processing.{low[0]}")
    if missing:
        named = " and ".join(text.count_labels[name] for name in missing)
        message = text.not_recorded.format(counts=named, thresholds=thresholds)
        return _finding("cell_counts", text, "note", message, field=f"processing.{missing[0]}")
    message = text.passed.format(counts=_counts(text, counts, CELL_COUNTS), thresholds=thresholds)
    return _finding("cell_counts", text, "passed", message)


def _counts(text: CellCountText, counts: dict[str, float | None], names: Sequence[str]) -> str:
    """`CFU-F 1,500 per mL; CD34+ cells 2,500,000 per mL` for the named counts."""
    found = [f"{text.count_labels[name]} {_number(counts[name] or 0)} per mL" for name in names]
    return "; ".join(found)


def _above(text: CellCountText, name: str, value: float) -> bool:
    # Pettine compared groups "more than" each threshold, so equal is not above.
    return value > text.thresholds[name]


def _medication_period(note: MedicationNote) -> str:
    text = load_protocol_texts().nsaid_window
    values = {"drug": note.drug, "started_on": note.started_on.isoformat()}
    if note.stopped_on is None:
        return text.medication_ongoing.format(**values)
    return text.medication_taken.format(stopped_on=note.stopped_on.isoformat(), **values)


def _finding(
    check_id: str,
    text: CheckText,
    outcome: CheckOutcome,
    message: str,
    field: str | None = None,
) -> ProtocolCheck:
    return ProtocolCheck(
        id=check_id,
        title=text.title,
        outcome=outcome,
        field=field or text.field,
        message=" ".join(message.split()),
        sources=text.sources,
        evidence_level=text.evidence_level.value,
    )


def _number(value: float) -> str:
    """`45`, `45.5`, `60.03`, `2,000`, `2,000,000`: at most two decimals, thousands grouped."""
    return f"{value:,.2f}".rstrip("0").rstrip(".")
