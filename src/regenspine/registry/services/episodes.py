"""Episodes of care, and what is recorded on them before treatment: screening and consent."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from regenspine.decision_aid.profile import parse_profile
from regenspine.decision_aid.screening import screen_candidate
from regenspine.errors import Conflict, InvalidInput, NotFound
from regenspine.input_problems import parse_as
from regenspine.registry.access import Permission, require
from regenspine.registry.entries import ConsentInput, EpisodeInput
from regenspine.registry.models import Consent, Episode, Screening, User
from regenspine.registry.rows import consent_columns, episode_columns, screening_columns
from regenspine.registry.services.audit import record_audit
from regenspine.registry.services.patients import find_patient
from regenspine.registry.storage_limits import check_record_number


def open_episode(
    session: Session, actor: User, registry_key: str, data: object, reason: str
) -> Episode:
    """Start an episode of care for the patient."""
    require(actor, Permission.register_patients)
    patient = find_patient(session, registry_key)
    entered = parse_as(EpisodeInput, data, "episode")
    episode = Episode(**episode_columns(entered, patient_id=patient.id))
    session.add(episode)
    session.flush()
    record_audit(
        session, actor, "create", "episode", episode.id, reason, {"patient": patient.registry_key}
    )
    return episode


def find_episode(session: Session, episode_id: int) -> Episode:
    """The episode with this number, or NotFound."""
    check_record_number("episode", episode_id)
    episode = session.get(Episode, episode_id)
    if episode is None:
        raise NotFound(f"episode: no episode {episode_id}")
    return episode


def current_episode(session: Session, registry_key: str) -> Episode:
    """The patient's newest open episode, which new records attach to by default."""
    patient = find_patient(session, registry_key)
    episode = session.scalar(
        select(Episode)
        .where(Episode.patient_id == patient.id, Episode.status == "open")
        .order_by(Episode.started_on.desc(), Episode.id.desc())
    )
    if episode is None:
        raise NotFound(
            f"episode: patient {patient.registry_key} has no open episode "
            "(start one with `regenspine episodes add`)"
        )
    return episode


def list_episodes(session: Session, actor: User, registry_key: str) -> list[Episode]:
    """The patient's episodes, oldest first."""
    require(actor, Permission.read_deidentified)
    return list(find_patient(session, registry_key).episodes)


def close_episode(
    session: Session, actor: User, episode_id: int, closed_on: date, reason: str
) -> Episode:
    """Close an episode (follow-up complete, withdrawn or lost)."""
    require(actor, Permission.register_patients)
    episode = find_episode(session, episode_id)
    if episode.status == "closed":
        raise Conflict(f"episode: episode {episode_id} is already closed")
    if closed_on < episode.started_on:
        raise InvalidInput("closed_on", "is before the episode started", f">= {episode.started_on}")
    episode.status, episode.closed_on = "closed", closed_on
    record_audit(session, actor, "update", "episode", episode.id, reason, {"status": "closed"})
    return episode


def record_screening(
    session: Session, actor: User, episode_id: int, profile: object, screened_on: date, reason: str
) -> Screening:
    """Run the decision-aid screening on a profile and store both input and result."""
    require(actor, Permission.record_screening)
    episode = find_episode(session, episode_id)
    checked = parse_profile(profile)
    result = screen_candidate(checked)
    screening = Screening(
        **screening_columns(checked, result, episode_id=episode.id, screened_on=screened_on)
    )
    session.add(screening)
    session.flush()
    record_audit(
        session,
        actor,
        "create",
        "screening",
        screening.id,
        reason,
        {"category": screening.category},
    )
    return screening


def record_consent(
    session: Session, actor: User, episode_id: int, data: object, reason: str
) -> Consent:
    """Record a consent decision on an episode."""
    require(actor, Permission.record_consent)
    episode = find_episode(session, episode_id)
    entered = parse_as(ConsentInput, data, "consent")
    consent = Consent(**consent_columns(entered, episode_id=episode.id))
    session.add(consent)
    session.flush()
    record_audit(session, actor, "create", "consent", consent.id, reason, {"kind": entered.kind})
    return consent
