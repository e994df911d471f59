"""The registry's rows for a report, read with SQL into pandas: joins, filters and grouping in SQL.

Most reads group identical rows in SQL and return them once with a `people` count, so that the
statistics in pandas work on frequency-weighted rows: the score table of a million patients
reads tens of thousands of rows, not millions. Two reads return one row per patient: the ZCQ
(its combinations of subscale means are nearly as many as the patients) and the 12-month
changes the adjusted model needs.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy import (
    ColumnElement,
    Connection,
    Date,
    Integer,
    Table,
    and_,
    case,
    exists,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.orm import aliased

from regenspine.analytics.cohort import AnySelect, days_between, read_frame
from regenspine.analytics.responder_rule import can_respond, relative_response
from regenspine.care.procedure import CELL_SOURCES, INJECTION_TARGETS
from regenspine.care.schedule import TIMEPOINT_IDS
from regenspine.registry.models import (
    REGIONS,
    SEVERITIES,
    AdverseEvent,
    Assessment,
    FollowUp,
    InjectionTargetRow,
    Intervention,
    Procedure,
)

BASELINE = "baseline"


def score_levels(connection: Connection, cohort: Table) -> pd.DataFrame:
    """How many patients had each score, per instrument and timepoint.

    Columns: instrument, timepoint, value, people. Grouped in the order of the covering index
    ix_assessment_levels, so SQLite aggregates while it scans, without sorting.
    """
    statement = (
        select(
            Assessment.instrument,
            Assessment.timepoint,
            Assessment.score.label("value"),
            func.count().label("people"),
        )
        .join(cohort, cohort.c.episode_id == Assessment.episode_id)
        .where(Assessment.score.is_not(None))
        .group_by(Assessment.timepoint, Assessment.instrument, Assessment.score)
    )
    return read_frame(connection, statement)


def score_changes(
    connection: Connection, cohort: Table, relative_rules: dict[str, float]
) -> pd.DataFrame:
    """Per instrument and follow-up timepoint, the sums the change from baseline and the relative
    responder rule need, over patients with a baseline score.

    `relative_rules` maps an instrument to its responder share of baseline (0.3 for 30%); the
    test is `responder_rule.relative_response`, the report's one rule. Columns: instrument,
    timepoint, paired, change_sum and change_squares (of follow-up minus baseline), responders,
    responder_n (baseline above 0) and baseline_zero.
    """
    follow, base = aliased(Assessment), aliased(Assessment)
    change = follow.score - base.score
    share = case(
        *((follow.instrument == name, literal(value)) for name, value in relative_rules.items()),
        else_=None,
    )
    counts = {
        "responders": relative_response(base.score, follow.score, share),
        "responder_n": can_respond(base.score),
        "baseline_zero": ~can_respond(base.score),
    }
    statement = (
        select(
            follow.instrument,
            follow.timepoint,
            func.count().label("paired"),
            func.sum(change).label("change_sum"),
            func.sum(change * change).label("change_squares"),
            *(func.sum(case((test, 1), else_=0)).label(name) for name, test in counts.items()),
        )
        .select_from(follow)
        .join(cohort, cohort.c.episode_id == follow.episode_id)
        .join(base, _baseline_of(follow, base))
        .where(
            follow.timepoint != BASELINE,
            follow.score.is_not(None),
            base.score.is_not(None),
        )
        .group_by(follow.instrument, follow.timepoint)
    )
    return read_frame(connection, statement)


def grouped(rows: AnySelect, count: str) -> AnySelect:
    """Identical rows of a select once each, with how many there were in column `count`.

    Grouping on the columns of a subquery keeps PostgreSQL from comparing expressions that carry
    their own bound parameters (a JSON path, a threshold) between SELECT and GROUP BY.
    """
    inner = rows.subquery("rows")
    return select(*inner.c, func.count().label(count)).group_by(*inner.c)


def _baseline_of(follow: Any, base: Any) -> ColumnElement[bool]:
    return and_(
        base.episode_id == follow.episode_id,
        base.instrument == follow.instrument,
        base.timepoint == BASELINE,
    )


def subscale_rows(
    connection: Connection, cohort: Table, instrument: str, subscales: Sequence[str]
) -> pd.DataFrame:
    """One row per assessment of a subscale instrument (the ZCQ): its subscale means and the
    patient's baseline means, read from the stored JSON.

    Rows are not grouped: the combinations of several subscale means are nearly as many as the
    patients. Columns: timepoint, then each subscale id and `baseline_` + subscale id.
    """
    follow, base = aliased(Assessment), aliased(Assessment)
    values = [follow.subscales[name].as_float().label(name) for name in subscales]
    before = [base.subscales[name].as_float().label(f"baseline_{name}") for name in subscales]
    statement = (
        select(follow.timepoint, *values, *before)
        .select_from(follow)
        .join(cohort, cohort.c.episode_id == follow.episode_id)
        .outerjoin(base, _baseline_of(follow, base))
        .where(follow.instrument == instrument)
    )
    return read_frame(connection, statement, {"timepoint": TIMEPOINT_IDS})


def completeness_counts(connection: Connection, cohort: Table, as_of: date) -> pd.DataFrame:
    """Follow-ups whose window closed before `as_of`, and how many of them were assessed.

    A visit counts as assessed when it was marked done or a questionnaire was recorded against
    it. Columns: timepoint, closed, assessed.
    """
    answered = exists().where(Assessment.follow_up_id == FollowUp.id)
    assessed = case((or_(FollowUp.completed_on.is_not(None), answered), 1), else_=0)
    statement = (
        select(
            FollowUp.timepoint,
            func.count().label("closed"),
            func.sum(assessed).label("assessed"),
        )
        .join(cohort, cohort.c.procedure_id == FollowUp.procedure_id)
        .where(FollowUp.window_closes < literal(as_of, Date))
        .group_by(FollowUp.timepoint)
    )
    return read_frame(connection, statement)


def surgery_follow_up_days(connection: Connection, cohort: Table, as_of: date) -> pd.DataFrame:
    """Per episode, days from the index procedure to the first surgery and to the last contact.

    Only what happened by `as_of` counts. Columns: surgery_day (None without surgery),
    assessed_day (last assessment outside the schedule) and visit_day (last completed visit),
    None when there is none, and people.
    """
    on_or_before = literal(as_of, Date)
    surgery = (
        select(Intervention.episode_id, func.min(Intervention.performed_on).label("on"))
        .join(cohort, cohort.c.episode_id == Intervention.episode_id)
        .where(
            Intervention.is_surgery.is_(True),
            Intervention.performed_on >= cohort.c.performed_on,
            Intervention.performed_on <= on_or_before,
        )
        .group_by(Intervention.episode_id)
        .subquery("surgery")
    )
    # Visits are marked done on the day of their assessment, so completed visits give the last
    # contact without reading every assessment; only assessments outside the schedule are read.
    assessed = (
        select(Assessment.episode_id, func.max(Assessment.assessed_on).label("on"))
        .join(cohort, cohort.c.episode_id == Assessment.episode_id)
        .where(Assessment.follow_up_id.is_(None), Assessment.assessed_on <= on_or_before)
        .group_by(Assessment.episode_id)
        .subquery("assessed")
    )
    visited = (
        select(FollowUp.procedure_id, func.max(FollowUp.completed_on).label("on"))
        .join(cohort, cohort.c.procedure_id == FollowUp.procedure_id)
        .where(FollowUp.completed_on <= on_or_before)
        .group_by(FollowUp.procedure_id)
        .subquery("visited")
    )
    start = cohort.c.performed_on
    days = (
        select(
            days_between(surgery.c.on, start).label("surgery_day"),
            days_between(assessed.c.on, start).label("assessed_day"),
            days_between(visited.c.on, start).label("visit_day"),
        )
        .select_from(cohort)
        .outerjoin(surgery, surgery.c.episode_id == cohort.c.episode_id)
        .outerjoin(assessed, assessed.c.episode_id == cohort.c.episode_id)
        .outerjoin(visited, visited.c.procedure_id == cohort.c.procedure_id)
    )
    return read_frame(connection, grouped(days, "people"))


def adverse_event_counts(connection: Connection, cohort: Table) -> pd.DataFrame:
    """Adverse events of the cohort's episodes by grade, seriousness, site and relatedness.

    Columns: grade, serious, site, relatedness, events.
    """
    rows = select(
        AdverseEvent.grade,
        AdverseEvent.serious.cast(Integer).label("serious"),
        AdverseEvent.site,
        AdverseEvent.relatedness,
    ).join(cohort, cohort.c.episode_id == AdverseEvent.episode_id)
    return read_frame(connection, grouped(rows, "events"))


def procedure_count(connection: Connection, cohort: Table) -> int:
    """Every procedure of the cohort's episodes (the denominator of adverse-event rates)."""
    statement = (
        select(func.count())
        .select_from(Procedure)
        .join(cohort, cohort.c.episode_id == Procedure.episode_id)
    )
    return int(connection.scalar(statement) or 0)


