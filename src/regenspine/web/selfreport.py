"""Patient self-report at /r/{token}: the questionnaires of a one-time link, on a phone.

No sign-in: the unguessable link is the key. The pages show no name, registry key or date of
birth, only which visit the questions are for. Every questionnaire is sent at once and stored
together; a used, expired or unknown link gets a polite page (410) and nothing is stored.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from starlette.datastructures import FormData

from regenspine.care import timepoints
from regenspine.errors import Gone, InvalidInput
from regenspine.knowledge import load_knowledge
from regenspine.knowledge.red_flags import load_red_flags
from regenspine.registry.services.selfreport import (
    SelfReportVisit,
    open_self_report,
    submit_self_report,
)
from regenspine.web.forms.fields import (
    FieldReader,
    FormFields,
    problems_by_field,
    refuse_nul_in_form,
)
from regenspine.web.forms.questionnaire import Questionnaire, answers_from, questionnaire
from regenspine.web.plumbing.transaction import DbSession, keep_nothing
from regenspine.web.rendering import render

router = APIRouter(include_in_schema=False)
FORM_PAGE = "selfreport/form.html.j2"
HEADINGS = {
    "used": "Already sent",
    "expired": "This link has expired",
    "unknown": "This link does not work",
}


def _visit_label(timepoint: str) -> str:
    labels: dict[str, str] = {point.id: point.label for point in timepoints()}
    return labels.get(timepoint, timepoint)


def _private(response: HTMLResponse) -> HTMLResponse:
    # The address works like a password until it is used, and the answers are about health.
    response.headers["cache-control"] = "no-store"
    return response


def _gone(request: Request, gone: Gone) -> HTMLResponse:
    """The polite page for a link that cannot be used (any more)."""
    keep_nothing(request)
    context = {
        "heading": HEADINGS.get(gone.reason, HEADINGS["unknown"]),
        "message": gone.message.removeprefix("link: "),
        "reason": gone.reason,
    }
    return _private(render(request, "selfreport/gone.html.j2", context, status_code=410))


def _form(
    request: Request,
    visit: SelfReportVisit,
    asked: list[Questionnaire],
    submitted: FormFields,
    errors: dict[str, str] | None = None,
) -> HTMLResponse:
    knowledge = load_knowledge()
    context: dict[str, Any] = {
        "visit_label": _visit_label(visit.timepoint),
        "expires_at": visit.expires_at,
        "questionnaires": asked,
        "submitted": submitted,
        "errors": errors or {},
        "urgent_care": knowledge.text("urgent_care"),
        "flags": load_red_flags(),
    }
    status = 422 if errors else 200
    return _private(render(request, FORM_PAGE, context, status_code=status))


def _asked(visit: SelfReportVisit) -> list[Questionnaire]:
    return [questionnaire(instrument, visit.timepoint) for instrument in visit.instruments]


def self_report_answers(form: FormFields, asked: list[Questionnaire]) -> dict[str, object]:
    """Every questionnaire's answers by instrument, or InvalidForm naming each bad field."""
    refuse_nul_in_form(form)
    reader = FieldReader(form)
    answers: dict[str, object] = {item.id: answers_from(item, reader) for item in asked}
    reader.raise_problems()
    return answers


@router.get("/r/{token}", response_class=HTMLResponse)
def self_report_form(request: Request, token: str, session: DbSession) -> HTMLResponse:
    """The questionnaires the link asks for, one short form each, on one page."""
    try:
        visit = open_self_report(session, token, dt.datetime.now(dt.UTC))
    except Gone as gone:
        return _gone(request, gone)
    return _form(request, visit, _asked(visit), FormData())


async def sent_form(request: Request) -> FormData:
    """The answers as sent (no file uploads)."""
    return await request.form(max_files=0)


@router.post("/r/{token}", response_class=HTMLResponse)
def send_self_report(
    request: Request,
    token: str,
    form: Annotated[FormData, Depends(sent_form)],
    session: DbSession,
) -> HTMLResponse:
    """Store every questionnaire at once and use the link up; or show what to correct."""
    now = dt.datetime.now(dt.UTC)
    try:
        visit = open_self_report(session, token, now)
        asked = _asked(visit)
    except Gone as gone:
        return _gone(request, gone)
    try:
        stored = submit_self_report(session, token, self_report_answers(form, asked), now)
    except InvalidInput as problem:
        keep_nothing(request)
        return _form(request, visit, asked, form, problems_by_field(problem))
    except Gone as gone:
        return _gone(request, gone)
    context = {"count": len(stored), "visit_label": _visit_label(visit.timepoint)}
    return _private(render(request, "selfreport/thanks.html.j2", context))
