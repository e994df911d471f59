"""The web app command: `regenspine serve [--host 127.0.0.1] [--port 8000]`."""

from __future__ import annotations

from typing import Annotated

import typer

from regenspine.config import get_settings
from regenspine.registry.database import Registry
from regenspine.registry.migrate import upgrade
from regenspine.registry.services.users import user_count

commands = typer.Typer()
FIRST_ADMIN = "regenspine users add NAME --role admin"


@commands.command()
def serve(
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on (0.0.0.0 for every interface).")
    ] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", min=1, max=65535, help="Port to listen on (1-65535).")
    ] = 8000,
) -> None:
    """Start the web app: decision aid, clinician workspace, self-report links and the JSON API."""
    # Imported here: the web stack (FastAPI, uvicorn) would add 0.4 s to every other command.
    import uvicorn

    from regenspine.web.app import create_app

    settings = get_settings()
    registry = Registry.from_settings(settings)
    try:
        # Migrated here as well as on start-up, so the first-admin hint can count the users.
        upgrade(registry.engine)
        with registry.transaction() as session:
            users = user_count(session)
        app = create_app(settings, registry)
        shown = f"[{host}]" if ":" in host else host
        address = f"http://{shown}:{port}"
        typer.echo(f"regenspine is running at {address}/ (API docs at /docs)")
        typer.echo(f"Clinician workspace: {address}/clinic")
        if users == 0:
            typer.echo(
                f"No users yet: create the first admin with `{FIRST_ADMIN}` "
                "(it asks for a password), then sign in to the workspace."
            )
        typer.echo("Press Ctrl+C to stop it.")
        uvicorn.run(app, host=host, port=port, log_level="info")
    finally:
        registry.dispose()
