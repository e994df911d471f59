"""The web edge of the registry: one transaction per request, owned by the request.

The session is committed when the route has returned and before the response leaves, so a
clash found at commit time is still reported as an error, never as a success. Any error rolls
everything back; so does a route that shows a form again with its problems (`keep_nothing`).
A value the database cannot hold is refused by the registry's transaction itself, as bad input.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from regenspine.registry.database import Registry

DISCARD_FLAG = "registry_discard"


def registry_of(request: Request) -> Registry:
    """The app's registry, built by the app factory."""
    registry: Registry = request.app.state.registry
    return registry


def request_session(request: Request) -> Iterator[Session]:
    """A session for this request: committed on success, rolled back on error or when asked."""
    with registry_of(request).transaction() as session:
        yield session
        if getattr(request.state, DISCARD_FLAG, False):
            session.rollback()


def keep_nothing(request: Request) -> None:
    """Roll this request's transaction back even though the route answers normally."""
    setattr(request.state, DISCARD_FLAG, True)


# "function" scope: the code after `yield` (the commit) runs before the response is sent.
DbSession = Annotated[Session, Depends(request_session, scope="function")]
