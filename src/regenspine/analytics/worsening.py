"""Scores over time against the baseline and the minimal important change (MIC), and the patients
who are worse than their baseline by at least that change.

A measure is an instrument's whole score, or a subscale where the instrument has no total (the
ZCQ). Its MIC is the first threshold in points in the instrument data that applies to it (the
international consensus value comes first); its direction says whether improvement is a
decrease, so a higher score is worse for the ODI, NDI, NRS and the ZCQ subscales. One rule,
`is_worse_than_baseline`, decides the flag for the patient page (in Python) and the dashboard
list (in SQL): the same operators work on numbers and on SQLAlchemy columns.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from functools import cache
from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlalchemy import Connection, Float, case, func, literal, select, union_all
from sqlalchemy.orm import aliased

from regenspine.analytics.cohort import ReportFilters, report_cohort
from regenspine.analytics.frames import BASELINE
from regenspine.analytics.responder_rule import TOLERANCE
from regenspine.instruments import SCORERS
from regenspine.instruments.catalogue import instrument
from regenspine.registry.models import Assessment, Episode, Patient

SCORE = "score"
LIST_LIMIT = 50
# The plot's drawing area in SVG user units; the page scales it to the width it has.
CHART_WIDTH = 640
CHART_HEIGHT = 260
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 48, 24, 20, 44


class Measure(BaseModel):
    """An instrument's score or subscale, its MIC (points) and which way is worse."""

    model_config = ConfigDict(frozen=True)

    instrument: str
    part: str  # "score" or a subscale id
    label: str
    mic: float | None
    higher_is_worse: bool | None  # None where the data give no MIC, hence no direction
    population: str | None
    sources: tuple[str, ...]


@cache
def measures() -> tuple[Measure, ...]:
    """Every measure of the scored instruments, in registry order."""
    found: list[Measure] = []
    for instrument_id in SCORERS:
        data = instrument(instrument_id)
        parts = [sub.id for sub in data.subscales] if data.subscales else [SCORE]
        for part in parts:
            threshold = next(
                (
                    t
                    for t in data.minimal_important_change
                    if t.applies_to == part and t.unit == "points"
                ),
                None,
            )
            subscale = next((sub for sub in data.subscales if sub.id == part), None)
            label = (
                data.short_title if subscale is None else f"{data.short_title}: {subscale.title}"
            )
            found.append(
                Measure(
                    instrument=instrument_id,
                    part=part,
                    label=label,
                    mic=threshold.value if threshold else None,
                    higher_is_worse=None
                    if threshold is None
                    else threshold.direction == "decrease",
                    population=threshold.population if threshold else None,
                    sources=threshold.sources if threshold else (),
                )
            )
    return tuple(found)


def measure(instrument_id: str, part: str = SCORE) -> Measure:
    """The measure of an instrument's score or subscale."""
    return next(m for m in measures() if (m.instrument, m.part) == (instrument_id, part))


def worsening(baseline: Any, value: Any, higher_is_worse: bool) -> Any:
    """How much worse than baseline a score is, in points (negative when it improved)."""
    return value - baseline if higher_is_worse else baseline - value


def is_worse_than_baseline(baseline: Any, value: Any, mic: Any, higher_is_worse: bool) -> Any:
    """Whether a score is worse than baseline by at least the MIC (exactly the MIC counts)."""
    return worsening(baseline, value, higher_is_worse) >= mic - TOLERANCE


class ScorePoint(BaseModel):
    """One scored visit of a measure."""

    model_config = ConfigDict(frozen=True)

    timepoint: str
    assessed_on: dt.date
    value: float


class ScoreSeries(BaseModel):
    """A measure over one episode: baseline, every follow-up, the latest change and the flag."""

    model_config = ConfigDict(frozen=True)

    measure: Measure
    points: tuple[ScorePoint, ...]  # oldest first
    baseline: float | None
    latest: ScorePoint | None  # the latest follow-up (not the baseline)
    change: float | None  # latest minus baseline
    worse: bool  # worse than baseline by at least the MIC