def patient_changes(
    connection: Connection, cohort: Table, instruments: Sequence[str], timepoint: str
) -> pd.DataFrame:
    """One row per episode and instrument with a score at `timepoint` and at baseline.

    Columns: episode_id, instrument, value, baseline.
    """
    follow, base = aliased(Assessment), aliased(Assessment)
    statement = (
        select(
            follow.episode_id,
            follow.instrument,
            follow.score.label("value"),
            base.score.label("baseline"),
        )
        .select_from(follow)
        .join(cohort, cohort.c.episode_id == follow.episode_id)
        .join(base, _baseline_of(follow, base))
        .where(
            follow.timepoint == timepoint,
            follow.instrument.in_(instruments),
            follow.score.is_not(None),
            base.score.is_not(None),
        )
    )
    return read_frame(connection, statement, {"instrument": instruments})


def cohort_covariates(connection: Connection, cohort: Table, sites: Sequence[str]) -> pd.DataFrame:
    """The cohort's episodes with what comparisons and models adjust for.

    Columns: episode_id, age, region, severity, cell_source, site.
    """
    statement = select(
        cohort.c.episode_id,
        cohort.c.age,
        cohort.c.region,
        cohort.c.severity,
        cohort.c.cell_source,
        cohort.c.site,
    )
    vocabularies = {
        "region": REGIONS,
        "severity": SEVERITIES,
        "cell_source": CELL_SOURCES,
        "site": sites,
    }
    return read_frame(connection, statement, vocabularies)


def cohort_targets(connection: Connection, cohort: Table) -> pd.DataFrame:
    """The injection targets of each index procedure (one row per target).

    Columns: episode_id, target.
    """
    statement = select(cohort.c.episode_id, InjectionTargetRow.target).join(
        InjectionTargetRow, InjectionTargetRow.procedure_id == cohort.c.procedure_id
    )
    return read_frame(connection, statement, {"target": INJECTION_TARGETS})
