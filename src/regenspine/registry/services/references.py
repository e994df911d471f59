"""Which episode a JSON record belongs to: given by number, or the patient's open episode."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from regenspine.errors import InvalidInput
from regenspine.registry.models import Episode
from regenspine.registry.services.episodes import current_episode, find_episode
from regenspine.registry.storage_limits import check_record_number


def resolve_episode(session: Session, data: object, what: str) -> tuple[Episode, dict[str, Any]]:
    """The episode a record names (`episode` number, else `patient` key) and the rest of it."""
    if not isinstance(data, Mapping):
        raise InvalidInput(what, "must be a JSON object")
    record = dict(data)
    episode_id = record.pop("episode", None)
    patient = record.pop("patient", None)
    if patient is not None and not isinstance(patient, str):
        raise InvalidInput(f"{what}.patient", "must be a registry key", "e.g. RS-7F3K9Q2M")
    if episode_id is None:
        if patient is None:
            raise InvalidInput(
                f"{what}.patient", "say whose record this is", ["patient", "episode"]
            )
        return current_episode(session, patient), record
    if isinstance(episode_id, bool) or not isinstance(episode_id, int):
        raise InvalidInput(f"{what}.episode", "must be an episode number", "a whole number")
    check_record_number(f"{what}.episode", episode_id)
    episode = find_episode(session, episode_id)
    if patient is not None and episode.patient.registry_key != patient.strip().upper():
        raise InvalidInput(f"{what}.episode", f"episode {episode_id} belongs to another patient")
    return episode, record
