"""The one-time notices a workspace write leaves: small enough for the session cookie, and the
screening result worked out again only when it agrees with what was stored."""

from __future__ import annotations

import datetime as dt
import json

from tests.factories.profiles import CANDIDATE_PROFILE

from regenspine.decision_aid.profile import CONTRAINDICATIONS, RED_FLAG_IDS, parse_profile
from regenspine.instruments import InstrumentScore
from regenspine.registry.models import Screening
from regenspine.registry.services.followups import RecordedAssessment
from regenspine.web.workspace.notices import (
    assessment_notice,
    screening_notice,
    screening_outcome,
)

# Browsers drop a cookie over 4096 bytes; a notice must leave room for the rest of the session.
NOTICE_BUDGET = 2048


def _screening(category: str, profile: dict[str, object]) -> Screening:
    stored = parse_profile(profile).model_dump(mode="json")
    return Screening(
        id=7, episode_id=3, screened_on=dt.date(2026, 9, 5), category=category, profile=stored
    )


def test_a_stored_screening_is_shown_again_with_every_reason() -> None:
    notice = screening_notice(_screening("candidate", CANDIDATE_PROFILE))
    assert notice["text"] == "Screening 7 stored for episode 3 (2026-09-05): candidate."
    result = screening_outcome(notice)
    assert result is not None
    assert result.category.value == "candidate"
    assert len(result.reasons) == 4


def test_the_worst_case_screening_notice_stays_small() -> None:
    # Every red flag and contraindication: 21 reasons, several kilobytes of text if kept whole.
    everything = {
        **CANDIDATE_PROFILE,
        "red_flags": list(RED_FLAG_IDS),
        "contraindications": list(CONTRAINDICATIONS),
        "general_health": "poor",
    }
    notice = screening_notice(_screening("urgent_care", everything))
    assert len(json.dumps(notice)) < NOTICE_BUDGET
    result = screening_outcome(notice)
    assert result is not None
    assert result.category.value == "urgent_care"
    assert len(json.dumps(result.model_dump(mode="json"))) > NOTICE_BUDGET


def test_no_result_is_shown_unless_the_rules_agree_with_the_stored_category() -> None:
    disagreeing = screening_notice(_screening("not_suitable", CANDIDATE_PROFILE))
    assert screening_outcome(disagreeing) is None
    broken = {"text": "x", "screening": {"category": "candidate", "profile": {"age": "old"}}}
    assert screening_outcome(broken) is None
    assert screening_outcome("Patient RS-1 added.") is None
    assert screening_outcome(None) is None


def test_an_unscored_questionnaire_says_why_and_leads_on_to_the_same_visit() -> None:
    scored = InstrumentScore(
        instrument="odi",
        instrument_title="Oswestry Disability Index",
        score=None,
        answered=3,
        reason="too many answers missing",
    )
    stored = RecordedAssessment(
        assessment_id=5,
        registry_key="RS-7F3K9Q2M",
        episode_id=2,
        timepoint="3m",
        assessed_on=dt.date(2026, 12, 1),
        scored=scored,
        window_note="Answered 40 days after the visit's window closed.",
    )
    notice = assessment_notice(stored)
    assert notice["text"] == (
        "Assessment 5 stored: Oswestry Disability Index, visit 3m, "
        "no score (too many answers missing); 3 questions answered."
    )
    assert notice["details"][0]["text"].startswith("Answered 40 days")
    assert notice["next"]["href"] == (
        "/clinic/assessments/new?patient=RS-7F3K9Q2M&episode=2&timepoint=3m"
    )
