"""Users with roles, and the append-only audit trail."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal, get_args

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from regenspine.registry.models.base import (
    Base,
    JsonValue,
    UtcDateTime,
    closed_vocabulary,
    utc_now,
)

Role = Literal["admin", "clinician", "coordinator", "researcher"]
AuditAction = Literal["create", "update", "delete", "read_identifying", "login", "export"]
ROLES: tuple[str, ...] = get_args(Role)
AUDIT_ACTIONS: tuple[str, ...] = get_args(AuditAction)


class User(Base):
    """Someone who signs in; the role decides what they may see and do."""

    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(60), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(closed_vocabulary("role", ROLES))
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)


class AuditEvent(Base):
    """Who did what, when and why; database triggers refuse updates and deletes."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), index=True)
    username: Mapped[str] = mapped_column(String(60))
    action: Mapped[str] = mapped_column(closed_vocabulary("audit_action", AUDIT_ACTIONS))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str | None] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(Text)
    details: Mapped[dict[str, Any]] = mapped_column(JsonValue, default=dict)
