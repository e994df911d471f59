"""Follow-ups: the visits due, a one-time self-report link per visit, and PROM entry by staff.

A new link is shown once (only its hash is stored): the form that makes it leads on to the link's
page with the link kept in the session for that one showing, so a reload neither shows it again
nor makes another; like every workspace page, that page is never cached. PROM entry asks one
instrument at a time, with the item labels and answers from the instrument data, and a stored
questionnaire leads on to the patient page with its score.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from regenspine.care import parse_timepoint, parse_within, timepoints
from regenspine.config import Settings
from regenspine.errors import InvalidInput, RegenspineError
from regenspine.registry.access import Permission, require
from regenspine.registry.models import User
from regenspine.registry.services.followups import due_follow_ups, record_assessment
from regenspine.registry.services.selfreport import create_self_report_link, link_url
from regenspine.web.forms import questionnaire as questionnaire_form
from regenspine.web.forms.fields import FieldReader, FormFields, calendar_date, record_number, text
from regenspine.web.forms.questionnaire import Questionnaire
from regenspine.web.plumbing.transaction import DbSession
from regenspine.web.workspace.common import (
    FORM_ERRORS,
    NO_FORM,
    REASON,
    CheckedForm,
    ClinicUser,
    RecordId,
    checked_form,
    go_to,
    render_clinic,
    show_problems,
    today,
)
from regenspine.web.workspace.common import now as utc_now
from regenspine.web.workspace.link_sharing import email_draft, public_address, qr_code_svg
from regenspine.web.workspace.notices import assessment_notice

router = APIRouter(include_in_schema=False)
DEFAULT_WITHIN = "14d"
MAX_KEY = 40
# The session key that holds a new self-report link until its page has shown it once.
NEW_LINK_KEY = "new_link"


@router.get("/clinic/follow-ups", response_class=HTMLResponse)
def follow_ups(request: Request, user: ClinicUser, session: DbSession) -> HTMLResponse:
    """Visits whose window is open now or opens within the chosen number of days."""
    within = request.query_params.get("within", DEFAULT_WITHIN)[:20]
    context: dict[str, Any] = {"submitted": {"within": within}, "visits": []}
    try:
        days = parse_within(within)
    except FORM_ERRORS as error:
        return show_problems(request, user, "clinic/followups.html.j2", context, error)
    context.update(visits=due_follow_ups(session, user, today(), days), days=days)
    return render_clinic(request, user, "clinic/followups.html.j2", context)


@router.post(
    "/clinic/follow-ups/{follow_up_id}/link",
    response_class=HTMLResponse,
    dependencies=[Depends(checked_form)],
)
def self_report_link(
    request: Request, follow_up_id: RecordId, user: ClinicUser, session: DbSession
) -> Response:
    """Make a one-time link for the visit, then show it once on the link's own page."""
    settings: Settings = request.app.state.settings
    invite = create_self_report_link(
        session, user, follow_up_id, utc_now(), settings.self_report_link_hours
    )
    request.session[NEW_LINK_KEY] = {
        "follow_up_id": follow_up_id,
        "url": link_url(public_address(request), invite.path),
        **invite.model_dump(mode="json", include={"registry_key", "timepoint", "instruments"}),
        "expires_at": invite.expires_at.isoformat(),
    }
    return go_to(request, f"/clinic/follow-ups/{follow_up_id}/link")


@router.get("/clinic/follow-ups/{follow_up_id}/link", response_class=HTMLResponse)
def new_link_page(request: Request, follow_up_id: RecordId, user: ClinicUser) -> HTMLResponse:
    """The link just made for this visit, once, with its QR code, copy and e-mail; afterwards,
    how to make another one."""
    require(user, Permission.record_assessments)
    kept = request.session.pop(NEW_LINK_KEY, None)
    shown = kept if isinstance(kept, dict) and kept.get("follow_up_id") == follow_up_id else None
    context: dict[str, Any] = {"follow_up_id": follow_up_id, "invite": None, "url": None}
    if shown is not None:
        expires_at = dt.datetime.fromisoformat(shown["expires_at"])
        url = shown["url"]
        label = f"QR code of the self-report link for {shown['registry_key']}"
        context.update(
            url=url,
            invite={**shown, "expires_at": expires_at},
            qr_svg=qr_code_svg(url, label),
            mailto=email_draft(shown["timepoint"], url, expires_at),
        )
    return render_clinic(request, user, "clinic/link.html.j2", context)


def _timepoint_choices() -> list[tuple[str, str]]:
    return [(timepoint.id, timepoint.label) for timepoint in timepoints()]


def entry_form(fields: FormFields) -> tuple[dict[str, Any], Questionnaire | None]:
    """The PROM page's choices and, once an instrument is chosen, its questions at the timepoint."""
    context: dict[str, Any] = {
        "submitted": fields,
        "instrument_choices": questionnaire_form.instrument_choices(),
        "timepoint_choices": _timepoint_choices(),
        "questionnaire": None,
    }
    if not text(fields, "instrument"):
        return context, None
    timepoint = parse_timepoint(text(fields, "timepoint") or "baseline")
    context["questionnaire"] = questionnaire_form.questionnaire(
        text(fields, "instrument"), timepoint
    )
    return context, context["questionnaire"]


def _entry_problems(
    request: Request, user: User, fields: FormFields, error: RegenspineError
) -> HTMLResponse:
    """The PROM page again (with the questions when they can be shown) and every problem."""
    try:
        context, _ = entry_form(fields)
    except FORM_ERRORS:
        context, _ = entry_form(NO_FORM)
    context["submitted"] = fields
    return show_problems(request, user, "clinic/assessment.html.j2", context, error)


@router.get("/clinic/assessments/new", response_class=HTMLResponse)
def assessment_page(request: Request, user: ClinicUser) -> HTMLResponse:
    """Choose patient, instrument and timepoint; then one field per item of the instrument."""
    require(user, Permission.record_assessments)
    try:
        context, _ = entry_form(request.query_params)
    except FORM_ERRORS as error:
        return _entry_problems(request, user, request.query_params, error)
    return render_clinic(request, user, "clinic/assessment.html.j2", context)


def entered_assessment(form: FormFields) -> dict[str, Any]:
    """The PROM form as the service's arguments; every field's problem at once."""
    reader = FieldReader(form)
    asked = reader.read(lambda f, _: entry_form(f)[1], "instrument", None)
    if asked is None and not reader.problems:
        reader.problems.append(
            InvalidInput("instrument", "choose one", questionnaire_form.instrument_ids())
        )
    entered: dict[str, Any] = {
        "registry_key": text(form, "patient")[:MAX_KEY],
        "instrument": asked.id if asked else "",
        "timepoint": text(form, "timepoint"),
        "assessed_on": reader.read(calendar_date, "assessed_on", today()),
        "answers": questionnaire_form.answers_from(asked, reader) if asked else [],
    }
    if text(form, "episode"):
        entered["episode_id"] = reader.read(record_number, "episode", None)
    reader.raise_problems()
    return entered


@router.post("/clinic/assessments", response_class=HTMLResponse)
def record(request: Request, user: ClinicUser, form: CheckedForm, session: DbSession) -> Response:
    """Score and store the answers against the visit; the patient page shows the score."""
    try:
        stored = record_assessment(session, user, reason=REASON, **entered_assessment(form))
    except FORM_ERRORS as error:
        return _entry_problems(request, user, form, error)
    page = f"/clinic/patients/{stored.registry_key}"
    return go_to(request, page, assessment_notice(stored))
