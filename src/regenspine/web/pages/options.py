"""The options side by side (icon arrays of 100 people) and the costs at home and abroad."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import ImmutableMultiDict

from regenspine.analytics.similar_patients import available_registry_outcome
from regenspine.decision_aid.cost_data import load_cost_data
from regenspine.decision_aid.costs import CostQuery, cost_query, estimate_costs
from regenspine.decision_aid.journey import STEP_BY_KEY, JourneyAnswers, StepKey
from regenspine.decision_aid.option_content import Region
from regenspine.decision_aid.options import (
    OptionResult,
    compare_options,
    option_titles,
    parse_region,
)
from regenspine.decision_aid.registry_note import SEVERITIES, RegistryOutcome, parse_severity
from regenspine.errors import InvalidInput
from regenspine.registry.database import Registry
from regenspine.web.forms.fields import FormFields, picks, plain_problems, text
from regenspine.web.journey import answers_of, keep_answers
from regenspine.web.rendering import render

router = APIRouter(include_in_schema=False)

# Cost form fields that map one to one onto the cost query; empty means "not given".
COST_FIELDS = ("country", "travel_cost", "companions", "nights", "nightly_cost", "procedures")


def similar_patients(request: Request, region: str, severity: str | None) -> RegistryOutcome | None:
    """This clinic's registry numbers for people like this, when the app has a registry with
    its tables; otherwise None and the page shows the published evidence alone."""
    registry: Registry | None = getattr(request.app.state, "registry", None)
    if registry is None or severity is None:
        return None
    return available_registry_outcome(registry, region, severity, date.today())


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
def options_page(request: Request) -> Response:
    """Every option in equal detail for one region, outcomes as x of 100 people with icons;
    with a severity, also this clinic's registry numbers for people like the reader."""
    journey = answers_of(request).model_copy(update={"options_seen": True})
    region, severity = _region_and_severity(request, journey)
    context: dict[str, Any] = {
        "regions": list(Region),
        "region": region,
        "severities": SEVERITIES,
        "severity": severity,
        "journey": journey,
        "current_step": STEP_BY_KEY[StepKey.options],
    }
    try:
        chosen = parse_region(region)
        registry = None
        if severity:
            registry = similar_patients(request, chosen.value, parse_severity(severity))
        comparison = compare_options(chosen, registry)
        context["comparison"] = comparison
        context["option_sources"] = {o.id: shown_sources(o) for o in comparison.options}
    except InvalidInput as problem:
        context["errors"] = plain_problems(problem)
        return render(request, "pages/options.html.j2", context, status_code=422)
    response = render(request, "pages/options.html.j2", context)
    keep_answers(request, response, journey)
    return response


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
def costs_page(request: Request) -> Response:
    """Published prices at home and abroad, coverage, and the person's own travel estimate;
    figures sent are kept in the browser's answers, and saved figures fill the form again."""
    journey = answers_of(request)
    asked = any(name in request.query_params for name in (*COST_FIELDS, "option"))
    saved = journey.costs
    form = form_of_costs(saved) if saved is not None and not asked else request.query_params
    data = load_cost_data()
    context: dict[str, Any] = {
        "submitted": form,
        "places": data.places,
        "option_titles": option_titles(),
        "current_step": STEP_BY_KEY[StepKey.costs],
    }
    try:
        query = cost_query(**cost_answers(form))
        context["estimate"] = estimate_costs(query)
    except InvalidInput as problem:
        context["errors"] = plain_problems(problem)
        return render(request, "pages/costs.html.j2", context, status_code=422)
    if asked:
        journey = journey.model_copy(update={"costs": query})
    context["journey"] = journey
    response = render(request, "pages/costs.html.j2", context)
    keep_answers(request, response, journey)
    return response
