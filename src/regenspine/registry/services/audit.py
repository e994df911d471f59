"""Writing and reading the audit trail (append-only: the database refuses changes)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from regenspine.input_problems import FieldProblem, parse_as
from regenspine.registry.access import Permission, require
from regenspine.registry.models import AuditEvent, User
from regenspine.registry.models.access import AuditAction


def record_audit(
    session: Session,
    actor: User | None,
    action: str,
    entity: str,
    entity_id: object | None,
    reason: str,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add an audit event to the current transaction: it lands with the change or not at all."""
    event = AuditEvent(
        user_id=actor.id if actor else None,
        username=actor.username if actor else "system",
        action=action,
        entity=entity,
        entity_id=None if entity_id is None else str(entity_id),
        reason=reason,
        details=details or {},
    )
    session.add(event)
    return event


MAX_PAGE = 1_000  # the most events one page (or one CLI call) shows
DEFAULT_PAGE = 50


class AuditQuery(BaseModel):
    """Which audit events to show: filters, and the keyset cursor (`before`: ids below it)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    username: str | None = Field(default=None, min_length=1, max_length=60)
    action: AuditAction | None = None
    entity: str | None = Field(default=None, min_length=1, max_length=40)
    entity_id: str | None = Field(default=None, min_length=1, max_length=40)
    since: dt.date | None = None
    until: dt.date | None = None
    before: int | None = Field(default=None, ge=1)
    limit: int = Field(default=DEFAULT_PAGE, ge=1, le=MAX_PAGE)

    @model_validator(mode="after")
    def _range_in_order(self) -> AuditQuery:
        if self.since and self.until and self.until < self.since:
            raise FieldProblem(("until",), "is before the first day", f"{self.since} or later")
        return self


class AuditPage(BaseModel):
    """One page of events, newest first, and the cursor of the next (older) page if any."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    events: list[AuditEvent]
    older: int | None


def audit_query(data: dict[str, Any]) -> AuditQuery:
    """The filters as given by a face, validated; InvalidInput names the field at fault."""
    return parse_as(AuditQuery, {k: v for k, v in data.items() if v not in (None, "")})


def audit_trail(
    session: Session, actor: User, *, entity: str | None = None, limit: int = 200
) -> list[AuditEvent]:
    """The newest audit events first, optionally for one kind of record (admins only)."""
    return audit_page(session, actor, AuditQuery(entity=entity, limit=limit)).events


def audit_page(session: Session, actor: User, query: AuditQuery) -> AuditPage:
    """The newest audit events first that match the filters, one page at a time (admins only).

    Paged by id (keyset), not by offset: a page costs the same however far back it is, and
    events added meanwhile never shift the older pages."""
    require(actor, Permission.view_audit)
    conditions: list[ColumnElement[bool]] = []
    if query.username is not None:
        conditions.append(AuditEvent.username == query.username)
    if query.action is not None:
        conditions.append(AuditEvent.action == query.action)
    if query.entity is not None:
        conditions.append(AuditEvent.entity == query.entity)
    if query.entity_id is not None:
        conditions.append(AuditEvent.entity_id == query.entity_id)
    if query.since is not None:
        conditions.append(AuditEvent.occurred_at >= _midnight(query.since))
    if query.until is not None:
        conditions.append(AuditEvent.occurred_at < _midnight(query.until + dt.timedelta(days=1)))
    if query.before is not None:
        conditions.append(AuditEvent.id < query.before)
    statement = select(AuditEvent).where(*conditions).order_by(AuditEvent.id.desc())
    found = list(session.scalars(statement.limit(query.limit + 1)))
    events = found[: query.limit]
    return AuditPage(events=events, older=events[-1].id if len(found) > query.limit else None)


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)


def compact_details(details: dict[str, Any], most: int = 3, width: int = 160) -> str:
    """An event's details in one short line: long lists are counted, not spelled out (a list
    view's event would otherwise print every key it showed)."""
    shown = {
        key: (f"{len(value)} items" if isinstance(value, list) and len(value) > most else value)
        for key, value in details.items()
    }
    line = json.dumps(shown, ensure_ascii=False, default=str)
    return line if len(line) <= width else line[: width - 1] + "…"
