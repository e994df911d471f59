"""Reaching patients: one-time self-report links, e-mail reminders, and API tokens for systems."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from regenspine.registry.models.base import Base, JsonValue, UtcDateTime, utc_now


class SelfReportLink(Base):
    """A one-time, expiring link a patient opens to answer a due follow-up's questionnaires."""

    __tablename__ = "self_report_link"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Only a hash of the token is stored: a database leak does not hand out working links.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    follow_up_id: Mapped[int] = mapped_column(
        ForeignKey("follow_up.id", ondelete="CASCADE"), index=True
    )
    instruments: Mapped[list[str]] = mapped_column(JsonValue)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class Reminder(Base):
    """A reminder e-mail sent for a follow-up; one per follow-up, so none goes out twice."""

    __tablename__ = "reminder"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    follow_up_id: Mapped[int] = mapped_column(
        ForeignKey("follow_up.id", ondelete="CASCADE"), unique=True
    )
    link_id: Mapped[int | None] = mapped_column(ForeignKey("self_report_link.id"))
    sent_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(Text)


class ApiToken(Base):
    """A bearer token for the JSON API, acting as its user; stored as a hash."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
