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
from starlette.datastructures import QueryParams

from regenspine.decision_aid.profile import PatientProfile, parse_profile
from regenspine.decision_aid.summary import build_summary
from regenspine.decision_aid.values import (
    ValuesAnswers,
    clarify_values,
    leaning_choices,
    load_values_catalogue,
    parse_values_answers,
)
from regenspine.documents.summary_page import render_summary_html
from regenspine.errors import InvalidInput
from regenspine.web.forms.fields import (
    FieldReader,
    FormFields,
    choice,
    problems_by_field,
    text,
    yes_or_no,
)
from regenspine.web.pages.options import similar_patients
from regenspine.web.plumbing.security import content_security_policy, style_hash
from regenspine.web.rendering import render, render_fixed, render_in_pool

router = APIRouter(include_in_schema=False)

STYLE_BLOCK = re.compile(r"<style>(.*?)</style>", re.DOTALL)
CARRIED = "the answers carried from an earlier step"
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


def _form_context(form: FormFields, profile: PatientProfile | None) -> dict[str, Any]:
    return {
        "catalogue": load_values_catalogue(),
        "leanings": leaning_choices(),
        "submitted": form,
        "profile_json": profile.model_dump_json() if profile is not None else "",
    }


@router.get("/values", response_class=HTMLResponse)
async def values_form(request: Request) -> HTMLResponse:
    """The values questions, the four SURE questions and the leaning question."""
    if not request.query_params:
        return await render_fixed(request, "pages/values_form.html.j2", _empty_values_form)
    context = _form_context(request.query_params, None)
    return await render_in_pool(request, "pages/values_form.html.j2", context)


def _empty_values_form() -> dict[str, Any]:
    return _form_context(QueryParams(), None)


@router.post("/values", response_class=HTMLResponse)
async def values_result(request: Request) -> HTMLResponse:
    """What matters most and the options that line up with it, SURE and the leaning."""
    form = await request.form(max_files=0)
    profile = carried_profile(form)
    if text(form, "stage") == "start":
        return render(request, "pages/values_form.html.j2", _form_context(form, profile))
    try:
        answers = values_answers(form)
    except InvalidInput as problem:
        context = {**_form_context(form, profile), "errors": problems_by_field(problem)}
        return render(request, "pages/values_form.html.j2", context, status_code=422)
    context = {
        "result": clarify_values(answers),
        "answers_json": answers.model_dump_json(),
        "profile_json": profile.model_dump_json() if profile is not None else "",
    }
    return render(request, "pages/values_result.html.j2", context)


@router.get("/summary", response_class=HTMLResponse)
async def summary_start(request: Request) -> HTMLResponse:
    """How to get a printable summary: it is made from the check's answers."""
    return await render_fixed(request, "pages/summary_start.html.j2", dict)


@router.post("/summary")
async def summary_page(request: Request) -> Response:
    """The printable one-page summary, or the same page as a file to save."""
    form = await request.form(max_files=0)
    profile = carried_profile(form)
    if profile is None:
        raise InvalidInput("profile", "is missing", "the answers of the symptom check")
    values_data = carried_json(form, "values")
    answers = None if values_data is None else parse_values_answers(values_data)
    registry = await run_in_threadpool(similar_patients, request, profile.region, profile.severity)
    page = render_summary_html(build_summary(profile, answers, registry=registry))
    # The page is one self-contained file with its own <style>; allow exactly that block.
    hashes = [style_hash(css) for css in STYLE_BLOCK.findall(page)]
    headers = {"content-security-policy": content_security_policy(hashes)}
    if text(form, "download") == "yes":
        headers["content-disposition"] = 'attachment; filename="regenspine-summary.html"'
    return HTMLResponse(page, headers=headers)
