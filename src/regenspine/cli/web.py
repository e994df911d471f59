"""The web app command: `regenspine serve [--host 127.0.0.1] [--port 8000]`."""

from __future__ import annotations

from typing import Annotated

import typer
import uvicorn

from regenspine.config import get_settings
from regenspine.web.app import create_app

commands = typer.Typer()


@commands.command()
def serve(
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on (0.0.0.0 for every interface).")
    ] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", min=1, max=65535, help="Port to listen on (1-65535).")
    ] = 8000,
) -> None:
    """Start the web app: the decision-aid pages, the JSON API and its documentation."""
    app = create_app(get_settings())
    shown = f"[{host}]" if ":" in host else host
    typer.echo(f"regenspine is running at http://{shown}:{port}/ (API docs at /docs)")
    typer.echo("Press Ctrl+C to stop it.")
    uvicorn.run(app, host=host, port=port, log_level="info")
