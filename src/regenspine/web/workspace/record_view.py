"""What the patient page shows beside the stored record: where each follow-up visit stands
today, and the words for the ids the record keeps (instruments, visits, adverse-event terms)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from regenspine.analytics.worsening import (
    SCORE,
    ScoreChart,
    ScoreSeries,
    measures,
    score_chart,
    score_series,
)
from regenspine.care import FollowUpVisit, timepoints, visit_status
from regenspine.care.adverse_events import load_adverse_event_texts
from regenspine.instruments.catalogue import instrument
from regenspine.registry.services.records import EpisodeRecord, FollowUpView, PatientRecord

# The identifying fields in the order a clinic reads them, with their labels.
IDENTITY_LABELS = {
    "name": "Name",
    "birth_date": "Born",
    "sex": "Sex",
    "mrn": "Medical record number",
    "zip": "ZIP code",
    "email": "E-mail",
    "phone": "Phone",
}


def follow_up_status(follow_up: FollowUpView, today: dt.date) -> str:
    """Where one stored visit stands today, by the follow-up schedule's one rule."""
    visit = FollowUpVisit(
        timepoint=follow_up.timepoint,
        label=follow_up.timepoint,
        due_on=follow_up.due_on,
        window_opens=follow_up.window_opens,
        window_closes=follow_up.window_closes,
    )
    return visit_status(visit, today, done=follow_up.completed_on is not None)


def visit_statuses(record: PatientRecord, today: dt.date) -> dict[int, str]:
    """The status of every follow-up visit of the record, by follow-up id."""
    return {
        follow_up.id: follow_up_status(follow_up, today)
        for episode in record.episodes
        for follow_up in episode.follow_ups
    }


def record_words(record: PatientRecord) -> dict[str, Any]:
    """Labels for the ids in the record: instruments, timepoints and adverse-event terms."""
    used = {item.instrument for episode in record.episodes for item in episode.assessments}
    texts = load_adverse_event_texts()
    return {
        "instrument_titles": {name: instrument(name).title for name in sorted(used)},
        "timepoint_labels": {timepoint.id: timepoint.label for timepoint in timepoints()},
        "event_categories": texts.categories.levels,
        "relatedness_labels": {key: level.label for key, level in texts.relatedness.levels.items()},
        "event_outcomes": texts.outcomes,
        "identity_labels": IDENTITY_LABELS,
    }


def episode_charts(episode: EpisodeRecord) -> list[tuple[ScoreSeries, ScoreChart]]:
    """Each measure the episode has scores for, as a series and its chart, in registry order."""
    charts = []
    for known in measures():
        scored = [
            (
                item.timepoint,
                item.assessed_on,
                item.score if known.part == SCORE else _subscale(item.subscales, known.part),
            )
            for item in episode.assessments
            if item.instrument == known.instrument
        ]
        series = score_series(known.instrument, known.part, scored)
        if series.points:
            charts.append((series, score_chart(series)))
    return charts


def _subscale(subscales: dict[str, Any] | None, part: str) -> float | None:
    value = (subscales or {}).get(part)
    return float(value) if isinstance(value, int | float) else None


def record_charts(record: PatientRecord) -> dict[int, list[tuple[ScoreSeries, ScoreChart]]]:
    """The score charts of every episode of the record, by episode id."""
    return {episode.id: episode_charts(episode) for episode in record.episodes}


def worse_series(
    charts: dict[int, list[tuple[ScoreSeries, ScoreChart]]],
) -> list[tuple[int, ScoreSeries]]:
    """The series flagged worse than baseline, with their episode ids, for the record's top."""
    return [
        (episode_id, series)
        for episode_id, episode_charts in charts.items()
        for series, _chart in episode_charts
        if series.worse
    ]
