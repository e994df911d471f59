"""Patients, their identifying details (kept apart), episodes of care, screenings and consents."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal, get_args

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from regenspine.care.procedure import StenosisRegion
from regenspine.decision_aid.profile import Severity
from regenspine.registry.models.base import (
    Base,
    JsonValue,
    UtcDateTime,
    closed_vocabulary,
    utc_now,
)

Sex = Literal["female", "male", "other", "unknown"]
EpisodeStatus = Literal["open", "closed"]
ConsentKind = Literal["treatment", "registry", "research_use", "contact"]

SEXES: tuple[str, ...] = get_args(Sex)
REGIONS: tuple[str, ...] = get_args(StenosisRegion)
SEVERITIES: tuple[str, ...] = get_args(Severity)
EPISODE_STATUSES: tuple[str, ...] = get_args(EpisodeStatus)
CONSENT_KINDS: tuple[str, ...] = get_args(ConsentKind)


class Patient(Base):
    """A registry entry; its key is random, never derived from who the person is."""

    __tablename__ = "patient"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # HIPAA 164.514(c): a re-identification code must not be derived from identifiers.
    registry_key: Mapped[str] = mapped_column(String(16), unique=True)
    site: Mapped[str] = mapped_column(String(40), default="main")
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)

    identity: Mapped[PatientIdentity | None] = relationship(
        back_populates="patient", uselist=False, cascade="all, delete-orphan"
    )
    episodes: Mapped[list[Episode]] = relationship(
        back_populates="patient", order_by="Episode.id", cascade="all, delete-orphan"
    )


class PatientIdentity(Base):
    """The identifying fields, in their own table so research exports can leave it out."""

    __tablename__ = "patient_identity"

    patient_id: Mapped[int] = mapped_column(
        ForeignKey("patient.id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(200))
    birth_date: Mapped[date] = mapped_column(Date)
    sex: Mapped[str] = mapped_column(closed_vocabulary("sex", SEXES))
    zip: Mapped[str | None] = mapped_column(String(10))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    mrn: Mapped[str | None] = mapped_column(String(40), unique=True)

    patient: Mapped[Patient] = relationship(back_populates="identity")


class Episode(Base):
    """One episode of care: a condition treated from screening to the last follow-up."""

    __tablename__ = "episode"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = mapped_column(
        ForeignKey("patient.id", ondelete="CASCADE"), index=True
    )
    region: Mapped[str] = mapped_column(closed_vocabulary("region", REGIONS))
    severity: Mapped[str | None] = mapped_column(closed_vocabulary("severity", SEVERITIES))
    diagnosis_code: Mapped[str | None] = mapped_column(String(12))
    started_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(
        closed_vocabulary("episode_status", EPISODE_STATUSES), default="open"
    )
    closed_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)

    patient: Mapped[Patient] = relationship(back_populates="episodes")


class Screening(Base):
    """A decision-aid screening: the profile as entered and the result as it was shown."""

    __tablename__ = "screening"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    episode_id: Mapped[int] = mapped_column(
        ForeignKey("episode.id", ondelete="CASCADE"), index=True
    )
    screened_on: Mapped[date] = mapped_column(Date)
    category: Mapped[str] = mapped_column(String(40))
    profile: Mapped[dict[str, Any]] = mapped_column(JsonValue)
    result: Mapped[dict[str, Any]] = mapped_column(JsonValue)


class Consent(Base):
    """A consent given (or refused) for treatment, registry entry, research use or contact."""

    __tablename__ = "consent"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    episode_id: Mapped[int] = mapped_column(
        ForeignKey("episode.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(closed_vocabulary("consent_kind", CONSENT_KINDS))
    given: Mapped[bool] = mapped_column(Boolean)
    form_version: Mapped[str | None] = mapped_column(String(40))
    recorded_on: Mapped[date] = mapped_column(Date)
    withdrawn_on: Mapped[date | None] = mapped_column(Date)
