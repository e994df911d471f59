"""Migrations build the schema the models describe, on SQLite and PostgreSQL, up and down."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import CheckConstraint, MetaData, String, column, inspect, text
from sqlalchemy.exc import DBAPIError

from regenspine.errors import RegenspineError
from regenspine.registry.check_constraints import (
    CheckDifference,
    allowed_values,
    check_constraint_differences,
)
from regenspine.registry.database import Registry
from regenspine.registry.migrate import (
    current_revision,
    downgrade,
    head_revision,
    require_current,
    upgrade,
)
from regenspine.registry.models import INTERVENTION_KINDS, AuditEvent, Base

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


def test_check_constraints_allow_what_the_models_allow(registry: Registry) -> None:
    assert check_constraint_differences(registry.engine, Base.metadata) == []
    reflected = inspect(registry.engine).get_check_constraints("intervention")
    assert [allowed_values(found["sqltext"]) for found in reflected] == [
        frozenset(INTERVENTION_KINDS)
    ]


def _models_copy() -> MetaData:
    copy = MetaData(naming_convention=Base.metadata.naming_convention)
    for table in Base.metadata.sorted_tables:
        table.to_metadata(copy)
    return copy


def test_a_kind_added_to_a_model_vocabulary_is_reported(registry: Registry) -> None:
    models = _models_copy()
    intervention = models.tables["intervention"]
    kinds = next(c for c in intervention.constraints if isinstance(c, CheckConstraint))
    intervention.constraints.remove(kinds)
    widened = (*INTERVENTION_KINDS[1:], "acupuncture")
    intervention.append_constraint(CheckConstraint(column("kind", String).in_(widened), kinds.name))
    differences = check_constraint_differences(registry.engine, models)
    assert differences == [
        CheckDifference(
            "intervention",
            "ck_intervention_intervention_kind",
            only_in_models=frozenset({"acupuncture"}),
            only_in_database=frozenset({"decompression"}),
        )
    ]
    assert str(differences[0]) == (
        "intervention.ck_intervention_intervention_kind allows different values: "
        "only the models allow acupuncture; only the database allows decompression"
    )


def test_a_new_or_changed_range_check_is_reported(registry: Registry) -> None:
    models = _models_copy()
    adverse_event = models.tables["adverse_event"]
    grade = next(c for c in adverse_event.constraints if c.name == "ck_adverse_event_ctcae_grade")
    adverse_event.constraints.remove(grade)
    adverse_event.append_constraint(CheckConstraint("grade BETWEEN 1 AND 4", name="ctcae_grade"))
    episode = models.tables["episode"]
    episode.append_constraint(CheckConstraint("id > 0", name="positive_id"))
    assert [str(found) for found in check_constraint_differences(registry.engine, models)] == [
        "adverse_event.ck_adverse_event_ctcae_grade allows different values: "
        "only the models allow 4; only the database allows 5",
        "episode.ck_episode_positive_id is missing",
    ]


@pytest.mark.parametrize(
    ("sqltext", "values"),
    [
        ("kind IN ('a', 'b''s')", {"a", "b's"}),
        (
            "kind::text = ANY (ARRAY['a'::character varying, 'b'::character varying]::text[])",
            {"a", "b"},
        ),
        ("grade >= 1 AND grade <= 5", {"1", "5"}),
        ("score_2 BETWEEN -1.5 AND 10", {"-1.5", "10"}),
    ],
)
def test_allowed_values_read_both_engines_spellings(sqltext: str, values: set[str]) -> None:
    assert allowed_values(sqltext) == values


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
