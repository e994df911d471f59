"""Cost estimate per option at home (USA) and abroad: published prices with their sources and
marketing flags, insurance coverage, the user's own travel estimate, and a total range.

Total range = lowest and highest published one-procedure price x number of procedures + travel.
Travel = travel cost per person x (1 + companions) + nights x cost per night, all from the user;
regenspine never supplies a travel or hotel price of its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from pydantic import Field

from regenspine.decision_aid.cost_data import (
    PRICE_KIND_WORDS,
    UNNAMED_ABROAD,
    CostData,
    Coverage,
    Money,
    OptionPrices,
    Place,
    PriceBasis,
    PriceKind,
    PublishedPrice,
    load_cost_data,
)
from regenspine.decision_aid.option_content import Cited, load_options_content
from regenspine.errors import InvalidInput
from regenspine.input_problems import parse_as
from regenspine.knowledge import load_knowledge
from regenspine.knowledge.schema import StrictModel

CENTS = Decimal("0.01")


# Input limits of this tool, far above any real fare, stay or course of treatment (not figures
# from a source): they keep every total inside the exact cent arithmetic of the estimate.
MONEY_DIGITS = 12  # up to $9,999,999,999.99 per person or per night
CENT_PLACES = 2
MAX_COMPANIONS = 100
MAX_NIGHTS = 3_650  # ten years
MAX_PROCEDURES = 100


class CostQuery(StrictModel):
    """What the user asks for: amounts in dollars and cents, counts of a sane size."""

    options: tuple[str, ...] = ()
    country: str | None = None
    travel_cost: Decimal | None = Field(
        default=None, ge=0, max_digits=MONEY_DIGITS, decimal_places=CENT_PLACES, allow_inf_nan=False
    )
    companions: int = Field(default=0, ge=0, le=MAX_COMPANIONS)
    nights: int = Field(default=0, ge=0, le=MAX_NIGHTS)
    nightly_cost: Decimal | None = Field(
        default=None, ge=0, max_digits=MONEY_DIGITS, decimal_places=CENT_PLACES, allow_inf_nan=False
    )
    procedures: int = Field(default=1, ge=1, le=MAX_PROCEDURES)
    currency: str = "USD"


class TravelEstimate(StrictModel):
    """The user's own travel and stay figures and what they add up to."""

    included: bool
    travel_cost: Money | None
    companions: int
    travellers: int
    nights: int
    nightly_cost: Money | None
    amount: Money
    note: str | None


class PriceLine(StrictModel):
    """One published price as shown: where it applies, what it buys, its basis and sources."""

    where: str
    what: str
    low: Money
    high: Money
    mean: Money | None
    open_ended: bool
    basis: PriceBasis
    kind: PriceKind
    kind_words: str
    counts_toward_total: bool
    marketing: bool
    year: int | None
    note: str | None
    sources: tuple[str, ...]


class TotalRange(StrictModel):
    """Lowest to highest total: one-procedure prices x procedures + travel."""

    procedures: int
    procedure_low: Money
    procedure_high: Money
    travel: Money
    low: Money
    high: Money
    open_ended: bool
    marketing_only: bool
    sources: tuple[str, ...]


class OptionCost(StrictModel):
    """The prices, coverage and total for one option in one place."""

    option: str
    option_name: str
    place: str
    place_name: str
    home: bool
    prices: tuple[PriceLine, ...]
    no_published_price: bool
    coverage: Coverage
    total: TotalRange | None
    notes: tuple[str, ...]


class CostEstimate(StrictModel):
    """The whole answer of the cost estimate, with sources and the disclaimer."""

    currency: str
    procedures: int
    travel: TravelEstimate
    costs: tuple[OptionCost, ...]
    travel_reference: Cited
    disclaimer: str
    sources: tuple[str, ...]


def cost_query(**values: object) -> CostQuery:
    """Build a CostQuery, turning a validation problem into InvalidInput naming the field."""
    return parse_as(CostQuery, values)


def travel_estimate(query: CostQuery, texts_excluded: str) -> TravelEstimate:
    """Travel x (1 + companions) + nights x cost per night, only from the user's own figures."""
    if query.nights and query.nightly_cost is None:
        raise InvalidInput("nightly_cost", "give the cost per night when you give nights")
    travellers = 1 + query.companions
    fare = (query.travel_cost or Decimal(0)) * travellers
    stay = (query.nightly_cost or Decimal(0)) * query.nights
    included = query.travel_cost is not None or bool(query.nights)
    return TravelEstimate(
        included=included,
        travel_cost=query.travel_cost,
        companions=query.companions,
        travellers=travellers,
        nights=query.nights,
        nightly_cost=query.nightly_cost,
        amount=(fare + stay).quantize(CENTS),
        note=None if included else texts_excluded,
    )


