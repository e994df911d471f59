"""Decision-aid commands: the options side by side, and what each option costs."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from regenspine.cli.output import JsonFlag, cited, console, print_json
from regenspine.config import get_settings
from regenspine.decision_aid.comparison_table import CellResult
from regenspine.decision_aid.cost_data import PriceBasis
from regenspine.decision_aid.costs import CostEstimate, OptionCost, cost_query, estimate_costs
from regenspine.decision_aid.evidence_terms import certainty_label
from regenspine.decision_aid.option_content import Cited
from regenspine.decision_aid.options import (
    ArmResult,
    CostRange,
    OptionComparison,
    OptionResult,
    compare_options,
    parse_region,
)
from regenspine.decision_aid.registry_note import RegistryNote, RegistryOutcome, parse_severity
from regenspine.documents.formatting import money, money_range
from regenspine.errors import InvalidInput

commands = typer.Typer()


@contextmanager
def _named_as_options() -> Iterator[None]:
    """Name a bad field as the option the user typed (travel_cost -> --travel-cost)."""
    try:
        yield
    except InvalidInput as error:
        name = "--" + error.field.split(".")[0].replace("_", "-")
        raise InvalidInput(name, error.problem, error.allowed) from None


def similar_patients_outcome(region: str, severity: str) -> RegistryOutcome | None:
    """This clinic's registry numbers for people like this from the configured database, or None
    when there is no migrated registry database (the published evidence then stands alone)."""
    from regenspine.analytics.similar_patients import configured_registry_outcome

    return configured_registry_outcome(get_settings(), region, severity, date.today())


@commands.command()
def options(
    region: Annotated[
        str, typer.Option("--region", help="Where the stenosis is: lumbar, cervical or thoracic.")
    ] = "lumbar",
    severity: Annotated[
        str | None,
        typer.Option(
            "--severity",
            help="mild, moderate or severe: adds this registry's numbers for people like you.",
        ),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Compare the treatment options side by side, with outcomes as x of 100 people."""
    with _named_as_options():
        chosen = parse_region(region)
        registry = None
        if severity is not None:
            registry = similar_patients_outcome(chosen.value, parse_severity(severity))
        comparison = compare_options(chosen, registry)
    if as_json:
        print_json(comparison)
        return
    _show_comparison(console(), comparison)


@commands.command()
def costs(
    option: Annotated[
        list[str] | None, typer.Option("--option", help="Only this option id (repeatable).")
    ] = None,
    country: Annotated[
        str | None, typer.Option("--country", help="Only this country: usa, mexico, ...")
    ] = None,
    travel_cost: Annotated[
        float | None, typer.Option("--travel-cost", help="Your travel cost per person, USD.")
    ] = None,
    companions: Annotated[
        int, typer.Option("--companions", help="People travelling with you.")
    ] = 0,
    nights: Annotated[int, typer.Option("--nights", help="Nights of stay.")] = 0,
    nightly_cost: Annotated[
        float | None, typer.Option("--nightly-cost", help="Your lodging cost per night, USD.")
    ] = None,
    procedures: Annotated[int, typer.Option("--procedures", help="Number of procedures.")] = 1,
    currency: Annotated[str, typer.Option("--currency", help="Currency (only USD).")] = "USD",
    as_json: JsonFlag = False,
) -> None:
    """Show published prices at home and abroad, coverage, your travel estimate and a total."""
    with _named_as_options():
        query = cost_query(
            options=tuple(option or ()),
            country=country,
            travel_cost=None if travel_cost is None else str(travel_cost),
            companions=companions,
            nights=nights,
            nightly_cost=None if nightly_cost is None else str(nightly_cost),
            procedures=procedures,
            currency=currency,
        )
        estimate = estimate_costs(query)
    if as_json:
        print_json(estimate)
        return
    _show_costs(console(), estimate)


def _cited(item: Cited) -> str:
    flag = " [yellow](seller's claim)[/yellow]" if item.marketing else ""
    return f"{escape(item.text)}{flag} [dim]({', '.join(item.sources)})[/dim]"


