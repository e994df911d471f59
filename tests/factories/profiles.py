"""Sample inputs shared by the tests: one candidate profile, changed per test; values answers."""

from __future__ import annotations

import copy
from typing import Any

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
