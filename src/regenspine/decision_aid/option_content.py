"""Schema and loader of knowledge/data/options.yaml: what each treatment option involves, with
benefits, harms, unknowns, status and outcome numbers exactly as the sources report them."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from functools import cache

from pydantic import Field, model_validator

from regenspine.decision_aid.natural_frequencies import PEOPLE, share_from_counts, share_of_hundred
from regenspine.knowledge.loader import load_model, require_sources
from regenspine.knowledge.schema import StrictModel


class Certainty(StrEnum):
    """How sure we can be of an outcome number; options.yaml states what each level means."""

    high = "high"
    moderate = "moderate"
    low = "low"
    very_low = "very_low"
    no_data = "no_data"


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


class Cited(StrictModel):
    """A piece of option text with its sources; `marketing` marks a seller's own statement."""

    text: str = Field(min_length=3)
    sources: tuple[str, ...] = Field(min_length=1)
    marketing: bool = False


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


class Arm(StrictModel):
    """One group of a study (the option itself, or a comparison group) and its results."""

    label: str
    this_option: bool
    results: tuple[ReportedResult, ...] = Field(min_length=1)
    rest_label: str = "not reported"

    @model_validator(mode="after")
    def _fits_in_one_group(self) -> Arm:
        if sum(result.share() for result in self.results) > PEOPLE:
            raise ValueError(f"arm {self.label!r}: shares add up to more than 100")
        return self


class Outcome(StrictModel):
    """An outcome number with its time frame, study group, design, certainty and sources."""

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    measure: str
    time_frame: str
    group: str
    design: str
    certainty: Certainty
    sources: tuple[str, ...] = Field(min_length=1)
    region: Region = Region.lumbar
    applies_directly: bool = True
    note: str | None = None
    disagrees_with: tuple[str, ...] = ()
    arms: tuple[Arm, ...] = ()

    @model_validator(mode="after")
    def _no_number_is_explained(self) -> Outcome:
        if self.certainty is Certainty.no_data and self.arms:
            raise ValueError(f"outcome {self.id}: no_data cannot carry numbers")
        if not self.arms and not self.note:
            raise ValueError(f"outcome {self.id}: without numbers, a note must say why")
        return self


class OptionContent(StrictModel):
    """Everything the comparison says about one option, in equal detail for every option."""

    id: str = Field(pattern=r"^[a-z_]+$")
    name: str
    involves: tuple[Cited, ...] = Field(min_length=1)
    time_and_visits: tuple[Cited, ...] = Field(min_length=1)
    recovery: tuple[Cited, ...] = Field(min_length=1)
    benefits: tuple[Cited, ...] = Field(min_length=1)
    harms: tuple[Cited, ...] = Field(min_length=1)
    unknowns: tuple[Cited, ...] = Field(min_length=1)
    fda_status: Cited
    coverage: Cited
    outcomes: tuple[Outcome, ...] = Field(min_length=1)

    def texts(self) -> list[Cited]:
        """Every cited text of the option, in display order."""
        return [
            *self.involves,
            *self.time_and_visits,
            *self.recovery,
            *self.benefits,
            *self.harms,
            *self.unknowns,
            self.fda_status,
            self.coverage,
        ]

    def source_ids(self) -> list[str]:
        """Every source id the option cites, first mention first, without repeats."""
        cited = [sid for item in self.texts() for sid in item.sources]
        cited += [sid for outcome in self.outcomes for sid in outcome.sources]
        return list(dict.fromkeys(cited))


class CertaintyMeaning(StrictModel):
    """What one certainty level means (the rule is data, so it is shown and reviewable)."""

    level: Certainty
    meaning: str


class OptionsContent(StrictModel):
    """The whole of options.yaml."""

    certainty_rule: tuple[CertaintyMeaning, ...]
    rounding_rule: str
    region_notes: dict[Region, Cited]
    options: tuple[OptionContent, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _complete_and_consistent(self) -> OptionsContent:
        if {item.level for item in self.certainty_rule} != set(Certainty):
            raise ValueError("certainty_rule must explain every certainty level")
        if set(self.region_notes) != set(Region):
            raise ValueError("region_notes must cover every region")
        option_ids = [option.id for option in self.options]
        if len(option_ids) != len(set(option_ids)):
            raise ValueError("option ids must be unique")
        for option in self.options:
            outcome_ids = {outcome.id for outcome in option.outcomes}
            for outcome in option.outcomes:
                unknown = set(outcome.disagrees_with) - outcome_ids
                if unknown:
                    raise ValueError(f"{outcome.id}: disagrees_with unknown {sorted(unknown)}")
        return self

    def meaning(self, level: Certainty) -> str:
        """What a certainty level means."""
        return {item.level: item.meaning for item in self.certainty_rule}[level]

    def source_ids(self) -> list[str]:
        """Every source id cited anywhere in options.yaml."""
        cited = [sid for option in self.options for sid in option.source_ids()]
        cited += [sid for note in self.region_notes.values() for sid in note.sources]
        return list(dict.fromkeys(cited))


@cache
def load_options_content() -> OptionsContent:
    """options.yaml, validated, with every source id checked against the knowledge base."""
    content = load_model("options.yaml", OptionsContent)
    require_sources(content.source_ids(), "options.yaml")
    return content
