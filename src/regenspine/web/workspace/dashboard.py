"""The registry dashboard: `regenspine report` as a page, with the same filters as a GET form.

Every role that may read the registry sees it, researchers included: it holds de-identified
numbers only. The content is the HTML report's own (`render_report_body`), so the page and the
file cannot diverge; its figures come as images, because the SVG that matplotlib writes carries
style attributes that the pages' Content-Security-Policy refuses inline.
"""

from __future__ import annotations

import threading
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import Connection

from regenspine.analytics.cohort import ReportFilters, registry_sites, report_filters
from regenspine.analytics.report import build_report
from regenspine.analytics.worsening import worse_than_baseline
from regenspine.care.procedure import CELL_SOURCES
from regenspine.documents.report_page import render_report_body
from regenspine.registry.access import Permission, require
from regenspine.registry.models import REGIONS, SEVERITIES
from regenspine.web.forms.fields import FieldReader, FormFields, optional_date, text
from regenspine.web.labels import words
from regenspine.web.plumbing.transaction import DbSession, keep_nothing
from regenspine.web.workspace.common import (
    FORM_ERRORS,
    ClinicUser,
    render_clinic,
    show_problems,
    today,
)

router = APIRouter(include_in_schema=False)
PAGE = "clinic/dashboard.html.j2"
# Longer than any site name or vocabulary value; what is longer is cut before it is read.
MAX_FILTER = 60
# matplotlib's pyplot keeps global state and is not thread-safe, and sync routes run in a thread
# pool: the dashboard draws one report's figures at a time.
DRAWING = threading.Lock()


def _value(form: FormFields, name: str) -> str | None:
    """A filter field as given, or None when it was left empty (no restriction)."""
    return text(form, name)[:MAX_FILTER] or None


def dashboard_filters(form: FormFields) -> ReportFilters:
    """The report filters from the query string; every field's problem at once."""
    reader = FieldReader(form)
    since = reader.read(optional_date, "since", None)
    until = reader.read(optional_date, "until", None)
    reader.raise_problems()
    return report_filters(
        site=_value(form, "site"),
        cell_source=_value(form, "cell_source"),
        region=_value(form, "region"),
        severity=_value(form, "severity"),
        since=since,
        until=until,
    )


def _choices(connection: Connection) -> dict[str, Any]:
    """The filter form's options: the registry's sites and the closed vocabularies."""
    return {
        "sites": [(site, site) for site in registry_sites(connection)],
        "cell_sources": [(value, words(value)) for value in CELL_SOURCES],
        "regions": [(value, words(value)) for value in REGIONS],
        "severities": [(value, words(value)) for value in SEVERITIES],
    }


@router.get("/clinic/dashboard", response_class=HTMLResponse)
def dashboard(request: Request, user: ClinicUser, session: DbSession) -> HTMLResponse:
    """Outcomes, completeness, surgery-free survival, adverse events, comparisons and the patients
    worse than baseline, for the patients the filters select; a filter that cannot be used is
    named at its field."""
    require(user, Permission.read_deidentified)
    # A read: the report's temporary cohort table goes with the rollback.
    keep_nothing(request)
    connection = session.connection()
    context: dict[str, Any] = {"submitted": request.query_params, **_choices(connection)}
    try:
        filters = dashboard_filters(request.query_params)
        report = build_report(connection, filters, today())
    except FORM_ERRORS as error:
        return show_problems(request, user, PAGE, {**context, "report": None}, error)
    with DRAWING:
        body = render_report_body(report)
    worse = worse_than_baseline(connection, filters)
    context.update(report=report, report_body=body, worse=worse)
    return render_clinic(request, user, PAGE, context)
