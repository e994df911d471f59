"""What happens to a synthetic patient after the procedure: visits, answers, harms, surgery.

Follow-up rows come from the real `care.follow_up_schedule`; each visit asks the questionnaires
`care.questionnaires_for` names, and the answers are scored by the real scorers. Adverse events
are in synthetic_harms.py.

Numbers are THIS TOOL'S ASSUMPTION unless a comment names a source.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from functools import lru_cache
from typing import Literal

from regenspine.care import FollowUpVisit, questionnaires_for
from regenspine.instruments import InstrumentScore, score
from regenspine.registry.entries import InterventionInput
from regenspine.registry.models import InterventionKind
from regenspine.registry.rows import assessment_columns, follow_up_columns, intervention_columns
from regenspine.synthetic.answers import VisitState, Weighted, answers_for, clamp
from regenspine.synthetic.cases import Enrolment, visit_schedule
from regenspine.synthetic.harms import add_adverse_events
from regenspine.synthetic.procedures import SyntheticProcedure
from regenspine.synthetic.rows import IdCounters, RowBatch, at_noon

# How much of the patient's eventual improvement has built up at each visit.
# Keyed by the schedule's timepoints (a test holds the keys to TIMEPOINT_IDS).
BUILD_UP: dict[str, float] = {
    "baseline": 0.0,
    "2w": 0.25,
    "6w": 0.55,
    "3m": 0.85,
    "6m": 1.0,
    "12m": 1.0,
    "24m": 0.9,
}
VISIT_NOISE = 0.07
# Share of patients lost to follow-up before each visit, plus visits missed now and then: about
# 26% of 12-month answers missing, as in spine registries (NORspine 71.6% response at 12 months,
# norspine-nd-registry-report; Swespine about a quarter, swespine-2020-one-year-nonresponse).
# Missing at random: NORspine found non-respondents' outcomes no different.
LOST_BEFORE: dict[str, float] = {
    "2w": 0.03,
    "6w": 0.06,
    "3m": 0.10,
    "6m": 0.15,
    "12m": 0.21,
    "24m": 0.30,
}
VISIT_MISSED = 0.06
# Decompression lowered the ODI from 39.8 to 24, about 40%, in DaneSpine's stenosis patients
# (the Danish spine registry's benchmark for lumbar stenosis decompression, n = 3,420, one year);
# later surgery moves a patient at least that far.
SURGERY_IMPROVEMENT, SURGERY_IMPROVEMENT_SD = 0.40, 0.2
# Later treatment, yearly rates from 90 days on: "a few percent a year" for surgery; 92% of
# Pettine's 26 patients were surgery-free at 12 months (pettine-2016-bmc-two-year).
# Non-responders are treated more often, responders less.
LATER_TREATMENTS: tuple[tuple[InterventionKind | Literal["surgery"], float], ...] = (
    ("surgery", 0.04),
    ("epidural_steroid", 0.05),
    ("repeat_cell_injection", 0.02),
)
SURGERY_WEIGHTS: dict[InterventionKind, float] = {
    "decompression": 65,
    "decompression_with_fusion": 25,
    "other_surgery": 10,
}
SURGERIES = Weighted.by_weight(SURGERY_WEIGHTS)
EARLIEST_LATER_TREATMENT_DAYS = 90
# Single-answer measures (pain ratings, walking, global impression) repeat a few hundred answers.
SINGLE_ANSWER_CACHE = 4096


def add_outcomes(
    rng: random.Random,
    ids: IdCounters,
    batch: RowBatch,
    enrolment: Enrolment,
    procedure: SyntheticProcedure,
    as_of: date,
) -> None:
    """Queue later treatments, follow-up visits with their answers, and adverse events."""
    surgery_on = _add_later_treatments(rng, ids, batch, enrolment, as_of)
    lost = rng.random()
    for visit in visit_schedule(enrolment.performed_on):
        assessed_on = _visit_day(rng, visit, enrolment, lost)
        if assessed_on is not None and assessed_on > as_of:
            assessed_on = None
        follow_up_id = ids.take("follow_up")
        columns = follow_up_columns(visit, procedure_id=procedure.procedure_id)
        batch.add("follow_up", {"id": follow_up_id, **columns, "completed_on": assessed_on})
        if assessed_on is not None:
            state = _state(rng, enrolment, visit.timepoint, assessed_on, surgery_on)
            _add_assessments(rng, ids, batch, enrolment, follow_up_id, visit, assessed_on, state)
    add_adverse_events(rng, ids, batch, enrolment.episode_id, procedure, as_of)


def _visit_day(
    rng: random.Random, visit: FollowUpVisit, enrolment: Enrolment, lost: float
) -> date | None:
    """The day the patient answers, inside the visit's window; None when they do not come."""
    if visit.timepoint == "baseline":
        # Everyone answers before treatment: a registry enrols with a baseline.
        earliest = max(enrolment.started_on, visit.window_opens)
        return visit.due_on - timedelta(days=rng.randint(0, (visit.due_on - earliest).days))
    if lost < LOST_BEFORE[visit.timepoint] or rng.random() < VISIT_MISSED:
        return None
    before = (visit.due_on - visit.window_opens).days
    after = (visit.window_closes - visit.due_on).days
    shift = round(clamp(rng.gauss(0, (before + after) / 4), -before, after))
    return visit.due_on + timedelta(days=shift)


