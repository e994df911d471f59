"""The `regenspine` command: one Typer app; each area adds its commands from its own module."""

from __future__ import annotations

import importlib
from typing import Any

import typer
import typer.main
from typer.core import TyperGroup

from regenspine.cli.output import ErrorRenderingGroup, console

# Each top-level command and the module (`regenspine.cli.<area>`) whose `commands` defines it,
# in the order `--help` lists them. A command's module is imported only when that command runs:
# importing every area (web stack, pandas, fhir.resources, alembic) cost about 1 s before any
# command could start. tests/cli/test_app.py checks this table against the modules.
COMMAND_AREAS: dict[str, str] = {
    "facts": "knowledge",
    "sources": "knowledge",
    "conflicts": "knowledge",
    "faq": "knowledge",
    "score": "instruments",
    "instruments": "instruments",
    "screen": "screening",
    "recovery": "screening",
    "check-claims": "claims",
    "clinic-questions": "claims",
    "options": "options",
    "costs": "options",
    "values": "values",
    "summary": "values",
    "db": "db",
    "users": "users",
    "patients": "patients",
    "episodes": "patients",
    "assess": "pathway",
    "audit": "pathway",
    "procedures": "pathway",
    "medications": "pathway",
    "followups": "pathway",
    "adverse-events": "pathway",
    "interventions": "pathway",
    "serve": "web",
    "synth": "synth",
    "report": "report",
    "export": "export",
    "import": "fhir",
}


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
        """The command, importing only the module that defines it."""
        if cmd_name in COMMAND_AREAS:
            return area_command(COMMAND_AREAS[cmd_name], cmd_name)
        return super().get_command(ctx, cmd_name)


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
