"""Engines and sessions, built on demand from settings; the edge owns each transaction."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from regenspine.config import Settings
from regenspine.errors import Conflict
from regenspine.registry.storage_limits import refuse_unstorable_rows, storage_refusal

# Seconds a writer waits for another writer's lock before SQLite reports "database is locked".
SQLITE_BUSY_TIMEOUT_MS = 5000


def build_engine(url: str) -> Engine:
    """An engine for the URL; SQLite files get WAL, foreign keys and a busy timeout."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if parsed.get_backend_name() == "postgresql" and parsed.get_driver_name() in ("", "psycopg2"):
        # One driver for PostgreSQL: psycopg 3, whatever the URL's scheme says.
        parsed = parsed.set(drivername="postgresql+psycopg")
    return create_engine(parsed, pool_pre_ping=True)


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    # SQLite leaves foreign keys off unless asked, per connection; WAL lets readers and one
    # writer work side by side (the web app and a CLI command).
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()


class Registry:
    """One database: its engine and a session factory."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = build_engine(url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        # Every write, from any face, passes this check before the database sees it.
        event.listen(self.sessions, "before_flush", refuse_unstorable_rows)

    @classmethod
    def from_settings(cls, settings: Settings) -> Registry:
        """The registry the settings point at (the embedded SQLite file by default)."""
        return cls(settings.resolved_database_url())

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session whose work is committed together at the end, or rolled back on any error.

        What the database refuses is reported as a domain error without the statement or its
        parameters (they may hold a patient's identity): a clash is a Conflict, a value it
        cannot hold (or a date past the calendar) is bad input.
        """
        try:
            with self.sessions() as session, session.begin():
                yield session
        except IntegrityError as error:
            # Services check what they can first; this is the backstop for races between writers.
            message = f"database: the change clashes with stored data ({clash(error)})"
            raise Conflict(message) from None
        except (DataError, OverflowError):
            # The backstop for a value the row checks missed (in a query, say): bad input.
            raise storage_refusal() from None

    def dispose(self) -> None:
        """Close pooled connections (tests and short CLI runs)."""
        self.engine.dispose()


def clash(error: IntegrityError) -> str:
    """The database's first line about a clash: the constraint, never PostgreSQL's DETAIL
    line, which repeats the stored values (an MRN, a name)."""
    lines = str(error.orig).strip().splitlines()
    return lines[0] if lines else "constraint violated"
