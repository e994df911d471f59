"""The cost estimate: published prices with sources, coverage, travel from the user, totals."""

from __future__ import annotations

from decimal import Decimal

import pytest

from regenspine.decision_aid.cost_data import load_cost_data
from regenspine.decision_aid.costs import CostEstimate, OptionCost, cost_query, estimate_costs
from regenspine.errors import InvalidInput
from regenspine.knowledge import load_knowledge


def cost_of(estimate: CostEstimate, option: str, place: str) -> OptionCost:
    return next(c for c in estimate.costs if c.option == option and c.place == place)


def test_mexico_stem_cells_total_adds_travel_for_companions_and_nights() -> None:
    query = cost_query(
        options=("stem_cell_injection",),
        country="mexico",
        travel_cost="650",
        companions=1,
        nights=4,
        nightly_cost="90",
    )
    estimate = estimate_costs(query)
    assert estimate.travel.amount == Decimal("1660.00")  # 650 x 2 people + 4 x 90
    assert estimate.travel.travellers == 2
    total = cost_of(estimate, "stem_cell_injection", "mexico").total
    assert total is not None
    assert (total.procedure_low, total.procedure_high) == (Decimal(3000), Decimal(18000))
    assert (total.low, total.high) == (Decimal("4660.00"), Decimal("19660.00"))
    assert total.marketing_only


def test_number_of_procedures_multiplies_the_price_not_the_travel() -> None:
    query = cost_query(
        options=("stem_cell_injection",), country="turkey", travel_cost="1000", procedures=3
    )
    total = cost_of(estimate_costs(query), "stem_cell_injection", "turkey").total
    assert total is not None
    assert (total.low, total.high) == (Decimal("8500.00"), Decimal("23500.00"))  # 2,500-7,500 x 3


def test_us_stem_cell_range_uses_single_procedures_not_packages_or_boosters() -> None:
    estimate = estimate_costs(cost_query(options=("stem_cell_injection",), country="usa"))
    usa = cost_of(estimate, "stem_cell_injection", "usa")
    assert usa.total is not None
    assert (usa.total.low, usa.total.high) == (Decimal(1150), Decimal(15000))
    assert not usa.total.marketing_only
    package = next(line for line in usa.prices if line.high == 41500)
    assert not package.counts_toward_total
    assert usa.coverage.status.value == "not_covered"


def test_seed_table_prices_are_marked_as_marketing() -> None:
    data = load_cost_data()
    seed_prices = [p for o in data.options for p in o.prices if "seed-004" in p.sources]
    assert len(seed_prices) == 6  # three treatments, at home and abroad
    assert all(price.marketing for price in seed_prices)
    assert {(p.low, p.high) for p in seed_prices} >= {
        (Decimal(6000), Decimal(12000)),
        (Decimal(4000), Decimal(9000)),
        (Decimal(600), Decimal(1500)),
        (Decimal(300), Decimal(800)),
        (Decimal(50000), Decimal(90000)),
        (Decimal(10000), Decimal(20000)),
    }


def test_panama_has_no_published_price_and_says_what_the_total_rests_on() -> None:
    estimate = estimate_costs(cost_query(options=("stem_cell_injection",), country="panama"))
    panama = cost_of(estimate, "stem_cell_injection", "panama")
    assert panama.no_published_price
    assert panama.total is not None
    assert (panama.total.low, panama.total.high) == (Decimal(4000), Decimal(9000))
    texts = load_cost_data().texts
    assert texts.no_published_price in panama.notes
    assert texts.fallback_total in panama.notes
    assert texts.marketing_only in panama.notes


def test_fusion_abroad_has_no_price_and_no_total() -> None:
    estimate = estimate_costs(
        cost_query(options=("decompression_with_fusion",), country="colombia")
    )
    colombia = cost_of(estimate, "decompression_with_fusion", "colombia")
    assert colombia.no_published_price
    assert colombia.total is None
    assert colombia.prices == ()


def test_open_ended_top_price_is_carried_to_the_total() -> None:
    estimate = estimate_costs(cost_query(options=("decompression",), country="usa"))
    total = cost_of(estimate, "decompression", "usa").total
    assert total is not None
    assert (total.low, total.high, total.open_ended) == (Decimal(11405), Decimal(90000), True)


def test_without_travel_figures_the_estimate_says_it_excludes_travel() -> None:
    estimate = estimate_costs(cost_query())
    assert not estimate.travel.included
    assert estimate.travel.amount == 0
    assert estimate.travel.note == load_cost_data().texts.travel_excluded
    assert {c.place for c in estimate.costs} == {"usa", "mexico", "colombia", "turkey", "panama"}
    assert estimate.disclaimer == load_knowledge().text("disclaimer")


