"""Screening and recovery commands: `regenspine screen PROFILE.json`, `regenspine recovery`."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import sys
import tempfile
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from regenspine.cli.output import JsonFlag, console, print_json
from regenspine.decision_aid.profile import parse_profile
from regenspine.decision_aid.recovery import RecoveryPlan, build_recovery_plan, recovery_calendar
from regenspine.decision_aid.screening import ScreeningCategory, ScreeningResult, screen_candidate
from regenspine.errors import InvalidInput

commands = typer.Typer()

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@commands.command()
def screen(
    profile: Annotated[
        str, typer.Argument(metavar="PROFILE", help="Profile JSON file, or - for stdin.")
    ],
    as_json: JsonFlag = False,
) -> None:
    """Check red flags and candidacy for a stem cell injection from a profile JSON file."""
    result = screen_candidate(parse_profile(_read_json(profile)))
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
    plan = build_recovery_plan(_parse_date(procedure_date))
    if ics is not None:
        # Written before anything is printed, so a failed write leaves no partial output.
        _write_atomically(ics, recovery_calendar(plan, dt.datetime.now(dt.UTC)))
    if as_json:
        print_json(plan)
        return
    _show_recovery(console(), plan)
    if ics is not None:
        typer.echo(f"Calendar written to {ics}")


def _read_json(source: str) -> Any:
    """Decoded JSON from a file or stdin, or InvalidInput saying what is wrong with it."""
    if source == "-":
        text = sys.stdin.read()
    else:
        try:
            text = Path(source).read_text(encoding="utf-8")
        except FileNotFoundError:
            raise InvalidInput("PROFILE", f"no such file: {source}") from None
        except (OSError, UnicodeDecodeError) as error:
            raise InvalidInput("PROFILE", f"cannot read {source}: {error}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        where = f"line {error.lineno} column {error.colno}"
        raise InvalidInput("PROFILE", f"not valid JSON ({error.msg} at {where})") from None


def _parse_date(value: str) -> dt.date:
    try:
        if ISO_DATE.match(value):
            return dt.date.fromisoformat(value)
    except ValueError:
        pass
    raise InvalidInput("--procedure-date", f"not a calendar date: {value!r}", "YYYY-MM-DD")


def _write_atomically(path: Path, content: bytes) -> None:
    """Write via a temporary file and rename, so the target is never half-written."""
    target = path.expanduser()
    try:
        handle, temporary = tempfile.mkstemp(dir=target.parent, suffix=".part")
    except OSError as error:
        raise InvalidInput("--ics", f"cannot write {path}: {error.strerror}") from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
        os.replace(temporary, target)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise InvalidInput("--ics", f"cannot write {path}: {error.strerror}") from None


def _cited(sources: tuple[str, ...]) -> str:
    listed = escape("[" + ", ".join(sources) + "]")
    return f"[dim]{listed}[/dim]" if sources else ""


def _show_screening(out: Console, result: ScreeningResult) -> None:
    urgent = result.category is ScreeningCategory.urgent_care
    # The urgent message is the very first thing printed (red flags override everything).
    style = "bold red" if urgent else "bold"
    out.print(f"[{style}]{escape(result.headline)}[/{style}] {_cited(result.headline_sources)}")
    out.print(f"Result: [bold]{result.category.value}[/bold]")
    out.print()
    out.print("[bold]Why[/bold]")
    for reason in result.reasons:
        out.print(f"  - {escape(reason.text)} {_cited(reason.sources)}")
        out.print(f"    [dim]({reason.code}; points to {reason.category.value})[/dim]")
    out.print()
    out.print("[bold]Next steps[/bold]")
    for step in result.next_steps:
        out.print(f"  - {escape(step.text)} {_cited(step.sources)}")
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
            f"  {escape(phase.text)} {_cited(phase.sources)} [dim]{phase.evidence_level}[/dim]"
        )
    out.print()
    window = plan.nsaid_window
    out.print(
        f"[bold]{_day(window.first_day)} to {_day(window.last_day)}[/bold]  "
        f"{escape(window.title)} {_cited(window.sources)}"
    )
    for line in (window.text, window.reason, window.assumption, window.caution):
        out.print(f"  {escape(line)}")
    out.print()
    out.print("[bold]Warning signs[/bold]")
    for sign in plan.warning_signs:
        style = "bold red" if sign.action == "emergency" else "bold"
        out.print(f"  - {escape(sign.sign)}: [{style}]{escape(sign.action_text)}[/{style}]")
        out.print(f"    {escape(sign.why)} {_cited(sign.sources)}")
    out.print()
    out.print(f"[bold]Follow-up visits[/bold] {_cited(plan.follow_up_sources)}")
    out.print(f"  {escape(plan.follow_up_note)}")
    for visit in plan.follow_up_visits:
        out.print(
            f"  - [bold]{_day(visit.due)}[/bold]  {escape(visit.label)}: "
            f"{escape(visit.purpose)} {_cited(visit.sources)}"
        )
    out.print()
    out.print(f"[italic]{escape(plan.disclaimer)}[/italic]")
