"""Red flags first, then the screening questions: a guided form in two steps.

Step 1 asks only about red flags; any one of them takes over the page with the urgent-care
answer. Step 2 asks the screening questions and shows the one category that applies, with
every reason. Nothing is stored: the answers travel with the form to the next step.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import QueryParams

from regenspine.decision_aid.profile import RED_FLAG_IDS
from regenspine.decision_aid.screening import ScreeningCategory, screen_candidate
from regenspine.errors import InvalidInput
from regenspine.knowledge import load_knowledge
from regenspine.knowledge.red_flags import RedFlag, load_red_flags, urgent_messages
from regenspine.web.forms import screening as screening_form
from regenspine.web.forms.fields import FormFields, problems_by_field
from regenspine.web.rendering import ASKED_PAGES, render, render_fixed

router = APIRouter(include_in_schema=False)

STEP_DONE = "checked"  # query marker: the red-flag step was answered


def chosen_red_flags(form: FormFields) -> list[RedFlag]:
    """The red flags ticked in step 1, in the knowledge base's order; unknown ids are refused."""
    chosen = [value for value in form.getlist("red_flags") if isinstance(value, str)]
    for value in chosen:
        if value not in RED_FLAG_IDS:
            raise InvalidInput("red_flags", f"unknown red flag {value[:40]!r}", RED_FLAG_IDS)
    return [flag for flag in load_red_flags() if flag.id in chosen]


def _urgent(request: Request, flags: list[RedFlag]) -> HTMLResponse:
    # Red flags override everything (docs/ARCHITECTURE.md, clinical rules): only urgent care shows.
    context = {
        "urgent_care": load_knowledge().text("urgent_care"),
        "messages": urgent_messages(flag.id for flag in flags),
        "flags": flags,
    }
    return render(request, "pages/urgent.html.j2", context)


def _questions() -> dict[str, object]:
    knowledge = load_knowledge()
    return {
        "form": screening_form,
        "hints": {fact.id: fact for fact in knowledge.facts},
    }


@router.get("/check", response_class=HTMLResponse)
async def red_flag_check(request: Request) -> HTMLResponse:
    """Step 1: the red-flag symptoms, each with why it matters."""
    return await render_fixed(request, "pages/check.html.j2", _flags_context)


def _flags_context() -> dict[str, object]:
    return {"flags": load_red_flags()}


@router.get("/screening", response_class=HTMLResponse)
async def screening_questions(request: Request) -> Response:
    """Urgent care if step 1 ticked a red flag; otherwise step 2, the screening questions."""
    if STEP_DONE not in request.query_params:
        return RedirectResponse("/check", status_code=303)
    if list(request.query_params) == [STEP_DONE]:
        # No red flag ticked and nothing else carried: the same form for everyone.
        query = str(request.query_params)
        template = "pages/screening_form.html.j2"
        return await render_fixed(request, template, _empty_form, query, kept=ASKED_PAGES)
    return await run_in_threadpool(_screening_page, request)


def _screening_page(request: Request) -> HTMLResponse:
    """Urgent care for the red flags ticked, else the questions with what was carried."""
    flags = chosen_red_flags(request.query_params)
    if flags:
        return _urgent(request, flags)
    context = {**_questions(), "submitted": request.query_params}
    return render(request, "pages/screening_form.html.j2", context)


def _empty_form(query: str) -> dict[str, object]:
    return {**_questions(), "submitted": QueryParams(query)}


@router.post("/screening", response_class=HTMLResponse)
async def screening_result(request: Request) -> HTMLResponse:
    """Screen the answers: red flags first, then every category's reasons and next steps."""
    form = await request.form(max_files=0)
    try:
        profile = screening_form.profile_from_form(form)
    except InvalidInput as problem:
        context = {**_questions(), "submitted": form, "errors": problems_by_field(problem)}
        return render(request, "pages/screening_form.html.j2", context, status_code=422)
    result = screen_candidate(profile)
    context = {
        "result": result,
        "urgent": result.category is ScreeningCategory.urgent_care,
        "profile_json": profile.model_dump_json(),
        "region": profile.region,
    }
    return render(request, "pages/screening_result.html.j2", context)
