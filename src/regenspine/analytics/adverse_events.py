"""Adverse events per 100 procedures, by CTCAE grade, ICH E2A seriousness, site and relatedness.

The denominator is every procedure of the cohort's episodes; an event counts once however many
procedures the episode had. Rates come with exact (Garwood) Poisson 95% intervals, because one
patient can have more than one event.
"""

from __future__ import annotations

from typing import get_args

import pandas as pd
from pydantic import BaseModel, ConfigDict

from regenspine.analytics.estimates import MIN_REPORTED, interval, poisson_rate_interval, rounded
from regenspine.care.adverse_events import AdverseEventSite, load_adverse_event_texts

PER = 100
SITE_LABELS: dict[AdverseEventSite, str] = {
    "harvest": "Harvest site",
    "injection": "Injection site",
    "systemic": "Whole body (systemic)",
}
SERIOUSNESS_LABELS = {"serious": "Serious (ICH E2A)", "not_serious": "Not serious"}


class EventRate(BaseModel):
    """Events of one kind and their rate per 100 procedures."""

    model_config = ConfigDict(frozen=True)

    value: str
    label: str
    events: int
    per_100_procedures: float | None
    ci: tuple[float, float] | None


class AdverseEventSummary(BaseModel):
    """Adverse events of the cohort, overall and broken down four ways."""

    model_config = ConfigDict(frozen=True)

    procedures: int
    events: int
    per_100_procedures: float | None
    ci: tuple[float, float] | None
    by_grade: list[EventRate]
    by_seriousness: list[EventRate]
    by_site: list[EventRate]
    by_relatedness: list[EventRate]
    related_to_treatment: EventRate
    note: str | None = None


def _rate(value: str, label: str, events: int, procedures: int) -> EventRate:
    if procedures < MIN_REPORTED:
        return EventRate(value=value, label=label, events=events, per_100_procedures=None, ci=None)
    low, high = poisson_rate_interval(events, procedures, PER)
    return EventRate(
        value=value,
        label=label,
        events=events,
        per_100_procedures=rounded(events / procedures * PER),
        ci=interval(low, high),
    )


def _breakdown(
    counts: pd.DataFrame, column: str, labels: dict[str, str], procedures: int
) -> list[EventRate]:
    totals = counts.groupby(column)["events"].sum() if not counts.empty else pd.Series()
    return [
        _rate(value, label, int(totals.get(value, 0)), procedures)
        for value, label in labels.items()
    ]


def adverse_event_summary(counts: pd.DataFrame, procedures: int) -> AdverseEventSummary:
    """Rates per 100 procedures from the grouped rows of `frames.adverse_event_counts`."""
    texts = load_adverse_event_texts()
    counts = counts.assign(
        grade=counts["grade"].astype("int64").astype(str),
        serious=counts["serious"].astype("int64").map({1: "serious", 0: "not_serious"}),
    )
    related_levels = [key for key, level in texts.relatedness.levels.items() if level.related]
    related = int(counts.loc[counts["relatedness"].isin(related_levels), "events"].sum())
    events = int(counts["events"].sum())
    overall = _rate("all", "All adverse events", events, procedures)
    grade_labels = {str(grade): level.label for grade, level in texts.grades.levels.items()}
    relatedness_labels = {key: level.label for key, level in texts.relatedness.levels.items()}
    site_labels = {site: SITE_LABELS[site] for site in get_args(AdverseEventSite)}
    named = ", ".join(relatedness_labels[key].lower() for key in related_levels)
    related_label = f"Related to the treatment ({named})"
    return AdverseEventSummary(
        procedures=procedures,
        events=events,
        per_100_procedures=overall.per_100_procedures,
        ci=overall.ci,
        by_grade=_breakdown(counts, "grade", grade_labels, procedures),
        by_seriousness=_breakdown(counts, "serious", SERIOUSNESS_LABELS, procedures),
        by_site=_breakdown(counts, "site", site_labels, procedures),
        by_relatedness=_breakdown(counts, "relatedness", relatedness_labels, procedures),
        related_to_treatment=_rate("related", related_label, related, procedures),
        note=None
        if procedures >= MIN_REPORTED
        else f"not enough data (fewer than {MIN_REPORTED} procedures)",
    )
