"""The common rows as one table: for each row, every option's cell, ready for a face to show."""

from __future__ import annotations

from collections.abc import Sequence

from regenspine.decision_aid.comparison_rows import (
    ROW_TITLES,
    CellFigure,
    ComparisonCell,
    ComparisonRow,
)
from regenspine.decision_aid.evidence_terms import Certainty, Region
from regenspine.knowledge.schema import StrictModel


class FigureResult(StrictModel):
    """One group's figure in a cell, as words and as its parts."""

    label: str
    this_option: bool
    per_100: int | None
    reported: str | None
    amount: str | None
    text: str


class CellResult(StrictModel):
    """One option's answer to one row, with its time frame, population, certainty and source."""

    row: ComparisonRow
    title: str
    option_id: str
    measure: str
    has_number: bool
    figures: tuple[FigureResult, ...]
    source_has_comparison: bool
    time_frame: str | None
    population: str | None
    population_region: Region | None
    from_other_region: bool
    applies_directly: bool
    certainty: Certainty
    sources: tuple[str, ...]
    difference: str | None
    why_no_number: str | None
    summary: str


class TableRow(StrictModel):
    """One row of the table: its title and one cell per option, in option order."""

    row: ComparisonRow
    title: str
    cells: tuple[CellResult, ...]


def _figure(figure: CellFigure) -> FigureResult:
    return FigureResult(
        label=figure.label,
        this_option=figure.this_option,
        per_100=figure.per_100(),
        reported=None if figure.share is None else figure.share.as_reported(),
        amount=figure.amount,
        text=figure.text(),
    )


def cell_result(option_id: str, cell: ComparisonCell, region: Region) -> CellResult:
    """A cell for display; a number from a study of another region is flagged as such."""
    figures = tuple(_figure(figure) for figure in cell.figures)
    # The option's own figure first, so "x of 100 with this; y of 100 with that" reads in order.
    ordered = sorted(figures, key=lambda figure: not figure.this_option)
    other_region = cell.population_region is not None and cell.population_region is not region
    return CellResult(
        row=cell.row,
        title=ROW_TITLES[cell.row],
        option_id=option_id,
        measure=cell.measure,
        has_number=cell.has_number,
        figures=tuple(ordered),
        source_has_comparison=cell.source_has_comparison,
        time_frame=cell.time_frame,
        population=cell.population,
        population_region=cell.population_region,
        from_other_region=cell.has_number and other_region,
        applies_directly=cell.applies_directly and not other_region,
        certainty=cell.certainty,
        sources=cell.sources,
        difference=cell.difference,
        why_no_number=cell.why_no_number,
        summary="; ".join(figure.text for figure in ordered) or "No reliable number",
    )


def comparison_table(cells_by_option: Sequence[Sequence[CellResult]]) -> tuple[TableRow, ...]:
    """Every row in display order, each with the options' cells in the order given."""
    rows = []
    for row in ComparisonRow:
        cells = tuple(cell for cells in cells_by_option for cell in cells if cell.row is row)
        rows.append(TableRow(row=row, title=ROW_TITLES[row], cells=cells))
    return tuple(rows)
