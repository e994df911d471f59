"""Screening and recovery commands: `regenspine screen PROFILE.json`, `regenspine recovery`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from regenspine.cli.inputs import parse_iso_date, read_json_file, write_file_atomically
from regenspine.cli.output import JsonFlag, cited, console, print_json
from regenspine.decision_aid.profile import parse_profile
from regenspine.decision_aid.recovery import RecoveryPlan, build_recovery_plan, recovery_calendar
from regenspine.decision_aid.screening import ScreeningCategory, ScreeningResult, screen_candidate

commands = typer.Typer()


@commands.command()
def screen(
    profile: Annotated[
        str, typer.Argument(metavar="PROFILE", help="Profile JSON file, or - for stdin.")
    ],
    as_json: JsonFlag = False,
) -> None:
    """Check red flags and candidacy for a stem cell injection from a profile JSON file."""
    result = screen_candidate(parse_profile(read_json_file(profile, "PROFILE")))
    if as_json:
        print_json(result)
        return
    _show_screening(console(), result)


@commands.command()
def recovery(
    procedure_date: Annotated[
        str, typer.Option("--procedure-date", metavar="YYYY-MM-DD", help="Day of the injection.")
    ],
    ics: Annotated[
        Path | None, typer.Option("--ics", metavar="FILE", help="Also write an .ics calendar.")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Show the dated recovery plan after an injection; optionally export it as a calendar."""
    plan = build_recovery_plan(parse_iso_date(procedure_date, "--procedure-date"))
    if ics is not None:
        # Written before anything is printed, so a failed write leaves no partial output.
        write_file_atomically(ics, recovery_calendar(plan, dt.datetime.now(dt.UTC)), "--ics")
    if as_json:
        print_json(plan)
        return
    _show_recovery(console(), plan)
    if ics is not None:
        typer.echo(f"Calendar written to {ics}")


def _show_screening(out: Console, result: ScreeningResult) -> None:
    urgent = result.category is ScreeningCategory.urgent_care
    # The urgent message is the very first thing printed (red flags override everything).
    style = "bold red" if urgent else "bold"
    out.print(f"[{style}]{escape(result.headline)}[/{style}] {cited(result.headline_sources)}")
    for message in result.urgent_messages:
        out.print(f"[{style}]{escape(message.title)}.[/{style}] {escape(message.text)}")
        out.print(f"  {cited(message.sources)}")
    out.print(f"Result: [bold]{result.category.value}[/bold]")
    out.print()
    out.print("[bold]Why[/bold]")
    for reason in result.reasons:
        out.print(f"  - {escape(reason.text)} {cited(reason.sources)}")
        out.print(f"    [dim]({reason.code}; points to {reason.category.value})[/dim]")
    out.print()
    out.print("[bold]Next steps[/bold]")
    for step in result.next_steps:
        out.print(f"  - {escape(step.text)} {cited(step.sources)}")
    out.print()
    out.print(f"[italic]{escape(result.disclaimer)}[/italic]")


def _day(day: dt.date) -> str:
    return f"{day.isoformat()} ({day:%a})"


def _show_recovery(out: Console, plan: RecoveryPlan) -> None:
    out.print(f"[bold]Recovery plan for an injection on {_day(plan.procedure_date)}[/bold]")
    out.print()
    for phase in plan.phases:
        out.print(
            f"[bold]{_day(phase.first_day)} to {_day(phase.last_day)}[/bold]  "
            f"{escape(phase.label)}: {escape(phase.title)}"
        )
        out.print(
            f"  {escape(phase.text)} {cited(phase.sources)} [dim]{phase.evidence_level}[/dim]"
        )
    out.print()
    window = plan.nsaid_window
    out.print(
        f"[bold]{_day(window.first_day)} to {_day(window.last_day)}[/bold]  "
        f"{escape(window.title)} {cited(window.sources)}"
    )
    for line in (window.text, window.reason, window.assumption, window.caution):
        out.print(f"  {escape(line)}")
    out.print()
    out.print("[bold]Warning signs[/bold]")
    for sign in plan.warning_signs:
        style = "bold red" if sign.action == "urgent_care" else "bold"
        out.print(f"  - {escape(sign.sign)}: [{style}]{escape(sign.action_text)}[/{style}]")
        out.print(f"    {escape(sign.why)} {cited(sign.sources)}")
    out.print()
    out.print(f"[bold]Follow-up visits[/bold] {cited(plan.follow_up_sources)}")
    out.print(f"  {escape(plan.follow_up_note)}")
    for visit in plan.follow_up_visits:
        out.print(
            f"  - [bold]{_day(visit.due)}[/bold]  {escape(visit.label)}: "
            f"{escape(visit.purpose)} {cited(visit.sources)}"
        )
    out.print()
    out.print(f"[italic]{escape(plan.disclaimer)}[/italic]")
