"""`regenspine options --severity` and `regenspine summary` with and without a registry."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from tests.factories.cases import add_cases, responders_and_not
from tests.factories.profiles import candidate_profile
from typer.testing import CliRunner

from regenspine.cli.app import app
from regenspine.registry.database import Registry

runner = CliRunner()
HEADLINE = "In this registry, 40 of 100 people like you improved meaningfully at 12 months"


def environment(registry: Registry | None, tmp_path: Path) -> dict[str, str]:
    """Settings pointing at the test registry, or at an empty data folder without a database."""
    if registry is None:
        return {"REGENSPINE_DATA_DIR": str(tmp_path / "no-data"), "REGENSPINE_DATABASE_URL": ""}
    return {"REGENSPINE_DATABASE_URL": registry.url, "COLUMNS": "200"}


def stem_cell_option(output: str) -> dict[str, Any]:
    data = json.loads(output)
    return next(o for o in data["options"] if o["id"] == "stem_cell_injection")


@pytest.fixture
def thirty_similar(registry: Registry) -> Registry:
    """30 real moderate lumbar patients, 12 of whom improved by at least 30% at 12 months."""
    add_cases(registry, responders_and_not(12, 18))
    return registry


def test_without_a_database_there_is_no_registry_line_and_no_file(tmp_path: Path) -> None:
    env = environment(None, tmp_path)
    result = runner.invoke(app, ["options", "--severity", "moderate", "--json"], env=env)
    assert result.exit_code == 0, result.stderr
    assert stem_cell_option(result.stdout)["registry"] is None
    assert not (tmp_path / "no-data").exists()


def test_options_show_the_registry_line_beside_the_evidence(
    thirty_similar: Registry, tmp_path: Path
) -> None:
    env = environment(thirty_similar, tmp_path)
    result = runner.invoke(app, ["options", "--severity", "moderate", "--json"], env=env)
    assert result.exit_code == 0, result.stderr
    note = stem_cell_option(result.stdout)["registry"]
    assert (note["n"], note["per_100"], note["ci_per_100"]) == (30, 40, [25, 58])
    text = runner.invoke(app, ["options", "--severity", "moderate"], env=env)
    assert text.exit_code == 0, text.stderr
    assert HEADLINE in " ".join(text.stdout.split())
    assert "This clinic's own records of its patients, not a trial" in text.stdout


def test_options_without_severity_leave_the_registry_out(
    thirty_similar: Registry, tmp_path: Path
) -> None:
    env = environment(thirty_similar, tmp_path)
    result = runner.invoke(app, ["options", "--json"], env=env)
    assert result.exit_code == 0, result.stderr
    assert stem_cell_option(result.stdout)["registry"] is None


def test_too_few_similar_patients_say_not_yet_enough(registry: Registry, tmp_path: Path) -> None:
    add_cases(registry, responders_and_not(20, 9))
    env = environment(registry, tmp_path)
    result = runner.invoke(app, ["options", "--severity", "moderate"], env=env)
    assert result.exit_code == 0, result.stderr
    shown = " ".join(result.stdout.split())
    assert "does not yet have enough people like you" in shown
    assert "29 so far" in shown
    assert "of 100 people like you" not in shown


def test_bad_severity_is_one_line_naming_the_option_and_values(tmp_path: Path) -> None:
    result = runner.invoke(app, ["options", "--severity", "awful"], env=environment(None, tmp_path))
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "--severity" in lines[0]
    assert "mild, moderate, severe" in lines[0]


def test_summary_page_carries_the_registry_line(thirty_similar: Registry, tmp_path: Path) -> None:
    profile = tmp_path / "profile.json"
    profile.write_text(json.dumps(candidate_profile()), encoding="utf-8")
    page = tmp_path / "summary.html"
    env = environment(thirty_similar, tmp_path)
    result = runner.invoke(app, ["summary", str(profile), "--out", str(page)], env=env)
    assert result.exit_code == 0, result.stderr
    assert HEADLINE in page.read_text(encoding="utf-8")