def _arm_text(arm: ArmResult) -> str:
    lines = [
        f"  {f.per_100} of 100 {escape(f.label)} (reported: {f.reported})" for f in arm.frequencies
    ]
    return "\n".join([f"[bold]{escape(arm.label)}[/bold]", *lines])


def _costmoney_range(cost: CostRange) -> str:
    text = f"{escape(cost.where)}:"
    if cost.low is not None and cost.high is not None:
        text += f" {money_range(cost.low, cost.high, cost.open_ended)}."
    if cost.note:
        text += f" [italic]{escape(cost.note)}[/italic]"
    if cost.sources:
        text += f" [dim]({', '.join(cost.sources)})[/dim]"
    return text


def _show_option(out: Console, option: OptionResult) -> None:
    table = Table(title=option.name, show_header=False, show_lines=True, title_justify="left")
    table.add_column("section", style="bold", no_wrap=True)
    table.add_column("what the sources say")
    for label, items in (
        ("What it involves", option.involves),
        ("Time and visits", option.time_and_visits),
        ("Recovery", option.recovery),
        ("Benefits", option.benefits),
        ("Harms", option.harms),
        ("Unknowns", option.unknowns),
        ("FDA status", (option.fda_status,)),
        ("Insurance", (option.coverage,)),
    ):
        table.add_row(label, "\n".join(_cited(item) for item in items))
    table.add_row(
        "Price of one procedure", "\n".join(_costmoney_range(c) for c in option.cost_ranges)
    )
    out.print(table)
    if not option.outcomes:
        out.print()
        return
    outcomes = Table("outcome", "out of 100 people", show_lines=True)
    for outcome in option.outcomes:
        numbers = "\n".join(_arm_text(arm) for arm in outcome.arms) or "No number available."
        if outcome.note:
            numbers += f"\n[italic]{escape(outcome.note)}[/italic]"
        if outcome.from_other_region:
            region = outcome.study_region.value
            numbers += f"\n[italic]These numbers come from {region} studies.[/italic]"
        about = (
            f"[bold]{escape(outcome.measure)}[/bold]\nTime: {escape(outcome.time_frame)}\n"
            f"Group: {escape(outcome.group)}\nStudy: {escape(outcome.design)}\n"
            f"Certainty: {certainty_label(outcome.certainty)}\n"
            f"[dim]{', '.join(outcome.sources)}[/dim]"
        )
        outcomes.add_row(about, numbers)
    out.print(outcomes)
    if option.registry is not None:
        show_registry_note(out, option.registry)
    out.print()


def show_registry_note(out: Console, note: RegistryNote) -> None:
    """This clinic's registry line, labelled, with who counts, the caveat and the sources."""
    out.print(f"[bold]{escape(note.label)}[/bold] (as of {note.as_of})")
    out.print(f"  {escape(note.headline)}")
    for line in (note.who, note.rule_assumption, note.caveat, note.synthetic_note):
        if line:
            out.print(f"  [italic]{escape(line)}[/italic]")
    out.print(f"  {cited(note.sources)}")


def cell_text(cell: CellResult) -> str:
    """One cell as lines: the figures, then time, people, certainty and sources, or why none."""
    if not cell.has_number:
        lines = [f"[bold]No reliable number.[/bold] {escape(cell.why_no_number or '')}"]
    else:
        lines = [escape(figure.text) for figure in cell.figures]
        lines.append(f"Time: {escape(cell.time_frame or '')}")
        lines.append(f"People: {escape(cell.population or '')}")
        if cell.from_other_region and cell.population_region is not None:
            lines.append(f"[italic]From {cell.population_region.value} studies.[/italic]")
        elif not cell.applies_directly:
            lines.append("[italic]Not a study of spinal stenosis.[/italic]")
        if cell.difference:
            lines.append(f"[italic]{escape(cell.difference)}[/italic]")
    lines.append(
        f"Certainty: {certainty_label(cell.certainty)} [dim]({', '.join(cell.sources)})[/dim]"
    )
    return "\n".join([f"[bold]{escape(cell.measure)}[/bold]", *lines])


