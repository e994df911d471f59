"""How documents and pages write amounts of money."""

from __future__ import annotations

from decimal import Decimal


def money(amount: Decimal, open_ended: bool = False) -> str:
    """US dollars without cents, e.g. $12,000 (or $90,000+ when the source gives no top)."""
    return f"${amount:,.0f}" + ("+" if open_ended else "")


def money_range(low: Decimal, high: Decimal, open_ended: bool = False) -> str:
    """One amount when both ends agree, otherwise "low to high" (with + when open-ended)."""
    if low == high and not open_ended:
        return money(low)
    return f"{money(low)} to {money(high, open_ended)}"