def _price_line(price: PublishedPrice, where: str) -> PriceLine:
    return PriceLine(
        where=where,
        what=price.what,
        low=price.low,
        high=price.high,
        mean=price.mean,
        open_ended=price.open_ended,
        basis=price.basis,
        kind=price.kind,
        kind_words=PRICE_KIND_WORDS[price.kind],
        counts_toward_total=price.counts_toward_total,
        marketing=price.marketing,
        year=price.year,
        note=price.note,
        sources=price.sources,
    )


def total_range(
    prices: Sequence[PublishedPrice], procedures: int, travel: Decimal
) -> TotalRange | None:
    """The total from one-procedure prices, or None when no such price exists."""
    usable = [price for price in prices if price.counts_toward_total]
    if not usable:
        return None
    low = min(price.low for price in usable)
    high = max(price.high for price in usable)
    return TotalRange(
        procedures=procedures,
        procedure_low=low,
        procedure_high=high,
        travel=travel,
        low=low * procedures + travel,
        high=high * procedures + travel,
        open_ended=any(price.open_ended and price.high == high for price in usable),
        marketing_only=all(price.marketing for price in usable),
        sources=tuple(dict.fromkeys(sid for price in usable for sid in price.sources)),
    )


def _option_cost(
    data: CostData, option: OptionPrices, place: Place, travel: Decimal, procedures: int
) -> OptionCost:
    own = [price for price in option.prices if price.place == place.id]
    unnamed = [] if place.home else [p for p in option.prices if p.place == UNNAMED_ABROAD]
    lines = [_price_line(price, place.name) for price in own]
    lines += [_price_line(price, data.texts.abroad_unnamed) for price in unnamed]
    notes: list[str] = []
    total = total_range(own, procedures, travel)
    if total is None and unnamed:
        total = total_range(unnamed, procedures, travel)
        if total is not None:
            notes.append(data.texts.fallback_total)
    if not own:
        notes.insert(0, data.texts.no_published_price)
    if total is not None and total.marketing_only:
        notes.append(data.texts.marketing_only)
    names = {item.id: item.name for item in load_options_content().options}
    return OptionCost(
        option=option.option,
        option_name=names.get(option.option, option.option),
        place=place.id,
        place_name=place.name,
        home=place.home,
        prices=tuple(lines),
        no_published_price=not own,
        coverage=data.coverage(option, place),
        total=total,
        notes=tuple(notes),
    )


def _chosen(data: CostData, query: CostQuery) -> tuple[list[OptionPrices], list[Place]]:
    if query.currency.strip().upper() != data.currency:
        raise InvalidInput(
            "currency",
            f"{query.currency!r} is not supported (no sourced exchange rate)",
            [data.currency],
        )
    option_ids = [item.option for item in data.options]
    for wanted in query.options:
        if wanted not in option_ids:
            raise InvalidInput("option", f"unknown option {wanted!r}", option_ids)
    place_ids = [place.id for place in data.places]
    if query.country is not None and query.country.strip().lower() not in place_ids:
        raise InvalidInput("country", f"unknown country {query.country!r}", place_ids)
    options = [item for item in data.options if not query.options or item.option in query.options]
    places = [
        place
        for place in data.places
        if query.country is None or place.id == query.country.strip().lower()
    ]
    return options, places


def estimate_costs(query: CostQuery) -> CostEstimate:
    """Prices, coverage and total range per option and place, plus the user's travel estimate."""
    data = load_cost_data()
    options, places = _chosen(data, query)
    travel = travel_estimate(query, data.texts.travel_excluded)
    costs: list[OptionCost] = []
    for option in options:
        for place in places:
            # Travel is added abroad; at home only when the user picked home on purpose.
            adds_travel = not place.home or query.country is not None
            amount = travel.amount if adds_travel else Decimal(0)
            cost = _option_cost(data, option, place, amount, query.procedures)
            if place.home and not adds_travel and travel.included:
                cost = cost.model_copy(
                    update={"notes": (*cost.notes, data.texts.travel_not_at_home)}
                )
            costs.append(cost)
    cited = [sid for cost in costs for line in cost.prices for sid in line.sources]
    cited += [sid for cost in costs for sid in cost.coverage.sources]
    cited += data.travel_reference.sources
    return CostEstimate(
        currency=data.currency,
        procedures=query.procedures,
        travel=travel,
        costs=tuple(costs),
        travel_reference=data.travel_reference,
        disclaimer=load_knowledge().text("disclaimer"),
        sources=tuple(dict.fromkeys(cited)),
    )
