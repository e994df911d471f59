"""REDCap's records.csv in the longitudinal layout, streamed episode by episode.

Each episode is one record. Its registration and questionnaires form one row per event (the
baseline row carries both), merged from three sorted streams (patients, episodes, assessments)
so that only one episode's rows are in memory at a time. Repeating forms (screenings,
procedures, adverse events, later treatments) follow as one row each with their instance number.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection

from regenspine.instruments.catalogue import load_instruments
from regenspine.interop.release import ExportContext
from regenspine.interop.tables.csv_export import csv_value
from regenspine.interop.tables.outcomes import assessment_select
from regenspine.interop.tables.patients import EPISODES, PATIENTS
from regenspine.interop.tables.redcap_layout import (
    BASELINE,
    RECORD_ID,
    Event,
    Field,
    Form,
    RedcapLayout,
)
from regenspine.interop.tables.tidy import Column, Values, conform, pair_up, stream

RecordRow = dict[str, str]
# Shapes a questionnaire value must have in a de-identified export (see tables.conform).
_WHOLE = Column("answer", "integer", "an item answer or a day count")
_NUMBER = Column("score", "number", "a score or subscale mean")


def record_id(row: Values) -> str:
    """The REDCap record of an episode: its registry key and episode number."""
    return f"{row['patient_key']}-{row['episode']}"


def redcap_value(value: Any) -> str:
    """A value as REDCap imports it: 1/0 for yes/no, ISO dates, plain numbers."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    return csv_value(value)


def form_values(form: Form, row: Values) -> RecordRow:
    """A form's record columns filled from a tidy row (checkboxes as one 1/0 column each)."""
    values: RecordRow = {}
    for field in form.fields:
        if field.source is None:
            continue
        values |= _field_values(field, row.get(field.source))
    return values


def _field_values(field: Field, value: Any) -> RecordRow:
    if field.type != "checkbox":
        return {field.name: redcap_value(value)}
    if value is None:
        return dict.fromkeys(field.record_columns(), "")
    ticked = set(value)
    return {
        f"{field.name}___{code}": "1" if code in ticked else "0" for code, _label in field.choices
    }


def record_rows(
    connection: Connection, context: ExportContext, layout: RedcapLayout
) -> Iterator[RecordRow]:
    """Every row of records.csv: the event rows of each episode, then the repeating forms."""
    yield from _event_rows(connection, context, layout)
    for form in layout.forms:
        if form.repeating and form.table is not None:
            yield from _repeating_rows(connection, context, layout, form)


def _registrations(connection: Connection, context: ExportContext) -> Iterator[Values]:
    """Each episode with its patient's columns, in patient and episode order."""
    patients = PATIENTS.rows(connection, context)
    episodes = EPISODES.rows(connection, context)
    pairs = pair_up(patients, episodes, lambda p: p["_order"][0], lambda e: e["_order"][0])
    for patient, its_episodes in pairs:
        for episode in its_episodes:
            yield patient | episode


def _event_rows(
    connection: Connection, context: ExportContext, layout: RedcapLayout
) -> Iterator[RecordRow]:
    registration = layout.form("registration")
    assessments = stream(connection, assessment_select())
    by_episode = pair_up(
        _registrations(connection, context),
        assessments,
        lambda r: r["_order"],
        lambda a: (a.patient_id, a.episode_number),
    )
    events = {event.name: event for event in layout.events}
    for episode, answered in by_episode:
        record = record_id(episode)
        rows: dict[str, RecordRow] = {BASELINE: form_values(registration, episode)}
        for assessment in answered:
            if assessment.timepoint in events:
                row = rows.setdefault(assessment.timepoint, {})
                row |= questionnaire_values(assessment, context)
        for name in (event.name for event in layout.events if event.name in rows):
            yield _keys(record, events[name]) | rows[name]


def _keys(record: str, event: Event, form: str = "", instance: int | None = None) -> RecordRow:
    return {
        RECORD_ID: record,
        "redcap_event_name": event.unique_name,
        "redcap_repeat_instrument": form,
        "redcap_repeat_instance": "" if instance is None else str(instance),
    }


def questionnaire_values(assessment: Any, context: ExportContext) -> RecordRow:
    """The fields of one stored questionnaire: day (and date), item answers, score(s)."""
    data = load_instruments().get(assessment.instrument)
    if data is None:
        return {}
    prefix = data.id

    def checked(value: Any, column: Column) -> str:
        return redcap_value(value if context.identified else conform(column, value))

    values = {
        f"{prefix}_days": checked(
            context.day(assessment.index_date, assessment.assessed_on), _WHOLE
        )
    }
    if context.identified:
        values[f"{prefix}_date"] = redcap_value(assessment.assessed_on)
    answers = assessment.answers if isinstance(assessment.answers, list) else []
    for number, answer in enumerate(answers[: len(data.items)], start=1):
        values[f"{prefix}_{number}"] = checked(answer, _WHOLE)
    subscales = assessment.subscales if isinstance(assessment.subscales, dict) else {}
    for subscale in data.subscales:
        values[f"{prefix}_{subscale.id}"] = checked(subscales.get(subscale.id), _NUMBER)
    if not data.subscales:
        values[f"{prefix}_score"] = checked(assessment.score, _NUMBER)
    return values


def _repeating_rows(
    connection: Connection, context: ExportContext, layout: RedcapLayout, form: Form
) -> Iterator[RecordRow]:
    if form.table is None:
        return
    event = next(event for event in layout.events if event.name == form.events[0])
    for row in form.table.rows(connection, context):
        keys = _keys(record_id(row), event, form.name, row[form.instance])
        yield keys | form_values(form, row)
