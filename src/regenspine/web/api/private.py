"""The registry's JSON endpoints: bearer-token authentication, roles, one service per endpoint.

A token (`regenspine users token NAME`) acts as its user, so the roles are the same as in the
workspace and the CLI: researchers get de-identified lists and may not write. Bad input is 422
with the field and the allowed values; a refused procedure is 422 with every protocol check.
Procedure and adverse-event bodies are read by the care rules themselves, which name the exact
field of a problem (`injection.levels[0]`).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, HTTPException, Query, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field, StrictInt

from regenspine.care import AdverseEventAssessment, ProtocolCheck, parse_within
from regenspine.care.procedure import StenosisRegion
from regenspine.registry.entries import PatientInput
from regenspine.registry.models import EpisodeStatus, User
from regenspine.registry.services.followups import (
    DueFollowUp,
    RecordedAssessment,
    due_follow_ups,
    record_assessment,
)
from regenspine.registry.services.patients import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    FollowUpState,
    PatientSort,
    PatientView,
    add_patient,
    find_patients,
    patient_query,
)
from regenspine.registry.services.procedures import preview_procedure, record_procedure
from regenspine.registry.services.safety import record_adverse_event
from regenspine.registry.services.tokens import user_for_token
from regenspine.web.api.examples import ADVERSE_EVENT_EXAMPLE, PROCEDURE_EXAMPLE
from regenspine.web.plumbing.input_guard import MAX_RECORD_ID, refuse_nul_in_json
from regenspine.web.plumbing.transaction import DbSession

REASON = "JSON API"
bearer = HTTPBearer(
    auto_error=False,
    scheme_name="ApiToken",
    description="An API token, sent as `Authorization: Bearer <token>`. "
    "`regenspine users token NAME` issues one; it acts with that user's role.",
)


def api_user(
    session: DbSession,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Security(bearer)],
) -> User:
    """The user the bearer token acts as; 401 without a token or with an unknown one."""
    if credentials is None or not credentials.credentials:
        raise HTTPException(
            401,
            "authorization: send an API token as `Bearer <token>`",
            {"WWW-Authenticate": "Bearer"},
        )
    user = user_for_token(session, credentials.credentials)
    if user is None:
        raise HTTPException(
            401,
            "authorization: the token is unknown or revoked",
            {"WWW-Authenticate": 'Bearer error="invalid_token"'},
        )
    return user


ApiUser = Annotated[User, Depends(api_user)]
router = APIRouter(
    tags=["registry (API token)"],
    responses={
        401: {"description": "No API token, or an unknown or revoked one."},
        403: {"description": "The token's role may not do this."},
    },
)


class PatientAdded(BaseModel):
    """A newly registered patient: the random registry key to use from now on."""

    registry_key: str
    site: str


class ProcedureChecks(BaseModel):
    """The protocol checks of a procedure record, refusals first; nothing was stored."""

    episode_id: int
    refused: bool
    checks: list[ProtocolCheck]


class ProcedureSaved(ProcedureChecks):
    """A stored procedure with the checks stored alongside it."""

    procedure_id: int


class AssessmentRequest(BaseModel):
    """One questionnaire's answers (whole numbers, null for a missing answer) for a visit."""

    model_config = ConfigDict(extra="forbid")

    patient: str = Field(min_length=1, max_length=40, examples=["RS-7F3K9Q2M"])
    instrument: str = Field(min_length=1, max_length=40, examples=["odi"])
    answers: list[StrictInt | None] = Field(
        min_length=1, max_length=100, examples=[[3, 2, 1, 2, 2, 1, 2, 1, 2, None]]
    )
    timepoint: str = Field(min_length=1, max_length=12, examples=["3m"])
    assessed_on: dt.date
    episode: int | None = Field(default=None, ge=1, le=MAX_RECORD_ID)


class AdverseEventSaved(BaseModel):
    """A stored adverse event and what it means: seriousness, grade, relatedness, findings."""

    adverse_event_id: int
    episode_id: int
    assessment: AdverseEventAssessment


def _checked_document(body: dict[str, Any]) -> dict[str, Any]:
    """A JSON body with NUL characters refused by their path in the body; the registry's
    services check the rest of what the database cannot hold (lengths, numbers, dates)."""
    refuse_nul_in_json(body)
    return body


ProcedureBody = Annotated[
    dict[str, Any],
    Body(
        description="A procedure record: `patient` (registry key) or `episode`, `performed_on`, "
        "`harvest`, `processing` (left out only for a ready-made donor product), `injection` "
        "and optionally `medications`.",
        examples=[PROCEDURE_EXAMPLE],
    ),
]


class PatientsFound(BaseModel):
    """A page of patients and where the next page starts (null on the last page)."""

    items: list[PatientView]
    next_cursor: str | None = Field(
        description="Pass as `cursor` with the same search and sort for the next page."
    )


