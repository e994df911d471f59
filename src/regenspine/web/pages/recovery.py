"""The dated recovery plan after an injection, and the same dates as an .ics calendar file."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import QueryParams

from regenspine.decision_aid.recovery import build_recovery_plan, recovery_calendar
from regenspine.errors import InvalidInput
from regenspine.web.forms.fields import calendar_date, plain_problems
from regenspine.web.kept import per_knowledge_version
from regenspine.web.rendering import ASKED_PAGES, render_fixed, render_in_pool

router = APIRouter(include_in_schema=False)

FIELD = "procedure_date"


@router.get("/recovery", response_class=HTMLResponse)
async def recovery_page(request: Request) -> HTMLResponse:
    """The date form and, once a date is given, the plan with its phases, signs and visits."""
    form = request.query_params
    today = dt.date.today()
    try:
        # The page follows from the query and the day alone (the form offers today's date).
        query = str(form)
        return await render_fixed(
            request, "pages/recovery.html.j2", _recovery_context, query, today, kept=ASKED_PAGES
        )
    except InvalidInput as problem:
        context = {"submitted": form, "today": today, "errors": plain_problems(problem)}
        return await render_in_pool(request, "pages/recovery.html.j2", context, status_code=422)


def _recovery_context(query: str, today: dt.date) -> dict[str, Any]:
    """The date form and, with a date, its plan; InvalidInput for a date the plan refuses."""
    form = QueryParams(query)
    context: dict[str, Any] = {"submitted": form, "today": today}
    if FIELD in form:
        context["plan"] = build_recovery_plan(calendar_date(form, FIELD))
    return context


@per_knowledge_version(size=256)
def dated_calendar(procedure_date: dt.date, today: dt.date) -> bytes:
    """The plan's calendar file, made once a day per procedure date; its DTSTAMP (when the file
    was made, RFC 5545 3.8.7.2) is then the time of the day's first download."""
    return recovery_calendar(build_recovery_plan(procedure_date), dt.datetime.now(dt.UTC))


@router.get("/recovery.ics")
async def recovery_ics(request: Request) -> Response:
    """The plan as an iCalendar file to import into a phone or computer calendar."""
    procedure_date = calendar_date(request.query_params, FIELD)
    calendar = await dated_calendar.get(procedure_date, dt.datetime.now(dt.UTC).date())
    filename = f"recovery-plan-{procedure_date.isoformat()}.ics"
    return Response(
        calendar,
        media_type="text/calendar; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{filename}"'},
    )
