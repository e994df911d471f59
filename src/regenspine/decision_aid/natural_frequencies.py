"""Outcome shares as natural frequencies ("x of 100 people") and 100-cell icon arrays.

Rounding rule (IPDAS asks for one denominator everywhere, so always 100 people):
1. A reported share (53.7 %, or 37 of 409 people) is scaled to 100 and rounded half up to a
   whole person: 53.7 -> 54, 12.5 -> 13, 2.3 -> 2, 37 of 409 (9.05) -> 9.
2. If the rounded counts of one icon array add up to more than 100 (only possible when the shares
   already fill the whole group), the counts that were rounded up the most are lowered by one
   person each until they add up to 100.
3. The people left over are one more cell group, labelled by the data (for example "less relief
   than that" or "not reported"), so every icon array has exactly 100 cells.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from pydantic import BaseModel, ConfigDict, Field, model_validator

PEOPLE = 100
REST_KIND = "rest"


class IconGroup(BaseModel):
    """One coloured group of icons: an outcome and how many of the 100 people had it."""

    model_config = ConfigDict(frozen=True)

    kind: str
    label: str
    count: int = Field(ge=0, le=PEOPLE)


class IconArray(BaseModel):
    """100 people split into outcome groups, in fill order; the counts always add up to 100."""

    model_config = ConfigDict(frozen=True)

    total: int = PEOPLE
    groups: tuple[IconGroup, ...]

    @model_validator(mode="after")
    def _adds_up(self) -> IconArray:
        if sum(group.count for group in self.groups) != self.total:
            raise ValueError("icon array counts must add up to 100")
        return self

    def cells(self) -> list[str]:
        """The kind of each of the 100 icons, in the order a face fills them."""
        return [group.kind for group in self.groups for _ in range(group.count)]


def share_of_hundred(percent: float | Decimal) -> Decimal:
    """A reported percentage as an exact number of people out of 100 (no rounding yet)."""
    return Decimal(str(percent))


def share_from_counts(events: int, of: int) -> Decimal:
    """`events` out of `of` people, scaled to 100 people (no rounding yet)."""
    return Decimal(events) * PEOPLE / Decimal(of)


def whole_people(share: Decimal) -> int:
    """Round a share of 100 half up to a whole person (rule 1 of the module docstring)."""
    return int(share.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def icon_array(shares: Sequence[tuple[str, str, Decimal]], rest_label: str) -> IconArray:
    """Build the 100-cell icon array for (kind, label, share-of-100) outcomes plus the rest."""
    if sum(share for _, _, share in shares) > PEOPLE:
        raise ValueError("outcome shares add up to more than 100 people")
    counts = [whole_people(share) for _, _, share in shares]
    excess = sum(counts) - PEOPLE
    if excess > 0:
        # Rule 2: take back the people that rounding added most generously.
        gains = sorted(
            range(len(shares)), key=lambda i: Decimal(counts[i]) - shares[i][2], reverse=True
        )
        for index in gains[:excess]:
            counts[index] -= 1
    groups = [
        IconGroup(kind=kind, label=label, count=count)
        for (kind, label, _), count in zip(shares, counts, strict=True)
    ]
    rest = PEOPLE - sum(counts)
    if rest:
        groups.append(IconGroup(kind=REST_KIND, label=rest_label, count=rest))
    return IconArray(groups=tuple(groups))
