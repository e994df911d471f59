"""The `regenspine` command: one Typer app; each area adds its commands from its own module."""

from __future__ import annotations

import importlib
from typing import Any, NamedTuple

import typer
import typer.main
from typer.core import TyperCommand, TyperGroup

from regenspine.cli.output import ErrorRenderingGroup, console


class ListedCommand(NamedTuple):
    """Where a top-level command is defined, and the one line `regenspine --help` shows for it."""

    area: str
    summary: str


# Each top-level command, the module (`regenspine.cli.<area>`) whose `commands` defines it and
# its one-line help, in the order `--help` lists them. A command's module is imported only when
# that command runs: importing every area (web stack, pandas, fhir.resources, alembic) cost
# about 1 s before any command could start, and `--help` would pay it just to read each
# command's help line, so the line is kept here too. tests/cli/test_app.py checks this table,
# help lines included, against the modules.
COMMAND_AREAS: dict[str, ListedCommand] = {
    "facts": ListedCommand(
        "knowledge", "List the curated facts, each with its sources and evidence level."
    ),
    "sources": ListedCommand("knowledge", "List every source the knowledge base cites."),
    "conflicts": ListedCommand(
        "knowledge",
        "List where sources disagree, each side with its sources, and what the evidence says.",
    ),
    "faq": ListedCommand(
        "knowledge",
        "Answer a question from the knowledge base, best first, each answer with its sources.",
    ),
    "score": ListedCommand(
        "instruments",
        "Score one questionnaire from its answers (ZCQ takes 12 answers, or 18 after treatment).",
    ),
    "instruments": ListedCommand(
        "instruments",
        "List the outcome instruments that can be scored, optionally with their items.",
    ),
    "screen": ListedCommand(
        "screening",
        "Check red flags and candidacy for a stem cell injection from a profile JSON file.",
    ),
    "recovery": ListedCommand(
        "screening",
        "Show the dated recovery plan after an injection; optionally export it as a calendar.",
    ),
    "check-claims": ListedCommand(
        "claims", "Flag warning signs in a clinic's web text or offer, each with why and sources."
    ),
    "clinic-questions": ListedCommand(
        "claims",
        "Print the questions to ask a clinic before a stem cell injection, with why and sources.",
    ),
    "options": ListedCommand(
        "options", "Compare the treatment options side by side, with outcomes as x of 100 people."
    ),
    "costs": ListedCommand(
        "options",
        "Show published prices at home and abroad, coverage, your travel estimate and a total.",
    ),
    "values": ListedCommand(
        "values",
        "Rate what matters to you, check how ready you feel (SURE) and record your leaning.",
    ),
    "summary": ListedCommand(
        "values", "Write a printable one-page summary (HTML) to take to the doctor visit."
    ),
    "db": ListedCommand("db", "Create or migrate the registry database."),
    "users": ListedCommand("users", "Registry users and their roles."),
    "patients": ListedCommand("patients", "Registered patients."),
    "episodes": ListedCommand("patients", "Episodes of care of a patient."),
    "assess": ListedCommand(
        "pathway", "Score and store a questionnaire for a patient at a follow-up timepoint."
    ),
    "audit": ListedCommand("pathway", "Show the newest audit events (admins only)."),
    "procedures": ListedCommand("pathway", "Cell-therapy procedures and their protocol checks."),
    "medications": ListedCommand("pathway", "Medicine notes (NSAIDs matter around the injection)."),
    "followups": ListedCommand("pathway", "Scheduled follow-up visits."),
    "adverse-events": ListedCommand("pathway", "Adverse events after harvest or injection."),
    "interventions": ListedCommand("pathway", "Later surgery or other treatment."),
    "serve": ListedCommand(
        "web",
        "Start the web app: decision aid, clinician workspace, self-report links and the JSON API.",
    ),
    "synth": ListedCommand(
        "synth",
        "Fill the configured database with made-up patients, every record flagged synthetic.",
    ),
    "report": ListedCommand(
        "report", "Outcome report: PROM changes, responders, surgery-free survival, adverse events."
    ),
    "export": ListedCommand(
        "export", "Research exports (CSV, REDCap), identified or de-identified."
    ),
    "import": ListedCommand("fhir", "Bring records from other systems into the registry."),
}
# Set in the root context's meta while `--help` is being written: commands are then listed from
# the table alone.
LISTING_ONLY = "regenspine.listing_only"


def area_command(area: str, name: str) -> Any:
    """The command `name` from the area module's `commands` Typer (None if it has none)."""
    module = importlib.import_module(f"regenspine.cli.{area}")
    built = typer.main.get_command(module.commands)
    if isinstance(built, TyperGroup):
        return built.commands.get(name)
    # An area with one command: Typer returns that command itself, named after its function.
    return built if built.name == name else None


class LazyAreaGroup(ErrorRenderingGroup):
    """The root group: finds each command in its area's module on first use."""

    def list_commands(self, ctx: Any) -> list[str]:
        """Every command, in the table's order."""
        return [*super().list_commands(ctx), *COMMAND_AREAS]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        """The command, importing only the module that defines it (none while listing)."""
        listed = COMMAND_AREAS.get(cmd_name)
        if listed is None:
            return super().get_command(ctx, cmd_name)
        if ctx.meta.get(LISTING_ONLY):
            # The help page reads only a listed command's name and help line.
            return TyperCommand(cmd_name, short_help=listed.summary)
        return area_command(listed.area, cmd_name)

    def format_help(self, ctx: Any, formatter: Any) -> None:
        """The help page, with every command's line taken from the table."""
        ctx.meta[LISTING_ONLY] = True
        try:
            super().format_help(ctx, formatter)
        finally:
            del ctx.meta[LISTING_ONLY]


app = typer.Typer(
    cls=LazyAreaGroup,
    help="Decision aid and outcomes registry for stem cell therapy of spinal stenosis.",
    no_args_is_help=False,
    add_completion=False,
)


@app.callback(invoke_without_command=True)
def overview(ctx: typer.Context) -> None:
    """Show what regenspine does and the commands to start with."""
    if ctx.invoked_subcommand is not None:
        return
    from regenspine.cli.overview import show_overview

    show_overview(console())


def main() -> None:
    """Console-script entry point."""
    app()
