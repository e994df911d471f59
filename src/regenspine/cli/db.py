"""Database commands: migrate the registry database and show where it stands."""

from __future__ import annotations

from typing import Annotated

import typer

from regenspine.cli.output import JsonFlag, print_json
from regenspine.config import get_settings
from regenspine.registry.database import Registry
from regenspine.registry.migrate import current_revision, head_revision, upgrade

commands = typer.Typer()
db = typer.Typer(help="Create or migrate the registry database.", no_args_is_help=True)
commands.add_typer(db, name="db")


@db.command("upgrade")
def upgrade_command(as_json: JsonFlag = False) -> None:
    """Migrate the registry database to the newest version (creates it when missing)."""
    registry = Registry.from_settings(get_settings())
    try:
        before, after = upgrade(registry.engine)
    finally:
        registry.dispose()
    where = registry.engine.url.render_as_string(hide_password=True)
    if as_json:
        print_json({"database": where, "from": before, "to": after})
        return
    typer.echo(f"Database {where}: {before or 'empty'} -> {after} (newest)")


@db.command("status")
def status_command(as_json: JsonFlag = False) -> None:
    """Show the database's migration and whether it is the newest."""
    registry = Registry.from_settings(get_settings())
    try:
        current, head = current_revision(registry.engine), head_revision(registry.engine)
    finally:
        registry.dispose()
    where = registry.engine.url.render_as_string(hide_password=True)
    if as_json:
        print_json({"database": where, "current": current, "head": head, "ready": current == head})
        return
    state = "ready" if current == head else "needs `regenspine db upgrade`"
    typer.echo(f"Database {where}: at {current or 'empty'}, newest {head}: {state}")


@db.command("revision")
def revision_command(
    message: Annotated[
        str, typer.Option("--message", "-m", help="What the revision changes, in a few words.")
    ],
    as_json: JsonFlag = False,
) -> None:
    """Write the migration that brings the registry database to the models (autogenerate)."""
    from regenspine.registry.revisions import write_revision

    registry = Registry.from_settings(get_settings())
    try:
        written = write_revision(registry.engine, message)
    finally:
        registry.dispose()
    checks = [str(difference) for difference in written.unwritten_checks]
    if as_json:
        path = str(written.path) if written.path else None
        print_json({"revision": path, "checks_to_write_by_hand": checks})
        return
    if written.path is None:
        typer.echo("No model changes: the migrations already build the models; nothing written.")
    else:
        typer.echo(f"Wrote {written.path}: review it before committing.")
    for check in checks:
        # Autogenerate does not compare CHECK constraints (regenspine.registry.check_constraints).
        typer.echo(f"CHECK constraint to migrate by hand: {check}", err=True)
