"""What matters to the person (values, SURE check, leaning) and the printable summary.

Nothing is stored: the screening answers travel as one hidden JSON field from the screening
result to the values form and on to the summary, which is the very page `regenspine summary`
writes (`render_summary_html`), served with a policy that allows exactly its own style block.
"""

from __future__ import annotations

import json
import re
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import ImmutableMultiDict

from regenspine.decision_aid.costs import CostQuery, cost_query
from regenspine.decision_aid.journey import STEP_BY_KEY, STEPS, JourneyAnswers, StepKey, step_done
from regenspine.decision_aid.profile import PatientProfile, parse_profile
from regenspine.decision_aid.summary import build_summary
from regenspine.decision_aid.values import (
    ValuesAnswers,
    clarify_values,
    leaning_choices,
    load_values_catalogue,
    parse_values_answers,
)
from regenspine.documents.summary_page import StepLink, render_summary_html
from regenspine.errors import InvalidInput
from regenspine.web.forms.fields import (
    FieldReader,
    FormFields,
    choice,
    plain_problems,
    text,
    yes_or_no,
)
from regenspine.web.journey import answers_of, keep_answers
from regenspine.web.pages.options import similar_patients
from regenspine.web.plumbing.security import content_security_policy, style_hash
from regenspine.web.rendering import render, render_fixed, render_in_pool

router = APIRouter(include_in_schema=False)

STYLE_BLOCK = re.compile(r"<style>(.*?)</style>", re.DOTALL)
CARRIED = "the answers carried from an earlier step"
PRINT_SCRIPT = "/static/js/print.js"
MAX_CARRIED_JSON = 20_000  # the carried answers are a few hundred characters; refuse anything huge


def carried_json(form: FormFields, name: str) -> Any:
    """A hidden JSON field carried from an earlier step; None when it is absent or empty."""
    value = text(form, name)
    if not value:
        return None
    if len(value) > MAX_CARRIED_JSON:
        raise InvalidInput(name, "is too long", CARRIED)
    try:
        return json.loads(value)
    except json.JSONDecodeError:
        raise InvalidInput(name, "is not valid JSON", CARRIED) from None


def carried_profile(form: FormFields) -> PatientProfile | None:
    """The screening answers carried in the hidden `profile` field, validated again."""
    data = carried_json(form, "profile")
    return None if data is None else parse_profile(data)


def values_answers(form: FormFields) -> ValuesAnswers:
    """The values form as answers; every unanswered question is reported with its field."""
    catalogue = load_values_catalogue()
    scale = [str(point.value) for point in catalogue.scale]
    reader = FieldReader(form)
    ratings = {
        item.id: int(reader.read(lambda f, n: choice(f, n, scale), f"ratings.{item.id}", "0"))
        for item in catalogue.items
    }
    sure = {
        item.id: reader.read(yes_or_no, f"sure.{item.id}", False) for item in catalogue.sure.items
    }
    leaning = reader.read(lambda f, n: choice(f, n, list(leaning_choices())), "leaning", "")
    reader.raise_problems()
    return parse_values_answers({"ratings": ratings, "sure": sure, "leaning": leaning})


def carried_costs(form: FormFields) -> CostQuery | None:
    """The cost figures carried in the hidden `costs` field, validated again."""
    data = carried_json(form, "costs")
    if data is None:
        return None
    if not isinstance(data, dict):
        raise InvalidInput("costs", "must be a JSON object", CARRIED)
    return cost_query(**data)


def form_of_values(answers: ValuesAnswers) -> FormFields:
    """The values form fields that would give these answers: saved answers shown again."""
    pairs: list[tuple[str, object]] = [(f"ratings.{k}", str(v)) for k, v in answers.ratings.items()]
    pairs += [(f"sure.{k}", "yes" if v else "no") for k, v in answers.sure.items()]
    pairs.append(("leaning", answers.leaning))
    return ImmutableMultiDict(pairs)


def with_carried(form: FormFields, journey: JourneyAnswers) -> JourneyAnswers:
    """The browser's answers, with those carried in the form's hidden fields taking their place
    (the path that works where the browser keeps no cookies)."""
    updates: dict[str, Any] = {}
    profile = carried_profile(form)
    if profile is not None:
        updates |= {"profile": profile, "red_flags": tuple(profile.red_flags)}
    costs = carried_costs(form)
    if costs is not None:
        updates["costs"] = costs
    values_data = carried_json(form, "values")
    if values_data is not None:
        updates["values"] = parse_values_answers(values_data)
    return journey.model_copy(update=updates)


