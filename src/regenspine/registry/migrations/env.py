"""Alembic environment: the engine comes from the caller (regenspine.registry.migrate)."""

from __future__ import annotations

from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy import Connection

from regenspine.registry.database import build_engine
from regenspine.registry.models import Base
from regenspine.registry.models.base import UtcDateTime

config = context.config


def run_migrations() -> None:
    """Run migrations on the connection handed over, or on an engine built from the URL."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = build_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.begin() as new_connection:
        _run(new_connection)
    engine.dispose()


def _render_item(kind: str, item: Any, autogen_context: AutogenContext) -> str | Literal[False]:
    # Migrations spell plain SQLAlchemy types, so they never import application code.
    if kind == "type" and isinstance(item, UtcDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _run(connection: Connection) -> None:
    # Batch mode rewrites tables on SQLite, which cannot ALTER most constraints in place.
    context.configure(
        connection=connection,
        # A caller may compare other models (a test's copy); the registry's by default.
        target_metadata=config.attributes.get("target_metadata", Base.metadata),
        render_as_batch=True,
        compare_type=True,
        render_item=_render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
