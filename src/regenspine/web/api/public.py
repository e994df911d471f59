"""Public JSON endpoints of the decision aid: the same rules and models as the CLI and the pages.

Request and response bodies are the decision-aid models themselves, so the three faces cannot
disagree. Bad input is 422 with the field and the allowed values (see web/validation.py).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from regenspine.decision_aid.claims import MAX_TEXT_LENGTH, ClaimCheck, check_claims
from regenspine.decision_aid.clinic_questions import ClinicQuestionList
from regenspine.decision_aid.costs import CostEstimate, CostQuery, estimate_costs
from regenspine.decision_aid.faq import MAX_QUESTION_LENGTH, FaqResult, answer_question
from regenspine.decision_aid.option_content import Region
from regenspine.decision_aid.options import OptionComparison
from regenspine.decision_aid.profile import PatientProfile
from regenspine.decision_aid.recovery import RecoveryPlan, build_recovery_plan, recovery_calendar
from regenspine.decision_aid.screening import ScreeningResult, screen_candidate
from regenspine.decision_aid.values import (
    ValuesAnswers,
    ValuesResult,
    clarify_values,
    parse_values_answers,
)
from regenspine.web.fixed_content import comparison_json, questions_json


class ProblemBody(BaseModel):
    """What a 422 says: the first problem's field and allowed values, then every problem."""

    error: str = Field(examples=["InvalidInput"])
    detail: str = Field(examples=["age: input should be greater than or equal to 18"])
    field: str = Field(examples=["age"])
    allowed: list[str] | str | None = Field(default=None, examples=["18 to 120"])
    errors: list[dict[str, object]] = Field(default_factory=list)


router = APIRouter(
    tags=["decision aid (public)"],
    responses={422: {"model": ProblemBody, "description": "Bad input: field and allowed values."}},
)


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RecoveryRequest(_Request):
    """The day of the injection the plan counts from."""

    procedure_date: dt.date


class ClaimsRequest(_Request):
    """A clinic's web text or offer to check for warning signs."""

    text: str = Field(min_length=1, max_length=MAX_TEXT_LENGTH)


class ValuesRequest(ValuesAnswers):
    """Values answers read strictly, as the CLI reads them: a rating of `true` or "3" is refused."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class FaqRequest(_Request):
    """A question in the person's own words, and how many answers to return."""

    question: str = Field(min_length=1, max_length=MAX_QUESTION_LENGTH)
    top: int = Field(default=3, ge=1, le=10)


@router.post("/screening", response_model=ScreeningResult, summary="Screen a profile")
def screening(profile: PatientProfile) -> ScreeningResult:
    """Screen a profile: red flags first, then the one category that applies and every reason."""
    return screen_candidate(profile)


@router.get("/options", response_model=OptionComparison, summary="Compare the options")
async def options(region: Annotated[Region, Query()] = Region.lumbar) -> Response:
    """Every option side by side for a region, outcomes as x of 100 people with icon arrays."""
    # Built and encoded once per knowledge-base version; the model above documents the body.
    return Response(await comparison_json.get(region), media_type="application/json")


@router.post("/costs", response_model=CostEstimate, summary="Estimate costs")
def costs(query: CostQuery) -> CostEstimate:
    """Published prices at home and abroad, coverage, and a total with the person's own travel."""
    return estimate_costs(query)


@router.post("/recovery", response_model=RecoveryPlan, summary="Recovery plan")
def recovery(request: RecoveryRequest) -> RecoveryPlan:
    """The dated recovery plan: phases, the medicine window, warning signs, follow-up visits."""
    return build_recovery_plan(request.procedure_date)


@router.post(
    "/recovery/ics",
    summary="Recovery plan as a calendar file",
    response_class=Response,
    responses={200: {"content": {"text/calendar": {}}, "description": "An iCalendar file."}},
)
def recovery_ics(request: RecoveryRequest) -> Response:
    """The same plan as an iCalendar (.ics) file."""
    plan = build_recovery_plan(request.procedure_date)
    filename = f"recovery-plan-{request.procedure_date.isoformat()}.ics"
    return Response(
        recovery_calendar(plan, dt.datetime.now(dt.UTC)),
        media_type="text/calendar; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{filename}"'},
    )


@router.post("/claims/check", response_model=ClaimCheck, summary="Check a clinic's text")
def claims_check(request: ClaimsRequest) -> ClaimCheck:
    """Warning signs in a clinic's text, each with the excerpt, why it matters and sources."""
    return check_claims(request.text)


@router.get(
    "/clinic-questions", response_model=ClinicQuestionList, summary="Questions to ask a clinic"
)
async def questions() -> Response:
    """The questions to ask a clinic before paying, grouped, each with why and sources."""
    return Response(await questions_json.get(), media_type="application/json")


@router.post("/values", response_model=ValuesResult, summary="Values, SURE check and leaning")
def values(answers: ValuesRequest) -> ValuesResult:
    """What matters most and the options that line up with it, the SURE check and the leaning."""
    return clarify_values(parse_values_answers(answers.model_dump()))


@router.post("/faq", response_model=FaqResult, summary="Answer a question")
def faq(request: FaqRequest) -> FaqResult:
    """Cited answers to a question from the knowledge base, best first; urgent care first."""
    return answer_question(request.question, top=request.top)
