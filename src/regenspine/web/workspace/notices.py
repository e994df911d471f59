"""The one-time notices a workspace write leaves for the page it redirects to.

A notice travels in the signed session cookie (about 4 KB at most in a browser), so it holds
words and source ids, never a whole record. A stored screening is the exception that proves the
rule: its reasons can run to several kilobytes, so the notice keeps the screened profile (a few
hundred bytes) and the patient page works the result out again with the same decision-aid rules
that produced the stored one.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session
from starlette.datastructures import URL

from regenspine.care import AdverseEventAssessment, ProtocolReport
from regenspine.decision_aid.profile import parse_profile
from regenspine.decision_aid.screening import ScreeningResult, screen_candidate
from regenspine.errors import InvalidInput
from regenspine.registry.models import Screening
from regenspine.registry.services.episodes import find_episode
from regenspine.registry.services.followups import RecordedAssessment
from regenspine.web.labels import words
from regenspine.web.workspace.common import Notice

SCREENING = "screening"


def patient_page_of(session: Session, episode_id: int) -> str:
    """The address of the page of the patient an episode belongs to."""
    return f"/clinic/patients/{find_episode(session, episode_id).patient.registry_key}"


def screening_notice(screening: Screening) -> Notice:
    """What was screened, with the profile the patient page needs to show the whole result."""
    return {
        "text": (
            f"Screening {screening.id} stored for episode {screening.episode_id} "
            f"({screening.screened_on.isoformat()}): {words(screening.category).lower()}."
        ),
        SCREENING: {"category": screening.category, "profile": screening.profile},
    }


def screening_outcome(notice: Notice | None) -> ScreeningResult | None:
    """The result of the screening a notice names, by the rules that stored it (else None)."""
    if not isinstance(notice, dict) or not isinstance(notice.get(SCREENING), dict):
        return None
    screened = notice[SCREENING]
    try:
        result = screen_candidate(parse_profile(screened.get("profile")))
    except InvalidInput:
        return None
    # The rules are the ones that produced the stored result; agreeing is checked, not assumed.
    return result if result.category.value == screened.get("category") else None


def assessment_notice(stored: RecordedAssessment) -> Notice:
    """The score just stored, what it means, and a way on to the visit's next questionnaire."""
    scored = stored.scored
    if scored.score is None:
        outcome = f"no score ({scored.reason})"
    else:
        band = f" ({scored.band})" if scored.band else ""
        outcome = f"score {scored.score}{band}"
    answered = f"{scored.answered} question{'s' if scored.answered != 1 else ''} answered"
    next_visit = URL("/clinic/assessments/new").include_query_params(
        patient=stored.registry_key, episode=stored.episode_id, timepoint=stored.timepoint
    )
    return {
        "text": (
            f"Assessment {stored.assessment_id} stored: {scored.instrument_title}, visit "
            f"{stored.timepoint}, {outcome}; {answered}."
        ),
        "sources": list(scored.sources),
        "details": [_detail(stored.window_note)] if stored.window_note else [],
        "next": {"href": str(next_visit), "label": "Enter another questionnaire for this visit"},
    }


def adverse_event_notice(event_id: int, assessment: AdverseEventAssessment) -> Notice:
    """The event as graded: serious or not, grade, relatedness, and what to check next."""
    seriousness = "serious" if assessment.serious else "not serious"
    if assessment.serious:
        seriousness += f" ({', '.join(assessment.serious_criteria)})"
    return {
        "text": (
            f"Adverse event {event_id} stored: {assessment.category_label}, {seriousness}. "
            f"{assessment.grade_label}. {assessment.relatedness_label}. "
            f"Outcome: {assessment.outcome_label}."
        ),
        "sources": list(assessment.sources),
        "details": [
            _detail(check.message, list(check.sources), check.title, check.outcome)
            for check in assessment.checks
        ],
    }


def procedure_notice(procedure_id: int, report: ProtocolReport) -> Notice:
    """The procedure saved, and each protocol check's outcome (the page shows their reasons)."""
    outcomes = ", ".join(f"{check.title}: {check.outcome}" for check in report.checks)
    return f"Procedure {procedure_id} saved with its follow-up visits. Protocol checks: {outcomes}."


def _detail(
    text: str, sources: list[str] | None = None, title: str = "", outcome: str = ""
) -> dict[str, Any]:
    return {"text": text, "sources": sources or [], "title": title, "outcome": outcome}
