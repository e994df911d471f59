"""A cell-therapy procedure (harvest, processing, injection), its protocol checks and medicines."""

from __future__ import annotations

from datetime import date, datetime
from typing import get_args

from sqlalchemy import Boolean, Date, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from regenspine.care.procedure import CellSource, ImageGuidance, InjectionTarget, SpinalRegion
from regenspine.care.protocol import CheckOutcome
from regenspine.registry.models.base import (
    Base,
    JsonValue,
    UtcDateTime,
    closed_vocabulary,
    utc_now,
)


class Procedure(Base):
    """One procedure day: harvest, processing and image-guided injection, as recorded."""

    __tablename__ = "procedure"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    episode_id: Mapped[int] = mapped_column(
        ForeignKey("episode.id", ondelete="CASCADE"), index=True
    )
    performed_on: Mapped[date] = mapped_column(Date)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    # Harvest
    cell_source: Mapped[str] = mapped_column(closed_vocabulary("cell_source", get_args(CellSource)))
    harvest_site: Mapped[str | None] = mapped_column(String(120))
    harvest_volume_ml: Mapped[float | None] = mapped_column(Float)
    anaesthetic: Mapped[str | None] = mapped_column(String(120))
    product_name: Mapped[str | None] = mapped_column(String(120))
    lot_number: Mapped[str | None] = mapped_column(String(60))
    donor_screening_documented: Mapped[bool] = mapped_column(Boolean, default=False)
    # Processing (none for a ready-made donor product)
    processing_method: Mapped[str | None] = mapped_column(String(120))
    processing_device: Mapped[str | None] = mapped_column(String(120))
    processing_started_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    processing_ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    total_nucleated_cells_per_ml: Mapped[float | None] = mapped_column(Float)
    cfu_f_per_ml: Mapped[float | None] = mapped_column(Float)
    cd34_per_ml: Mapped[float | None] = mapped_column(Float)
    viability_percent: Mapped[float | None] = mapped_column(Float)
    # Injection
    region: Mapped[str] = mapped_column(closed_vocabulary("spinal_region", get_args(SpinalRegion)))
    levels: Mapped[list[str]] = mapped_column(JsonValue)
    image_guidance: Mapped[str] = mapped_column(
        closed_vocabulary("image_guidance", get_args(ImageGuidance))
    )
    injection_volume_ml: Mapped[float | None] = mapped_column(Float)
    cell_dose: Mapped[float | None] = mapped_column(Float)
    operator: Mapped[str] = mapped_column(String(120))

    targets: Mapped[list[InjectionTargetRow]] = relationship(
        cascade="all, delete-orphan", order_by="InjectionTargetRow.target"
    )
    checks: Mapped[list[ProtocolCheckRow]] = relationship(
        cascade="all, delete-orphan", order_by="ProtocolCheckRow.position"
    )


class InjectionTargetRow(Base):
    """One injection target of a procedure; a row each so analytics can group by target in SQL."""

    __tablename__ = "injection_target"

    procedure_id: Mapped[int] = mapped_column(
        ForeignKey("procedure.id", ondelete="CASCADE"), primary_key=True
    )
    target: Mapped[str] = mapped_column(
        closed_vocabulary("injection_target", get_args(InjectionTarget)), primary_key=True
    )


class ProtocolCheckRow(Base):
    """A protocol check as it ran when the procedure was saved, kept with its reason and sources."""

    __tablename__ = "protocol_check"

    procedure_id: Mapped[int] = mapped_column(
        ForeignKey("procedure.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    check_id: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(120))
    outcome: Mapped[str] = mapped_column(closed_vocabulary("check_outcome", get_args(CheckOutcome)))
    field: Mapped[str] = mapped_column(String(80))
    message: Mapped[str] = mapped_column(Text)
    sources: Mapped[list[str]] = mapped_column(JsonValue)
    evidence_level: Mapped[str] = mapped_column(String(40))


class MedicationNote(Base):
    """A medicine the patient takes or took, noted because NSAIDs matter around the injection."""

    __tablename__ = "medication_note"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    episode_id: Mapped[int] = mapped_column(
        ForeignKey("episode.id", ondelete="CASCADE"), index=True
    )
    drug: Mapped[str] = mapped_column(String(120))
    is_nsaid: Mapped[bool] = mapped_column(Boolean)
    started_on: Mapped[date] = mapped_column(Date)
    stopped_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
