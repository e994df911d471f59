"""The procedure form: "Check" runs the protocol checks without storing, "Save" stores.

With htmx the check swaps the form section in place; without it the same address answers with
the whole page. Save runs the checks again in the service, so a refused record is never stored,
whatever the page showed before.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from regenspine.care import ProtocolReport
from regenspine.registry.access import Permission, require
from regenspine.registry.models import User
from regenspine.registry.services.procedures import (
    ProcedureRefused,
    preview_procedure,
    record_procedure,
)
from regenspine.web.forms import procedure as procedure_form
from regenspine.web.forms.fields import FormFields, form_problems
from regenspine.web.plumbing.transaction import DbSession, keep_nothing
from regenspine.web.rendering import is_htmx
from regenspine.web.workspace.common import (
    FORM_ERRORS,
    REASON,
    CheckedForm,
    ClinicUser,
    go_to,
    render_clinic,
)
from regenspine.web.workspace.notices import patient_page_of, procedure_notice

router = APIRouter(include_in_schema=False)
PAGE = "clinic/procedure.html.j2"
TOOL = "partials/procedure_tool.html.j2"


def _render(
    request: Request,
    user: User,
    submitted: FormFields,
    report: ProtocolReport | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """The form section (htmx) or the whole page, with the checks when they ran."""
    context: dict[str, Any] = {
        "form": procedure_form,
        "submitted": submitted,
        "report": report,
        "errors": errors or {},
    }
    template = TOOL if is_htmx(request) else PAGE
    return render_clinic(request, user, template, context, status_code)


@router.get("/clinic/procedures/new", response_class=HTMLResponse)
def procedure_page(request: Request, user: ClinicUser) -> HTMLResponse:
    """An empty procedure form for the patient (and episode) named in the address."""
    require(user, Permission.record_procedures)
    return _render(request, user, request.query_params)


@router.post("/clinic/procedures/check", response_class=HTMLResponse)
def check(request: Request, user: ClinicUser, form: CheckedForm, session: DbSession) -> Response:
    """Run the protocol checks on the record as entered; nothing is stored."""
    keep_nothing(request)
    try:
        document = procedure_form.procedure_document(form)
        _, _, _, report = preview_procedure(session, user, document)
    except FORM_ERRORS as error:
        return _render(request, user, form, None, form_problems(error, "procedure"), error.status)
    return _render(request, user, form, report)


@router.post("/clinic/procedures", response_class=HTMLResponse)
def save(request: Request, user: ClinicUser, form: CheckedForm, session: DbSession) -> Response:
    """Store the procedure with its checks and follow-up visits, unless a check refuses it."""
    try:
        document = procedure_form.procedure_document(form)
        row, report = record_procedure(session, user, document, REASON)
    except ProcedureRefused as refused:
        keep_nothing(request)
        problems = form_problems(refused, "procedure")
        return _render(request, user, form, refused.report, problems, refused.status)
    except FORM_ERRORS as error:
        keep_nothing(request)
        return _render(request, user, form, None, form_problems(error, "procedure"), error.status)
    notice = procedure_notice(row.id, report)
    return go_to(request, patient_page_of(session, row.episode_id), notice)
