"""Schema and loader of the instrument data files (knowledge/data/instruments/*.yaml)."""

from __future__ import annotations

from functools import cache
from typing import Literal

from pydantic import Field, ValidationError, model_validator

from regenspine.errors import KnowledgeBaseError
from regenspine.knowledge.loader import read_data_folder
from regenspine.knowledge.schema import StrictModel

Text = str


class AnswerScale(StrictModel):
    """The whole-number answers an item accepts, with the meaning of some of them."""

    minimum: int
    maximum: int
    # A restricted set inside minimum..maximum (the ZCQ balance item takes only 1, 3 or 5).
    only: tuple[int, ...] = ()
    unit: str | None = None
    anchors: dict[int, Text] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _consistent(self) -> AnswerScale:
        if self.minimum > self.maximum:
            raise ValueError("minimum is above maximum")
        outside = [v for v in (*self.only, *self.anchors) if not self.minimum <= v <= self.maximum]
        if outside:
            raise ValueError(f"values {outside} lie outside {self.minimum}-{self.maximum}")
        if self.only and any(anchor not in self.only for anchor in self.anchors):
            raise ValueError("an anchor names a value the item does not accept")
        return self

    def accepts(self, value: int) -> bool:
        """Whether this whole number is an allowed answer."""
        if self.only:
            return value in self.only
        return self.minimum <= value <= self.maximum

    def allowed_text(self) -> str:
        """The allowed answers as shown in messages: `0-5` or `1, 3, 5`."""
        if self.only:
            return ", ".join(str(value) for value in self.only)
        return f"{self.minimum}-{self.maximum}"


class Item(StrictModel):
    """One question (an ODI section, a ZCQ question, a pain rating) with its answer scale."""

    number: int = Field(ge=1)
    label: Text = Field(min_length=3)
    subscale: str | None = None
    scale: AnswerScale


class Band(StrictModel):
    """A named range of the score; it includes its upper limit."""

    label: Text
    upper: float


