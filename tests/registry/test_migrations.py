"""Migrations build the schema the models describe, on SQLite and PostgreSQL, up and down."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError

from regenspine.errors import RegenspineError
from regenspine.registry.database import Registry
from regenspine.registry.migrate import (
    current_revision,
    downgrade,
    head_revision,
    require_current,
    upgrade,
)
from regenspine.registry.models import AuditEvent, Base

TABLES = {
    "api_token",
    "reminder",
    "self_report_link",
    "adverse_event",
    "app_user",
    "assessment",
    "audit_event",
    "consent",
    "episode",
    "follow_up",
    "injection_target",
    "intervention",
    "medication_note",
    "patient",
    "patient_identity",
    "procedure",
    "protocol_check",
    "screening",
}


def test_empty_to_head_to_base_and_back(database_url: str) -> None:
    registry = Registry(database_url)
    try:
        assert current_revision(registry.engine) is None
        with pytest.raises(RegenspineError, match="db upgrade"):
            require_current(registry.engine)
        before, after = upgrade(registry.engine)
        assert (before, after) == (None, head_revision(registry.engine))
        assert TABLES <= set(inspect(registry.engine).get_table_names())
        downgrade(registry.engine, "base")
        assert not TABLES & set(inspect(registry.engine).get_table_names())
        upgrade(registry.engine)
        require_current(registry.engine)
    finally:
        registry.dispose()


def test_migrations_match_the_models(registry: Registry) -> None:
    with registry.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_constraints_carry_the_naming_convention(registry: Registry) -> None:
    inspector = inspect(registry.engine)
    foreign_keys = {fk["name"] for fk in inspector.get_foreign_keys("episode")}
    assert foreign_keys == {"fk_episode_patient_id_patient"}
    assert inspector.get_pk_constraint("patient")["name"] == "pk_patient"


def _add_audit_event(registry: Registry) -> None:
    with registry.transaction() as session:
        session.add(
            AuditEvent(
                username="system",
                action="create",
                entity="test",
                reason="test",
                details={},
                occurred_at=datetime.now(UTC),
            )
        )


@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_event SET reason = 'changed'", "DELETE FROM audit_event"],
)
def test_the_audit_trail_refuses_updates_and_deletes(registry: Registry, statement: str) -> None:
    _add_audit_event(registry)
    with pytest.raises(DBAPIError, match="append-only"), registry.engine.begin() as connection:
        connection.execute(text(statement))
    with registry.engine.connect() as connection:
        assert connection.execute(text("SELECT reason FROM audit_event")).scalars().all() == [
            "test"
        ]


def test_sqlite_connections_use_wal_foreign_keys_and_a_busy_timeout(registry: Registry) -> None:
    if registry.engine.dialect.name != "sqlite":
        pytest.skip("SQLite pragmas only")
    with registry.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000