def test_travel_is_added_at_home_only_when_home_is_chosen() -> None:
    everywhere = estimate_costs(cost_query(options=("epidural_steroid",), travel_cost="400"))
    home_total = cost_of(everywhere, "epidural_steroid", "usa").total
    abroad_total = cost_of(everywhere, "epidural_steroid", "mexico").total
    assert home_total is not None
    assert home_total.travel == 0
    assert abroad_total is not None
    assert abroad_total.travel == Decimal("400.00")
    chosen = estimate_costs(
        cost_query(options=("epidural_steroid",), country="usa", travel_cost="400")
    )
    chosen_total = cost_of(chosen, "epidural_steroid", "usa").total
    assert chosen_total is not None
    assert chosen_total.travel == Decimal("400.00")


def test_every_price_and_coverage_cites_known_sources() -> None:
    known = {source.id for source in load_knowledge().sources}
    estimate = estimate_costs(cost_query())
    assert set(estimate.sources) <= known
    for cost in estimate.costs:
        assert cost.coverage.sources
        assert all(line.sources for line in cost.prices)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"travel_cost": "-1"}, "travel_cost"),
        ({"nightly_cost": "-0.01", "nights": 2}, "nightly_cost"),
        ({"companions": -1}, "companions"),
        ({"nights": -3, "nightly_cost": "50"}, "nights"),
        ({"procedures": 0}, "procedures"),
        ({"travel_cost": "NaN"}, "travel_cost"),
        ({"travel_cost": "abc"}, "travel_cost"),
    ],
)
def test_bad_numbers_are_refused_naming_the_field(changes: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        cost_query(**changes)
    assert caught.value.field == field


def test_nights_without_a_nightly_cost_are_refused_not_guessed() -> None:
    with pytest.raises(InvalidInput) as caught:
        estimate_costs(cost_query(nights=3))
    assert caught.value.field == "nightly_cost"


def test_unknown_country_lists_the_allowed_ones() -> None:
    with pytest.raises(InvalidInput) as caught:
        estimate_costs(cost_query(country="narnia"))
    assert caught.value.field == "country"
    assert caught.value.allowed == ["usa", "mexico", "colombia", "turkey", "panama"]


def test_only_us_dollars_are_supported() -> None:
    with pytest.raises(InvalidInput) as caught:
        estimate_costs(cost_query(currency="EUR"))
    assert (caught.value.field, caught.value.allowed) == ("currency", ["USD"])
    assert estimate_costs(cost_query(currency="usd")).currency == "USD"


def test_unknown_option_lists_the_allowed_ones() -> None:
    with pytest.raises(InvalidInput) as caught:
        estimate_costs(cost_query(options=("prp",)))
    assert caught.value.field == "option"
    assert "stem_cell_injection" in list(caught.value.allowed or [])


ABROAD = ("mexico", "colombia", "turkey", "panama")


@pytest.mark.parametrize("place", ABROAD)
def test_abroad_no_line_says_us_insurance_or_medicare_pays(place: str) -> None:
    estimate = estimate_costs(cost_query(country=place))
    for cost in estimate.costs:
        assert cost.coverage.status.value != "usually_covered", cost.option
        assert "usually pays" not in cost.coverage.text, cost.option
        assert "deductible" not in cost.coverage.text, cost.option
        assert "share" not in cost.coverage.text, cost.option
        assert not any(line.kind.value == "payment" for line in cost.prices), cost.option
    surgery = cost_of(estimate, "decompression", place)
    assert "medicare-nd-travel-outside-us" in surgery.coverage.sources
    stem = cost_of(estimate, "stem_cell_injection", place)
    assert stem.coverage.status.value == "not_covered"


def test_at_home_the_insured_options_keep_their_us_coverage_line() -> None:
    estimate = estimate_costs(cost_query(country="usa"))
    steroid = cost_of(estimate, "epidural_steroid", "usa")
    assert steroid.coverage.status.value == "usually_covered"
    assert "$140 to $210" in steroid.coverage.text


def test_costs_charges_and_advertised_prices_are_kept_apart() -> None:
    estimate = estimate_costs(cost_query(options=("decompression",), country="usa"))
    kinds = {line.what: line.kind.value for line in estimate.costs[0].prices}
    laminectomy = "Low-back surgery to take out bone or disc (laminectomy or discectomy)"
    assert kinds[f"{laminectomy}. What it cost a hospital on average, in 2013 dollars"] == (
        "hospital_cost"
    )
    assert kinds["What Medicare was billed on average for a decompression"] == "charge"
    assert kinds["Decompression surgery (broker's table)"] == "advertised"
    for option in load_cost_data().options:
        for price in option.prices:
            assert price.marketing == (price.kind.value == "advertised"), price.what


def test_a_seller_figure_not_marked_advertised_is_refused() -> None:
    from pydantic import ValidationError

    from regenspine.decision_aid.cost_data import PublishedPrice

    raw = {
        "place": "usa",
        "low": 1,
        "high": 2,
        "basis": "per_procedure",
        "kind": "charge",
        "marketing": True,
        "what": "Broker price",
        "sources": ["seed-004"],
    }
    with pytest.raises(ValidationError, match="advertised"):
        PublishedPrice.model_validate(raw)
    with pytest.raises(ValidationError, match="hospital_cost"):
        PublishedPrice.model_validate(
            {**raw, "kind": "charge", "marketing": False, "basis": "mean_cost"}
        )
