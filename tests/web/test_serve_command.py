"""`regenspine serve`: migrates the database, prints the address (and how to create the first
admin on a fresh machine), and starts uvicorn with the app (uvicorn is replaced here)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI
from tests.factories.cli import error_line, run
from typer.testing import CliRunner

from regenspine.cli import web
from regenspine.config import Settings
from regenspine.registry.database import Registry
from regenspine.registry.migrate import current_revision, head_revision
from regenspine.registry.services.users import add_user

runner = CliRunner()


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh data folder for the embedded SQLite database, as on a new machine."""
    folder = tmp_path / "var"
    monkeypatch.setenv("REGENSPINE_DATA_DIR", str(folder))
    monkeypatch.delenv("REGENSPINE_DATABASE_URL", raising=False)
    return folder


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch, data_dir: Path) -> list[dict[str, Any]]:
    """Record uvicorn.run calls instead of serving."""
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(
        uvicorn, "run", lambda app, **options: calls.append({"app": app, **options})
    )
    return calls


def test_serve_defaults_to_localhost_port_8000(started: list[dict[str, Any]]) -> None:
    result = runner.invoke(web.commands, [])
    assert result.exit_code == 0, result.output
    assert "http://127.0.0.1:8000/" in result.stdout
    assert "http://127.0.0.1:8000/clinic" in result.stdout
    assert len(started) == 1
    assert isinstance(started[0]["app"], FastAPI)
    assert (started[0]["host"], started[0]["port"]) == ("127.0.0.1", 8000)


def test_a_fresh_machine_gets_a_migrated_database_and_the_first_admin_hint(
    started: list[dict[str, Any]], data_dir: Path
) -> None:
    result = runner.invoke(web.commands, [])
    assert "regenspine users add NAME --role admin" in result.stdout
    registry = Registry.from_settings(Settings(data_dir=data_dir))
    try:
        assert current_revision(registry.engine) == head_revision(registry.engine)
        with registry.transaction() as session:
            add_user(session, None, username="ada", role="admin", password="a long passphrase!")
    finally:
        registry.dispose()
    again = runner.invoke(web.commands, [])
    assert again.exit_code == 0, again.output
    assert "users add" not in again.stdout


def test_serve_takes_host_and_port(started: list[dict[str, Any]]) -> None:
    # Every interface, as a person serving on a LAN would ask (the server is stubbed here).
    everywhere = "0.0.0.0"  # noqa: S104
    result = runner.invoke(web.commands, ["--host", everywhere, "--port", "8123"])
    assert result.exit_code == 0, result.output
    assert f"http://{everywhere}:8123/" in result.stdout
    assert (started[0]["host"], started[0]["port"]) == (everywhere, 8123)


def test_an_ipv6_host_is_bracketed_in_the_address(started: list[dict[str, Any]]) -> None:
    result = runner.invoke(web.commands, ["--host", "::1", "--port", "9000"])
    assert "http://[::1]:9000/" in result.stdout


@pytest.mark.parametrize("port", ["0", "70000", "web"])
def test_a_bad_port_is_refused_without_starting(started: list[dict[str, Any]], port: str) -> None:
    result = runner.invoke(web.commands, ["--port", port])
    assert result.exit_code == 2
    assert "--port" in result.output
    assert started == []


def test_serve_refuses_a_public_base_url_that_is_no_plain_web_address(
    started: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REGENSPINE_PUBLIC_BASE_URL", "clinic.example/regenspine?from=mail")
    line = error_line(run("serve"))
    assert line.startswith("error: REGENSPINE_PUBLIC_BASE_URL: ")
    assert "http:// or https:// address with no ?query or #fragment" in line
    assert started == []  # refused before anything is served