@router.get("/patients", response_model=PatientsFound, summary="Find patients")
def patients(
    user: ApiUser,
    session: DbSession,
    identified: Annotated[
        bool | None,
        Query(description="Identifying details; by default shown only to roles that may see them."),
    ] = None,
    q: Annotated[
        str | None,
        Query(
            description="Registry key prefix; for lists with identities also name (contains, "
            "any case), MRN (exact) or birth date (YYYY-MM-DD).",
            max_length=200,
        ),
    ] = None,
    site: Annotated[str | None, Query(max_length=40)] = None,
    region: Annotated[
        StenosisRegion | None, Query(description="Patients with an episode in this region.")
    ] = None,
    status: Annotated[
        EpisodeStatus | None, Query(description="Patients with an episode of this status.")
    ] = None,
    follow_up: Annotated[
        FollowUpState | None,
        Query(description="Patients with a follow-up visit due now or overdue (open episodes)."),
    ] = None,
    sort: Annotated[
        PatientSort, Query(description="`name` only for lists with identities.")
    ] = "registry_key",
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    cursor: Annotated[
        str | None, Query(description="The `next_cursor` of the previous page.", max_length=400)
    ] = None,
) -> PatientsFound:
    """A page of patients by search, filters and sort; identities for roles allowed (audited)."""
    asked = {
        "identified": identified,
        "q": q,
        "site": site,
        "region": region,
        "status": status,
        "follow_up": follow_up,
        "sort": sort,
        "limit": limit,
        "cursor": cursor,
    }
    page = find_patients(session, user, patient_query(asked), REASON, today=dt.date.today())
    return PatientsFound(items=page.items, next_cursor=page.next_cursor)


@router.post("/patients", status_code=201, response_model=PatientAdded, summary="Add a patient")
def add(patient: PatientInput, user: ApiUser, session: DbSession) -> PatientAdded:
    """Register a patient; identifiers are kept apart from the registry key."""
    refuse_nul_in_json(patient.model_dump(mode="json"))
    added = add_patient(session, user, patient.model_dump(), REASON)
    return PatientAdded(registry_key=added.registry_key, site=added.site)


@router.post("/procedures/check", response_model=ProcedureChecks, summary="Check a procedure")
def check_procedure(body: ProcedureBody, user: ApiUser, session: DbSession) -> ProcedureChecks:
    """Run the protocol checks on a procedure record without storing anything."""
    episode, _, _, report = preview_procedure(session, user, _checked_document(body))
    return ProcedureChecks(
        episode_id=episode.id, refused=report.refused, checks=list(report.checks)
    )


@router.post(
    "/procedures",
    status_code=201,
    response_model=ProcedureSaved,
    summary="Record a procedure",
    responses={422: {"description": "Bad input, or refused by a protocol check (with `checks`)."}},
)
def add_procedure(body: ProcedureBody, user: ApiUser, session: DbSession) -> ProcedureSaved:
    """Store a procedure with its checks and follow-up visits; a refused one stores nothing."""
    row, report = record_procedure(session, user, _checked_document(body), REASON)
    return ProcedureSaved(
        procedure_id=row.id,
        episode_id=row.episode_id,
        refused=report.refused,
        checks=list(report.checks),
    )


@router.post(
    "/assessments", status_code=201, response_model=RecordedAssessment, summary="Record a PROM"
)
def add_assessment(
    entered: AssessmentRequest, user: ApiUser, session: DbSession
) -> RecordedAssessment:
    """Score and store one questionnaire against the episode's follow-up visit."""
    refuse_nul_in_json(entered.model_dump(mode="json"))
    return record_assessment(
        session,
        user,
        registry_key=entered.patient,
        instrument=entered.instrument,
        answers=entered.answers,
        timepoint=entered.timepoint,
        assessed_on=entered.assessed_on,
        reason=REASON,
        episode_id=entered.episode,
    )


@router.post(
    "/adverse-events",
    status_code=201,
    response_model=AdverseEventSaved,
    summary="Record an adverse event",
)
def add_adverse_event(
    body: Annotated[
        dict[str, Any],
        Body(
            description="`patient` or `episode`, optionally `procedure`, and the event: "
            "description, category, site, CTCAE grade, serious_criteria, relatedness, "
            "onset_on, resolved_on, outcome.",
            examples=[ADVERSE_EVENT_EXAMPLE],
        ),
    ],
    user: ApiUser,
    session: DbSession,
) -> AdverseEventSaved:
    """Grade the event (CTCAE), judge seriousness (ICH E2A) and store it."""
    document = _checked_document(body)
    row, assessment = record_adverse_event(session, user, document, REASON)
    return AdverseEventSaved(
        adverse_event_id=row.id, episode_id=row.episode_id, assessment=assessment
    )


@router.get("/follow-ups/due", response_model=list[DueFollowUp], summary="Follow-ups due")
def follow_ups_due(
    user: ApiUser,
    session: DbSession,
    within: Annotated[
        str, Query(max_length=20, description="Days ahead: 30, 14d or 2w (0 to 3650 days).")
    ] = "14d",
) -> list[DueFollowUp]:
    """Visits whose window is open today or opens within the given number of days."""
    return due_follow_ups(session, user, dt.date.today(), parse_within(within))
