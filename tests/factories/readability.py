"""The reading-grade goal and ceilings, and how a summary is compared with them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from regenspine.knowledge.readability import ReadingSummary

GOAL_FILE = Path(__file__).resolve().parents[1] / "knowledge" / "readability_goal.yaml"


def readability_goal() -> dict[str, Any]:
    """The goal and the recorded ceilings (tests/knowledge/readability_goal.yaml)."""
    loaded: dict[str, Any] = yaml.safe_load(GOAL_FILE.read_text(encoding="utf-8"))
    return loaded


def exceeded(summary: ReadingSummary, limits: dict[str, float]) -> list[str]:
    """Which of the limits (median, share above 8, highest grade, longest sentence) a summary
    goes over, as readable lines."""
    return [
        f"{name} {getattr(summary, name)} > {limit}"
        for name, limit in limits.items()
        if getattr(summary, name) > limit
    ]
