"""The options side by side (icon arrays of 100 people) and the costs at home and abroad."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from regenspine.analytics.similar_patients import available_registry_outcome
from regenspine.decision_aid.cost_data import load_cost_data
from regenspine.decision_aid.costs import cost_query, estimate_costs
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
from regenspine.web.forms.fields import FormFields, picks, problems_by_field, text
from regenspine.web.rendering import render

router = APIRouter(include_in_schema=False)

# Cost form fields that map one to one onto the cost query; empty means "not given".
COST_FIELDS = ("country", "travel_cost", "companions", "nights", "nightly_cost", "procedures")


def similar_patients(request: Request, region: str, severity: str) -> RegistryOutcome | None:
    """This clinic's registry numbers for people like this, when the app has a registry with
    its tables; otherwise None and the page shows the published evidence alone."""
    registry: Registry | None = getattr(request.app.state, "registry", None)
    if registry is None:
        return None
    return available_registry_outcome(registry, region, severity, date.today())


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
def options_page(request: Request) -> HTMLResponse:
    """Every option in equal detail for one region, outcomes as x of 100 people with icons;
    with a severity, also this clinic's registry numbers for people like the reader."""
    region = text(request.query_params, "region") or Region.lumbar.value
    severity = text(request.query_params, "severity")
    context: dict[str, Any] = {
        "regions": list(Region),
        "region": region,
        "severities": SEVERITIES,
        "severity": severity,
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
        context["errors"] = problems_by_field(problem)
        return render(request, "pages/options.html.j2", context, status_code=422)
    return render(request, "pages/options.html.j2", context)


def cost_answers(form: FormFields) -> dict[str, Any]:
    """The cost form as cost-query values; fields left empty keep the query's defaults."""
    values: dict[str, Any] = {"options": tuple(picks(form, "option"))}
    for name in COST_FIELDS:
        value = text(form, name)
        if value:
            values[name] = value.replace(",", "") if name.endswith("cost") else value
    return values


@router.get("/costs", response_class=HTMLResponse)
def costs_page(request: Request) -> HTMLResponse:
    """Published prices at home and abroad, coverage, and the person's own travel estimate."""
    form = request.query_params
    data = load_cost_data()
    context: dict[str, Any] = {
        "submitted": form,
        "places": data.places,
        "option_titles": option_titles(),
    }
    try:
        context["estimate"] = estimate_costs(cost_query(**cost_answers(form)))
    except InvalidInput as problem:
        context["errors"] = problems_by_field(problem)
        return render(request, "pages/costs.html.j2", context, status_code=422)
    return render(request, "pages/costs.html.j2", context)
