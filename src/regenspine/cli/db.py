"""Database commands: migrate the registry database and show where it stands."""

from __future__ import annotations

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
