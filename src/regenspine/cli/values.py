"""Values clarification and the printable summary: `regenspine values` and `regenspine summary`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from regenspine.cli.inputs import read_json_file, write_file_atomically
from regenspine.cli.options import similar_patients_outcome
from regenspine.cli.output import JsonFlag, cited, console, print_json
from regenspine.decision_aid.profile import parse_profile
from regenspine.decision_aid.summary import build_summary
from regenspine.decision_aid.values import (
    ValuesAnswers,
    ValuesResult,
    clarify_values,
    leaning_choices,
    load_values_catalogue,
    parse_values_answers,
)
from regenspine.documents.summary_page import render_summary_html
from regenspine.knowledge import load_knowledge

commands = typer.Typer()


def load_values_file(path: Path, option: str = "--values") -> ValuesAnswers:
    """Read and validate a values answers file written by `regenspine values --out`."""
    return parse_values_answers(read_json_file(path, option))


def _choose(question: str, choices: list[str], show_choices: bool = True) -> str:
    """Ask until the answer is one of `choices` (case-insensitive); prompts go to stderr."""
    allowed = {choice.lower(): choice for choice in choices}

    def checked(value: str) -> str:
        choice = allowed.get(value.strip().lower())
        if choice is None:
            raise typer.BadParameter(f"{value!r} is not one of: {', '.join(choices)}")
        return choice

    text = f"{question} ({', '.join(choices)})" if show_choices else question
    answer: str = typer.prompt(text, value_proc=checked, err=True)
    return answer


def _ask_answers() -> dict[str, Any]:
    """Ask every question on the terminal (prompts on stderr so --json output stays clean)."""
    catalogue = load_values_catalogue()
    scale = [str(point.value) for point in catalogue.scale]
    legend = "; ".join(f"{point.value} = {point.label}" for point in catalogue.scale)
    typer.echo(f"How important is each of these to you? ({legend})", err=True)
    ratings = {item.id: int(_choose(item.question, scale)) for item in catalogue.items}
    typer.echo("Four yes/no questions about how ready you feel to decide:", err=True)
    sure = {
        item.id: _choose(item.question, ["yes", "no"]) == "yes" for item in catalogue.sure.items
    }
    choices = leaning_choices()
    for choice_id, title in choices.items():
        typer.echo(f"  {choice_id}: {title}", err=True)
    leaning = _choose(catalogue.leaning.question, list(choices), show_choices=False)
    return {"ratings": ratings, "sure": sure, "leaning": leaning}


@commands.command("values")
def values_command(
    answers: Annotated[
        Path | None,
        typer.Option("--answers", help="JSON file of answers (`-` for stdin); else asks."),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Save the answers as JSON, for `summary --values`."),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Rate what matters to you, check how ready you feel (SURE) and record your leaning."""
    raw = read_json_file(answers, "--answers") if answers is not None else _ask_answers()
    parsed = parse_values_answers(raw)
    result = clarify_values(parsed)
    if out is not None:
        write_file_atomically(out, parsed.model_dump_json(indent=2) + "\n", "--out")
    if as_json:
        print_json(result)
        return
    show_values(console(), result)
    if out is not None:
        console().print(f"Answers saved to {out} (use them with `regenspine summary --values`).")


def show_values(out: Console, result: ValuesResult) -> None:
    """Print the ratings, what lines up with what matters most, SURE and the leaning."""
    table = Table("what may matter", "your rating", title="What matters to you")
    for rated in result.ratings:
        table.add_row(escape(rated.label), f"{rated.rating} ({escape(rated.rating_label)})")
    out.print(table)
    out.print("[bold]What matters most to you, and the options that line up with it[/bold]")
    if not result.matters_most:
        out.print("  You rated nothing as important or very important.")
    for match in result.matters_most:
        titles = escape(", ".join(ref.title for ref in match.lines_up_with))
        out.print(f"- [bold]{escape(match.label)}[/bold] ({match.rating}): {titles}")
        out.print(f"  {escape(match.why)} {cited(match.sources)}")
    out.print(f"[italic]{escape(result.not_a_recommendation)}[/italic]")
    out.print()
    sure = result.sure
    out.print(f"[bold]SURE check: {sure.score} of {sure.out_of} yes.[/bold] {escape(sure.message)}")
    for answer in sure.answers:
        out.print(
            f"  {answer.letter}  {'yes' if answer.answer else 'no '}  {escape(answer.question)}"
        )
        if answer.if_no:
            out.print(f"         {escape(answer.if_no)}")
    out.print(f"  {cited(sure.sources)}")
    out.print()
    out.print(f"[bold]Leaning:[/bold] {escape(result.leaning.title)}")
    if result.leaning.note:
        out.print(f"  {escape(result.leaning.note)}")
    out.print()
    out.print(f"[italic]{escape(result.disclaimer)}[/italic]")


@commands.command()
def summary(
    profile: Annotated[
        Path, typer.Argument(metavar="PROFILE", help="Profile JSON file (as for `screen`).")
    ],
    out: Annotated[
        Path, typer.Option("--out", metavar="FILE", help="Where to write the HTML page.")
    ],
    values: Annotated[
        Path | None,
        typer.Option("--values", metavar="FILE", help="Answers saved by `values --out`."),
    ] = None,
) -> None:
    """Write a printable one-page summary (HTML) to take to the doctor visit."""
    parsed = parse_profile(read_json_file(profile, "PROFILE"))
    answers = load_values_file(values) if values is not None else None
    registry = (
        None
        if parsed.severity is None
        else similar_patients_outcome(parsed.region, parsed.severity)
    )
    # A profile must list its red flags (even none), so the warning signs were gone through.
    summary = build_summary(parsed, answers, registry=registry, red_flags_checked=True)
    # Everything is built and rendered before the file is touched: no half-written page.
    page = render_summary_html(summary)
    write_file_atomically(out, page, "--out")
    typer.echo(f"Summary written to {out}. Open it in a browser and print it (A4 or Letter).")
    typer.echo(load_knowledge().text("disclaimer"))
