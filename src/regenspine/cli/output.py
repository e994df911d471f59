"""Shared rendering for the CLI: JSON output, rich consoles and the one-line error rendering."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from typer.core import TyperGroup
from typer.exceptions import TyperException

from regenspine.errors import RegenspineError

# The `--json` switch every command shares.
JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON instead of text or tables.")]


def console() -> Console:
    """A console for human-readable output on stdout."""
    return Console(highlight=False, soft_wrap=False)


def print_json(payload: Any) -> None:
    """Print a pydantic model, or plain data, as indented JSON on stdout."""
    # Imported here: every command loads this module, and `regenspine --help` never needs
    # pydantic (about 30 ms of its start).
    from pydantic import BaseModel

    if isinstance(payload, BaseModel):
        text = payload.model_dump_json(indent=2)
    else:
        text = json.dumps(payload, indent=2, ensure_ascii=False, default=str)
    typer.echo(text)


def cited(sources: tuple[str, ...] | list[str]) -> str:
    """Source ids as a dim bracketed list for rich output (empty when there are none)."""
    listed = escape("[" + ", ".join(sources) + "]")
    return f"[dim]{listed}[/dim]" if sources else ""


def fail(message: str) -> None:
    """Print one line on stderr and leave with exit code 2."""
    # A message quoting entered text could hold a line break; the error stays one line.
    one_line = " ".join(message.splitlines())
    typer.echo(f"error: {one_line}", err=True)
    raise typer.Exit(code=2)


class ErrorRenderingGroup(TyperGroup):
    """Renders domain and usage errors of every command as one stderr line with exit code 2."""

    def invoke(self, ctx: Any) -> Any:
        """Run the command, turning domain errors into the CLI's error line."""
        try:
            return super().invoke(ctx)
        except RegenspineError as error:
            fail(error.message)
        except TyperException as error:
            # Usage errors of a sub-command (missing or malformed arguments) surface here;
            # keep their message as one line, without the usage box.
            if type(error).__name__ == "NoArgsIsHelpError":
                raise
            sub_context = getattr(error, "ctx", None)
            command = sub_context.command_path if sub_context else "regenspine"
            fail(f"{error.format_message()} (see {command} --help)")
        except ValueError as error:
            # Imported only here: most commands never read the settings' module.
            from regenspine.config import SettingsProblem

            if isinstance(error, SettingsProblem):
                fail(str(error))
            raise