def _form_context(form: FormFields, journey: JourneyAnswers) -> dict[str, Any]:
    return {
        "catalogue": load_values_catalogue(),
        "leanings": leaning_choices(),
        "submitted": form,
        "profile_json": journey.profile.model_dump_json() if journey.profile is not None else "",
        "journey": journey,
        "current_step": STEP_BY_KEY[StepKey.values],
    }


@router.get("/values", response_class=HTMLResponse)
async def values_form(request: Request) -> HTMLResponse:
    """The values questions, the four SURE questions and the leaning question, filled in
    with the answers this browser holds."""
    journey = answers_of(request)
    if not journey.started and not request.query_params:
        return await render_fixed(request, "pages/values_form.html.j2", _empty_values_form)
    form = form_of_values(journey.values) if journey.values else request.query_params
    return await render_in_pool(request, "pages/values_form.html.j2", _form_context(form, journey))


def _empty_values_form() -> dict[str, Any]:
    return _form_context(ImmutableMultiDict(), JourneyAnswers())


@router.post("/values", response_class=HTMLResponse)
async def values_result(request: Request) -> Response:
    """What matters most and the options that line up with it, SURE and the leaning."""
    form = await request.form(max_files=0)
    journey = with_carried(form, answers_of(request))
    if text(form, "stage") == "start":
        saved = form_of_values(journey.values) if journey.values else form
        response = render(request, "pages/values_form.html.j2", _form_context(saved, journey))
        keep_answers(request, response, journey)
        return response
    try:
        answers = values_answers(form)
    except InvalidInput as problem:
        context = {**_form_context(form, journey), "errors": plain_problems(problem)}
        return render(request, "pages/values_form.html.j2", context, status_code=422)
    journey = journey.model_copy(update={"values": answers})
    context = {
        "result": clarify_values(answers),
        "answers_json": answers.model_dump_json(),
        "profile_json": journey.profile.model_dump_json() if journey.profile is not None else "",
        "journey": journey,
        "current_step": STEP_BY_KEY[StepKey.values],
    }
    response = render(request, "pages/values_result.html.j2", context)
    keep_answers(request, response, journey)
    return response


SUMMARY_LINKS = (
    ("/summary?download=yes", "Download this summary as a file"),
    ("/save", "Save my answers"),
    ("/start-again", "Start again"),
    ("/", "Home"),
)


def _step_links(journey: JourneyAnswers) -> tuple[StepLink, ...]:
    """The six steps for the summary page, the summary marked as the current one."""
    return tuple(
        StepLink(
            number=step.number,
            title=step.title,
            href=step.path,
            done=step_done(journey, step.key),
            current=step.key is StepKey.summary,
        )
        for step in STEPS
    )


async def _summary(request: Request, journey: JourneyAnswers, download: bool) -> Response:
    """The printable summary of these answers, or the same page as a file to save."""
    profile = journey.profile
    registry = None
    if profile is not None:
        registry = await run_in_threadpool(
            similar_patients, request, profile.region, profile.severity
        )
    summary = build_summary(
        profile,
        journey.values,
        registry=registry,
        costs=journey.costs,
        red_flags_checked=journey.red_flags == (),
    )
    # A saved file cannot reach the app's script or pages: only the page shown here has them.
    if download:
        page = render_summary_html(summary)
    else:
        page = render_summary_html(
            summary, PRINT_SCRIPT, steps=_step_links(journey), links=SUMMARY_LINKS
        )
    # The page is one self-contained file with its own <style>; allow exactly that block.
    hashes = [style_hash(css) for css in STYLE_BLOCK.findall(page)]
    headers = {"content-security-policy": content_security_policy(hashes)}
    if download:
        headers["content-disposition"] = 'attachment; filename="regenspine-summary.html"'
    response = HTMLResponse(page, headers=headers)
    keep_answers(request, response, journey)
    return response


@router.get("/summary")
async def summary_from_answers(request: Request) -> Response:
    """Step 6: the printable summary of the answers this browser holds, naming skipped steps."""
    journey = answers_of(request)
    if not journey.started:
        return render(request, "pages/summary_start.html.j2")
    return await _summary(request, journey, text(request.query_params, "download") == "yes")


@router.post("/summary")
async def summary_page(request: Request) -> Response:
    """The printable summary from answers carried in the form (and those the browser holds)."""
    form = await request.form(max_files=0)
    journey = with_carried(form, answers_of(request))
    if not journey.started:
        return render(request, "pages/summary_start.html.j2")
    return await _summary(request, journey, text(form, "download") == "yes")
