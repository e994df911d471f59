"""Sample inputs shared by the tests: one candidate profile, changed per test; values answers."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from regenspine.decision_aid.registry_note import RegistryOutcome

CANDIDATE_PROFILE: dict[str, Any] = {
    "age": 66,
    "region": "lumbar",
    "severity": "moderate",
    "symptom_weeks": 52,
    "symptoms": ["neurogenic_claudication", "leg_pain"],
    "red_flags": [],
    "imaging": {
        "disc_bulge": True,
        "ligamentum_flavum_hypertrophy": True,
        "facet_arthropathy": False,
        "bony_compression_percent": 20,
        "instability": False,
    },
    "conservative_care_weeks": 16,
    "contraindications": [],
    "general_health": "good",
}


def candidate_profile(**changes: Any) -> dict[str, Any]:
    """A profile meeting every criterion clinics describe; `imaging` changes merge key by key."""
    data = copy.deepcopy(CANDIDATE_PROFILE)
    data["imaging"].update(changes.pop("imaging", {}))
    data.update(changes)
    return data


# Ids of the values questions and of the four SURE items, in the order values.yaml gives them.
VALUE_IDS = (
    "leg_pain_relief",
    "walking_distance",
    "avoiding_surgery",
    "low_risk",
    "short_recovery",
    "low_cost",
    "evidence_certainty",
)
SURE_IDS = ("sure_of_myself", "understand_information", "risk_benefit_ratio", "encouragement")

# A person's answers to the values questions, as the summary takes them.
VALUES: dict[str, Any] = {
    "ratings": {
        "leg_pain_relief": 4,
        "walking_distance": 4,
        "avoiding_surgery": 3,
        "low_risk": 3,
        "short_recovery": 2,
        "low_cost": 2,
        "evidence_certainty": 4,
    },
    "sure": {
        "sure_of_myself": False,
        "understand_information": True,
        "risk_benefit_ratio": True,
        "encouragement": True,
    },
    "leaning": "conservative_care",
}


# Wilson's 95% interval of 12 of 30, worked out in tests/analytics/test_similar_patients.py.
TWELVE_OF_THIRTY = (0.24586, 0.57680)


def registry_outcome(**changes: Any) -> RegistryOutcome:
    """This clinic's counts as the registry service gives them: 12 of 30 lumbar, moderate."""
    data: dict[str, Any] = {
        "region": "lumbar",
        "severity": "moderate",
        "instrument": "odi",
        "instrument_name": "ODI",
        "percent_of_baseline": 30.0,
        "rule_sources": ("ostelo-2008-mic",),
        "n": 30,
        "minimum": 30,
        "responders": 12,
        "ci": TWELVE_OF_THIRTY,
        "as_of": dt.date(2026, 11, 1),
    }
    data.update(changes)
    return RegistryOutcome.model_validate(data)
