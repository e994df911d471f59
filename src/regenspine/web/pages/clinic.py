"""Checking a clinic: warning signs in its own text, and the questions to ask it."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from regenspine.decision_aid.claims import MAX_TEXT_LENGTH, ClaimFinding, check_claims
from regenspine.errors import InvalidInput
from regenspine.web.fixed_content import questions
from regenspine.web.forms.fields import problems_by_field
from regenspine.web.rendering import is_htmx, render, render_fixed

router = APIRouter(include_in_schema=False)


def excerpt_parts(finding: ClaimFinding) -> tuple[str, str, str]:
    """The excerpt split around the matched words, so the page can mark them."""
    excerpt = finding.excerpt
    return (
        excerpt[: finding.excerpt_start],
        excerpt[finding.excerpt_start : finding.excerpt_end],
        excerpt[finding.excerpt_end :],
    )


def _claims_context() -> dict[str, Any]:
    return {"max_length": MAX_TEXT_LENGTH, "excerpt_parts": excerpt_parts, "text": ""}


def _claims_page(request: Request, context: dict[str, Any], status_code: int = 200) -> HTMLResponse:
    template = "partials/claims_tool.html.j2" if is_htmx(request) else "pages/claims.html.j2"
    full = {**_claims_context(), **context}
    return render(request, template, full, status_code=status_code)


@router.get("/claims", response_class=HTMLResponse)
async def claims_form(request: Request) -> HTMLResponse:
    """The box to paste a clinic's web text or offer into."""
    template = "partials/claims_tool.html.j2" if is_htmx(request) else "pages/claims.html.j2"
    return await render_fixed(request, template, _claims_context)


@router.post("/claims", response_class=HTMLResponse)
async def claims_result(request: Request) -> HTMLResponse:
    """Warning signs in the pasted text, each excerpt marked, with why and sources."""
    form = await request.form(max_fields=10, max_files=0)
    value = form.get("text")
    pasted = value if isinstance(value, str) else ""
    try:
        check = check_claims(pasted)
    except InvalidInput as problem:
        context = {"text": pasted, "errors": problems_by_field(problem)}
        return _claims_page(request, context, status_code=422)
    return _claims_page(request, {"text": pasted, "check": check})


@router.get("/clinic-questions", response_class=HTMLResponse)
async def questions_page(request: Request) -> HTMLResponse:
    """What to ask a clinic before paying, grouped, each with why and sources."""
    return await render_fixed(request, "pages/clinic_questions.html.j2", _questions_context)


def _questions_context() -> dict[str, Any]:
    return {"questions": questions()}