def _state(
    rng: random.Random, enrolment: Enrolment, timepoint: str, day: date, surgery_on: date | None
) -> VisitState:
    course = enrolment.course
    if timepoint == "baseline":
        improvement = 0.0
    else:
        improvement = course.response * BUILD_UP[timepoint] + rng.gauss(0, VISIT_NOISE)
    if surgery_on is not None and surgery_on < day:
        after_surgery = rng.gauss(SURGERY_IMPROVEMENT, SURGERY_IMPROVEMENT_SD)
        improvement = max(improvement, after_surgery)
    noise = rng.gauss(0, 4.0) if timepoint != "baseline" else 0.0
    disability = clamp(course.baseline_disability * (1 - improvement) + noise, 0.0, 100.0)
    return VisitState(improvement, disability, after_treatment=timepoint != "baseline")


def _add_assessments(
    rng: random.Random,
    ids: IdCounters,
    batch: RowBatch,
    enrolment: Enrolment,
    follow_up_id: int,
    visit: FollowUpVisit,
    assessed_on: date,
    state: VisitState,
) -> None:
    for instrument in questionnaires_for(enrolment.region, visit.timepoint):
        answers = answers_for(instrument, enrolment.course, state, rng)
        scored = scored_answers(instrument, answers)
        columns = assessment_columns(
            scored,
            answers,
            episode_id=enrolment.episode_id,
            follow_up_id=follow_up_id,
            timepoint=visit.timepoint,
            assessed_on=assessed_on,
        )
        batch.add(
            "assessment",
            {"id": ids.take("assessment"), "recorded_at": at_noon(assessed_on), **columns},
        )


def scored_answers(instrument: str, answers: list[int | None]) -> InstrumentScore:
    """The real scorer's result for the answers (cached for single-answer measures)."""
    if len(answers) == 1:
        return _scored_single_answer(instrument, answers[0])
    return score(instrument, answers)


@lru_cache(maxsize=SINGLE_ANSWER_CACHE)
def _scored_single_answer(instrument: str, answer: int | None) -> InstrumentScore:
    return score(instrument, [answer])


def _add_later_treatments(
    rng: random.Random, ids: IdCounters, batch: RowBatch, enrolment: Enrolment, as_of: date
) -> date | None:
    """Queue any later treatment that happened by `as_of`; returns the day of surgery, if any."""
    response = enrolment.course.response
    factor = 2.0 if response < 0.1 else 0.6 if response >= 0.3 else 1.0
    surgery_on = None
    for treatment, yearly_rate in LATER_TREATMENTS:
        years = rng.expovariate(yearly_rate * factor)
        day = enrolment.performed_on + timedelta(
            days=EARLIEST_LATER_TREATMENT_DAYS + int(years * 365.25)
        )
        if day > as_of:
            continue
        kind = SURGERIES.draw(rng) if treatment == "surgery" else treatment
        entered = InterventionInput(performed_on=day, kind=kind)
        columns = intervention_columns(entered, episode_id=enrolment.episode_id)
        batch.add("intervention", {"id": ids.take("intervention"), **columns})
        if columns["is_surgery"]:
            surgery_on = day
    return surgery_on
