"""Schema and loader of knowledge/data/options.yaml: what each treatment option involves, with
benefits, harms, unknowns, status and outcome numbers exactly as the sources report them."""

from __future__ import annotations

from functools import cache

from pydantic import Field, model_validator

from regenspine.decision_aid.comparison_rows import ComparisonCell, rows_complete
from regenspine.decision_aid.evidence_terms import Certainty as Certainty
from regenspine.decision_aid.evidence_terms import OutcomeKind as OutcomeKind
from regenspine.decision_aid.evidence_terms import Region as Region
from regenspine.decision_aid.evidence_terms import ReportedResult as ReportedResult
from regenspine.decision_aid.natural_frequencies import PEOPLE
from regenspine.knowledge.loader import load_model, require_sources
from regenspine.knowledge.schema import StrictModel


class Cited(StrictModel):
    """A piece of option text with its sources; `marketing` marks a seller's own statement."""

    text: str = Field(min_length=3)
    sources: tuple[str, ...] = Field(min_length=1)
    marketing: bool = False


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


class NeckContent(StrictModel):
    """How an option differs in the neck: its own texts, outcomes and common-row cells, so no
    low-back number is shown for cervical stenosis."""

    name: str | None = None
    involves: tuple[Cited, ...] = Field(min_length=1)
    time_and_visits: tuple[Cited, ...] = Field(min_length=1)
    recovery: tuple[Cited, ...] = Field(min_length=1)
    benefits: tuple[Cited, ...] = Field(min_length=1)
    harms: tuple[Cited, ...] = Field(min_length=1)
    unknowns: tuple[Cited, ...] = Field(min_length=1)
    outcomes: tuple[Outcome, ...] = ()
    cells: tuple[ComparisonCell, ...]

    @model_validator(mode="after")
    def _numbers_from_the_neck(self) -> NeckContent:
        rows_complete(self.cells, "cervical")
        for cell in self.cells:
            if cell.has_number and cell.population_region is not Region.cervical:
                raise ValueError(f"cervical {cell.row.value}: a number must come from the neck")
        for outcome in self.outcomes:
            if outcome.arms and outcome.region is not Region.cervical:
                raise ValueError(f"cervical outcome {outcome.id}: numbers must come from the neck")
        return self

    def texts(self) -> list[Cited]:
        """Every cited text of the neck content, in display order."""
        return [
            *self.involves,
            *self.time_and_visits,
            *self.recovery,
            *self.benefits,
            *self.harms,
            *self.unknowns,
        ]


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
    cells: tuple[ComparisonCell, ...]
    neck: NeckContent

    @model_validator(mode="after")
    def _every_row(self) -> OptionContent:
        rows_complete(self.cells, self.id)
        return self

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
        cited += [sid for item in self.neck.texts() for sid in item.sources]
        outcomes = (*self.outcomes, *self.neck.outcomes)
        cited += [sid for outcome in outcomes for sid in outcome.sources]
        cells = (*self.cells, *self.neck.cells)
        cited += [sid for cell in cells for sid in cell.sources]
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
