"""The summary's cost lines: per option, the total at home and the range over the countries
abroad, each with the person's own travel figures added as the cost estimate adds them.

Insurance is left to the costs page: its many insurer policies would outgrow a two-page summary.
"""

from __future__ import annotations

from collections.abc import Sequence

from regenspine.decision_aid.cost_data import Money
from regenspine.decision_aid.costs import CostEstimate, OptionCost, TotalRange
from regenspine.knowledge.schema import StrictModel


class PlaceTotal(StrictModel):
    """The lowest and highest total over one or more places; None parts mean no price."""

    places: tuple[str, ...]
    low: Money | None
    high: Money | None
    open_ended: bool
    marketing_only: bool
    sources: tuple[str, ...]


class CostLine(StrictModel):
    """One option's costs as the summary prints them."""

    option: str
    option_name: str
    home: PlaceTotal | None
    abroad: PlaceTotal | None
    sources: tuple[str, ...]


def _end_sources(costs: Sequence[OptionCost], end: Money, low_end: bool) -> list[str]:
    """The sources of the published prices that set this end of the range (not every price)."""
    found: list[str] = []
    for cost in costs:
        total = cost.total
        if total is None or (total.low if low_end else total.high) != end:
            continue
        wanted = total.procedure_low if low_end else total.procedure_high
        for price in cost.prices:
            if price.counts_toward_total and (price.low if low_end else price.high) == wanted:
                found.extend(price.sources)
    return found


def _place_total(costs: Sequence[OptionCost]) -> PlaceTotal | None:
    """Lowest to highest total over these places, or None when there are no places."""
    if not costs:
        return None
    totals: list[TotalRange] = [cost.total for cost in costs if cost.total is not None]
    low = min((total.low for total in totals), default=None)
    high = max((total.high for total in totals), default=None)
    ends = (
        []
        if low is None or high is None
        else [*_end_sources(costs, low, low_end=True), *_end_sources(costs, high, low_end=False)]
    )
    return PlaceTotal(
        places=tuple(cost.place_name for cost in costs),
        low=low,
        high=high,
        open_ended=any(total.open_ended and total.high == high for total in totals),
        marketing_only=bool(totals) and all(total.marketing_only for total in totals),
        sources=tuple(dict.fromkeys(ends)),
    )


def cost_lines(estimate: CostEstimate, option_ids: Sequence[str]) -> tuple[CostLine, ...]:
    """A line per option with any prices, in the order of `option_ids`."""
    lines: list[CostLine] = []
    for option_id in option_ids:
        rows = [cost for cost in estimate.costs if cost.option == option_id]
        if not rows:
            continue
        home = [cost for cost in rows if cost.home]
        at_home = _place_total(home)
        abroad = _place_total([cost for cost in rows if not cost.home])
        cited = [sid for part in (at_home, abroad) if part is not None for sid in part.sources]
        lines.append(
            CostLine(
                option=option_id,
                option_name=rows[0].option_name,
                home=at_home,
                abroad=abroad,
                sources=tuple(dict.fromkeys(cited)),
            )
        )
    return tuple(lines)