class Banding(StrictModel):
    """How a score is put into named bands, with the rule in plain words and its sources."""

    rule: Text = Field(min_length=10)
    bands: tuple[Band, ...] = Field(min_length=2)
    sources: tuple[str, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _ascending(self) -> Banding:
        limits = [band.upper for band in self.bands]
        if limits != sorted(set(limits)):
            raise ValueError("band upper limits must strictly increase")
        return self

    def band_for(self, score: float) -> str:
        """The label of the first band whose upper limit is at or above the score."""
        for band in self.bands:
            if score <= band.upper:
                return band.label
        return self.bands[-1].label


class ChangeThreshold(StrictModel):
    """A minimal important change (or responder threshold) for a score or subscale."""

    applies_to: str = "score"
    value: float = Field(gt=0)
    unit: Literal["points", "percent of baseline"]
    direction: Literal["decrease", "increase"] = "decrease"
    population: Text
    note: Text | None = None
    sources: tuple[str, ...] = Field(min_length=1)


class SuccessCriterion(StrictModel):
    """One part of a responder rule: a change from baseline, or a level reached after treatment."""

    subscale: str
    kind: Literal["decrease_at_least", "level_at_most"]
    value: float


class ResponderRule(StrictModel):
    """A published rule that classes a patient as a treatment success (used by the registry)."""

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    description: Text = Field(min_length=10)
    criteria: tuple[SuccessCriterion, ...] = Field(min_length=1)
    required: int = Field(ge=1)
    note: Text | None = None
    sources: tuple[str, ...] = Field(min_length=1)


class Subscale(StrictModel):
    """A group of items scored together (the ZCQ has three)."""

    id: str = Field(pattern=r"^[a-z_]+$")
    title: Text
    items: tuple[int, ...] = Field(min_length=1)
    max_missing: int = Field(ge=0)
    after_treatment_only: bool = False


class Instrument(StrictModel):
    """A validated patient-reported outcome measure: items, scoring rule, bands and thresholds."""

    id: str = Field(pattern=r"^[a-z_]+$")
    title: Text
    short_title: str
    item_noun: str = "item"
    region: Literal["lumbar", "cervical", "any"]
    measures: Text = Field(min_length=10)
    items: tuple[Item, ...] = Field(min_length=1)
    # How many answers the instrument takes; more than one count when a part is optional.
    answer_counts: tuple[int, ...] = ()
    min_answered: int = Field(default=1, ge=1)
    decimals: int = Field(default=0, ge=0)
    score_rule: Text = Field(min_length=10)
    subscales: tuple[Subscale, ...] = ()
    banding: Banding | None = None
    minimal_important_change: tuple[ChangeThreshold, ...] = ()
    responder_rules: tuple[ResponderRule, ...] = ()
    # What is not known (said plainly instead of inventing a number).
    unknowns: Text | None = None
    licence: Text | None = None
    sources: tuple[str, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> Instrument:
        numbers = [item.number for item in self.items]
        if numbers != list(range(1, len(self.items) + 1)):
            raise ValueError(f"{self.id}: items must be numbered 1..{len(self.items)}")
        if any(count > len(self.items) for count in self.answer_counts):
            raise ValueError(f"{self.id}: an answer count exceeds the number of items")
        known = {subscale.id for subscale in self.subscales} | {"score"}
        named = [t.applies_to for t in self.minimal_important_change]
        named += [c.subscale for rule in self.responder_rules for c in rule.criteria]
        named += [item.subscale for item in self.items if item.subscale]
        unknown = sorted(set(named) - known)
        if unknown:
            raise ValueError(f"{self.id}: unknown subscales {unknown}")
        return self

    def accepted_counts(self) -> tuple[int, ...]:
        """The numbers of answers this instrument accepts."""
        return self.answer_counts or (len(self.items),)

    def item_field(self, item: Item) -> str:
        """How an item is named in error messages, e.g. `answers[4] (ODI section 4: walking)`."""
        name = f"{self.short_title} {self.item_noun} {item.number}: {item.label}"
        return f"answers[{item.number}] ({name})"

    def cited_sources(self) -> list[str]:
        """Every source id this instrument's data cites."""
        cited = list(self.sources)
        if self.banding:
            cited += self.banding.sources
        cited += [sid for threshold in self.minimal_important_change for sid in threshold.sources]
        cited += [sid for rule in self.responder_rules for sid in rule.sources]
        return cited


def _known_source_ids() -> set[str]:
    # Only the ids are needed here; load_knowledge() validates the sources themselves, and
    # checking against the files directly keeps scoring independent of unrelated fact files.
    ids: set[str] = set()
    for path, entries in read_data_folder("sources"):
        if not isinstance(entries, list):
            raise KnowledgeBaseError(f"{path}: expected a list of sources")
        ids |= {str(entry["id"]) for entry in entries if isinstance(entry, dict) and "id" in entry}
    return ids


@cache
def load_instruments() -> dict[str, Instrument]:
    """Every instrument from the data files, validated, by id; their source ids must resolve."""
    instruments: dict[str, Instrument] = {}
    for path, entries in read_data_folder("instruments"):
        if not isinstance(entries, list):
            raise KnowledgeBaseError(f"{path}: expected a list of instruments")
        for entry in entries:
            try:
                instrument = Instrument.model_validate(entry)
            except ValidationError as error:
                raise KnowledgeBaseError(
                    f"{path}: instrument does not match its schema: {error}"
                ) from error
            if instrument.id in instruments:
                raise KnowledgeBaseError(f"{path}: duplicate instrument id {instrument.id}")
            instruments[instrument.id] = instrument
    known = _known_source_ids()
    problems = [
        f"instrument {instrument.id}: unknown source {sid}"
        for instrument in instruments.values()
        for sid in instrument.cited_sources()
        if sid not in known
    ]
    if problems:
        raise KnowledgeBaseError("; ".join(problems))
    return instruments


def instrument(instrument_id: str) -> Instrument:
    """The instrument data with this id (a developer error if it is missing)."""
    try:
        return load_instruments()[instrument_id]
    except KeyError:
        raise KnowledgeBaseError(f"no instrument data for {instrument_id}") from None
