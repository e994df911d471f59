"""Patients: register them with identifiers kept apart, list them identified or not."""

from __future__ import annotations

import secrets

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from regenspine.errors import Conflict, InvalidInput, NotFound, shown
from regenspine.input_problems import parse_as
from regenspine.registry.access import Permission, allows, require
from regenspine.registry.entries import IDENTIFYING_FIELDS, PatientInput
from regenspine.registry.models import Patient, PatientIdentity, User
from regenspine.registry.rows import identity_columns, patient_columns
from regenspine.registry.services.audit import record_audit
from regenspine.registry.storage_limits import NUL, refuse_nul_anywhere

# Crockford's base32 without I, L, O, U: easy to read aloud, no look-alike characters.
KEY_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_KEY_LENGTH = 8
# The longest key the registry_key column holds; a longer one cannot name anyone.
KEY_COLUMN_LENGTH = int(getattr(Patient.__table__.c.registry_key.type, "length", 0))


class PatientView(BaseModel):
    """A patient as shown: identifying fields only for roles allowed to see them."""

    registry_key: str
    site: str
    synthetic: bool
    episodes: int
    identity: dict[str, str | None] | None = None


def new_registry_key() -> str:
    """A random registry key such as RS-7F3K9Q2M (random, so it reveals nothing about anyone)."""
    return "RS-" + "".join(secrets.choice(KEY_ALPHABET) for _ in range(_KEY_LENGTH))


def add_patient(session: Session, actor: User, data: object, reason: str) -> Patient:
    """Register a patient from decoded JSON; identifiers go to their own table."""
    require(actor, Permission.register_patients)
    entered = parse_as(PatientInput, data, "patient")
    # Before the MRN is looked up: PostgreSQL refuses a NUL even in a query.
    refuse_nul_anywhere(entered.model_dump(mode="json"), "patient")
    if entered.mrn and session.scalar(
        select(PatientIdentity.patient_id).where(PatientIdentity.mrn == entered.mrn)
    ):
        # Never repeat the MRN: error lines end up in logs and terminals.
        raise Conflict("patient.mrn: a patient with this MRN is already registered")
    patient = Patient(
        **patient_columns(_unused_key(session), site=entered.site, synthetic=entered.synthetic)
    )
    patient.identity = PatientIdentity(**identity_columns(entered))
    session.add(patient)
    session.flush()
    record_audit(session, actor, "create", "patient", patient.registry_key, reason)
    return patient


def _unused_key(session: Session) -> str:
    for _ in range(10):
        key = new_registry_key()
        if session.scalar(select(Patient.id).where(Patient.registry_key == key)) is None:
            return key
    raise Conflict("patient: could not draw an unused registry key; try again")


def find_patient(session: Session, registry_key: str) -> Patient:
    """The patient with this registry key (case-insensitive), or NotFound."""
    key = registry_key.strip().upper()
    if NUL in key or len(key) > KEY_COLUMN_LENGTH:
        # No stored key looks like this (PostgreSQL would even refuse the NUL): no query.
        raise NotFound(f"patient: no patient with registry key {shown(registry_key)}")
    patient = session.scalar(select(Patient).where(Patient.registry_key == key))
    if patient is None:
        raise NotFound(f"patient: no patient with registry key {shown(registry_key)}")
    return patient


def list_patients(
    session: Session,
    actor: User,
    reason: str,
    *,
    identified: bool | None = None,
    site: str | None = None,
) -> list[PatientView]:
    """Patients in key order; identifiers when the role allows (None) or as asked, audited."""
    require(actor, Permission.read_deidentified)
    if identified is None:
        identified = allows(actor, Permission.read_identifying)
    if identified and not allows(actor, Permission.read_identifying):
        raise InvalidInput(
            "identified", f"role {actor.role} sees de-identified data only", ["false"]
        )
    query = (
        select(Patient)
        .options(selectinload(Patient.episodes), selectinload(Patient.identity))
        .order_by(Patient.registry_key)
    )
    if site is not None:
        query = query.where(Patient.site == site)
    patients = list(session.scalars(query))
    if identified and patients:
        record_audit(
            session,
            actor,
            "read_identifying",
            "patient",
            None,
            reason,
            {"patients": [patient.registry_key for patient in patients]},
        )
    return [_view(patient, identified) for patient in patients]


def _view(patient: Patient, identified: bool) -> PatientView:
    identity = None
    if identified and patient.identity is not None:
        identity = {field: _text(getattr(patient.identity, field)) for field in IDENTIFYING_FIELDS}
    return PatientView(
        registry_key=patient.registry_key,
        site=patient.site,
        synthetic=patient.synthetic,
        episodes=len(patient.episodes),
        identity=identity,
    )


def _text(value: object) -> str | None:
    return None if value is None else str(value)
