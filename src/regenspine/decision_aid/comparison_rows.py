"""The common rows of the options comparison: the same five questions answered for every option,
each cell a number with its comparison group, time frame, population and source, or an honest
"no reliable number" with the reason (IPDAS asks for one denominator and time frame across options;
Trevena et al., BMC Med Inform Decis Mak 2013;13(Suppl 2):S7)."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field, model_validator

from regenspine.decision_aid.evidence_terms import Certainty, Region, ReportedResult
from regenspine.decision_aid.natural_frequencies import whole_people
from regenspine.knowledge.schema import StrictModel


class ComparisonRow(StrEnum):
    """The five rows every option answers, in display order."""

    improvement = "improvement"
    serious_harm = "serious_harm"
    another_procedure = "another_procedure"
    recovery = "recovery"
    cost = "cost"


ROW_TITLES: dict[ComparisonRow, str] = {
    ComparisonRow.improvement: "Clearly better (pain, walking or daily life), at about 1 year",
    ComparisonRow.serious_harm: "Serious harms",
    ComparisonRow.another_procedure: "Had another shot or surgery, within about 2 years",
    ComparisonRow.recovery: "Time to recover",
    ComparisonRow.cost: "Cost",
}


class CellFigure(StrictModel):
    """One group's figure in a cell: a share of people, or an amount such as days or dollars."""

    label: str = Field(min_length=3)
    this_option: bool
    share: ReportedResult | None = None
    amount: str | None = Field(default=None, min_length=2)

    @model_validator(mode="after")
    def _one_kind(self) -> CellFigure:
        if (self.share is None) == (self.amount is None):
            raise ValueError(f"{self.label}: give either a share or an amount")
        return self

    def per_100(self) -> int | None:
        """The share as whole people out of 100, or None for an amount."""
        return None if self.share is None else whole_people(self.share.share())

    def text(self) -> str:
        """The figure in words: "44 of 100 with cells" or "4.1 days in hospital"."""
        if self.share is None:
            return f"{self.amount} {self.label}"
        return f"{self.per_100()} of 100 {self.label}"


class ComparisonCell(StrictModel):
    """One option's answer to one row, with everything needed to judge it."""

    row: ComparisonRow
    measure: str = Field(min_length=3)
    figures: tuple[CellFigure, ...] = ()
    # True when the source reports the same measure for a comparison group; it must then be shown.
    source_has_comparison: bool = False
    time_frame: str | None = None
    population: str | None = None
    population_region: Region | None = None
    applies_directly: bool = True
    certainty: Certainty
    sources: tuple[str, ...] = Field(min_length=1)
    difference: str | None = None
    why_no_number: str | None = None

    @model_validator(mode="after")
    def _complete(self) -> ComparisonCell:
        where = f"{self.row.value} cell {self.measure!r}"
        if not self.figures:
            if not self.why_no_number:
                raise ValueError(f"{where}: without a number, say why")
            if self.certainty is not Certainty.no_data:
                raise ValueError(f"{where}: without a number, certainty must be no_data")
            return self
        if self.why_no_number:
            raise ValueError(f"{where}: a cell with numbers cannot also say there is none")
        if not self.time_frame or not self.population:
            raise ValueError(f"{where}: a number needs a time frame and a population")
        if sum(figure.this_option for figure in self.figures) != 1:
            raise ValueError(f"{where}: exactly one figure must be for this option")
        has_comparison = any(not figure.this_option for figure in self.figures)
        if self.source_has_comparison and not has_comparison:
            raise ValueError(f"{where}: the source has a comparison group; show it")
        if has_comparison and not self.source_has_comparison:
            raise ValueError(f"{where}: a comparison figure needs source_has_comparison")
        return self

    @property
    def has_number(self) -> bool:
        """Whether the cell gives a figure (otherwise it explains why there is none)."""
        return bool(self.figures)


def rows_complete(cells: tuple[ComparisonCell, ...], where: str) -> None:
    """Raise ValueError unless `cells` answers every row exactly once."""
    rows = [cell.row for cell in cells]
    missing = [row.value for row in ComparisonRow if row not in rows]
    if missing:
        raise ValueError(f"{where}: missing rows {missing}")
    if len(rows) != len(set(rows)):
        raise ValueError(f"{where}: a row is given twice")
