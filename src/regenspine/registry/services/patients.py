"""Patients: register them with identifiers kept apart; find them a page at a time."""

from __future__ import annotations

import base64
import json
import re
import secrets
from collections.abc import Mapping
from datetime import date
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from regenspine.care.procedure import StenosisRegion
from regenspine.errors import Conflict, InvalidInput, NotFound, shown
from regenspine.input_problems import parse_as
from regenspine.registry.access import Permission, allows, require
from regenspine.registry.entries import IDENTIFYING_FIELDS, PatientInput
from regenspine.registry.models import (
    Episode,
    EpisodeStatus,
    FollowUp,
    Patient,
    PatientIdentity,
    Procedure,
    User,
)
from regenspine.registry.rows import identity_columns, patient_columns
from regenspine.registry.services.audit import record_audit
from regenspine.registry.storage_limits import MAX_INTEGER, NUL, refuse_nul_anywhere

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


PatientSort = Literal["registry_key", "name", "newest"]
FollowUpState = Literal["due", "overdue"]
PATIENT_SORTS: tuple[str, ...] = get_args(PatientSort)
FOLLOW_UP_STATES: tuple[str, ...] = get_args(FollowUpState)
# Sorts that read the identity table: only for lists that show identities.
IDENTITY_SORTS = frozenset({"name"})
DEFAULT_LIMIT = 50
MAX_LIMIT = 200
_BIRTH_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class PatientQuery(BaseModel):
    """What a patient list asks for: search text, filters, sort, page size and where to go on."""

    model_config = ConfigDict(extra="forbid")

    q: str | None = Field(default=None, max_length=200)
    site: str | None = Field(default=None, max_length=40)
    region: StenosisRegion | None = None
    status: EpisodeStatus | None = None
    follow_up: FollowUpState | None = None
    sort: PatientSort = "registry_key"
    limit: int = Field(default=DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    cursor: str | None = Field(default=None, max_length=400)
    identified: bool | None = None


class PatientPage(BaseModel):
    """One page of patients and the cursor of the next page (None on the last page)."""

    items: list[PatientView]
    next_cursor: str | None
    identified: bool


def patient_query(data: Mapping[str, object]) -> PatientQuery:
    """A PatientQuery from decoded input; empty values mean "not given", problems name the field."""
    given = {name: value for name, value in data.items() if value not in (None, "")}
    refuse_nul_anywhere(dict(given))
    return parse_as(PatientQuery, given)


def find_patients(
    session: Session, actor: User, query: PatientQuery, reason: str, *, today: date
) -> PatientPage:
    """A page of patients by the query; identities only for roles allowed (audited)."""
    require(actor, Permission.read_deidentified)
    identified = query.identified
    if identified is None:
        identified = allows(actor, Permission.read_identifying)
    if identified and not allows(actor, Permission.read_identifying):
        raise InvalidInput(
            "identified", f"role {actor.role} sees de-identified data only", ["false"]
        )
    if query.sort in IDENTITY_SORTS and not identified:
        raise InvalidInput(
            "sort",
            "sorting by name needs a list that shows names",
            [sort for sort in PATIENT_SORTS if sort not in IDENTITY_SORTS],
        )
    sort_key = _SORT_KEYS[query.sort]
    after = _read_cursor(query.cursor, query.sort) if query.cursor else None
    episodes = (
        select(func.count(Episode.id)).where(Episode.patient_id == Patient.id).scalar_subquery()
    )
    identity_columns_shown = [getattr(PatientIdentity, name) for name in IDENTIFYING_FIELDS]
    statement = (
        select(
            Patient.id,
            Patient.registry_key,
            Patient.site,
            Patient.synthetic,
            episodes.label("episodes"),
            sort_key.value.label("sort_value"),
            *(identity_columns_shown if identified else ()),
        )
        .select_from(Patient)
        .where(*_conditions(query, identified, today))
    )
    if identified:
        # A de-identified list never reads the identity table, not even to search it.
        statement = statement.outerjoin(PatientIdentity, PatientIdentity.patient_id == Patient.id)
    if after is not None:
        statement = statement.where(sort_key.after(after))
    statement = statement.order_by(*sort_key.order).limit(query.limit + 1)
    rows = session.execute(statement).all()
    more = len(rows) > query.limit
    rows = rows[: query.limit]
    items = [_row_view(row, identified) for row in rows]
    if identified and items:
        record_audit(
            session,
            actor,
            "read_identifying",
            "patient",
            None,
            reason,
            {"patients": [item.registry_key for item in items]},
        )
    next_cursor = _write_cursor(query.sort, rows[-1].sort_value, rows[-1].id) if more else None
    return PatientPage(items=items, next_cursor=next_cursor, identified=identified)


class _SortKey:
    """A sort as SQL: the value sorted on, the order, and "after this row" for keyset paging."""

    def __init__(self, value: Any, descending: bool, unique: bool = False) -> None:
        self.value = value
        self.descending = descending
        self.unique = unique
        # The patient id breaks ties, so every row has one place in the order; a unique value
        # needs none, and without it the database reads the value's own index in order.
        tiebreak = () if unique else (Patient.id,)
        columns = (value, *tiebreak)
        self.order = tuple(column.desc() if descending else column.asc() for column in columns)

    def after(self, position: tuple[Any, int]) -> Any:
        value, patient_id = position
        if self.unique:
            return self.value < value if self.descending else self.value > value
        if self.descending:
            return or_(self.value < value, and_(self.value == value, Patient.id < patient_id))
        return or_(self.value > value, and_(self.value == value, Patient.id > patient_id))


# Names are compared lower-cased and a patient without an identity sorts as an empty name, so
# the order and the cursor's comparison use one expression on both databases.
_SORT_KEYS: dict[str, _SortKey] = {
    "registry_key": _SortKey(Patient.registry_key, descending=False, unique=True),
    "name": _SortKey(func.coalesce(func.lower(PatientIdentity.name), ""), descending=False),
    # Ids are handed out in registration order: the newest patient has the highest.
    "newest": _SortKey(Patient.id, descending=True, unique=True),
}


def _conditions(query: PatientQuery, identified: bool, today: date) -> list[Any]:
    conditions: list[Any] = []
    if query.q and query.q.strip():
        conditions.append(_matches(query.q.strip(), identified))
    if query.site is not None:
        conditions.append(Patient.site == query.site)
    if query.region is not None or query.status is not None:
        episode = select(Episode.id).where(Episode.patient_id == Patient.id)
        if query.region is not None:
            episode = episode.where(Episode.region == query.region)
        if query.status is not None:
            episode = episode.where(Episode.status == query.status)
        conditions.append(episode.exists())
    if query.follow_up is not None:
        conditions.append(_follow_up_waiting(query.follow_up, today))
    return conditions


def _matches(text: str, identified: bool) -> Any:
    """Registry key prefix for every list; name, MRN and birth date only where names show."""
    key = text.upper()
    matches = [Patient.registry_key.startswith(key, autoescape=True)]
    if not key.startswith("RS-"):
        matches.append(Patient.registry_key.startswith("RS-" + key, autoescape=True))
    if identified:
        # A researcher's search never reads the identity table, so it reveals nothing of it.
        matches.append(PatientIdentity.name.icontains(text, autoescape=True))
        matches.append(PatientIdentity.mrn == text)
        if _BIRTH_DATE.fullmatch(text):
            try:
                matches.append(PatientIdentity.birth_date == date.fromisoformat(text))
            except ValueError:
                pass  # Shaped like a date but no day of the calendar: matches no birth date.
    return or_(*matches)


def _follow_up_waiting(state: str, today: date) -> Any:
    """An open episode's visit, not done, whose window is open today (due) or closed (overdue)."""
    visit = (
        select(FollowUp.id)
        .join(Procedure, FollowUp.procedure_id == Procedure.id)
        .join(Episode, Procedure.episode_id == Episode.id)
        .where(
            Episode.patient_id == Patient.id,
            Episode.status == "open",
            FollowUp.completed_on.is_(None),
        )
    )
    if state == "due":
        visit = visit.where(FollowUp.window_opens <= today, FollowUp.window_closes >= today)
    else:
        visit = visit.where(FollowUp.window_closes < today)
    return visit.exists()


def _write_cursor(sort: str, value: object, patient_id: int) -> str:
    """Where the next page starts, as URL-safe text (opaque to whoever passes it back)."""
    document = json.dumps([sort, value, patient_id], separators=(",", ":"))
    return base64.urlsafe_b64encode(document.encode()).decode().rstrip("=")


_BAD_CURSOR = "is not a cursor this list handed out"
_CURSOR_ALLOWED = "the next_cursor of the previous page, with the same sort"


def _read_cursor(cursor: str, sort: str) -> tuple[Any, int]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        document = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
    except (ValueError, UnicodeError):
        raise InvalidInput("cursor", _BAD_CURSOR, _CURSOR_ALLOWED) from None
    if not (isinstance(document, list) and len(document) == 3 and document[0] in _SORT_KEYS):
        raise InvalidInput("cursor", _BAD_CURSOR, _CURSOR_ALLOWED)
    cursor_sort, value, patient_id = document
    if cursor_sort != sort:
        raise InvalidInput(
            "cursor", f"belongs to the sort {cursor_sort}, not {sort}", _CURSOR_ALLOWED
        )
    wanted_type = int if sort == "newest" else str
    if (
        type(patient_id) is not int
        or not 0 < patient_id <= MAX_INTEGER
        or type(value) is not wanted_type
        or (isinstance(value, int) and not 0 < value <= MAX_INTEGER)
        or (isinstance(value, str) and (NUL in value or len(value) > 200))
    ):
        raise InvalidInput("cursor", _BAD_CURSOR, _CURSOR_ALLOWED)
    return value, patient_id


def _row_view(row: Any, identified: bool) -> PatientView:
    identity = None
    if identified and row.name is not None:
        identity = {field: _text(getattr(row, field)) for field in IDENTIFYING_FIELDS}
    return PatientView(
        registry_key=row.registry_key,
        site=row.site,
        synthetic=row.synthetic,
        episodes=row.episodes,
        identity=identity,
    )


def _text(value: object) -> str | None:
    return None if value is None else str(value)
