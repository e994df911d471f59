"""Schema and loader of knowledge/data/costs.yaml: published prices per option and place, each
with its sources and a marketing flag, and the insurance coverage of each option."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from functools import cache
from typing import Annotated

from pydantic import (
    Field,
    PlainSerializer,
    model_validator,
)

from regenspine.decision_aid.option_content import Cited
from regenspine.knowledge.loader import load_model, require_sources
from regenspine.knowledge.schema import StrictModel

# US dollars, kept exact as Decimal and written to JSON as plain numbers.
Money = Annotated[Decimal, PlainSerializer(float, return_type=float, when_used="json")]

# A price for "medical tourism" with no country named (seed-004's table).
UNNAMED_ABROAD = "abroad"


class PriceBasis(StrEnum):
    """What a published amount is the price of; only the first three count toward a total."""

    per_procedure = "per_procedure"
    mean_cost = "mean_cost"
    mean_charge = "mean_charge"
    package = "package"
    booster = "booster"
    component = "component"


ONE_PROCEDURE = frozenset({PriceBasis.per_procedure, PriceBasis.mean_cost, PriceBasis.mean_charge})


class PriceKind(StrEnum):
    """Whose figure an amount is: these differ a lot, so they are never mixed up in one line."""

    hospital_cost = "hospital_cost"  # what a procedure costs the hospital to provide
    charge = "charge"  # what a hospital or clinic bills or asks for
    advertised = "advertised"  # what a seller or broker advertises
    payment = "payment"  # what an insurer, or the patient under insurance, pays


PRICE_KIND_WORDS: dict[PriceKind, str] = {
    PriceKind.hospital_cost: "what it costs the hospital",
    PriceKind.charge: "what the hospital or clinic charges",
    PriceKind.advertised: "what a seller advertises",
    PriceKind.payment: "what insurance or the patient pays",
}


# An average hospital cost is the hospital's own cost; an average charge is what it bills.
KIND_OF_BASIS = {
    PriceBasis.mean_cost: PriceKind.hospital_cost,
    PriceBasis.mean_charge: PriceKind.charge,
}


class CoverageStatus(StrEnum):
    """Whether insurance usually pays for an option."""

    not_covered = "not_covered"
    usually_covered = "usually_covered"
    unknown = "unknown"


class Place(StrictModel):
    """A country the cost estimate can be asked for."""

    id: str = Field(pattern=r"^[a-z_]+$")
    name: str
    home: bool


class PublishedPrice(StrictModel):
    """One published amount in US dollars, with its basis, sources and marketing flag."""

    place: str
    low: Money = Field(ge=0)
    high: Money = Field(ge=0)
    mean: Money | None = Field(default=None, ge=0)
    open_ended: bool = False
    basis: PriceBasis
    kind: PriceKind
    marketing: bool
    what: str
    sources: tuple[str, ...] = Field(min_length=1)
    year: int | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _ordered(self) -> PublishedPrice:
        if self.low > self.high:
            raise ValueError(f"{self.what}: low is above high")
        if self.marketing != (self.kind is PriceKind.advertised):
            raise ValueError(f"{self.what}: a seller's figure, and only that, is 'advertised'")
        needed = KIND_OF_BASIS.get(self.basis)
        if needed is not None and self.kind is not needed:
            raise ValueError(f"{self.what}: basis {self.basis.value} needs kind {needed.value}")
        return self

    @property
    def counts_toward_total(self) -> bool:
        """Whether this amount is the price of one procedure (so it can be multiplied)."""
        return self.basis in ONE_PROCEDURE


class Coverage(StrictModel):
    """Insurance coverage of an option, with sources."""

    status: CoverageStatus
    text: str
    sources: tuple[str, ...] = Field(min_length=1)


class OptionPrices(StrictModel):
    """All published prices for one option, and its coverage."""

    option: str
    coverage: Coverage
    prices: tuple[PublishedPrice, ...] = ()


class CostTexts(StrictModel):
    """Fixed explanations shown with the estimate."""

    abroad_unnamed: str
    abroad_any: str
    no_published_price: str
    fallback_total: str
    marketing_only: str
    travel_excluded: str
    travel_not_at_home: str


class CostData(StrictModel):
    """The whole of costs.yaml."""

    currency: str
    places: tuple[Place, ...] = Field(min_length=1)
    texts: CostTexts
    # Shown abroad for options insured at home: US insurance lines do not apply in other countries.
    abroad_coverage: Coverage
    travel_reference: Cited
    options: tuple[OptionPrices, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _places_resolve(self) -> CostData:
        known = {place.id for place in self.places} | {UNNAMED_ABROAD}
        for option in self.options:
            for price in option.prices:
                if price.place not in known:
                    raise ValueError(f"{option.option}: unknown place {price.place}")
        if sum(place.home for place in self.places) != 1:
            raise ValueError("exactly one place must be home")
        return self

    def coverage(self, option: OptionPrices, place: Place) -> Coverage:
        """The insurance line that is true for this option in this place."""
        if place.home or option.coverage.status is CoverageStatus.not_covered:
            return option.coverage
        return self.abroad_coverage

    def place(self, place_id: str) -> Place:
        """The place with this id."""
        return {place.id: place for place in self.places}[place_id]

    def source_ids(self) -> list[str]:
        """Every source id cited in costs.yaml."""
        cited = [*self.travel_reference.sources, *self.abroad_coverage.sources]
        for option in self.options:
            cited += option.coverage.sources
            cited += [sid for price in option.prices for sid in price.sources]
        return list(dict.fromkeys(cited))


@cache
def load_cost_data() -> CostData:
    """costs.yaml, validated, with every source id checked against the knowledge base."""
    data = load_model("costs.yaml", CostData)
    require_sources(data.source_ids(), "costs.yaml")
    return data