def _show_table(out: Console, comparison: OptionComparison) -> None:
    names = {option.id: option.name for option in comparison.options}
    for row in comparison.table:
        table = Table("option", "what the studies found", title=row.title, show_lines=True)
        table.title_justify = "left"
        for cell in row.cells:
            table.add_row(escape(names[cell.option_id]), cell_text(cell))
        out.print(table)
    out.print()


def _show_comparison(out: Console, comparison: OptionComparison) -> None:
    out.print(f"[bold]Options for {comparison.region.value} spinal stenosis[/bold]")
    out.print(_cited(comparison.region_note))
    out.print()
    out.print("[bold]The same questions for every option[/bold]")
    _show_table(out, comparison)
    for option in comparison.options:
        _show_option(out, option)
    out.print(f"[bold]How numbers are shown:[/bold] {comparison.rounding_rule}")
    out.print("[bold]Certainty levels:[/bold]")
    for level, meaning in comparison.certainty_rule.items():
        out.print(f"  {certainty_label(level)}: {meaning}")
    out.print(
        f"Evidence last reviewed {comparison.evidence_last_reviewed}. {comparison.update_policy}"
    )
    out.print(f"[italic]{comparison.disclaimer}[/italic]")


BASIS_WORDS = {
    PriceBasis.per_procedure: "one procedure",
    PriceBasis.mean_cost: "average hospital cost",
    PriceBasis.mean_charge: "average hospital charge",
    PriceBasis.package: "package",
    PriceBasis.booster: "booster",
    PriceBasis.component: "part of the bill",
}


def _show_option_cost(out: Console, cost: OptionCost) -> None:
    table = Table(title=f"{cost.option_name}: {cost.place_name}", title_justify="left", expand=True)
    for header, ratio in (
        ("price", 2),
        ("what", 4),
        ("whose figure", 2),
        ("counts as", 2),
        ("marketing", 2),
        ("sources", 3),
    ):
        table.add_column(header, ratio=ratio, overflow="fold")
    for line in cost.prices:
        price = money_range(line.low, line.high, line.open_ended)
        if line.mean is not None:
            price += f" (mean {money(line.mean)})"
        what = escape(line.what)
        if line.where != cost.place_name:
            what += f" [dim]({escape(line.where)})[/dim]"
        if line.note:
            what += f" [italic]{escape(line.note)}[/italic]"
        basis = BASIS_WORDS[line.basis] + ("" if line.counts_toward_total else ", not in total")
        marketing = "yes" if line.marketing else "no"
        table.add_row(price, what, line.kind_words, basis, marketing, ", ".join(line.sources))
    if cost.prices:
        out.print(table)
    else:
        out.print(f"[bold]{cost.option_name}: {cost.place_name}[/bold]")
    coverage = cost.coverage
    cited = ", ".join(coverage.sources)
    out.print(f"Insurance ({coverage.status.value}): {escape(coverage.text)} [dim]({cited})[/dim]")
    if cost.total is not None:
        total = cost.total
        out.print(
            f"[bold]Total: {money_range(total.low, total.high, total.open_ended)}[/bold] = "
            f"{money_range(total.procedure_low, total.procedure_high, total.open_ended)} x "
            f"{total.procedures} procedure(s) + {money(total.travel)} travel"
        )
    for note in cost.notes:
        out.print(f"[italic]{escape(note)}[/italic]")
    out.print()


def _show_costs(out: Console, estimate: CostEstimate) -> None:
    travel = estimate.travel
    out.print(f"[bold]Costs in {estimate.currency}[/bold], {estimate.procedures} procedure(s)")
    if travel.included:
        fare = money(travel.travel_cost or Decimal(0))
        stay = money(travel.nightly_cost or Decimal(0))
        out.print(
            f"Your travel: {fare} x {travel.travellers} traveller(s) + {travel.nights} night(s) "
            f"x {stay} = {money(travel.amount)}"
        )
    elif travel.note:
        out.print(f"[italic]{travel.note}[/italic]")
    out.print()
    for cost in estimate.costs:
        _show_option_cost(out, cost)
    out.print(_cited(estimate.travel_reference))
    out.print(f"[italic]{estimate.disclaimer}[/italic]")
