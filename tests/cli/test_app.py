"""The root command finds each command in its area's module and imports only that module."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
import typer.main
from typer.core import TyperGroup
from typer.testing import CliRunner

import regenspine.cli
from regenspine.cli.app import COMMAND_AREAS, app

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
    assert COMMAND_AREAS == _defined_commands()


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
heavy = ("fastapi", "uvicorn", "pandas", "sqlalchemy", "alembic", "fhir", "lifelines")
print(json.dumps([result.exit_code, sorted(name for name in heavy if name in sys.modules)]))
"""


@pytest.mark.parametrize("arguments", [["costs", "--json"], ["clinic-questions", "--json"]])
def test_a_decision_aid_command_imports_no_registry_web_or_fhir_stack(
    arguments: list[str],
) -> None:
    ran = subprocess.run(
        [sys.executable, "-c", IMPORTED_BY, *arguments],
        capture_output=True,
        text=True,
        check=True,
    )
    exit_code, heavy = json.loads(ran.stdout.splitlines()[-1])
    assert exit_code == 0
    assert heavy == []
