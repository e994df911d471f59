"""The options side by side (icon arrays of 100 people) and the costs at home and abroad."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import ImmutableMultiDict, QueryParams

from regenspine.decision_aid.cost_data import load_cost_data
from regenspine.decision_aid.costs import CostQuery, cost_query, estimate_costs
from regenspine.decision_aid.journey import STEP_BY_KEY, JourneyAnswers, StepKey
from regenspine.decision_aid.option_content import Region
from regenspine.decision_aid.options import (
    OptionResult,
    option_titles,
    parse_region,
    with_registry_numbers,
)
from regenspine.decision_aid.registry_note import SEVERITIES, RegistryOutcome, parse_severity
from regenspine.errors import InvalidInput
from regenspine.web.fixed_content import comparison
from regenspine.web.forms.fields import FormFields, picks, plain_problems, text
from regenspine.web.journey import answers_of, keep_answers
from regenspine.web.registry_numbers import RegistryNumbers
from regenspine.web.rendering import ASKED_PAGES, render_fixed, render_in_pool

router = APIRouter(include_in_schema=False)

# Cost form fields that map one to one onto the cost query; empty means "not given".
COST_FIELDS = ("country", "travel_cost", "companions", "nights", "nightly_cost", "procedures")


def similar_patients(request: Request, region: str, severity: str | None) -> RegistryOutcome | None:
    """This clinic's registry numbers for people like this, when the app has a registry with
    its tables; otherwise None and the page shows the published evidence alone. Counted at
    most once a minute per region and severity (web/registry_numbers.py), not per view."""
    numbers: RegistryNumbers | None = getattr(request.app.state, "registry_numbers", None)
    if numbers is None or severity is None:
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


def _region_and_severity(request: Request, journey: JourneyAnswers) -> tuple[str, str]:
    """The region and severity asked for, else the screening answers' own, else low back."""
    query = request.query_params
    profile = journey.profile
    if "region" in query or profile is None:
        return text(query, "region") or Region.lumbar.value, text(query, "severity")
    return profile.region, profile.severity or ""


def shown_sources(option: OptionResult) -> tuple[str, ...]:
    """Every source the option's details cite, in the order they are shown, without repeats."""
    texts = (
        *option.involves,
        *option.time_and_visits,
        *option.recovery,
        *option.benefits,
        *option.harms,
        *option.unknowns,
        option.fda_status,
        option.coverage,
    )
    cited = [sid for cell in option.cells for sid in cell.sources]
    cited += [sid for item in texts for sid in item.sources]
    cited += [sid for cost in option.cost_ranges for sid in cost.sources]
    cited += [sid for outcome in option.outcomes for sid in outcome.sources]
    if option.registry:
        cited += option.registry.sources
    return tuple(dict.fromkeys(cited))


@router.get("/options", response_class=HTMLResponse)
async def options_page(request: Request) -> Response:
    """Every option in equal detail for one region, outcomes as x of 100 people with icons;
    with a severity, also this clinic's registry numbers for people like the reader."""
    journey = answers_of(request).model_copy(update={"options_seen": True})
    region, severity = _region_and_severity(request, journey)
    template = "pages/options.html.j2"
    try:
        chosen = parse_region(region).value
        severity = parse_severity(severity) if severity else ""
        registry = await similar_patients_soon(request, chosen, severity) if severity else None
    except InvalidInput as problem:
        context = {**_choices(region, severity), "errors": plain_problems(problem)}
        return await render_in_pool(request, template, context, status_code=422)
    # The page follows from these alone, so it is rendered once and kept (registry numbers
    # included: the same counts give the same page); a browser with answers gets its own.
    response = await render_fixed(request, template, _options_context, chosen, severity, registry)
    keep_answers(request, response, journey)
    return response


def _choices(region: str, severity: str) -> dict[str, Any]:
    """The region and severity choices, with the ones asked for marked."""
    return {
        "regions": list(Region),
        "region": region,
        "severities": SEVERITIES,
        "severity": severity,
        "current_step": STEP_BY_KEY[StepKey.options],
    }


def _options_context(
    region: str, severity: str, registry: RegistryOutcome | None
) -> dict[str, Any]:
    """The options page's context for a valid region and severity and the registry's counts."""
    shown = with_registry_numbers(comparison(parse_region(region)), registry)
    return {
        **_choices(region, severity),
        "comparison": shown,
        "option_sources": {option.id: shown_sources(option) for option in shown.options},
    }


def cost_answers(form: FormFields) -> dict[str, Any]:
    """The cost form as cost-query values; fields left empty keep the query's defaults."""
    values: dict[str, Any] = {"options": tuple(picks(form, "option"))}
    for name in COST_FIELDS:
        value = text(form, name)
        if value:
            values[name] = value.replace(",", "") if name.endswith("cost") else value
    return values


def form_of_costs(query: CostQuery) -> FormFields:
    """The cost form fields that would give this query: saved figures shown in the form again."""
    pairs: list[tuple[str, object]] = [("option", option) for option in query.options]
    for name in COST_FIELDS:
        value = getattr(query, name)
        if value is not None:
            pairs.append((name, str(value)))
    return ImmutableMultiDict(pairs)


@router.get("/costs", response_class=HTMLResponse)
async def costs_page(request: Request) -> Response:
    """Published prices at home and abroad, coverage, and the person's own travel estimate;
    figures sent are kept in the browser's answers, and saved figures fill the form again."""
    journey = answers_of(request)
    asked = any(name in request.query_params for name in (*COST_FIELDS, "option"))
    saved = journey.costs
    form = form_of_costs(saved) if saved is not None and not asked else request.query_params
    template = "pages/costs.html.j2"
    try:
        # Prices are knowledge-base data: the page follows from the figures alone.
        response: Response = await render_fixed(
            request,
            template,
            _costs_context,
            str(QueryParams(form.multi_items())),
            kept=ASKED_PAGES,
        )
        query = cost_query(**cost_answers(form))
    except InvalidInput as problem:
        context = {**_costs_form(form), "errors": plain_problems(problem)}
        return await render_in_pool(request, template, context, status_code=422)
    if asked:
        journey = journey.model_copy(update={"costs": query})
    keep_answers(request, response, journey)
    return response


def _costs_form(form: FormFields) -> dict[str, Any]:
    return {
        "submitted": form,
        "places": load_cost_data().places,
        "option_titles": option_titles(),
        "current_step": STEP_BY_KEY[StepKey.costs],
    }


def _costs_context(query: str) -> dict[str, Any]:
    """The costs page's context for one query string; InvalidInput when it asks the impossible."""
    form = QueryParams(query)
    return {**_costs_form(form), "estimate": estimate_costs(cost_query(**cost_answers(form)))}
