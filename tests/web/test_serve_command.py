"""`regenspine serve`: prints the address and starts uvicorn with the app (uvicorn is replaced)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from typer.testing import CliRunner

from regenspine.cli import web

runner = CliRunner()


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Record uvicorn.run calls instead of serving."""
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(
        web.uvicorn, "run", lambda app, **options: calls.append({"app": app, **options})
    )
    return calls


def test_serve_defaults_to_localhost_port_8000(started: list[dict[str, Any]]) -> None:
    result = runner.invoke(web.commands, [])
    assert result.exit_code == 0, result.output
    assert "http://127.0.0.1:8000/" in result.stdout
    assert len(started) == 1
    assert isinstance(started[0]["app"], FastAPI)
    assert (started[0]["host"], started[0]["port"]) == ("127.0.0.1", 8000)


def test_serve_takes_host_and_port(started: list[dict[str, Any]]) -> None:
    result = runner.invoke(web.commands, ["--host", "0.0.0.0", "--port", "8123"])
    assert result.exit_code == 0, result.output
    assert "http://0.0.0.0:8123/" in result.stdout
    assert (started[0]["host"], started[0]["port"]) == ("0.0.0.0", 8123)


def test_an_ipv6_host_is_bracketed_in_the_address(started: list[dict[str, Any]]) -> None:
    result = runner.invoke(web.commands, ["--host", "::1", "--port", "9000"])
    assert "http://[::1]:9000/" in result.stdout


@pytest.mark.parametrize("port", ["0", "70000", "web"])
def test_a_bad_port_is_refused_without_starting(started: list[dict[str, Any]], port: str) -> None:
    result = runner.invoke(web.commands, ["--port", port])
    assert result.exit_code == 2
    assert "--port" in result.output
    assert started == []
