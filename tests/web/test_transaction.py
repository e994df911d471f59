"""One transaction per request: committed when the route returns, rolled back on an error or
when the route shows a form again, and a value the database refuses is bad input, not a 500."""

from __future__ import annotations

import pytest
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text

from regenspine.errors import InvalidInput
from regenspine.registry.database import Registry
from regenspine.registry.models import AuditEvent
from regenspine.registry.services.audit import record_audit
from regenspine.web.plumbing.errors import install_error_handlers
from regenspine.web.plumbing.transaction import DbSession, keep_nothing


@pytest.fixture
def client(registry: Registry) -> TestClient:
    """A small app whose routes write one audit event each and then end in different ways."""
    app = FastAPI()
    app.state.registry = registry
    install_error_handlers(app)

    @app.post("/api/kept")
    def kept(session: DbSession) -> dict[str, str]:
        record_audit(session, None, "create", "test", 1, "kept")
        return {"ok": "yes"}

    @app.post("/api/discarded")
    def discarded(request: Request, session: DbSession) -> dict[str, str]:
        record_audit(session, None, "create", "test", 2, "discarded")
        keep_nothing(request)
        return {"ok": "shown again"}

    @app.post("/api/failed")
    def failed(session: DbSession) -> dict[str, str]:
        record_audit(session, None, "create", "test", 3, "failed")
        session.flush()
        raise InvalidInput("field", "is wrong", ["right"])

    @app.post("/api/refused-by-database")
    def refused(session: DbSession) -> dict[str, str]:
        record_audit(session, None, "create", "test", 4, "refused")
        session.execute(text("SELECT CAST('not a number' AS INTEGER)"))
        return {"ok": "no"}

    return TestClient(app, raise_server_exceptions=False)


def _reasons(registry: Registry) -> list[str]:
    with registry.sessions() as session:
        return list(session.scalars(select(AuditEvent.reason).order_by(AuditEvent.id)))


def test_a_route_that_returns_commits_and_one_that_fails_leaves_nothing(
    client: TestClient, registry: Registry
) -> None:
    assert client.post("/api/kept").status_code == 200
    assert client.post("/api/discarded").status_code == 200
    failed = client.post("/api/failed")
    assert failed.status_code == 422
    assert failed.json()["field"] == "field"
    assert _reasons(registry) == ["kept"]


def test_a_value_the_database_refuses_is_bad_input(
    client: TestClient, registry: Registry, backend: str
) -> None:
    if backend != "postgresql":
        pytest.skip("SQLite casts any text to a number; PostgreSQL refuses it")
    response = client.post("/api/refused-by-database")
    assert response.status_code == 422
    assert response.json()["field"] == "input"
    with registry.sessions() as session:
        assert session.scalar(select(func.count()).select_from(AuditEvent)) == 0
