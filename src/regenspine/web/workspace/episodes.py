"""What is recorded on an episode before treatment: the decision-aid screening and consents.

The screening form asks the public symptom check's questions (red flags included) and the
service stores the answers with the decision aid's result, which the patient page then shows
once, above the record (urgent care first of all).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from regenspine.knowledge import load_knowledge
from regenspine.knowledge.red_flags import load_red_flags
from regenspine.registry.access import Permission, require
from regenspine.registry.models import CONSENT_KINDS
from regenspine.registry.services.episodes import record_consent, record_screening
from regenspine.web.forms import screening as screening_form
from regenspine.web.forms.fields import (
    FieldReader,
    FormFields,
    calendar_date,
    choice,
    optional_date,
    text,
    yes_or_no,
)
from regenspine.web.plumbing.transaction import DbSession
from regenspine.web.workspace.common import (
    FORM_ERRORS,
    REASON,
    CheckedForm,
    ClinicUser,
    RecordId,
    go_to,
    render_clinic,
    show_problems,
    today,
)
from regenspine.web.workspace.notices import patient_page_of, screening_notice

router = APIRouter(include_in_schema=False)


def _screening_form(episode_id: int, **extra: Any) -> dict[str, Any]:
    knowledge = load_knowledge()
    return {
        "episode_id": episode_id,
        "form": screening_form,
        "hints": {fact.id: fact for fact in knowledge.facts},
        "flags": load_red_flags(),
        **extra,
    }


def screening_answers(form: FormFields) -> tuple[dict[str, Any], dt.date]:
    """The profile answers and the screening date; every problem of both at once."""
    reader = FieldReader(form)
    screened_on = reader.read(calendar_date, "screened_on", today())
    nothing: dict[str, Any] = {}
    answers = reader.read(lambda f, _: screening_form.profile_answers(f), "profile", nothing)
    reader.raise_problems()
    return answers, screened_on


@router.get("/clinic/episodes/{episode_id}/screening", response_class=HTMLResponse)
def screening_page(request: Request, episode_id: RecordId, user: ClinicUser) -> HTMLResponse:
    """The screening questions for an episode, red flags first."""
    require(user, Permission.record_screening)
    context = _screening_form(episode_id)
    return render_clinic(request, user, "clinic/screening.html.j2", context)


@router.post("/clinic/episodes/{episode_id}/screening", response_class=HTMLResponse)
def screen(
    request: Request, episode_id: RecordId, user: ClinicUser, form: CheckedForm, session: DbSession
) -> Response:
    """Store the screening; the patient page then shows the result with every reason."""
    try:
        answers, screened_on = screening_answers(form)
        stored = record_screening(session, user, episode_id, answers, screened_on, REASON)
    except FORM_ERRORS as error:
        context = _screening_form(episode_id, submitted=form)
        return show_problems(request, user, "clinic/screening.html.j2", context, error)
    return go_to(request, patient_page_of(session, episode_id), screening_notice(stored))


def _consent_form(episode_id: int, **extra: Any) -> dict[str, Any]:
    return {"episode_id": episode_id, "kinds": CONSENT_KINDS, **extra}


def consent_record(form: FormFields) -> dict[str, Any]:
    """The consent form as the service's record; every problem at once."""
    reader = FieldReader(form)
    record: dict[str, Any] = {
        "kind": reader.read(lambda f, n: choice(f, n, CONSENT_KINDS), "kind", ""),
        "given": reader.read(yes_or_no, "given", False),
        "recorded_on": reader.read(calendar_date, "recorded_on", today()),
        "withdrawn_on": reader.read(optional_date, "withdrawn_on", None),
    }
    if text(form, "form_version"):
        record["form_version"] = text(form, "form_version")
    reader.raise_problems()
    return record


@router.get("/clinic/episodes/{episode_id}/consent", response_class=HTMLResponse)
def consent_page(request: Request, episode_id: RecordId, user: ClinicUser) -> HTMLResponse:
    """The consent form for an episode."""
    require(user, Permission.record_consent)
    return render_clinic(request, user, "clinic/consent.html.j2", _consent_form(episode_id))


@router.post("/clinic/episodes/{episode_id}/consent", response_class=HTMLResponse)
def consent(
    request: Request, episode_id: RecordId, user: ClinicUser, form: CheckedForm, session: DbSession
) -> Response:
    """Record the consent decision."""
    try:
        stored = record_consent(session, user, episode_id, consent_record(form), REASON)
    except FORM_ERRORS as error:
        context = _consent_form(episode_id, submitted=form)
        return show_problems(request, user, "clinic/consent.html.j2", context, error, "consent")
    decision = "given" if stored.given else "refused"
    kind = stored.kind.replace("_", " ")
    notice = f"Consent ({kind}) {decision}, recorded on episode {stored.episode_id}."
    return go_to(request, patient_page_of(session, episode_id), notice)
