"""Patient self-report: a one-time, expiring link per due follow-up, answered on a phone."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from datetime import datetime, timedelta

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from regenspine.care import questionnaires_for
from regenspine.errors import Conflict, Gone, InvalidInput, NotFound
from regenspine.registry.access import Permission, require
from regenspine.registry.models import Episode, FollowUp, Procedure, SelfReportLink, User
from regenspine.registry.services.audit import record_audit
from regenspine.registry.services.followups import RecordedAssessment, store_assessment
from regenspine.registry.storage_limits import check_record_number

# 32 random bytes: unguessable, so a plain SHA-256 (not a slow password hash) protects it at rest.
TOKEN_BYTES = 32


class SelfReportInvite(BaseModel):
    """A new link; its token is shown once (e-mail or coordinator), then kept only as a hash."""

    link_id: int
    token: str
    path: str
    registry_key: str
    timepoint: str
    instruments: list[str]
    expires_at: datetime


def link_url(base_url: str, path: str) -> str:
    """The address a patient opens: the app's public address followed by the link's path."""
    return base_url.rstrip("/") + path


class SelfReportVisit(BaseModel):
    """What a valid link opens: which visit and which questionnaires to answer."""

    link_id: int
    timepoint: str
    instruments: list[str]
    expires_at: datetime


def token_hash(token: str) -> str:
    """The stored form of a link or API token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_self_report_link(
    session: Session, actor: User, follow_up_id: int, now: datetime, lifetime_hours: int
) -> SelfReportInvite:
    """Make a one-time link for a follow-up that has not been answered yet."""
    require(actor, Permission.record_assessments)
    follow_up, episode = _follow_up_and_episode(session, follow_up_id)
    if follow_up.completed_on is not None:
        raise Conflict(f"follow_up: visit {follow_up_id} was already completed")
    if episode.status != "open":
        raise Conflict(f"follow_up: episode {episode.id} is closed")
    token = secrets.token_urlsafe(TOKEN_BYTES)
    link = SelfReportLink(
        token_hash=token_hash(token),
        follow_up_id=follow_up.id,
        instruments=list(questionnaires_for(episode.region, follow_up.timepoint)),
        created_by=actor.id,
        expires_at=now + timedelta(hours=lifetime_hours),
    )
    session.add(link)
    session.flush()
    record_audit(
        session,
        actor,
        "create",
        "self_report_link",
        link.id,
        "self-report link",
        {"follow_up": follow_up.id},
    )
    return SelfReportInvite(
        link_id=link.id,
        token=token,
        path=f"/r/{token}",
        registry_key=episode.patient.registry_key,
        timepoint=follow_up.timepoint,
        instruments=list(link.instruments),
        expires_at=link.expires_at,
    )


def _follow_up_and_episode(session: Session, follow_up_id: int) -> tuple[FollowUp, Episode]:
    check_record_number("follow_up", follow_up_id)
    row = session.execute(
        select(FollowUp, Episode)
        .join(Procedure, FollowUp.procedure_id == Procedure.id)
        .join(Episode, Procedure.episode_id == Episode.id)
        .where(FollowUp.id == follow_up_id)
    ).first()
    if row is None:
        raise NotFound(f"follow_up: no follow-up visit {follow_up_id}")
    return row[0], row[1]


def _usable_link(session: Session, token: str, now: datetime) -> SelfReportLink:
    link = session.scalar(
        select(SelfReportLink).where(SelfReportLink.token_hash == token_hash(token))
    )
    if link is None:
        raise Gone("link: this link is not valid; ask your clinic for a new one", "unknown")
    if link.used_at is not None:
        raise Gone("link: these answers were already sent; thank you", "used")
    if link.expires_at <= now:
        raise Gone("link: this link has expired; ask your clinic for a new one", "expired")
    # A re-sent link leaves the earlier ones valid; once any of them is answered, all are spent,
    # so one visit never gets its questionnaires twice.
    answered = session.scalar(
        select(SelfReportLink.id).where(
            SelfReportLink.follow_up_id == link.follow_up_id,
            SelfReportLink.used_at.is_not(None),
        )
    )
    if answered is not None:
        raise Gone("link: the answers for this visit were already sent; thank you", "used")
    return link


def open_self_report(session: Session, token: str, now: datetime) -> SelfReportVisit:
    """The questionnaires a valid link asks for; Gone when it is unknown, used or expired."""
    link = _usable_link(session, token, now)
    follow_up, _ = _follow_up_and_episode(session, link.follow_up_id)
    return SelfReportVisit(
        link_id=link.id,
        timepoint=follow_up.timepoint,
        instruments=list(link.instruments),
        expires_at=link.expires_at,
    )


def submit_self_report(
    session: Session, token: str, answers: Mapping[str, object], now: datetime
) -> list[RecordedAssessment]:
    """Store every questionnaire of the link at once and use the link up; all or nothing."""
    link = _usable_link(session, token, now)
    follow_up, episode = _follow_up_and_episode(session, link.follow_up_id)
    unknown = sorted(set(answers) - set(link.instruments))
    if unknown:
        raise InvalidInput(unknown[0], "not asked for by this link", link.instruments)
    missing = [instrument for instrument in link.instruments if instrument not in answers]
    if missing:
        raise InvalidInput(missing[0], "answers missing", "answers for every questionnaire")
    stored = []
    for instrument in link.instruments:
        raw = answers[instrument]
        if not isinstance(raw, str | list | tuple):
            raise InvalidInput(instrument, "answers must be a list", "a list of whole numbers")
        stored.append(
            store_assessment(session, episode, instrument, raw, follow_up.timepoint, now.date())
        )
    link.used_at = now
    record_audit(
        session,
        None,
        "create",
        "assessment",
        None,
        f"self-report link {link.id}",
        {"assessments": [item.assessment_id for item in stored]},
    )
    return stored
