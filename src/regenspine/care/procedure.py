"""The procedure as a clinic records it: harvest, processing, image-guided injection, medicines.

Every field is typed and closed; `parse_procedure` and `parse_medication` turn bad input into one
InvalidInput that names the dotted field (`injection.image_guidance`) and the allowed values.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from typing import Literal, get_args

from pydantic import Field, field_validator, model_validator

from regenspine.care.validation import CareInput, LongText, LotText, Text
from regenspine.input_problems import FieldProblem, parse_as

CellSource = Literal["bone_marrow", "adipose", "allogeneic"]
InjectionTarget = Literal["epidural", "facet", "intradiscal", "other"]
ImageGuidance = Literal["fluoroscopy", "ultrasound", "ct", "none"]
SpinalRegion = Literal["cervical", "thoracic", "lumbar", "sacral"]
# Where the stenosis an episode treats is: the three regions the decision aid screens and the
# follow-up questionnaires are chosen by (an injection may also reach the sacrum).
StenosisRegion = Literal["lumbar", "cervical", "thoracic"]

CELL_SOURCES: tuple[str, ...] = get_args(CellSource)
INJECTION_TARGETS: tuple[str, ...] = get_args(InjectionTarget)
IMAGE_GUIDANCE: tuple[str, ...] = get_args(ImageGuidance)
SPINAL_REGIONS: tuple[str, ...] = get_args(SpinalRegion)
STENOSIS_REGIONS: tuple[str, ...] = get_args(StenosisRegion)

# The vertebrae from the top of the neck down, so that a level is two neighbours in this list.
VERTEBRAE: tuple[str, ...] = (
    *(f"C{n}" for n in range(1, 8)),
    *(f"T{n}" for n in range(1, 13)),
    *(f"L{n}" for n in range(1, 6)),
    *(f"S{n}" for n in range(1, 6)),
)
REGION_LETTER = {"cervical": "C", "thoracic": "T", "lumbar": "L", "sacral": "S"}
LEVEL_PATTERN = re.compile(r"^([CTLS]\d{1,2})-([CTLS]\d{1,2})$")
LEVEL_EXAMPLES = "two neighbouring vertebrae such as C5-C6, T12-L1, L4-L5 or L5-S1"


class Harvest(CareInput):
    """Where the cells come from: the person's own marrow or fat, or a donor product."""

    source: CellSource
    site: Text | None = None  # "posterior iliac crest", "abdomen"; None for a donor product
    volume_ml: float | None = Field(default=None, gt=0)
    anaesthetic: Text | None = None
    product_name: Text | None = None  # donor (allogeneic) product
    lot_number: LotText | None = None  # donor product lot, for tracing and recalls
    donor_screening_documented: bool = False  # donor eligibility and infection screening on file


class Processing(CareInput):
    """How the harvested tissue was concentrated, how long it took and what it contained."""

    method: Text  # "centrifugation", "enzymatic digestion", "none"
    device: Text | None = None
    started_at: dt.datetime | None = Field(default=None, strict=False)
    ended_at: dt.datetime | None = Field(default=None, strict=False)
    total_nucleated_cells_per_ml: float | None = Field(default=None, ge=0)
    cfu_f_per_ml: float | None = Field(default=None, ge=0)
    cd34_per_ml: float | None = Field(default=None, ge=0)
    viability_percent: float | None = Field(default=None, ge=0, le=100)

    @model_validator(mode="after")
    def _ends_after_it_starts(self) -> Processing:
        if self.started_at is None or self.ended_at is None:
            return self
        if (self.started_at.tzinfo is None) != (self.ended_at.tzinfo is None):
            raise FieldProblem(
                ("ended_at",), "give both times with a time zone, or both without one"
            )
        if self.ended_at < self.started_at:
            raise FieldProblem(("ended_at",), "must not be before processing.started_at")
        return self

    @property
    def duration_minutes(self) -> float | None:
        """Minutes from start to end of processing, when both times were recorded."""
        if self.started_at is None or self.ended_at is None:
            return None
        return (self.ended_at - self.started_at).total_seconds() / 60


