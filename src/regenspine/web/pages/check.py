"""Red flags first, then the screening questions: a guided form in two steps.

Step 1 asks only about red flags; any one of them takes over the page with the urgent-care
answer. Step 2 asks the screening questions and shows the one category that applies, with
every reason. Nothing is stored: the answers travel with the form to the next step.
"""

from __future__ import annotations

from collections.abc import Iterable

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import QueryParams

from regenspine.decision_aid.journey import STEP_BY_KEY, JourneyAnswers, StepKey
from regenspine.decision_aid.profile import RED_FLAG_IDS
from regenspine.decision_aid.screening import ScreeningCategory, screen_candidate
from regenspine.errors import InvalidInput
from regenspine.knowledge import load_knowledge
from regenspine.knowledge.red_flags import RedFlag, load_red_flags, urgent_messages
from regenspine.web.forms import screening as screening_form
from regenspine.web.forms.fields import FormFields, plain_problems
from regenspine.web.journey import answers_of, keep_answers
from regenspine.web.rendering import render, render_fixed

router = APIRouter(include_in_schema=False)

STEP_DONE = "checked"  # query marker: the red-flag step was answered


def chosen_red_flags(form: FormFields) -> list[RedFlag]:
    """The red flags ticked in step 1, in the knowledge base's order; unknown ids are refused."""
    chosen = [value for value in form.getlist("red_flags") if isinstance(value, str)]
    for value in chosen:
        if value not in RED_FLAG_IDS:
            raise InvalidInput("red_flags", f"unknown red flag {value[:40]!r}", RED_FLAG_IDS)
    return red_flags_named(chosen)


def red_flags_named(ids: Iterable[str]) -> list[RedFlag]:
    """The red flags with these ids, in the knowledge base's order."""
    wanted = set(ids)
    return [flag for flag in load_red_flags() if flag.id in wanted]


def _urgent(request: Request, flags: list[RedFlag], journey: JourneyAnswers) -> HTMLResponse:
    # Red flags override everything (docs/ARCHITECTURE.md, clinical rules): only urgent care shows.
    context = {
        "urgent_care": load_knowledge().text("urgent_care"),
        "messages": urgent_messages(flag.id for flag in flags),
        "flags": flags,
        "journey": journey,
    }
    return render(request, "pages/urgent.html.j2", context)


def _questions(journey: JourneyAnswers) -> dict[str, object]:
    knowledge = load_knowledge()
    return {
        "form": screening_form,
        "hints": {fact.id: fact for fact in knowledge.facts},
        "journey": journey,
        "current_step": STEP_BY_KEY[StepKey.screening],
    }


def _flags_context(ticked: frozenset[str] = frozenset()) -> dict[str, object]:
    return {
        "flags": load_red_flags(),
        "ticked": ticked,
        "current_step": STEP_BY_KEY[StepKey.urgent],
    }


@router.get("/check", response_class=HTMLResponse)
async def red_flag_check(request: Request) -> HTMLResponse:
    """Step 1: the red-flag symptoms, each with why it matters (ticked as last answered)."""
    journey = answers_of(request)
    ticked = frozenset(journey.red_flags or ())
    return await render_fixed(request, "pages/check.html.j2", _flags_context, ticked)


def _empty_form() -> dict[str, object]:
    checked = JourneyAnswers(red_flags=())
    return {**_questions(checked), "submitted": QueryParams(f"{STEP_DONE}=yes")}


@router.get("/screening", response_class=HTMLResponse)
async def screening_questions(request: Request) -> Response:
    """Urgent care if step 1 ticked a red flag; otherwise step 2, the screening questions,
    filled in with the answers this browser holds."""
    journey = answers_of(request)
    if list(request.query_params) == [STEP_DONE] and not journey.started:
        # No red flag ticked and no answers yet: the same form for everyone, kept.
        template = "pages/screening_form.html.j2"
        response: Response = await render_fixed(request, template, _empty_form)
        keep_answers(request, response, JourneyAnswers(red_flags=()))
        return response
    return await run_in_threadpool(_screening_page, request, journey)


def _screening_page(request: Request, journey: JourneyAnswers) -> Response:
    """Urgent care for the red flags ticked, else the questions, with the answers given."""
    if STEP_DONE in request.query_params:
        flags = chosen_red_flags(request.query_params)
        journey = journey.model_copy(update={"red_flags": tuple(flag.id for flag in flags)})
    elif journey.red_flags is None:
        return RedirectResponse("/check", status_code=303)
    else:
        flags = red_flags_named(journey.red_flags or ())
    if flags:
        response: Response = _urgent(request, flags, journey)
    else:
        submitted = (
            screening_form.form_of_profile(journey.profile)
            if journey.profile is not None and "age" not in request.query_params
            else request.query_params
        )
        context = {**_questions(journey), "submitted": submitted}
        response = render(request, "pages/screening_form.html.j2", context)
    keep_answers(request, response, journey)
    return response


@router.post("/screening", response_class=HTMLResponse)
async def screening_result(request: Request) -> Response:
    """Screen the answers: red flags first, then every category's reasons and next steps."""
    form = await request.form(max_files=0)
    journey = answers_of(request)
    try:
        profile = screening_form.profile_from_form(form)
    except InvalidInput as problem:
        context = {**_questions(journey), "submitted": form, "errors": plain_problems(problem)}
        return render(request, "pages/screening_form.html.j2", context, status_code=422)
    # Red flags ticked in step 1 travel with the form too, so the check works without cookies.
    journey = journey.model_copy(update={"profile": profile, "red_flags": tuple(profile.red_flags)})
    result = screen_candidate(profile)
    context = {
        "result": result,
        "urgent": result.category is ScreeningCategory.urgent_care,
        "profile_json": profile.model_dump_json(),
        "region": profile.region,
        "journey": journey,
        "current_step": STEP_BY_KEY[StepKey.screening],
    }
    response = render(request, "pages/screening_result.html.j2", context)
    keep_answers(request, response, journey)
    return response
