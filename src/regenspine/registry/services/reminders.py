"""Reminder e-mails for due follow-ups, each with its own self-report link, never sent twice."""

from __future__ import annotations

import smtplib
from datetime import datetime
from email.message import EmailMessage
from typing import Protocol

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from regenspine.config import Settings
from regenspine.registry.access import Permission, require
from regenspine.registry.models import Episode, FollowUp, PatientIdentity, Procedure, Reminder, User
from regenspine.registry.services.audit import record_audit
from regenspine.registry.services.followups import DueFollowUp, due_follow_ups
from regenspine.registry.services.selfreport import create_self_report_link, link_url


class Mailer(Protocol):
    """Something that delivers an e-mail message."""

    def send(self, message: EmailMessage) -> None:
        """Deliver the message or raise."""


class SmtpMailer:
    """Delivers through the SMTP server named in the settings."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def send(self, message: EmailMessage) -> None:
        """Open a connection, upgrade to TLS and log in when configured, send, close."""
        settings = self.settings
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=30) as smtp:
            if settings.smtp_starttls:
                smtp.starttls()
            if settings.smtp_username:
                smtp.login(settings.smtp_username, settings.smtp_password or "")
            smtp.send_message(message)


class ReminderOutcome(BaseModel):
    """What happened to one due follow-up: sent, or skipped and why."""

    follow_up_id: int
    registry_key: str
    timepoint: str
    sent: bool
    detail: str


def follow_ups_to_remind(
    session: Session, actor: User, today: datetime, within_days: int
) -> list[DueFollowUp]:
    """Due follow-ups that have had no reminder yet."""
    require(actor, Permission.record_assessments)
    reminded = set(session.scalars(select(Reminder.follow_up_id)))
    due = due_follow_ups(session, actor, today.date(), within_days)
    return [visit for visit in due if visit.follow_up_id not in reminded]


def remind(
    session: Session,
    actor: User,
    visit: DueFollowUp,
    mailer: Mailer,
    settings: Settings,
    now: datetime,
    base_url: str,
) -> ReminderOutcome:
    """Record and send one reminder with a link on `base_url`; the caller commits right after."""
    require(actor, Permission.record_assessments)
    email = _email_for(session, visit.follow_up_id)
    if not email:
        return ReminderOutcome(
            **_ids(visit), sent=False, detail="no e-mail address on record; call instead"
        )
    invite = create_self_report_link(
        session, actor, visit.follow_up_id, now, settings.self_report_link_hours
    )
    subject = f"Your {visit.timepoint} follow-up questionnaires"
    # The row goes in first: its unique follow-up id stops a second sender racing this one.
    session.add(
        Reminder(
            follow_up_id=visit.follow_up_id,
            link_id=invite.link_id,
            recipient=email,
            subject=subject,
        )
    )
    session.flush()
    record_audit(
        session,
        actor,
        "create",
        "reminder",
        visit.follow_up_id,
        "follow-up reminder",
        {"timepoint": visit.timepoint},
    )
    url = link_url(base_url, invite.path)
    mailer.send(_message(settings, email, subject, url, invite.expires_at))
    return ReminderOutcome(**_ids(visit), sent=True, detail=f"sent to {email}")


def _ids(visit: DueFollowUp) -> dict[str, object]:
    return {
        "follow_up_id": visit.follow_up_id,
        "registry_key": visit.registry_key,
        "timepoint": visit.timepoint,
    }


def _email_for(session: Session, follow_up_id: int) -> str | None:
    return session.scalar(
        select(PatientIdentity.email)
        .join(Episode, Episode.patient_id == PatientIdentity.patient_id)
        .join(Procedure, Procedure.episode_id == Episode.id)
        .join(FollowUp, FollowUp.procedure_id == Procedure.id)
        .where(FollowUp.id == follow_up_id)
    )


def _message(
    settings: Settings, recipient: str, subject: str, url: str, expires: datetime
) -> EmailMessage:
    # No health details in the e-mail: only that questionnaires are waiting, and the link.
    message = EmailMessage()
    message["From"] = settings.smtp_sender
    message["To"] = recipient
    message["Subject"] = subject
    message.set_content(
        "Hello,\n\n"
        "Your clinic asks you to answer a few short questionnaires about your back or neck.\n"
        f"Open this link on your phone or computer (it works once, until "
        f"{expires:%d %B %Y %H:%M} UTC):\n\n{url}\n\n"
        "If you did not expect this e-mail, you can ignore it.\n"
    )
    return message
