"""Questions and answers: a search box answered from the knowledge base, each answer cited."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from regenspine.decision_aid.faq import MAX_QUESTION_LENGTH, answer_question
from regenspine.errors import InvalidInput
from regenspine.web.forms.fields import plain_problems, text
from regenspine.web.rendering import ASKED_PAGES, is_htmx, render_fixed, render_in_pool

router = APIRouter(include_in_schema=False)


def _empty_faq() -> dict[str, Any]:
    return _answers_to("")


@router.get("/faq", response_class=HTMLResponse)
async def faq_page(request: Request) -> HTMLResponse:
    """The search box and, for a question, the best cited answers (urgent care first)."""
    template = "partials/faq_tool.html.j2" if is_htmx(request) else "pages/faq.html.j2"
    if "q" not in request.query_params:
        return await render_fixed(request, template, _empty_faq)
    question = text(request.query_params, "q")
    top = request.app.state.settings.faq_top
    try:
        # The answers follow from the question alone. The last few hundred asked are kept in
        # memory only, tied to no one (the question is in the address, as in the access log).
        return await render_fixed(request, template, _answers, question, top, kept=ASKED_PAGES)
    except InvalidInput as problem:
        context = {
            **_answers_to(question),
            "errors": {"q": plain_problems(problem).popitem()[1]},
        }
        return await render_in_pool(request, template, context, status_code=422)


def _answers_to(question: str) -> dict[str, Any]:
    return {"question": question, "max_length": MAX_QUESTION_LENGTH}


def _answers(question: str, top: int) -> dict[str, Any]:
    """The best cited answers to a question; InvalidInput for a question that cannot be asked."""
    return {**_answers_to(question), "result": answer_question(question, top=top)}
