"""Shared evidence terms: certainty levels, outcome kinds, spine regions and a reported share."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

from pydantic import Field, model_validator

from regenspine.decision_aid.natural_frequencies import share_from_counts, share_of_hundred
from regenspine.knowledge.schema import StrictModel


class Certainty(StrEnum):
    """How sure we can be of an outcome number; options.yaml states what each level means."""

    high = "high"
    moderate = "moderate"
    low = "low"
    very_low = "very_low"
    no_data = "no_data"


# Each level in words, for every face that shows it to a person (the code stays in JSON).
CERTAINTY_LABELS: dict[Certainty, str] = {
    Certainty.high: "High certainty",
    Certainty.moderate: "Moderate certainty",
    Certainty.low: "Low certainty",
    Certainty.very_low: "Very low certainty",
    Certainty.no_data: "No data",
}


def certainty_label(level: str) -> str:
    """The certainty level in words, e.g. `very_low` -> "Very low certainty"."""
    return CERTAINTY_LABELS[Certainty(level)]


class OutcomeKind(StrEnum):
    """Outcome kinds shared by all options, so like can be compared with like."""

    improved = "improved"
    unchanged = "unchanged"
    worse = "worse"
    surgery_later = "surgery_later"
    reoperation = "reoperation"
    complication = "complication"
    serious_complication = "serious_complication"


class Region(StrEnum):
    """Where in the spine the stenosis is."""

    lumbar = "lumbar"
    cervical = "cervical"
    thoracic = "thoracic"


# Each region in everyday words, for every face that names it to a person.
REGION_WORDS: dict[Region, str] = {
    Region.lumbar: "low back",
    Region.cervical: "neck",
    Region.thoracic: "mid back",
}


class ReportedResult(StrictModel):
    """One outcome share as the source reports it: a percentage, or events out of a group."""

    kind: OutcomeKind
    label: str
    percent: float | None = Field(default=None, ge=0, le=100)
    events: int | None = Field(default=None, ge=0)
    of: int | None = Field(default=None, gt=0)

    @model_validator(mode="after")
    def _one_form(self) -> ReportedResult:
        has_counts = self.events is not None and self.of is not None
        if (self.percent is None) == (not has_counts):
            raise ValueError("give either percent, or both events and of")
        if has_counts and self.events is not None and self.of is not None:
            if self.events > self.of:
                raise ValueError("events cannot exceed the group size")
        return self

    def share(self) -> Decimal:
        """The exact share of 100 people, before rounding."""
        if self.percent is not None:
            return share_of_hundred(self.percent)
        # The validator guarantees events and of are both present here.
        return share_from_counts(self.events or 0, self.of or 1)

    def as_reported(self) -> str:
        """The figure in the source's own form, e.g. "53.7%" or "37 of 409 people"."""
        if self.percent is not None:
            return f"{self.percent:g}%"
        return f"{self.events} of {self.of} people"
