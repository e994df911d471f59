"""`regenspine synth`: fills an empty database, prints its summary, refuses bad options."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import Result
from sqlalchemy import func, select
from tests.factories.cli import error_line, point_cli_at
from typer.testing import CliRunner

from regenspine.cli.app import app
from regenspine.registry.database import Registry
from regenspine.registry.migrate import current_revision, head_revision
from regenspine.registry.models import Patient

runner = CliRunner()


def run(*args: str) -> Result:
    """Run `regenspine synth ARGS...`."""
    return runner.invoke(app, ["synth", *args])


def test_synth_migrates_an_empty_database_and_reports_what_it_wrote(
    database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    point_cli_at(database_url, monkeypatch, tmp_path)
    result = run(
        "--patients", "12", "--seed", "4", "--sites", "2", "--as-of", "2026-11-01", "--json"
    )
    assert result.exit_code == 0, result.stderr
    payload = json.loads(result.stdout)
    database = payload.pop("database")
    rows = payload.pop("rows")
    assert payload == {
        "patients": 12,
        "seed": 4,
        "sites": 2,
        "synthetic": True,
        "as_of": "2026-11-01",
    }
    assert (rows["patient"], rows["procedure"], rows["follow_up"]) == (12, 12, 84)
    registry = Registry(database_url)
    try:
        assert database == registry.engine.url.render_as_string(hide_password=True)
        assert current_revision(registry.engine) == head_revision(registry.engine)
        with registry.sessions() as session:
            flagged = select(func.count()).where(Patient.synthetic.is_(True))
            assert session.scalar(flagged) == 12
    finally:
        registry.dispose()


def test_synth_says_in_words_that_the_data_are_synthetic(
    database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    point_cli_at(database_url, monkeypatch, tmp_path)
    result = run("--patients", "3", "--as-of", "2026-11-01")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("Generated 3 synthetic patients (seed 1, 5 sites")
    assert "made-up patients, not evidence" in result.stdout


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (("--patients", "0"), "error: --patients: 0 is out of range (allowed: 1 to 5000000)"),
        (
            ("--patients", "5000001"),
            "error: --patients: 5000001 is out of range (allowed: 1 to 5000000)",
        ),
        (
            ("--patients", "5", "--sites", "0"),
            "error: --sites: 0 is out of range (allowed: 1 to 100)",
        ),
        (
            ("--patients", "5", "--sites", "101"),
            "error: --sites: 101 is out of range (allowed: 1 to 100)",
        ),
        (("--patients", "many"), "error: Invalid value for '--patients'"),
        (("--sites", "3"), "error: Missing option '--patients'"),
        (
            ("--patients", "5", "--as-of", "2026-02-30"),
            "error: --as-of: not a calendar date: '2026-02-30' (allowed: YYYY-MM-DD)",
        ),
    ],
)
def test_bad_options_exit_2_naming_the_option_and_touch_no_database(
    options: tuple[str, ...],
    message: str,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    point_cli_at(database_url, monkeypatch, tmp_path)
    assert error_line(run(*options)).startswith(message)
    registry = Registry(database_url)
    try:
        assert current_revision(registry.engine) is None
    finally:
        registry.dispose()
