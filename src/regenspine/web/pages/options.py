"""The options side by side (icon arrays of 100 people) and the costs at home and abroad."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import QueryParams

from regenspine.decision_aid.cost_data import load_cost_data
from regenspine.decision_aid.costs import cost_query, estimate_costs
from regenspine.decision_aid.option_content import Region
from regenspine.decision_aid.options import option_titles, parse_region, with_registry_numbers
from regenspine.decision_aid.registry_note import SEVERITIES, RegistryOutcome, parse_severity
from regenspine.errors import InvalidInput
from regenspine.web.fixed_content import comparison
from regenspine.web.forms.fields import FormFields, picks, problems_by_field, text
from regenspine.web.registry_numbers import RegistryNumbers
from regenspine.web.rendering import ASKED_PAGES, render_fixed, render_in_pool

router = APIRouter(include_in_schema=False)

# Cost form fields that map one to one onto the cost query; empty means "not given".
COST_FIELDS = ("country", "travel_cost", "companions", "nights", "nightly_cost", "procedures")


def similar_patients(request: Request, region: str, severity: str) -> RegistryOutcome | None:
    """This clinic's registry numbers for people like this, when the app has a registry with
    its tables; otherwise None and the page shows the published evidence alone. Counted at
    most once a minute per region and severity (web/registry_numbers.py), not per view."""
    numbers: RegistryNumbers | None = getattr(request.app.state, "registry_numbers", None)
    if numbers is None:
        return None
    return numbers.outcome(region, severity, date.today())


async def similar_patients_soon(
    request: Request, region: str, severity: str
) -> RegistryOutcome | None:
    """`similar_patients` from an async route: kept numbers at once, a count in the pool."""
    numbers: RegistryNumbers | None = getattr(request.app.state, "registry_numbers", None)
    if numbers is not None:
        found, outcome = numbers.peek(region, severity, date.today())
        if found:
            return outcome
    return await run_in_threadpool(similar_patients, request, region, severity)


@router.get("/options", response_class=HTMLResponse)
async def options_page(request: Request) -> HTMLResponse:
    """Every option in equal detail for one region, outcomes as x of 100 people with icons;
    with a severity, also this clinic's registry numbers for people like the reader."""
    region = text(request.query_params, "region") or Region.lumbar.value
    severity = text(request.query_params, "severity")
    try:
        chosen = parse_region(region).value
        severity = parse_severity(severity) if severity else ""
        registry = await similar_patients_soon(request, chosen, severity) if severity else None
    except InvalidInput as problem:
        context = {**_choices(region, severity), "errors": problems_by_field(problem)}
        return await render_in_pool(request, "pages/options.html.j2", context, status_code=422)
    # The page follows from these alone, so it is rendered once and kept (registry numbers
    # included: the same counts give the same page).
    template = "pages/options.html.j2"
    return await render_fixed(request, template, _options_context, chosen, severity, registry)


def _choices(region: str, severity: str) -> dict[str, Any]:
    """The region and severity choices, with the ones asked for marked."""
    return {
        "regions": list(Region),
        "region": region,
        "severities": SEVERITIES,
        "severity": severity,
    }


def _options_context(
    region: str, severity: str, registry: RegistryOutcome | None
) -> dict[str, Any]:
    """The options page's context for a valid region and severity and the registry's counts."""
    return {
        **_choices(region, severity),
        "comparison": with_registry_numbers(comparison(parse_region(region)), registry),
    }


def cost_answers(form: FormFields) -> dict[str, Any]:
    """The cost form as cost-query values; fields left empty keep the query's defaults."""
    values: dict[str, Any] = {"options": tuple(picks(form, "option"))}
    for name in COST_FIELDS:
        value = text(form, name)
        if value:
            values[name] = value.replace(",", "") if name.endswith("cost") else value
    return values


@router.get("/costs", response_class=HTMLResponse)
async def costs_page(request: Request) -> HTMLResponse:
    """Published prices at home and abroad, coverage, and the person's own travel estimate."""
    form = request.query_params
    try:
        # Prices are knowledge-base data: the page follows from the query alone.
        return await render_fixed(
            request, "pages/costs.html.j2", _costs_context, str(form), kept=ASKED_PAGES
        )
    except InvalidInput as problem:
        context = {**_costs_form(form), "errors": problems_by_field(problem)}
        return await render_in_pool(request, "pages/costs.html.j2", context, status_code=422)


def _costs_form(form: FormFields) -> dict[str, Any]:
    return {"submitted": form, "places": load_cost_data().places, "option_titles": option_titles()}


def _costs_context(query: str) -> dict[str, Any]:
    """The costs page's context for one query string; InvalidInput when it asks the impossible."""
    form = QueryParams(query)
    return {**_costs_form(form), "estimate": estimate_costs(cost_query(**cost_answers(form)))}
