"""The dated recovery plan after an injection, and the same dates as an .ics calendar file."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from regenspine.decision_aid.recovery import build_recovery_plan, recovery_calendar
from regenspine.errors import InvalidInput
from regenspine.web.forms.fields import calendar_date, plain_problems
from regenspine.web.rendering import render

router = APIRouter(include_in_schema=False)

FIELD = "procedure_date"


@router.get("/recovery", response_class=HTMLResponse)
def recovery_page(request: Request) -> HTMLResponse:
    """The date form and, once a date is given, the plan with its phases, signs and visits."""
    form = request.query_params
    context: dict[str, Any] = {"submitted": form, "today": dt.date.today()}
    if FIELD not in form:
        return render(request, "pages/recovery.html.j2", context)
    try:
        context["plan"] = build_recovery_plan(calendar_date(form, FIELD))
    except InvalidInput as problem:
        context["errors"] = plain_problems(problem)
        return render(request, "pages/recovery.html.j2", context, status_code=422)
    return render(request, "pages/recovery.html.j2", context)


@router.get("/recovery.ics")
def recovery_ics(request: Request) -> Response:
    """The plan as an iCalendar file to import into a phone or computer calendar."""
    procedure_date = calendar_date(request.query_params, FIELD)
    plan = build_recovery_plan(procedure_date)
    calendar = recovery_calendar(plan, dt.datetime.now(dt.UTC))
    filename = f"recovery-plan-{procedure_date.isoformat()}.ics"
    return Response(
        calendar,
        media_type="text/calendar; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{filename}"'},
    )
