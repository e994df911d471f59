"""The summary as one self-contained printable HTML page (Jinja2, autoescaped, no scripts).

This lives beside the rules rather than in the CLI because every face (the CLI's `summary --out`
and, later, the web page's download) must print the very same page; it only reads its packaged
template and returns a string, so the package stays free of I/O.
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from typing import NamedTuple

from jinja2 import Environment

from regenspine.decision_aid.natural_frequencies import IconArray
from regenspine.decision_aid.options import ArmResult, OptionResult, OutcomeResult
from regenspine.decision_aid.summary import Summary
from regenspine.templating import template_environment

GRID = 10  # icons per row and per column: 100 people


class IconShape(NamedTuple):
    """How one outcome kind is drawn: a shape, filled or hollow, and a colour (never alone)."""

    shape: str
    filled: bool
    colour: str
    symbol: str


# Shapes and fill differ between every kind that can share an icon array, so the array reads in
# black and white and for colour-blind readers; the legend repeats each as words.
SHAPES: dict[str, IconShape] = {
    "improved": IconShape("circle", True, "#1b6e3a", "●"),
    "unchanged": IconShape("square", True, "#555555", "■"),
    "worse": IconShape("triangle", True, "#a3222c", "▼"),
    "surgery_later": IconShape("diamond", True, "#4b3585", "◆"),
    "reoperation": IconShape("diamond", False, "#4b3585", "◇"),
    "complication": IconShape("triangle", False, "#b35400", "▽"),
    "serious_complication": IconShape("cross", True, "#a3222c", "✖"),
    "rest": IconShape("dot", False, "#8a8a8a", "○"),
}


class IconCell(NamedTuple):
    """One of the 100 icons: its grid position (column, row from the top) and outcome kind."""

    column: int
    row: int
    kind: str


def icon_cells(array: IconArray) -> list[IconCell]:
    """Lay the 100 icons out row by row from the bottom, so a group's height shows its size."""
    return [
        IconCell(column=index % GRID, row=GRID - 1 - index // GRID, kind=kind)
        for index, kind in enumerate(array.cells())
    ]


def shape_of(kind: str) -> IconShape:
    """The drawing of an outcome kind (unknown kinds fall back to the hollow dot)."""
    return SHAPES.get(kind, SHAPES["rest"])


def headline_arm(option: OptionResult) -> tuple[OutcomeResult, ArmResult] | None:
    """The first outcome with numbers and its own-option group: the one drawn as icons."""
    for outcome in option.outcomes:
        for arm in outcome.arms:
            if arm.this_option:
                return outcome, arm
    return None


def money(amount: Decimal, open_ended: bool = False) -> str:
    """US dollars without cents, e.g. $12,000 (or $90,000+ when the source gives no top)."""
    return f"${amount:,.0f}" + ("+" if open_ended else "")


@cache
def _environment() -> Environment:
    environment = template_environment("regenspine.decision_aid")
    environment.globals.update(
        icon_cells=icon_cells, shape_of=shape_of, headline_arm=headline_arm, shapes=SHAPES
    )
    environment.filters["money"] = money
    return environment


def render_summary_html(summary: Summary) -> str:
    """The whole printable page as one HTML string (all CSS inline, no scripts, works offline)."""
    return _environment().get_template("summary.html.j2").render(summary=summary, grid=GRID)
