"""The cost question as the web face accepts it: the rule's `CostQuery`, with input limits.

`CostQuery` accepts any amount of zero or more, but the estimate works in exact cents, and an
amount or a count with more digits than its decimal arithmetic holds (28) cannot be rounded to
cents. The limits below keep every total well inside that; they are this tool's input limits,
far above any real fare, stay or course of treatment, not figures from any source.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic import Field, ValidationError

from regenspine.decision_aid.costs import CostQuery
from regenspine.errors import invalid_input_from

MONEY_DIGITS = 12  # up to $9,999,999,999.99 per person or per night
CENT_PLACES = 2
MAX_COMPANIONS = 100
MAX_NIGHTS = 3_650  # ten years
MAX_PROCEDURES = 100


class CostRequest(CostQuery):
    """A cost question with amounts in dollars and cents and counts of a sane size."""

    travel_cost: Decimal | None = Field(
        default=None,
        ge=0,
        max_digits=MONEY_DIGITS,
        decimal_places=CENT_PLACES,
        allow_inf_nan=False,
    )
    companions: int = Field(default=0, ge=0, le=MAX_COMPANIONS)
    nights: int = Field(default=0, ge=0, le=MAX_NIGHTS)
    nightly_cost: Decimal | None = Field(
        default=None,
        ge=0,
        max_digits=MONEY_DIGITS,
        decimal_places=CENT_PLACES,
        allow_inf_nan=False,
    )
    procedures: int = Field(default=1, ge=1, le=MAX_PROCEDURES)


def cost_request(values: dict[str, Any]) -> CostRequest:
    """A validated cost question, or InvalidInput naming the field."""
    try:
        return CostRequest.model_validate(values)
    except ValidationError as error:
        raise invalid_input_from(error) from None
