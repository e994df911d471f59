"""Questions and answers: a search box answered from the knowledge base, each answer cited."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from regenspine.decision_aid.faq import MAX_QUESTION_LENGTH, answer_question
from regenspine.errors import InvalidInput
from regenspine.web.forms.fields import problems_by_field, text
from regenspine.web.rendering import is_htmx, render, render_fixed

router = APIRouter(include_in_schema=False)


def _empty_faq() -> dict[str, Any]:
    return {"question": "", "max_length": MAX_QUESTION_LENGTH}


@router.get("/faq", response_class=HTMLResponse)
async def faq_page(request: Request) -> HTMLResponse:
    """The search box and, for a question, the best cited answers (urgent care first)."""
    template = "partials/faq_tool.html.j2" if is_htmx(request) else "pages/faq.html.j2"
    if "q" not in request.query_params:
        return await render_fixed(request, template, _empty_faq)
    # A person's own question is answered afresh each time and never kept.
    return await run_in_threadpool(_answer_page, request, template)


def _answer_page(request: Request, template: str) -> HTMLResponse:
    """The page with the best cited answers to the question asked, or what is wrong with it."""
    question = text(request.query_params, "q")
    context: dict[str, Any] = {"question": question, "max_length": MAX_QUESTION_LENGTH}
    top = request.app.state.settings.faq_top
    try:
        context["result"] = answer_question(question, top=top)
    except InvalidInput as problem:
        context["errors"] = {"q": problems_by_field(problem).popitem()[1]}
        return render(request, template, context, status_code=422)
    return render(request, template, context)
