"""Checking a clinic: warning signs in its own text, and the questions to ask it."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from regenspine.decision_aid.claims import MAX_TEXT_LENGTH, ClaimFlag, ClaimQuote, check_claims
from regenspine.errors import InvalidInput
from regenspine.web.fixed_content import questions
from regenspine.web.forms.fields import plain_problems
from regenspine.web.rendering import is_htmx, render, render_fixed

router = APIRouter(include_in_schema=False)


def excerpt_parts(quote: ClaimQuote) -> tuple[str, str, str]:
    """The excerpt split around the matched words, so the page can mark them."""
    excerpt = quote.excerpt
    return (
        excerpt[: quote.excerpt_start],
        excerpt[quote.excerpt_start : quote.excerpt_end],
        excerpt[quote.excerpt_end :],
    )


def found_times(flag: ClaimFlag) -> str:
    """How often a warning sign was found, and how many of those places are quoted."""
    if flag.count == 1:
        return "Found once:"
    if flag.count <= len(flag.examples):
        return f"Found {flag.count} times:"
    return f"Found {flag.count:,} times. The first {len(flag.examples)} are shown:"


def _claims_context() -> dict[str, Any]:
    return {
        "max_length": MAX_TEXT_LENGTH,
        "excerpt_parts": excerpt_parts,
        "found_times": found_times,
        "text": "",
    }


def _too_long(pasted: str) -> str:
    """A plain message, naming the box, for a paste over the limit."""
    return (
        f"The clinic's text has {len(pasted):,} characters. This box checks up to "
        f"{MAX_TEXT_LENGTH:,}. The box now holds the first {MAX_TEXT_LENGTH:,}. Check those, "
        "or paste the part you want checked."
    )


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
        errors = plain_problems(problem)
        if len(pasted) > MAX_TEXT_LENGTH:
            # The page stays small: only what the box can check is sent back.
            errors = {"text": _too_long(pasted)}
        context = {"text": pasted[:MAX_TEXT_LENGTH], "errors": errors}
        return _claims_page(request, context, status_code=422)
    return _claims_page(request, {"text": pasted, "check": check})


@router.get("/clinic-questions", response_class=HTMLResponse)
async def questions_page(request: Request) -> HTMLResponse:
    """What to ask a clinic before paying, grouped, each with why and sources."""
    return await render_fixed(request, "pages/clinic_questions.html.j2", _questions_context)


def _questions_context() -> dict[str, Any]:
    return {"questions": questions()}
