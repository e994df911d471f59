"""The `regenspine` command: one Typer app; each area adds its commands from its own module."""

from __future__ import annotations

import typer

from regenspine.cli import (
    claims,
    db,
    export,
    fhir,
    instruments,
    knowledge,
    options,
    pathway,
    patients,
    report,
    screening,
    synth,
    users,
    values,
    web,
)
from regenspine.cli.output import ErrorRenderingGroup, console

app = typer.Typer(
    cls=ErrorRenderingGroup,
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


for area in (
    knowledge.commands,
    instruments.commands,
    screening.commands,
    claims.commands,
    options.commands,
    values.commands,
    db.commands,
    users.commands,
    patients.commands,
    pathway.commands,
    web.commands,
    synth.commands,
    report.commands,
    export.commands,
    fhir.commands,
):
    app.add_typer(area)


def main() -> None:
    """Console-script entry point."""
    app()
