"""Safety records: adverse events (CTCAE grade, ICH E2A seriousness, relatedness) and later
interventions such as decompression surgery.

The answer choices and what each grade, criterion and relatedness level means come from the
care data (care/adverse_events.yaml, with its sources); the service grades and stores the event
and the patient page shows its assessment once, with what to check next.
"""

from __future__ import annotations

from typing import Any, get_args

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from regenspine.care import AdverseEventSite
from regenspine.care.adverse_events import load_adverse_event_texts
from regenspine.registry.access import Permission, require
from regenspine.registry.models import INTERVENTION_KINDS
from regenspine.registry.services.safety import record_adverse_event, record_intervention
from regenspine.web.forms.fields import (
    FieldReader,
    FormFields,
    calendar_date,
    choice,
    optional_date,
    picks,
    record_number,
    text,
)
from regenspine.web.plumbing.transaction import DbSession
from regenspine.web.workspace.common import (
    FORM_ERRORS,
    REASON,
    CheckedForm,
    ClinicUser,
    go_to,
    render_clinic,
    show_problems,
    today,
)
from regenspine.web.workspace.notices import adverse_event_notice, patient_page_of

router = APIRouter(include_in_schema=False)
SITES: tuple[str, ...] = get_args(AdverseEventSite)
EVENT_PAGE = "clinic/adverse_event.html.j2"
INTERVENTION_PAGE = "clinic/intervention.html.j2"


def whose(reader: FieldReader) -> dict[str, Any]:
    """The patient (and episode) a safety record belongs to, from the form's hidden fields."""
    owner: dict[str, Any] = {}
    if text(reader.form, "patient"):
        owner["patient"] = text(reader.form, "patient")[:40]
    if text(reader.form, "episode"):
        owner["episode"] = reader.read(record_number, "episode", None)
    return owner


def adverse_event_record(form: FormFields) -> dict[str, Any]:
    """The adverse-event form as the service's record; every field's problem at once."""
    texts = load_adverse_event_texts()
    reader = FieldReader(form)
    grades = [str(grade) for grade in texts.grades.levels]
    record: dict[str, Any] = {
        **whose(reader),
        "description": text(form, "description"),
        "category": reader.read(lambda f, n: choice(f, n, texts.categories.levels), "category", ""),
        "site": reader.read(lambda f, n: choice(f, n, SITES), "site", ""),
        "grade": int(reader.read(lambda f, n: choice(f, n, grades), "grade", "1")),
        "serious_criteria": picks(form, "serious_criteria"),
        "relatedness": reader.read(
            lambda f, n: choice(f, n, texts.relatedness.levels), "relatedness", ""
        ),
        "onset_on": reader.read(calendar_date, "onset_on", today()).isoformat(),
        "outcome": reader.read(lambda f, n: choice(f, n, texts.outcomes), "outcome", ""),
    }
    resolved_on = reader.read(optional_date, "resolved_on", None)
    if resolved_on is not None:
        record["resolved_on"] = resolved_on.isoformat()
    if text(form, "procedure"):
        record["procedure"] = reader.read(record_number, "procedure", None)
    reader.raise_problems()
    return record


def _event_form(fields: FormFields) -> dict[str, Any]:
    return {"texts": load_adverse_event_texts(), "sites": SITES, "submitted": fields}


@router.get("/clinic/adverse-events/new", response_class=HTMLResponse)
def adverse_event_page(request: Request, user: ClinicUser) -> HTMLResponse:
    """The adverse-event form for the patient (and episode) named in the address."""
    require(user, Permission.record_safety)
    return render_clinic(request, user, EVENT_PAGE, _event_form(request.query_params))


@router.post("/clinic/adverse-events", response_class=HTMLResponse)
def adverse_event(
    request: Request, user: ClinicUser, form: CheckedForm, session: DbSession
) -> Response:
    """Grade and store the event; show whether it is serious, what its grade means, and why."""
    try:
        row, assessment = record_adverse_event(session, user, adverse_event_record(form), REASON)
    except FORM_ERRORS as error:
        context = _event_form(form)
        return show_problems(request, user, EVENT_PAGE, context, error, "adverse_event")
    notice = adverse_event_notice(row.id, assessment)
    return go_to(request, patient_page_of(session, row.episode_id), notice)


def intervention_record(form: FormFields) -> dict[str, Any]:
    """The intervention form as the service's record."""
    reader = FieldReader(form)
    record: dict[str, Any] = {
        **whose(reader),
        "performed_on": reader.read(calendar_date, "performed_on", today()).isoformat(),
        "kind": reader.read(lambda f, n: choice(f, n, INTERVENTION_KINDS), "kind", ""),
    }
    if text(form, "description"):
        record["description"] = text(form, "description")
    reader.raise_problems()
    return record


def _intervention_form(fields: FormFields) -> dict[str, Any]:
    return {"kinds": INTERVENTION_KINDS, "submitted": fields}


@router.get("/clinic/interventions/new", response_class=HTMLResponse)
def intervention_page(request: Request, user: ClinicUser) -> HTMLResponse:
    """The form for a later treatment of the same condition, such as surgery."""
    require(user, Permission.record_safety)
    context = _intervention_form(request.query_params)
    return render_clinic(request, user, INTERVENTION_PAGE, context)


@router.post("/clinic/interventions", response_class=HTMLResponse)
def intervention(
    request: Request, user: ClinicUser, form: CheckedForm, session: DbSession
) -> Response:
    """Store the intervention; surgery ends the surgery-free time."""
    try:
        row = record_intervention(session, user, intervention_record(form), REASON)
    except FORM_ERRORS as error:
        context = _intervention_form(form)
        return show_problems(request, user, INTERVENTION_PAGE, context, error, "intervention")
    surgery = " It counts as surgery." if row.is_surgery else ""
    notice = f"Intervention {row.id} ({row.kind.replace('_', ' ')}) recorded.{surgery}"
    return go_to(request, patient_page_of(session, row.episode_id), notice)
