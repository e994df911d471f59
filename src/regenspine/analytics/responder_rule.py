"""The relative responder test, one definition for pandas and SQL alike.

The report's outcome rows, its group comparisons and the decision aid's registry line
(`similar_patients`) all ask the same question: did the score fall by at least a share of a
baseline above 0? The test is written with operators that pandas Series and SQLAlchemy column
expressions both overload, so each caller gets the very same rule, evaluated where its data are.
"""

from __future__ import annotations

from typing import Any

# Scores are stored to at most 2 decimals; a tolerance far below 0.01 keeps binary floating
# point from moving a patient across a threshold (as instruments/zcq.py does by rounding).
TOLERANCE = 1e-6


def can_respond(baseline: Any) -> Any:
    """Whether a baseline score leaves room to improve (above 0)."""
    return baseline > 0


def relative_response(baseline: Any, value: Any, share: Any) -> Any:
    """Whether the score fell by at least `share` (0.3 for 30%) of a baseline above 0."""
    return can_respond(baseline) & (baseline - value >= share * baseline - TOLERANCE)
