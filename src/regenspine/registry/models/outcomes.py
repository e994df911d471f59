"""Follow-up visits, PROM assessments, adverse events and later interventions."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal, get_args

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from regenspine.care.adverse_events import (
    AdverseEventOutcome,
    AdverseEventSite,
    CtcaeGrade,
    Relatedness,
)
from regenspine.registry.models.base import (
    Base,
    JsonValue,
    UtcDateTime,
    closed_vocabulary,
    utc_now,
)

InterventionKind = Literal[
    "decompression",
    "decompression_with_fusion",
    "epidural_steroid",
    "repeat_cell_injection",
    "other_surgery",
    "other",
]
INTERVENTION_KINDS: tuple[str, ...] = get_args(InterventionKind)
# Kinds that count as spine surgery when computing surgery-free survival.
SURGICAL_KINDS: frozenset[InterventionKind] = frozenset(
    {"decompression", "decompression_with_fusion", "other_surgery"}
)
CTCAE_GRADES: tuple[int, ...] = get_args(CtcaeGrade)


class FollowUp(Base):
    """A scheduled follow-up visit after a procedure, with its window."""

    __tablename__ = "follow_up"
    __table_args__ = (UniqueConstraint("procedure_id", "timepoint"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    procedure_id: Mapped[int] = mapped_column(
        ForeignKey("procedure.id", ondelete="CASCADE"), index=True
    )
    timepoint: Mapped[str] = mapped_column(String(12))
    due_on: Mapped[date] = mapped_column(Date, index=True)
    window_opens: Mapped[date] = mapped_column(Date)
    window_closes: Mapped[date] = mapped_column(Date)
    completed_on: Mapped[date | None] = mapped_column(Date)


class Assessment(Base):
    """One completed instrument: the answers as given and the score computed from them."""

    __tablename__ = "assessment"
    __table_args__ = (
        # One result per instrument and timepoint in an episode; a correction is an update.
        UniqueConstraint("episode_id", "instrument", "timepoint"),
        # Outcome analytics read every score with its baseline score: these two narrow indexes
        # hold all of it, by patient (pairs with the baseline) and by timepoint and instrument
        # (score counts aggregated while scanning, one timepoint's scores at a time), so a
        # report never reads the rows with their stored answers.
        Index("ix_assessment_scores", "episode_id", "instrument", "timepoint", "score"),
        Index("ix_assessment_levels", "timepoint", "instrument", "score", "episode_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    episode_id: Mapped[int] = mapped_column(
        ForeignKey("episode.id", ondelete="CASCADE"), index=True
    )
    follow_up_id: Mapped[int | None] = mapped_column(
        ForeignKey("follow_up.id", ondelete="SET NULL"), index=True
    )
    instrument: Mapped[str] = mapped_column(String(40), index=True)
    timepoint: Mapped[str] = mapped_column(String(12), index=True)
    assessed_on: Mapped[date] = mapped_column(Date)
    answers: Mapped[list[int | None]] = mapped_column(JsonValue)
    score: Mapped[float | None] = mapped_column(Float)
    subscales: Mapped[dict[str, Any] | None] = mapped_column(JsonValue)
    answered: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)


class AdverseEvent(Base):
    """A harm after harvest or injection, graded by CTCAE and judged serious by ICH E2A."""

    __tablename__ = "adverse_event"
    __table_args__ = (
        CheckConstraint(
            f"grade BETWEEN {min(CTCAE_GRADES)} AND {max(CTCAE_GRADES)}", name="ctcae_grade"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    episode_id: Mapped[int] = mapped_column(
        ForeignKey("episode.id", ondelete="CASCADE"), index=True
    )
    procedure_id: Mapped[int | None] = mapped_column(
        ForeignKey("procedure.id", ondelete="SET NULL"), index=True
    )
    description: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(40))
    site: Mapped[str] = mapped_column(
        closed_vocabulary("adverse_event_site", get_args(AdverseEventSite))
    )
    grade: Mapped[int] = mapped_column(Integer)
    serious: Mapped[bool] = mapped_column(Boolean)
    serious_criteria: Mapped[list[str]] = mapped_column(JsonValue)
    relatedness: Mapped[str] = mapped_column(
        closed_vocabulary("relatedness", get_args(Relatedness))
    )
    onset_on: Mapped[date] = mapped_column(Date)
    resolved_on: Mapped[date | None] = mapped_column(Date)
    outcome: Mapped[str] = mapped_column(
        closed_vocabulary("adverse_event_outcome", get_args(AdverseEventOutcome))
    )
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)


class Intervention(Base):
    """A later surgery or other treatment: what ends surgery-free survival."""

    __tablename__ = "intervention"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    episode_id: Mapped[int] = mapped_column(
        ForeignKey("episode.id", ondelete="CASCADE"), index=True
    )
    performed_on: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(closed_vocabulary("intervention_kind", INTERVENTION_KINDS))
    is_surgery: Mapped[bool] = mapped_column(Boolean)
    description: Mapped[str | None] = mapped_column(Text)
