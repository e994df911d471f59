"""Patients and their episodes of care: the list (search, filters, sort, a page at a time),
adding a patient, the patient page, episodes.

Care-team roles see names next to registry keys (each listing and each patient page is audited
by the service); researchers see registry keys only, and the forms that write refuse them with
403. The patient page shows the whole record, and is where most writes lead back to.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from regenspine.analytics.cohort import registry_sites
from regenspine.registry.access import Permission, allows, require
from regenspine.registry.entries import IDENTIFYING_FIELDS
from regenspine.registry.models import EPISODE_STATUSES, REGIONS, SEVERITIES, SEXES
from regenspine.registry.services.episodes import close_episode, open_episode
from regenspine.registry.services.patients import (
    FOLLOW_UP_STATES,
    IDENTITY_SORTS,
    PATIENT_SORTS,
    add_patient,
    find_patients,
    patient_query,
)
from regenspine.registry.services.records import patient_record
from regenspine.web.forms.fields import FieldReader, FormFields, calendar_date, text
from regenspine.web.labels import words
from regenspine.web.plumbing.transaction import DbSession
from regenspine.web.workspace.common import (
    FORM_ERRORS,
    REASON,
    CheckedForm,
    ClinicUser,
    RecordId,
    RegistryKey,
    go_to,
    render_clinic,
    show_problems,
    take_notice,
    today,
)
from regenspine.web.workspace.notices import screening_outcome
from regenspine.web.workspace.record_view import (
    record_charts,
    record_words,
    visit_statuses,
    worse_series,
)

router = APIRouter(include_in_schema=False)
PAGE = "clinic/patients.html.j2"
# What the list reads from its query string; anything else there is left alone.
SEARCH_FIELDS = ("q", "site", "region", "status", "follow_up")
LIST_FIELDS = (*SEARCH_FIELDS, "sort", "limit", "cursor")
STATUS_WORDS = {"open": "An open episode", "closed": "A closed episode"}
FOLLOW_UP_WORDS = {"due": "A follow-up visit due now", "overdue": "A follow-up visit overdue"}
SORT_CAPTIONS = {
    "registry_key": "by registry key",
    "name": "by name",
    "newest": "newest first",
}
SORT_WORDS = {"registry_key": "Registry key", "name": "Name", "newest": "Newest first"}
PATIENT_FIELDS = (*IDENTIFYING_FIELDS, "site")
EPISODE_FIELDS = ("region", "severity", "diagnosis_code", "started_on", "note")


def filled(form: FormFields, names: tuple[str, ...]) -> dict[str, Any]:
    """The named text fields that were filled in (an empty field means "not given")."""
    return {name: text(form, name) for name in names if text(form, name)}


def _patient_form(**extra: Any) -> dict[str, Any]:
    return {"sexes": SEXES, **extra}


def _list_choices(session: DbSession, user: ClinicUser) -> dict[str, Any]:
    """The search form's options: the registry's sites, the vocabularies, the usable sorts."""
    sorts = [sort for sort in PATIENT_SORTS if sort not in IDENTITY_SORTS]
    if allows(user, Permission.read_identifying):
        sorts = list(PATIENT_SORTS)
    return {
        "sites": [(site, site) for site in registry_sites(session.connection())],
        "regions": [(value, words(value)) for value in REGIONS],
        "statuses": [(value, STATUS_WORDS[value]) for value in EPISODE_STATUSES],
        "follow_up_states": [(value, FOLLOW_UP_WORDS[value]) for value in FOLLOW_UP_STATES],
        "sorts": [(value, SORT_WORDS[value]) for value in sorts],
    }


@router.get("/clinic/patients", response_class=HTMLResponse)
def patients(request: Request, user: ClinicUser, session: DbSession) -> HTMLResponse:
    """A page of patients found by the search and filters: registry keys, and names for roles
    that may see them; a search field that cannot be used is named at its field."""
    asked = {name: request.query_params.get(name) for name in LIST_FIELDS}
    context: dict[str, Any] = {"submitted": request.query_params, **_list_choices(session, user)}
    try:
        query = patient_query(asked)
        page = find_patients(session, user, query, f"{REASON}: patient list", today=today())
    except FORM_ERRORS as error:
        return show_problems(request, user, PAGE, {**context, "page": None}, error)
    context.update(
        page=page,
        searched=any(asked[name] for name in SEARCH_FIELDS),
        sort_words=SORT_CAPTIONS[query.sort],
        first_page=_link({**asked, "cursor": None}) if asked["cursor"] else None,
        next_page=_link({**asked, "cursor": page.next_cursor}) if page.next_cursor else None,
    )
    return render_clinic(request, user, PAGE, context)


def _link(asked: dict[str, str | None]) -> str:
    """The list's address with the same search, filters and sort, at the cursor given."""
    given = {name: value for name, value in asked.items() if value}
    return "/clinic/patients" + (f"?{urlencode(given)}" if given else "")


