"""The root command finds each command in its area's module and imports only that module."""

from __future__ import annotations

import importlib
import inspect
import json
import subprocess
import sys
from pathlib import Path

import pytest
import typer.main
from typer.core import TyperGroup
from typer.testing import CliRunner

import regenspine.cli
from regenspine.cli.app import COMMAND_AREAS, LazyAreaGroup, app, area_command

CLI_FOLDER = Path(regenspine.cli.__file__).parent


def _defined_commands() -> dict[str, str]:
    """Every top-level command each area module defines, and that module's name."""
    defined = {}
    for file in sorted(CLI_FOLDER.glob("*.py")):
        module = importlib.import_module(f"regenspine.cli.{file.stem}")
        area = getattr(module, "commands", None)
        if not isinstance(area, typer.Typer):
            continue
        built = typer.main.get_command(area)
        names = list(built.commands) if isinstance(built, TyperGroup) else [built.name]
        defined.update({name: file.stem for name in names if name})
    return defined


def test_the_table_names_every_command_of_every_area_and_nothing_else() -> None:
    assert {name: listed.area for name, listed in COMMAND_AREAS.items()} == _defined_commands()


@pytest.mark.parametrize("name", list(COMMAND_AREAS))
def test_the_table_help_line_is_the_commands_own(name: str) -> None:
    listed = COMMAND_AREAS[name]
    command = area_command(listed.area, name)
    assert listed.summary == command.get_short_help_str(limit=sys.maxsize)
    # `--help` shows the first paragraph of the help; the table can only stand in for one line,
    # and has no way to say hidden, deprecated or another help panel.
    assert listed.summary == inspect.cleandoc(command.short_help or command.help).split("\n\n")[0]
    assert not command.hidden
    assert not command.deprecated
    assert not getattr(command, "rich_help_panel", None)


@pytest.mark.parametrize("columns", ["80", "200"])
def test_help_from_the_table_is_the_help_from_the_commands(
    columns: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from_table = CliRunner().invoke(app, ["--help"], env={"COLUMNS": columns})
    # The group's own help page without the table's shortcut: every command is imported.
    monkeypatch.setattr(LazyAreaGroup, "format_help", TyperGroup.format_help)
    from_commands = CliRunner().invoke(app, ["--help"], env={"COLUMNS": columns})
    assert from_table.exit_code == from_commands.exit_code == 0
    assert from_table.output == from_commands.output
    assert "clinic-questions  Print the questions to ask a clinic" in from_table.output


def test_help_lists_every_command_in_the_table_order() -> None:
    result = CliRunner().invoke(app, ["--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    listed = [
        line.split()[1]
        for line in result.output.splitlines()
        if line.startswith("│ ") and len(line.split()) > 1
    ]
    assert [name for name in listed if name in COMMAND_AREAS] == list(COMMAND_AREAS)


def test_an_unknown_command_is_one_error_line() -> None:
    result = CliRunner().invoke(app, ["nosuch"])
    assert result.exit_code == 2
    assert "No such command 'nosuch'" in result.output


# Run in a fresh interpreter: this test session has imported everything already.
IMPORTED_BY = """
import json, sys
from typer.testing import CliRunner
from regenspine.cli.app import app
result = CliRunner().invoke(app, sys.argv[1:])
heavy = (
    "fastapi", "uvicorn", "pandas", "scipy", "sqlalchemy", "alembic", "fhir", "lifelines"
)
print(json.dumps([result.exit_code, sorted(name for name in heavy if name in sys.modules)]))
"""


@pytest.mark.parametrize(
    "arguments", [["costs", "--json"], ["clinic-questions", "--json"], ["--help"], []]
)
def test_help_and_decision_aid_commands_import_no_registry_web_or_fhir_stack(
    arguments: list[str],
) -> None:
    ran = subprocess.run(  # noqa: S603 (this interpreter on a fixed script, no shell)
        [sys.executable, "-c", IMPORTED_BY, *arguments],
        capture_output=True,
        text=True,
        check=True,
    )
    exit_code, heavy = json.loads(ran.stdout.splitlines()[-1])
    assert exit_code == 0
    assert heavy == []
