"""Schema of the knowledge base: sources, topics, facts and recorded conflicts."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, model_validator

Identifier = str


class EvidenceLevel(StrEnum):
    """How strong the support for a statement is, strongest first."""

    regulatory = "regulatory"
    guideline = "guideline"
    systematic_review = "systematic_review"
    rct = "rct"
    observational = "observational"
    expert_opinion = "expert_opinion"
    marketing_claim = "marketing_claim"


class StrictModel(BaseModel):
    """Base of every knowledge and decision-aid model: unknown keys are errors; values are fixed."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(StrictModel):
    """Where a fact comes from: a seed text, a publication, a regulator or a web page."""

    id: Identifier = Field(pattern=r"^[a-z0-9][a-z0-9._-]*$")
    kind: Literal["seed", "publication", "regulator", "guideline", "web", "marketing", "court"]
    title: str = Field(min_length=3)
    seed_file: str | None = None
    url: HttpUrl | None = None
    doi: str | None = None
    year: int | None = Field(default=None, ge=1900, le=2100)
    note: str | None = None
    # A second link (a mirror, summary or full-text copy) kept beside the main one, which
    # points at the original publication or the regulator's page wherever one exists.
    mirror: HttpUrl | None = None
    # Why the main link is not the original (no original is public, or none was found).
    no_original: str | None = Field(default=None, min_length=10)
    # A seed text that sells or promotes the treatment: like a marketing page, it can carry no
    # more than a claim. (Sources of kind "marketing" are promotional by definition.)
    promotional: bool = False

    @property
    def carries_only_claims(self) -> bool:
        """Whether this source can support a statement only as a seller's or promoter's claim."""
        return self.kind == "marketing" or self.promotional

    @model_validator(mode="after")
    def _has_locator(self) -> Source:
        if self.kind == "seed" and not self.seed_file:
            raise ValueError(f"seed source {self.id} needs seed_file")
        if self.kind != "seed" and not (self.url or self.doi):
            raise ValueError(f"source {self.id} needs a url or a doi")
        if self.mirror is not None and self.mirror == self.url:
            raise ValueError(f"source {self.id}: the mirror repeats the main link")
        return self


class Topic(StrictModel):
    """A subject the product can speak about (also the unit the FAQ is evaluated on)."""

    id: Identifier = Field(pattern=r"^[a-z0-9_]+$")
    title: str
    group: str
    # Questions, as people ask them, that this topic answers directly: the FAQ puts the
    # topic's answer first when a question is asked this way ("How long until I feel better?").
    asks: tuple[str, ...] = ()


class Fact(StrictModel):
    """One clinical statement in the product's own words, with its sources and evidence level."""

    id: Identifier = Field(pattern=r"^[a-z0-9_]+\.[a-z0-9_.]+$")
    topic: Identifier
    # The plain version a patient reads first; `detail` keeps the precise wording (legal terms,
    # trial design, exact figures) behind a "More detail" disclosure. Both rest on `sources`.
    statement: str = Field(min_length=10)
    detail: str | None = Field(default=None, min_length=10)
    sources: tuple[Identifier, ...] = Field(min_length=1)
    evidence_level: EvidenceLevel
    last_reviewed: dt.date
    # Extra words people use when asking about this fact; they help retrieval, never shown.
    keywords: tuple[str, ...] = ()
    # Marketing or disputed statements are kept so they can be shown as claims, not as facts.
    is_claim: bool = False


class Position(StrictModel):
    """One side of a disagreement between sources."""

    claim: str = Field(min_length=10)
    detail: str | None = Field(default=None, min_length=10)
    sources: tuple[Identifier, ...] = Field(min_length=1)
    evidence_level: EvidenceLevel


class Conflict(StrictModel):
    """Sources that disagree, recorded so the product shows both sides and the evidence."""

    id: Identifier = Field(pattern=r"^[a-z0-9_]+$")
    topic: Identifier
    title: str
    between: Literal["seeds", "seeds_and_evidence", "evidence"]
    positions: tuple[Position, ...] = Field(min_length=2)
    # A plain assessment, and optionally its precise wording shown under "More detail".
    assessment: str = Field(min_length=10)
    detail: str | None = Field(default=None, min_length=10)
    assessment_sources: tuple[Identifier, ...] = Field(min_length=1)
    last_reviewed: dt.date


class KnowledgeBase(StrictModel):
    """Everything the product knows, validated as a whole (references resolve, ids are unique)."""

    topics: tuple[Topic, ...]
    sources: tuple[Source, ...]
    facts: tuple[Fact, ...]
    conflicts: tuple[Conflict, ...]
    texts: dict[str, str]

    def source(self, source_id: str) -> Source:
        """The source with this id."""
        return self._sources_by_id()[source_id]

    def topic(self, topic_id: str) -> Topic:
        """The topic with this id."""
        return {topic.id: topic for topic in self.topics}[topic_id]

    def fact(self, fact_id: str) -> Fact:
        """The fact with this id."""
        return {fact.id: fact for fact in self.facts}[fact_id]

    def facts_on(self, topic_id: str) -> list[Fact]:
        """Facts about one topic, in file order."""
        return [fact for fact in self.facts if fact.topic == topic_id]

    def text(self, key: str) -> str:
        """A piece of fixed patient text such as the disclaimer."""
        return self.texts[key]

    def _sources_by_id(self) -> dict[str, Source]:
        return {source.id: source for source in self.sources}