@router.get("/clinic/patients/new", response_class=HTMLResponse)
def new_patient(request: Request, user: ClinicUser) -> HTMLResponse:
    """The form for a new patient (roles that register patients only)."""
    require(user, Permission.register_patients)
    return render_clinic(request, user, "clinic/patient_new.html.j2", _patient_form())


@router.post("/clinic/patients", response_class=HTMLResponse)
def create_patient(
    request: Request, user: ClinicUser, form: CheckedForm, session: DbSession
) -> Response:
    """Register the patient; identifiers go to their own table."""
    try:
        patient = add_patient(session, user, filled(form, PATIENT_FIELDS), REASON)
    except FORM_ERRORS as error:
        context = _patient_form(submitted=form)
        return show_problems(request, user, "clinic/patient_new.html.j2", context, error, "patient")
    key = patient.registry_key
    return go_to(request, f"/clinic/patients/{key}", f"Patient {key} added.")


@router.get("/clinic/patients/{registry_key}", response_class=HTMLResponse)
def patient_page(
    request: Request, registry_key: RegistryKey, user: ClinicUser, session: DbSession
) -> HTMLResponse:
    """The whole record: identity (roles allowed), then every episode and what it holds."""
    record = patient_record(session, user, registry_key, f"{REASON}: patient page")
    charts = record_charts(record)
    notice = take_notice(request)
    context = {
        "record": record,
        "registry_key": record.registry_key,
        "notice": notice,
        "screening_result": screening_outcome(notice),
        "statuses": visit_statuses(record, today()),
        "charts": charts,
        "worse_series": worse_series(charts),
        **record_words(record),
    }
    return render_clinic(request, user, "clinic/patient.html.j2", context)


def _episode_form(registry_key: str, **extra: Any) -> dict[str, Any]:
    return {
        "registry_key": registry_key.upper(),
        "regions": REGIONS,
        "severities": SEVERITIES,
        **extra,
    }


@router.get("/clinic/patients/{registry_key}/episodes/new", response_class=HTMLResponse)
def new_episode(request: Request, registry_key: RegistryKey, user: ClinicUser) -> HTMLResponse:
    """The form that starts an episode of care."""
    require(user, Permission.register_patients)
    context = _episode_form(registry_key)
    return render_clinic(request, user, "clinic/episode_new.html.j2", context)


@router.post("/clinic/patients/{registry_key}/episodes", response_class=HTMLResponse)
def create_episode(
    request: Request,
    registry_key: RegistryKey,
    user: ClinicUser,
    form: CheckedForm,
    session: DbSession,
) -> Response:
    """Start the episode."""
    try:
        episode = open_episode(session, user, registry_key, filled(form, EPISODE_FIELDS), REASON)
    except FORM_ERRORS as error:
        context = _episode_form(registry_key, submitted=form)
        return show_problems(request, user, "clinic/episode_new.html.j2", context, error, "episode")
    key = episode.patient.registry_key
    return go_to(request, f"/clinic/patients/{key}", f"Episode {episode.id} started.")


@router.get("/clinic/episodes/{episode_id}/close", response_class=HTMLResponse)
def close_form(request: Request, episode_id: RecordId, user: ClinicUser) -> HTMLResponse:
    """The form that closes an episode."""
    require(user, Permission.register_patients)
    context = {"episode_id": episode_id}
    return render_clinic(request, user, "clinic/episode_close.html.j2", context)


@router.post("/clinic/episodes/{episode_id}/close", response_class=HTMLResponse)
def close(
    request: Request, episode_id: RecordId, user: ClinicUser, form: CheckedForm, session: DbSession
) -> Response:
    """Close the episode on the given day."""
    reader = FieldReader(form)
    closed_on = reader.read(calendar_date, "closed_on", today())
    try:
        reader.raise_problems()
        episode = close_episode(session, user, episode_id, closed_on, REASON)
    except FORM_ERRORS as error:
        context = {"episode_id": episode_id, "submitted": form}
        return show_problems(request, user, "clinic/episode_close.html.j2", context, error)
    key = episode.patient.registry_key
    return go_to(request, f"/clinic/patients/{key}", f"Episode {episode.id} closed.")
