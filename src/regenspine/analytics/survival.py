"""Surgery-free survival after the index procedure: Kaplan-Meier with lifelines.

Time runs from the index procedure to the first spine surgery on or after it (an intervention
with `is_surgery`, recorded by the report's as-of day). Patients without surgery are censored at
their last contact: the later of their last assessment and their last completed follow-up visit,
up to the as-of day; a patient not seen since the procedure is censored on its day. Censoring at
the last contact rather than at the as-of day keeps a patient who stopped answering from
counting as surgery-free after the registry lost sight of them.

The confidence band is lifelines' default, the exponential Greenwood interval (log(-log)
transform).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from regenspine.analytics.estimates import ALPHA, MIN_REPORTED, interval, rounded

# Milestones in months with the days they stand for (12 months counted as 365 days, this tool's
# convention; calendar months vary in length).
MILESTONES = {12: 365, 24: 730}
DEFINITION = (
    "Time from the first procedure of the episode to the first spine surgery; patients without "
    "surgery are counted until their last questionnaire or visit (censored)."
)


class SurvivalEstimate(BaseModel):
    """The share of patients still without surgery at a milestone, with its 95% interval."""

    model_config = ConfigDict(frozen=True)

    months: int
    days: int
    estimate: float | None
    ci: tuple[float, float] | None
    at_risk: int
    note: str | None = None


class CurvePoint(BaseModel):
    """One step of the Kaplan-Meier curve: day, estimate and band."""

    model_config = ConfigDict(frozen=True)

    day: float
    estimate: float
    low: float
    high: float


class SurvivalSummary(BaseModel):
    """Surgery-free survival of the cohort."""

    model_config = ConfigDict(frozen=True)

    definition: str = DEFINITION
    patients: int
    surgeries: int
    censored: int
    estimates: list[SurvivalEstimate]
    note: str | None = None
    curve: list[CurvePoint] = Field(default_factory=list, exclude=True)


def follow_up_times(days: pd.DataFrame) -> pd.DataFrame:
    """Time and event per group of episodes from the rows of `frames.surgery_follow_up_days`.

    Columns: duration (days), surgery (1 = surgery, 0 = censored), people.
    """
    if days.empty:
        return pd.DataFrame({"duration": [], "surgery": [], "people": []})
    surgery = days["surgery_day"].notna()
    contact = days[["assessed_day", "visit_day"]].astype("float64").max(axis=1).fillna(0)
    duration = days["surgery_day"].astype("float64").where(surgery, contact).clip(lower=0)
    times = pd.DataFrame(
        {"duration": duration, "surgery": surgery.astype("int64"), "people": days["people"]}
    )
    return times.groupby(["duration", "surgery"], as_index=False)["people"].sum()


def surgery_free_survival(times: pd.DataFrame) -> SurvivalSummary:
    """Kaplan-Meier estimates at 12 and 24 months from `follow_up_times` rows."""
    patients = int(times["people"].sum()) if not times.empty else 0
    surgeries = int(times.loc[times["surgery"] == 1, "people"].sum()) if patients else 0
    counts = {"patients": patients, "surgeries": surgeries, "censored": patients - surgeries}
    if patients < MIN_REPORTED:
        empty = [
            SurvivalEstimate(months=m, days=d, estimate=None, ci=None, at_risk=0)
            for m, d in MILESTONES.items()
        ]
        note = f"not enough data (fewer than {MIN_REPORTED} patients)"
        return SurvivalSummary(**counts, estimates=empty, note=note)
    from lifelines import KaplanMeierFitter

    fitter = KaplanMeierFitter(alpha=ALPHA)
    fitter.fit(times["duration"], times["surgery"], weights=times["people"])
    band = fitter.confidence_interval_survival_function_
    estimates = [_milestone(fitter, band, times, m, d) for m, d in MILESTONES.items()]
    return SurvivalSummary(**counts, estimates=estimates, curve=_curve(fitter, band))


def _curve(fitter: object, band: pd.DataFrame) -> list[CurvePoint]:
    """The curve's steps while at least MIN_REPORTED patients are still followed: the tail
    after that rests on too few patients to draw."""
    at_risk = fitter.event_table["at_risk"].reindex(band.index)  # type: ignore[attr-defined]
    shown = band.assign(
        estimate=fitter.survival_function_.iloc[:, 0],  # type: ignore[attr-defined]
        at_risk=at_risk,
    ).loc[at_risk >= MIN_REPORTED]
    return [
        CurvePoint(day=float(day), estimate=float(estimate), low=float(low), high=float(high))
        for day, low, high, estimate, _ in shown.itertuples()
    ]


def _milestone(
    fitter: object, band: pd.DataFrame, times: pd.DataFrame, months: int, days: int
) -> SurvivalEstimate:
    at_risk = int(times.loc[times["duration"] >= days, "people"].sum())
    if at_risk < MIN_REPORTED:
        return SurvivalEstimate(
            months=months,
            days=days,
            estimate=None,
            ci=None,
            at_risk=at_risk,
            note=f"not enough data (fewer than {MIN_REPORTED} patients followed this long)",
        )
    estimate = float(np.asarray(fitter.survival_function_at_times(days))[0])  # type: ignore[attr-defined]
    step = band.loc[band.index <= days].iloc[-1]
    return SurvivalEstimate(
        months=months,
        days=days,
        estimate=rounded(estimate),
        ci=interval(float(step.iloc[0]), float(step.iloc[1])),
        at_risk=at_risk,
    )