class Injection(CareInput):
    """Where the cells went, how the needle was guided and who gave the injection."""

    region: SpinalRegion
    levels: list[str] = Field(min_length=1)
    targets: list[InjectionTarget] = Field(min_length=1)
    image_guidance: ImageGuidance
    volume_ml: float | None = Field(default=None, gt=0)
    cell_dose: float | None = Field(default=None, gt=0)  # total cells injected
    operator: Text

    @field_validator("levels", mode="before")
    @classmethod
    def _normalise_levels(cls, value: object) -> object:
        if isinstance(value, list):
            return [item.strip().upper() if isinstance(item, str) else item for item in value]
        return value

    @field_validator("levels")
    @classmethod
    def _levels_are_motion_segments(cls, levels: list[str]) -> list[str]:
        for index, level in enumerate(levels):
            if not _is_motion_segment(level):
                raise FieldProblem((index,), f"{level!r} is not a spinal level", LEVEL_EXAMPLES)
            if level in levels[:index]:
                raise FieldProblem((index,), f"{level} is listed twice")
        return levels

    @field_validator("targets")
    @classmethod
    def _targets_once_each(cls, targets: list[InjectionTarget]) -> list[InjectionTarget]:
        for index, target in enumerate(targets):
            if target in targets[:index]:
                raise FieldProblem((index,), f"{target} is listed twice", INJECTION_TARGETS)
        return targets

    @model_validator(mode="after")
    def _levels_lie_in_the_region(self) -> Injection:
        letter = REGION_LETTER[self.region]
        for index, level in enumerate(self.levels):
            if letter not in (level[0], level.split("-")[1][0]):
                raise FieldProblem(
                    ("levels", index),
                    f"{level} is not in the {self.region} spine (injection.region)",
                    _levels_of(self.region),
                )
        return self


class MedicationNote(CareInput):
    """A medicine taken around the procedure; NSAIDs matter for the avoidance window."""

    drug: Text
    is_nsaid: bool
    started_on: dt.date = Field(strict=False)
    stopped_on: dt.date | None = Field(default=None, strict=False)  # None: still being taken
    note: LongText | None = None

    @model_validator(mode="after")
    def _stops_after_it_starts(self) -> MedicationNote:
        if self.stopped_on is not None and self.stopped_on < self.started_on:
            raise FieldProblem(("stopped_on",), "must not be before started_on")
        return self


class ProcedureRecord(CareInput):
    """One treatment: harvest, processing (none only for a ready donor product), injection."""

    performed_on: dt.date = Field(strict=False)
    harvest: Harvest
    processing: Processing | None = None
    injection: Injection

    @model_validator(mode="after")
    def _processing_unless_ready_made(self) -> ProcedureRecord:
        if self.processing is None and self.harvest.source != "allogeneic":
            raise FieldProblem(
                ("processing",),
                f"is required when harvest.source is {self.harvest.source}",
                "a processing record, or harvest.source allogeneic for a ready-made product",
            )
        return self


def parse_procedure(data: object) -> ProcedureRecord:
    """Validate decoded JSON into a ProcedureRecord, or raise InvalidInput naming the field."""
    return parse_as(ProcedureRecord, data, whole="procedure")


def parse_medication(data: object) -> MedicationNote:
    """Validate decoded JSON into a MedicationNote, or raise InvalidInput naming the field."""
    return parse_as(MedicationNote, data, whole="medication")


def _is_motion_segment(level: str) -> bool:
    """Whether `level` names two vertebrae next to each other, upper first (`L4-L5`)."""
    match = LEVEL_PATTERN.match(level)
    if match is None or not set(match.groups()) <= set(VERTEBRAE):
        return False
    upper, lower = (VERTEBRAE.index(name) for name in match.groups())
    return lower == upper + 1


def _levels_of(region: str) -> list[str]:
    """Every level that touches `region`, including the junctions with its neighbours."""
    letter = REGION_LETTER[region]
    pairs = itertools.pairwise(VERTEBRAE)
    return [f"{upper}-{lower}" for upper, lower in pairs if letter in (upper[0], lower[0])]
