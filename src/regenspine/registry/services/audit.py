"""Writing and reading the audit trail (append-only: the database refuses changes)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from regenspine.registry.access import Permission, require
from regenspine.registry.models import AuditEvent, User


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


def audit_trail(
    session: Session, actor: User, *, entity: str | None = None, limit: int = 200
) -> list[AuditEvent]:
    """The newest audit events first, optionally for one kind of record (admins only)."""
    require(actor, Permission.view_audit)
    query = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
    if entity is not None:
        query = query.where(AuditEvent.entity == entity)
    return list(session.scalars(query))
