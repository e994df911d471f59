"""Clinic checks: warning signs in a clinic's text (`check-claims`) and `clinic-questions`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.padding import Padding
from rich.text import Text

from regenspine.cli.output import JsonFlag, console, print_json
from regenspine.decision_aid.claims import (
    MAX_TEXT_LENGTH,
    ClaimCheck,
    ClaimFlag,
    ClaimQuote,
    check_claims,
)
from regenspine.decision_aid.clinic_questions import clinic_questions
from regenspine.errors import InvalidInput

commands = typer.Typer()

FILE_ALLOWED = (
    f"a readable UTF-8 text file of 1 to {MAX_TEXT_LENGTH:,} characters, or - for standard input"
)
SEVERITY_STYLE = {"high": "bold red", "medium": "yellow", "low": "cyan"}


def _read_text(source: str) -> str:
    """The text to check, from a file or from standard input ("-"), refused when over the cap."""
    text = _read_capped(source)
    if len(text) > MAX_TEXT_LENGTH:
        where = "standard input" if source == "-" else source
        problem = f"{where} has more than the limit of {MAX_TEXT_LENGTH:,} characters"
        raise InvalidInput("FILE", problem, FILE_ALLOWED)
    return text


def _read_capped(source: str) -> str:
    """At most one character more than the cap, so a huge file is never read whole."""
    if source == "-":
        return sys.stdin.read(MAX_TEXT_LENGTH + 1)
    try:
        with Path(source).open(encoding="utf-8") as file:
            return file.read(MAX_TEXT_LENGTH + 1)
    except FileNotFoundError:
        raise InvalidInput("FILE", f"{source} does not exist", FILE_ALLOWED) from None
    except IsADirectoryError:
        raise InvalidInput("FILE", f"{source} is a folder", FILE_ALLOWED) from None
    except UnicodeDecodeError:
        raise InvalidInput("FILE", f"{source} is not UTF-8 text", FILE_ALLOWED) from None
    except OSError as error:
        problem = f"cannot read {source} ({error.strerror})"
        raise InvalidInput("FILE", problem, FILE_ALLOWED) from None


def _indented(out: Console, renderable: Text | str, left: int) -> None:
    out.print(Padding(renderable, (0, 0, 0, left), expand=False))


def _quoted_excerpt(quote: ClaimQuote) -> Text:
    """The excerpt in quotes, with the matched words highlighted."""
    text = Text("“" + quote.excerpt + "”")
    text.stylize("bold reverse", quote.excerpt_start + 1, quote.excerpt_end + 1)
    return text


def _found_times(flag: ClaimFlag) -> str:
    if flag.count <= len(flag.examples):
        return "found once" if flag.count == 1 else f"found {flag.count} times"
    return f"found {flag.count:,} times, the first {len(flag.examples)} quoted"


def _show_flag(out: Console, number: int, flag: ClaimFlag) -> None:
    style = SEVERITY_STYLE[flag.severity.value]
    out.print(
        f"[{style}]{number}. {escape(flag.category)}[/{style}]  "
        f"({flag.rule_id} {flag.slug}, {flag.severity.value}; {_found_times(flag)})"
    )
    for quote in flag.examples:
        _indented(out, _quoted_excerpt(quote), 3)
    _indented(out, f"Why it matters: {escape(flag.why)}", 3)
    _indented(out, f"[dim]Sources: {', '.join(flag.sources)}[/dim]", 3)
    out.print()


def _show_check(out: Console, result: ClaimCheck) -> None:
    for number, flag in enumerate(result.flags, start=1):
        _show_flag(out, number, flag)
    if result.missing:
        out.print("[bold]Missing from the text[/bold]")
        for missing in result.missing:
            heading = f"- [yellow]{escape(missing.category)}[/yellow] ({missing.rule_id} "
            _indented(out, heading + f"{missing.slug}, {missing.severity.value})", 2)
            _indented(out, escape(missing.why), 4)
            _indented(out, f"[dim]Sources: {', '.join(missing.sources)}[/dim]", 4)
        out.print()
    out.print(f"[bold]{escape(result.note)}[/bold]")
    if result.sources:
        out.print()
        out.print("[bold]Sources[/bold]")
        for source in result.sources:
            _indented(out, f"{source.id}: {escape(source.title)} <{escape(source.where)}>", 2)
    out.print()
    out.print(f"[italic]{escape(result.disclaimer)}[/italic]")


@commands.command("check-claims")
def check_claims_command(
    file: Annotated[
        str, typer.Argument(metavar="FILE|-", help="Clinic web text or offer; - reads stdin.")
    ],
    as_json: JsonFlag = False,
) -> None:
    """Flag warning signs in a clinic's web text or offer, each with why and sources."""
    result = check_claims(_read_text(file))
    if as_json:
        print_json(result)
        return
    _show_check(console(), result)


@commands.command("clinic-questions")
def clinic_questions_command(as_json: JsonFlag = False) -> None:
    """Print the questions to ask a clinic before a stem cell injection, with why and sources."""
    questions = clinic_questions()
    if as_json:
        print_json(questions)
        return
    out = console()
    out.print(escape(questions.intro))
    number = 0
    for group in questions.groups:
        out.print()
        out.print(f"[bold]{escape(group.title)}[/bold]")
        for question in group.questions:
            number += 1
            _indented(out, f"{number}. {escape(question.question)}", 2)
            cited = escape(f"[{', '.join(question.sources)}]")
            _indented(out, f"[dim]Why: {escape(question.why)} {cited}[/dim]", 5)
    out.print()
    out.print(f"[italic]{escape(questions.disclaimer)}[/italic]")
