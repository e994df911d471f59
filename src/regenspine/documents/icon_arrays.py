"""Icon arrays drawn: 100 people on a 10 x 10 grid, each outcome kind its own shape and fill."""

from __future__ import annotations

from typing import NamedTuple

from regenspine.decision_aid.natural_frequencies import IconArray

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