def score_series(
    instrument_id: str, part: str, scored: Sequence[tuple[str, dt.date, float | None]]
) -> ScoreSeries:
    """The series of one measure from (timepoint, day, value) rows; unscored visits are left out.

    With no baseline (or no MIC) there is nothing to compare with, so nothing is flagged.
    """
    known = measure(instrument_id, part)
    points = tuple(
        sorted(
            (
                ScorePoint(timepoint=t, assessed_on=day, value=v)
                for t, day, v in scored
                if v is not None
            ),
            key=lambda point: (point.assessed_on, point.timepoint != BASELINE),
        )
    )
    baseline = next((p.value for p in points if p.timepoint == BASELINE), None)
    follow_ups = [p for p in points if p.timepoint != BASELINE]
    latest = follow_ups[-1] if follow_ups else None
    change = None if baseline is None or latest is None else round(latest.value - baseline, 2)
    worse = (
        baseline is not None
        and latest is not None
        and known.mic is not None
        and known.higher_is_worse is not None
        and bool(is_worse_than_baseline(baseline, latest.value, known.mic, known.higher_is_worse))
    )
    return ScoreSeries(
        measure=known, points=points, baseline=baseline, latest=latest, change=change, worse=worse
    )


class ChartMark(BaseModel):
    """A point drawn on the chart, with its label."""

    model_config = ConfigDict(frozen=True)

    x: float
    y: float
    label: str  # the score
    axis_label: str  # the timepoint


class ChartLine(BaseModel):
    """A horizontal reference line (baseline, or baseline plus the MIC) and its label."""

    model_config = ConfigDict(frozen=True)

    y: float
    label: str


class ScoreChart(BaseModel):
    """Where everything of a series goes in the SVG's coordinates."""

    model_config = ConfigDict(frozen=True)

    width: int
    height: int
    left: float
    right: float
    top: float
    bottom: float
    marks: tuple[ChartMark, ...]
    path: str  # the polyline's points
    baseline: ChartLine | None
    threshold: ChartLine | None  # the score at which the patient counts as worse
    ticks: tuple[ChartLine, ...]


def _nice_top(value: float) -> float:
    """A round upper end for the value axis at or above `value`."""
    if value <= 0:
        return 1.0
    step = 10 ** math.floor(math.log10(value))
    for factor in (1, 2, 2.5, 5, 10):
        if value <= factor * step:
            return float(factor * step)
    return float(10 * step)


def _number(value: float) -> str:
    return f"{value:g}"


def score_chart(series: ScoreSeries) -> ScoreChart:
    """Lay the series out for an SVG drawn with presentation attributes only."""
    left, right = MARGIN_LEFT, CHART_WIDTH - MARGIN_RIGHT
    top, bottom = MARGIN_TOP, CHART_HEIGHT - MARGIN_BOTTOM
    mic = series.measure.mic
    direction = series.measure.higher_is_worse
    threshold_value = None
    if series.baseline is not None and mic is not None and direction is not None:
        step = mic if direction else -mic
        threshold_value = series.baseline + step
    values = [p.value for p in series.points]
    if threshold_value is not None:
        values.append(threshold_value)
    high = _nice_top(max(values, default=1.0))
    low = min(0.0, min(values, default=0.0))

    def y_of(value: float) -> float:
        return round(bottom - (value - low) / (high - low) * (bottom - top), 1)

    count = len(series.points)
    gap = (right - left) / max(count - 1, 1)
    marks = tuple(
        ChartMark(
            x=round(left + (index * gap if count > 1 else (right - left) / 2), 1),
            y=y_of(point.value),
            label=_number(point.value),
            axis_label=point.timepoint,
        )
        for index, point in enumerate(series.points)
    )
    baseline = (
        None
        if series.baseline is None
        else ChartLine(y=y_of(series.baseline), label=f"baseline {_number(series.baseline)}")
    )
    threshold = (
        None
        if threshold_value is None
        else ChartLine(
            y=y_of(threshold_value), label=f"worse by MIC {_number(round(threshold_value, 2))}"
        )
    )
    ticks = tuple(ChartLine(y=y_of(value), label=_number(value)) for value in (low, high))
    return ScoreChart(
        width=CHART_WIDTH,
        height=CHART_HEIGHT,
        left=left,
        right=right,
        top=top,
        bottom=bottom,
        marks=marks,
        path=" ".join(f"{mark.x},{mark.y}" for mark in marks),
        baseline=baseline,
        threshold=threshold,
        ticks=ticks,
    )


