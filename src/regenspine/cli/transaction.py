"""The CLI edge of the registry: one transaction per command, run as a named user."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from sqlalchemy.orm import Session

from regenspine.config import get_settings
from regenspine.errors import InvalidInput
from regenspine.registry.database import Registry
from regenspine.registry.migrate import require_current
from regenspine.registry.models import User
from regenspine.registry.services.users import find_user

# Every registry command says who runs it; the audit trail records that name.
UserOption = Annotated[
    str | None,
    typer.Option(
        "--user",
        envvar="REGENSPINE_USER",
        help="Your registry username (or set REGENSPINE_USER).",
        show_envvar=True,
    ),
]
ReasonOption = Annotated[
    str | None,
    typer.Option("--reason", help="Why you are doing this; kept in the audit trail."),
]


@contextmanager
def open_registry() -> Iterator[Registry]:
    """The configured registry database, checked to be at the newest migration."""
    registry = Registry.from_settings(get_settings())
    try:
        require_current(registry.engine)
        yield registry
    finally:
        registry.dispose()


def acting_user(session: Session, username: str | None) -> User:
    """The user named by --user or REGENSPINE_USER."""
    if not username:
        raise InvalidInput("--user", "say who you are", "a registry username, or REGENSPINE_USER")
    return find_user(session, username)


@contextmanager
def registry_transaction(username: str | None) -> Iterator[tuple[Session, User]]:
    """A session and the acting user; everything commits together at the end, or nothing."""
    with open_registry() as registry, registry.transaction() as session:
        yield session, acting_user(session, username)
