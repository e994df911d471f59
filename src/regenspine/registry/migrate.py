"""Database migrations: upgrade to head, and refuse to work on a database that is behind."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from regenspine.errors import RegenspineError

MIGRATIONS = Path(__file__).parent / "migrations"


class DatabaseNotReady(RegenspineError):
    """The database has no registry tables yet, or an older version of them."""

    status = 503


def alembic_config(engine: Engine, versions: Path | None = None) -> Config:
    """An Alembic configuration that runs the package's migrations on this engine (from
    another folder of revision files when given one)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if versions is not None:
        # One folder, split on the platform's path separator (a space in a path is kept).
        config.set_main_option("path_separator", "os")
        config.set_main_option("version_locations", str(versions))
    config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return config


def head_revision(engine: Engine) -> str:
    """The newest migration shipped with this version of regenspine."""
    head = ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
    if head is None:
        raise RuntimeError("the package ships no migration: the install is broken")
    return head


def current_revision(engine: Engine) -> str | None:
    """The migration the database is at, or None for an empty database."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(
    engine: Engine, revision: str = "head", versions: Path | None = None
) -> tuple[str | None, str]:
    """Migrate the database to a revision (head by default); returns (before, after)."""
    before = current_revision(engine)
    config = alembic_config(engine, versions)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
    return before, current_revision(engine) or ""


def downgrade(engine: Engine, revision: str, versions: Path | None = None) -> None:
    """Migrate the database down to a revision ("base" empties it)."""
    config = alembic_config(engine, versions)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def require_current(engine: Engine) -> None:
    """Stop with a clear message unless the database is at the newest migration."""
    current = current_revision(engine)
    if current == head_revision(engine):
        return
    state = "has no registry tables yet" if current is None else f"is at revision {current}"
    raise DatabaseNotReady(
        f"database: the registry database {state}; run `regenspine db upgrade` first"
    )