class WorseRow(BaseModel):
    """A patient whose latest follow-up is worse than baseline by at least the MIC."""

    model_config = ConfigDict(frozen=True)

    registry_key: str
    episode_id: int
    instrument: str
    measure_label: str
    timepoint: str
    baseline: float
    latest: float
    change: float
    mic: float
    synthetic: bool


class WorseList(BaseModel):
    """The first rows of the "worse than baseline" list and how many there are in all."""

    model_config = ConfigDict(frozen=True)

    count: int
    rows: list[WorseRow]
    limit: int


def _measure_values(kept: Sequence[Measure]) -> Any:
    """Every scored assessment of a measure with a MIC, one row per measure, as one subquery."""
    selects = []
    for known in kept:
        value = (
            Assessment.score if known.part == SCORE else Assessment.subscales[known.part].as_float()
        )
        selects.append(
            select(
                Assessment.id.label("assessment_id"),
                Assessment.episode_id,
                literal(known.instrument).label("instrument"),
                literal(known.part).label("part"),
                Assessment.timepoint,
                Assessment.assessed_on,
                value.cast(Float).label("value"),
            ).where(Assessment.instrument == known.instrument)
        )
    return union_all(*selects).subquery("measured")


def worse_than_baseline(
    connection: Connection, filters: ReportFilters, limit: int = LIST_LIMIT
) -> WorseList:
    """The treated patients the filters select whose latest follow-up of a measure is worse than
    baseline by at least its MIC, most worsened (in MICs) first; one query for the rows, one for
    the count, however large the registry."""
    kept = [m for m in measures() if m.mic is not None and m.higher_is_worse is not None]
    values = _measure_values(kept)
    ranked = (
        select(
            values,
            func.row_number()
            .over(
                partition_by=(values.c.episode_id, values.c.instrument, values.c.part),
                order_by=(values.c.assessed_on.desc(), values.c.assessment_id.desc()),
            )
            .label("position"),
        )
        .where(values.c.timepoint != BASELINE, values.c.value.is_not(None))
        .subquery("ranked")
    )
    base = aliased(values, name="base")
    key = (ranked.c.instrument, ranked.c.part)
    mic = case(*((_same(key, m), literal(m.mic)) for m in kept), else_=None)
    higher = case(*((_same(key, m), literal(1 if m.higher_is_worse else -1)) for m in kept))
    worse_by = (ranked.c.value - base.c.value) * higher
    with report_cohort(connection, filters) as cohort:
        flagged = (
            select(
                Patient.registry_key,
                ranked.c.episode_id,
                ranked.c.instrument,
                ranked.c.part,
                ranked.c.timepoint,
                base.c.value.label("baseline"),
                ranked.c.value.label("latest"),
                mic.label("mic"),
                Patient.synthetic,
                (worse_by / mic).label("mics"),
            )
            .join(cohort, cohort.c.episode_id == ranked.c.episode_id)
            .join(
                base,
                (base.c.episode_id == ranked.c.episode_id)
                & (base.c.instrument == ranked.c.instrument)
                & (base.c.part == ranked.c.part)
                & (base.c.timepoint == BASELINE),
            )
            .join(Episode, Episode.id == ranked.c.episode_id)
            .join(Patient, Patient.id == Episode.patient_id)
            .where(
                ranked.c.position == 1,
                base.c.value.is_not(None),
                worse_by >= mic - TOLERANCE,
            )
            .subquery("flagged")
        )
        count = connection.execute(select(func.count()).select_from(flagged)).scalar_one()
        rows = connection.execute(
            select(flagged)
            .order_by(
                flagged.c.mics.desc(),
                flagged.c.registry_key,
                flagged.c.instrument,
                flagged.c.part,
            )
            .limit(limit)
        ).all()
    return WorseList(
        count=count,
        limit=limit,
        rows=[
            WorseRow(
                registry_key=row.registry_key,
                episode_id=row.episode_id,
                instrument=row.instrument,
                measure_label=measure(row.instrument, row.part).label,
                timepoint=row.timepoint,
                baseline=row.baseline,
                latest=row.latest,
                change=round(row.latest - row.baseline, 2),
                mic=row.mic,
                synthetic=bool(row.synthetic),
            )
            for row in rows
        ],
    )


def _same(key: tuple[Any, Any], known: Measure) -> Any:
    return (key[0] == known.instrument) & (key[1] == known.part)
