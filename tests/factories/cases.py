"""Small hand-made registries for the analytics tests: one `Case` per treated patient.

Rows go in directly through the models (the services are tested in tests/registry), so that a
test states exactly the scores, dates and events whose report it checks by hand.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from regenspine.analytics.cohort import report_filters
from regenspine.analytics.outcomes import OutcomeRow
from regenspine.analytics.report import RegistryReport, build_report
from regenspine.care import follow_up_schedule
from regenspine.registry.database import Registry
from regenspine.registry.models import (
    AdverseEvent,
    Assessment,
    Episode,
    FollowUp,
    InjectionTargetRow,
    Intervention,
    Patient,
    PatientIdentity,
    Procedure,
)

Z = 1.959964  # standard normal quantile for 95%
PROCEDURE_DAY = date(2025, 1, 6)
AS_OF = date(2027, 6, 1)
_keys = itertools.count(1)

Scores = dict[str, dict[str, float | None]]


@dataclass
class Case:
    """One patient with one treated episode, its scores and what happened afterwards."""

    scores: Scores = field(default_factory=dict)  # instrument -> timepoint -> score
    zcq: dict[str, dict[str, float | None]] = field(default_factory=dict)  # timepoint -> means
    performed_on: date = PROCEDURE_DAY
    region: str = "lumbar"
    severity: str | None = "moderate"
    cell_source: str = "bone_marrow"
    site: str = "main"
    targets: tuple[str, ...] = ("epidural",)
    birth_date: date | None = date(1960, 1, 1)
    synthetic: bool = False
    # Day after the procedure each timepoint was assessed (default: the schedule's target day).
    assessed_day: dict[str, int] = field(default_factory=dict)
    interventions: tuple[tuple[int, str], ...] = ()  # (day after the procedure, kind)
    adverse_events: tuple[dict[str, Any], ...] = ()
    extra_procedure_days: tuple[int, ...] = ()


SURGERY = {"decompression", "decompression_with_fusion", "other_surgery"}


def add_cases(registry: Registry, cases: Sequence[Case]) -> list[int]:
    """Write the cases in one transaction; returns their episode ids in order."""
    with registry.transaction() as session:
        return [_add_case(session, case) for case in cases]


def _add_case(session: Any, case: Case) -> int:
    patient = Patient(
        registry_key=f"RS-T{next(_keys):07d}", site=case.site, synthetic=case.synthetic
    )
    if case.birth_date is not None:
        patient.identity = PatientIdentity(name="Test", birth_date=case.birth_date, sex="female")
    session.add(patient)
    session.flush()
    episode = Episode(
        patient_id=patient.id,
        region=case.region,
        severity=case.severity,
        started_on=case.performed_on - timedelta(days=30),
    )
    session.add(episode)
    session.flush()
    procedure = _procedure(session, case, episode.id, case.performed_on, with_targets=True)
    for day in case.extra_procedure_days:
        _procedure(session, case, episode.id, case.performed_on + timedelta(days=day), False)
    follow_ups = _follow_ups(session, procedure)
    _assessments(session, case, episode.id, follow_ups)
    for day, kind in case.interventions:
        session.add(
            Intervention(
                episode_id=episode.id,
                performed_on=case.performed_on + timedelta(days=day),
                kind=kind,
                is_surgery=kind in SURGERY,
            )
        )
    for event in case.adverse_events:
        session.add(AdverseEvent(episode_id=episode.id, procedure_id=procedure.id, **_event(event)))
    session.flush()
    return int(episode.id)


def _procedure(
    session: Any, case: Case, episode_id: int, performed_on: date, with_targets: bool
) -> Procedure:
    procedure = Procedure(
        episode_id=episode_id,
        performed_on=performed_on,
        cell_source=case.cell_source,
        region=case.region,
        levels=["L4-L5"],
        image_guidance="fluoroscopy",
        operator="Dr Test",
    )
    if with_targets:
        procedure.targets = [InjectionTargetRow(target=target) for target in case.targets]
    session.add(procedure)
    session.flush()
    return procedure


def _follow_ups(session: Any, procedure: Procedure) -> dict[str, FollowUp]:
    rows = {}
    for visit in follow_up_schedule(procedure.performed_on):
        row = FollowUp(
            procedure_id=procedure.id,
            timepoint=visit.timepoint,
            due_on=visit.due_on,
            window_opens=visit.window_opens,
            window_closes=visit.window_closes,
        )
        session.add(row)
        rows[visit.timepoint] = row
    session.flush()
    return rows


def _assessments(
    session: Any, case: Case, episode_id: int, follow_ups: dict[str, FollowUp]
) -> None:
    entries: list[tuple[str, str, float | None, dict[str, float | None] | None]] = [
        (name, timepoint, score, None)
        for name, by_timepoint in case.scores.items()
        for timepoint, score in by_timepoint.items()
    ]
    entries += [("zcq", timepoint, None, means) for timepoint, means in case.zcq.items()]
    for name, timepoint, score, subscales in entries:
        visit = follow_ups[timepoint]
        day = case.assessed_day.get(timepoint)
        on = visit.due_on if day is None else case.performed_on + timedelta(days=day)
        session.add(
            Assessment(
                episode_id=episode_id,
                follow_up_id=visit.id,
                instrument=name,
                timepoint=timepoint,
                assessed_on=on,
                answers=[],
                score=score,
                subscales=subscales,
                answered=0,
            )
        )
        visit.completed_on = on


def _event(changes: dict[str, Any]) -> dict[str, Any]:
    event: dict[str, Any] = {
        "description": "test event",
        "category": "pain",
        "site": "injection",
        "grade": 1,
        "serious": False,
        "serious_criteria": [],
        "relatedness": "possible",
        "onset_on": PROCEDURE_DAY + timedelta(days=2),
        "outcome": "recovering",
    }
    event.update(changes)
    return event


def odi_case(baseline: float | None, month_12: float | None, **changes: Any) -> Case:
    """A lumbar patient with ODI scores at baseline and 12 months (None = not answered)."""
    scores: dict[str, float | None] = {}
    if baseline is not None:
        scores["baseline"] = baseline
    if month_12 is not None:
        scores["12m"] = month_12
    return Case(scores={"odi": scores}, **changes)


def responders_and_not(responders: int, others: int, **changes: object) -> list[Case]:
    """ODI 40 -> 20 (a 50% fall) for responders, 40 -> 36 (10%) for the others."""
    return [odi_case(40, 20, **changes) for _ in range(responders)] + [
        odi_case(40, 36, **changes) for _ in range(others)
    ]


# Seven lumbar patients with ODI at baseline and 12 months (falls of at least 30% in 4 of them),
# one of them with a later decompression and an adverse event; one cervical patient.
DASHBOARD_ODI_PAIRS = [(40, 20), (50, 45), (60, 30), (30, 30), (20, 12), (50, 35), (44, 40)]
GRADE_2_PAIN = {"grade": 2, "category": "pain", "relatedness": "probable"}


def dashboard_cases(synthetic: bool = False) -> list[Case]:
    """Eight treated patients: seven lumbar with ODI at baseline and 12 months, one cervical."""
    cases = [odi_case(before, after, synthetic=synthetic) for before, after in DASHBOARD_ODI_PAIRS]
    cases[0].interventions = ((200, "decompression"),)
    cases[1].adverse_events = (GRADE_2_PAIN,)
    cases.append(odi_case(30, 15, region="cervical", cell_source="adipose", site="north"))
    return cases


def report_of(registry: Registry, as_of: date = AS_OF, **filters: object) -> RegistryReport:
    """Build the report of the registry as the CLI does (one transaction, filters checked)."""
    with registry.transaction() as session:
        return build_report(session.connection(), report_filters(**filters), as_of)  # type: ignore[arg-type]


def row(
    report: RegistryReport, instrument: str, timepoint: str, measure: str = "score"
) -> OutcomeRow:
    """The outcome row of an instrument, measure and timepoint."""
    matches = [
        r
        for r in report.outcomes
        if (r.instrument, r.measure, r.timepoint) == (instrument, measure, timepoint)
    ]
    assert len(matches) == 1, [(r.instrument, r.measure, r.timepoint) for r in report.outcomes]
    return matches[0]
