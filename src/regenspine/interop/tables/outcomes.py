"""Export tables of outcomes: follow-up visits, questionnaires, adverse events, later treatments.

`assessments.csv` is long: one row per questionnaire and measure. Instruments with a total score
have one `score` row; the ZCQ, which has no total, has one row per subscale mean (`measure` =
symptom_severity, physical_function, satisfaction), matching the report's outcome table.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, get_args

from sqlalchemy import Connection, case, func, select

from regenspine.care.adverse_events import (
    AdverseEventOutcome,
    AdverseEventSite,
    Relatedness,
    SeriousCriterion,
    categories,
)
from regenspine.care.schedule import TIMEPOINT_IDS
from regenspine.instruments import SCORERS, instruments
from regenspine.interop.release import ExportContext
from regenspine.interop.tables.procedures import PROCEDURE_NUMBER
from regenspine.interop.tables.tidy import (
    EPISODE,
    PATIENT_KEY,
    SYNTHETIC,
    Column,
    ExportTable,
    Values,
    date_column,
    days_column,
    episode_frame,
    episode_values,
    fields,
    frame_columns,
    procedure_numbers,
    stream,
)
from regenspine.registry.models import (
    INTERVENTION_KINDS,
    AdverseEvent,
    Assessment,
    FollowUp,
    Intervention,
    Procedure,
)

SCORE = "score"
TIMEPOINT = Column("timepoint", "category", "Follow-up timepoint.", TIMEPOINT_IDS)
INSTRUMENT = Column("instrument", "category", "Questionnaire.", tuple(SCORERS))


def subscale_ids() -> tuple[str, ...]:
    """Every subscale id of the instrument catalogue (the ZCQ's three), in catalogue order."""
    return tuple(s.id for i in instruments() for s in i.subscales)


def _description(name: str) -> Column:
    return Column(name, "notes", "Free-text description.", privacy="identified", identifier=True)


FOLLOW_UP_COLUMNS = (
    PATIENT_KEY,
    EPISODE,
    PROCEDURE_NUMBER,
    TIMEPOINT,
    days_column("days_from_procedure", "Target day of the visit"),
    date_column("due_on", "Target day of the visit"),
    days_column("window_opens_day", "First day the visit counts"),
    date_column("window_opens", "First day the visit counts"),
    days_column("window_closes_day", "Last day the visit counts"),
    date_column("window_closes", "Last day the visit counts"),
    days_column("completed_day", "Day the visit was done (empty if not done)"),
    date_column("completed_on", "Day the visit was done"),
    SYNTHETIC,
)


def _follow_up_rows(connection: Connection, context: ExportContext) -> Iterator[Values]:
    frame, numbers = episode_frame(), procedure_numbers()
    kept = ("timepoint", "due_on", "window_opens", "window_closes", "completed_on")
    statement = (
        select(*frame_columns(frame), numbers.c.procedure_number, *fields(FollowUp, *kept))
        .join(Procedure, Procedure.episode_id == frame.c.episode_id)
        .join(numbers, numbers.c.procedure_id == Procedure.id)
        .join(FollowUp, FollowUp.procedure_id == Procedure.id)
        .order_by(
            frame.c.patient_id, frame.c.episode_number, numbers.c.procedure_number, FollowUp.due_on
        )
    )
    for row in stream(connection, statement):
        index = row.index_date
        yield (
            episode_values(row)
            | {name: getattr(row, name) for name in kept}
            | {
                "procedure": row.procedure_number,
                "days_from_procedure": context.day(index, row.due_on),
                "window_opens_day": context.day(index, row.window_opens),
                "window_closes_day": context.day(index, row.window_closes),
                "completed_day": context.day(index, row.completed_on),
            }
        )


ASSESSMENT_COLUMNS = (
    PATIENT_KEY,
    EPISODE,
    INSTRUMENT,
    TIMEPOINT,
    Column(
        "measure",
        "category",
        "score for an instrument's total; a subscale id for each ZCQ subscale mean.",
        (SCORE, *subscale_ids()),
    ),
    days_column("days_from_procedure", "Day the questionnaire was answered"),
    date_column("assessed_on", "Day the questionnaire was answered"),
    Column("score", "number", "The score or subscale mean (empty when too few answers)."),
    Column("answered", "integer", "How many items were answered.", minimum=0),
    SYNTHETIC,
)
_ASSESSMENT_FIELDS = ("instrument", "timepoint", "assessed_on", "score", "subscales", "answered")


def in_order(column: Any, values: tuple[str, ...]) -> Any:
    """An SQL sort key putting a column's values in the given order (unknown ones last)."""
    return case({value: rank for rank, value in enumerate(values)}, value=column, else_=len(values))


def assessment_select() -> Any:
    """Assessments with their episode frame, in patient, episode, timepoint, instrument order."""
    frame = episode_frame()
    return (
        select(
            *frame_columns(frame),
            Assessment.answers,
            *fields(Assessment, *_ASSESSMENT_FIELDS),
        )
        .join(Assessment, Assessment.episode_id == frame.c.episode_id)
        .order_by(
            frame.c.patient_id,
            frame.c.episode_number,
            in_order(Assessment.timepoint, TIMEPOINT_IDS),
            in_order(Assessment.instrument, tuple(SCORERS)),
        )
    )


def _assessment_rows(connection: Connection, context: ExportContext) -> Iterator[Values]:
    for row in stream(connection, assessment_select()):
        common = episode_values(row) | {
            "instrument": row.instrument,
            "timepoint": row.timepoint,
            "days_from_procedure": context.day(row.index_date, row.assessed_on),
            "assessed_on": row.assessed_on,
            "answered": row.answered,
        }
        subscales = row.subscales if isinstance(row.subscales, dict) else None
        if subscales is None or row.score is not None:
            yield common | {"measure": SCORE, "score": row.score}
        for name, value in (subscales or {}).items():
            yield common | {"measure": name, "score": value}


ITEM_COLUMNS = (
    PATIENT_KEY,
    EPISODE,
    INSTRUMENT,
    TIMEPOINT,
    Column("item", "integer", "Item (question) number within the instrument.", minimum=1),
    Column("answer", "integer", "Answer as given (empty when not answered)."),
    SYNTHETIC,
)


def _item_rows(connection: Connection, context: ExportContext) -> Iterator[Values]:
    for row in stream(connection, assessment_select()):
        common = episode_values(row) | {"instrument": row.instrument, "timepoint": row.timepoint}
        answers = row.answers if isinstance(row.answers, list) else []
        for number, answer in enumerate(answers, start=1):
            yield common | {"item": number, "answer": answer}


ADVERSE_EVENT_COLUMNS = (
    PATIENT_KEY,
    EPISODE,
    Column("event", "key", "Adverse-event number within the episode, by onset."),
    Column(
        "procedure",
        "key",
        "Number of the procedure the event followed (empty when not linked to one).",
    ),
    days_column("days_from_procedure", "Onset of the event"),
    date_column("onset_on", "Onset of the event"),
    days_column("resolved_day", "Resolution of the event (empty while unresolved)"),
    date_column("resolved_on", "Resolution of the event"),
    Column("category", "category", "Kind of event.", categories()),
    Column("site", "category", "Where the event arose.", get_args(AdverseEventSite)),
    Column("grade", "integer", "CTCAE grade, 1 (mild) to 5 (death).", minimum=1, maximum=5),
    Column("serious", "boolean", "Serious by the ICH E2A criteria."),
    Column("serious_criteria", "categories", "ICH E2A criteria met.", get_args(SeriousCriterion)),
    Column("relatedness", "category", "Relation to the treatment.", get_args(Relatedness)),
    Column("outcome", "category", "Outcome of the event.", get_args(AdverseEventOutcome)),
    _description("description"),
    SYNTHETIC,
)


def _adverse_event_rows(connection: Connection, context: ExportContext) -> Iterator[Values]:
    frame, numbers = episode_frame(), procedure_numbers()
    kept = (
        "onset_on",
        "resolved_on",
        "category",
        "site",
        "grade",
        "serious",
        "serious_criteria",
        "relatedness",
        "outcome",
        "description",
    )
    number = func.row_number().over(
        partition_by=AdverseEvent.episode_id, order_by=(AdverseEvent.onset_on, AdverseEvent.id)
    )
    statement = (
        select(
            *frame_columns(frame),
            numbers.c.procedure_number,
            number.label("number"),
            *fields(AdverseEvent, *kept),
        )
        .join(AdverseEvent, AdverseEvent.episode_id == frame.c.episode_id)
        .outerjoin(numbers, numbers.c.procedure_id == AdverseEvent.procedure_id)
        .order_by(
            frame.c.patient_id, frame.c.episode_number, AdverseEvent.onset_on, AdverseEvent.id
        )
    )
    for row in stream(connection, statement):
        yield (
            episode_values(row)
            | {name: getattr(row, name) for name in kept}
            | {
                "event": row.number,
                "procedure": row.procedure_number,
                "days_from_procedure": context.day(row.index_date, row.onset_on),
                "resolved_day": context.day(row.index_date, row.resolved_on),
            }
        )


INTERVENTION_COLUMNS = (
    PATIENT_KEY,
    EPISODE,
    Column("intervention", "key", "Later treatment number within the episode, by date."),
    days_column("days_from_procedure", "Day of the later treatment"),
    date_column("performed_on", "Day of the later treatment"),
    Column("kind", "category", "Kind of later treatment.", INTERVENTION_KINDS),
    Column("is_surgery", "boolean", "true when it counts as spine surgery."),
    _description("description"),
    SYNTHETIC,
)


def _intervention_rows(connection: Connection, context: ExportContext) -> Iterator[Values]:
    frame = episode_frame()
    kept = ("performed_on", "kind", "is_surgery", "description")
    number = func.row_number().over(
        partition_by=Intervention.episode_id,
        order_by=(Intervention.performed_on, Intervention.id),
    )
    statement = (
        select(*frame_columns(frame), number.label("number"), *fields(Intervention, *kept))
        .join(Intervention, Intervention.episode_id == frame.c.episode_id)
        .order_by(
            frame.c.patient_id,
            frame.c.episode_number,
            Intervention.performed_on,
            Intervention.id,
        )
    )
    for row in stream(connection, statement):
        yield (
            episode_values(row)
            | {name: getattr(row, name) for name in kept}
            | {
                "intervention": row.number,
                "days_from_procedure": context.day(row.index_date, row.performed_on),
            }
        )


FOLLOW_UPS = ExportTable(
    "follow_ups", "One row per scheduled follow-up visit.", FOLLOW_UP_COLUMNS, _follow_up_rows
)
ASSESSMENTS = ExportTable(
    "assessments",
    "One row per questionnaire score or ZCQ subscale mean.",
    ASSESSMENT_COLUMNS,
    _assessment_rows,
)
ASSESSMENT_ITEMS = ExportTable(
    "assessment_items", "One row per questionnaire item answer.", ITEM_COLUMNS, _item_rows
)
ADVERSE_EVENTS = ExportTable(
    "adverse_events", "One row per adverse event.", ADVERSE_EVENT_COLUMNS, _adverse_event_rows
)
INTERVENTIONS = ExportTable(
    "interventions",
    "One row per later treatment (surgery, injection, ...).",
    INTERVENTION_COLUMNS,
    _intervention_rows,
)
