"""Outcome-instrument commands: score a questionnaire and list the instruments with their items."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from regenspine.cli.output import JsonFlag, console, print_json
from regenspine.instruments import Instrument, InstrumentScore
from regenspine.instruments import instruments as all_instruments
from regenspine.instruments import score as score_answers

commands = typer.Typer()


def _number(value: float | None) -> str:
    return "-" if value is None else f"{value:g}"


def _score_table(scored: InstrumentScore) -> Table:
    table = Table(title=scored.instrument_title, show_header=False)
    table.add_column("field", style="bold")
    table.add_column("value")
    rows: list[tuple[str, str]] = []
    rows.append(("score", _number(scored.score)))
    for name, value in (scored.subscales or {}).items():
        rows.append((name.replace("_", " "), _number(value)))
    if scored.band:
        rows.append(("band", scored.band))
    rows.append(("answered", str(scored.answered)))
    if scored.reason:
        rows.append(("reason", scored.reason))
    for change in scored.minimal_important_change:
        where = "" if change.applies_to == "score" else f"{change.applies_to.replace('_', ' ')}: "
        unit = "%" if change.unit == "percent of baseline" else " points"
        text = f"{where}{change.value:g}{unit} ({change.population}) [{', '.join(change.sources)}]"
        rows.append(("important change", text))
    if scored.note:
        rows.append(("note", scored.note))
    rows.append(("sources", ", ".join(scored.sources)))
    for field, text in rows:
        # Data text may contain square brackets, which rich would take for markup.
        table.add_row(field, escape(text))
    return table


@commands.command()
def score(
    instrument: Annotated[str, typer.Argument(help="Instrument id, e.g. odi, ndi, zcq, nrs_leg.")],
    answers: Annotated[
        str,
        typer.Option(
            "--answers",
            help="Comma-separated answers in item order; '-' for a missing answer (e.g. 3,-,2).",
        ),
    ],
    as_json: JsonFlag = False,
) -> None:
    """Score one questionnaire from its answers (ZCQ takes 12 answers, or 18 after treatment)."""
    scored = score_answers(instrument, answers)
    if as_json:
        print_json(scored.model_dump(mode="json"))
        return
    console().print(_score_table(scored))


def _items_table(data: Instrument) -> Table:
    table = Table("no.", "item", "answers", "meaning", title=f"{data.title} ({data.id})")
    for item in data.items:
        meaning = "; ".join(f"{value} = {text}" for value, text in item.scale.anchors.items())
        allowed = item.scale.allowed_text() + (f" {item.scale.unit}" if item.scale.unit else "")
        table.add_row(str(item.number), escape(item.label), allowed, escape(meaning))
    return table


@commands.command("instruments")
def list_instruments(
    items: Annotated[bool, typer.Option("--items", help="Also list each item's answers.")] = False,
    as_json: JsonFlag = False,
) -> None:
    """List the outcome instruments that can be scored, optionally with their items."""
    chosen = all_instruments()
    if as_json:
        exclude = None if items else {"items"}
        print_json([data.model_dump(mode="json", exclude=exclude) for data in chosen])
        return
    out = console()
    if items:
        for data in chosen:
            out.print(_items_table(data))
            out.print(f"Scoring: {escape(data.score_rule)}\n")
        return
    table = Table("id", "instrument", "region", "answers", "measures")
    for data in chosen:
        counts = " or ".join(str(count) for count in data.accepted_counts())
        table.add_row(data.id, escape(data.title), data.region, counts, escape(data.measures))
    out.print(table)
