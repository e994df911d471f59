"""The protocol checks' numbers, texts and sources as written in data/care/protocol.yaml."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache

from pydantic import Field

from regenspine.care.procedure import CELL_SOURCES, IMAGE_GUIDANCE
from regenspine.errors import KnowledgeBaseError
from regenspine.knowledge import EvidenceLevel
from regenspine.knowledge.loader import load_model, require_sources
from regenspine.knowledge.schema import StrictModel

PROTOCOL_FILE = "care/protocol.yaml"
GUIDED = tuple(value for value in IMAGE_GUIDANCE if value != "none")
# The person's own cells (harvested and processed) and the cell sources other than bone marrow.
AUTOLOGOUS = tuple(source for source in CELL_SOURCES if source != "allogeneic")
NOT_BONE_MARROW = tuple(source for source in CELL_SOURCES if source != "bone_marrow")
CELL_COUNTS = ("cfu_f_per_ml", "cd34_per_ml")
TRACEABILITY_FIELDS = ("lot_number", "donor_screening_documented")


class CheckText(StrictModel):
    """What every check has: a title, the field it is about, its evidence and sources."""

    title: str
    field: str
    evidence_level: EvidenceLevel
    sources: tuple[str, ...] = Field(min_length=1)


class ImageGuidanceText(CheckText):
    """Texts of the image guidance check."""

    refused: str
    passed: str
    guidance_labels: dict[str, str]


class ProcessingTimeText(CheckText):
    """The processing time range clinics describe, and the texts of its check."""

    minimum_minutes: int = Field(ge=0)
    maximum_minutes: int = Field(ge=0)
    inside: str
    outside: str
    times_missing: str
    not_applicable: str


class NsaidWindowText(CheckText):
    """Texts of the NSAID check; the window's dates come from recovery.yaml."""

    overlap: str
    medication_taken: str
    medication_ongoing: str
    clear: str


class TraceabilityText(CheckText):
    """Texts of the donor product traceability check."""

    missing: str
    missing_labels: dict[str, str]
    passed: str
    not_applicable: str
    source_labels: dict[str, str]


class CellCountText(CheckText):
    """The published cell count associations and the texts of their check."""

    thresholds: dict[str, float]
    count_labels: dict[str, str]
    not_above: str
    not_recorded: str
    passed: str
    other_source: str
    source_labels: dict[str, str]


class ProtocolTexts(StrictModel):
    """Everything in data/care/protocol.yaml, validated."""

    image_guidance: ImageGuidanceText
    processing_time: ProcessingTimeText
    nsaid_window: NsaidWindowText
    allogeneic_traceability: TraceabilityText
    cell_counts: CellCountText

    def all_sources(self) -> list[str]:
        """Every source id any check cites."""
        checks = (
            self.image_guidance,
            self.processing_time,
            self.nsaid_window,
            self.allogeneic_traceability,
            self.cell_counts,
        )
        return [source for check in checks for source in check.sources]


@cache
def load_protocol_texts() -> ProtocolTexts:
    """The protocol check texts, validated, with every source id checked."""
    texts = load_model(PROTOCOL_FILE, ProtocolTexts)
    require_sources(texts.all_sources(), PROTOCOL_FILE)
    labels = (
        ("image_guidance.guidance_labels", texts.image_guidance.guidance_labels, GUIDED),
        (
            "allogeneic_traceability.missing_labels",
            texts.allogeneic_traceability.missing_labels,
            TRACEABILITY_FIELDS,
        ),
        (
            "allogeneic_traceability.source_labels",
            texts.allogeneic_traceability.source_labels,
            AUTOLOGOUS,
        ),
        ("cell_counts.thresholds", texts.cell_counts.thresholds, CELL_COUNTS),
        ("cell_counts.count_labels", texts.cell_counts.count_labels, CELL_COUNTS),
        ("cell_counts.source_labels", texts.cell_counts.source_labels, NOT_BONE_MARROW),
    )
    for where, mapping, expected in labels:
        require_keys(mapping, expected, f"{PROTOCOL_FILE}: {where}")
    window = texts.processing_time
    if window.minimum_minutes > window.maximum_minutes:
        raise KnowledgeBaseError(f"{PROTOCOL_FILE}: processing_time minimum exceeds maximum")
    return texts


def require_keys(mapping: Mapping[str, object], expected: Iterable[str], where: str) -> None:
    """Raise unless `mapping` has exactly the `expected` keys (a label for every value)."""
    if set(mapping) != set(expected):
        wanted = ", ".join(sorted(expected))
        raise KnowledgeBaseError(f"{where} must have exactly the keys {wanted}")
