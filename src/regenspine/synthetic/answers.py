"""Item-by-item questionnaire answers of a synthetic patient at one visit.

Each patient has a course (how disabled at baseline, how much better later); each visit turns that
course into one answer per item, with noise per item, skipped items and each instrument's own
answer scale. The registry then scores the answers with the real scorers, so stored scores are
exactly what a clinic entering the same answers would get.

Every number here is THIS TOOL'S ASSUMPTION unless a comment names a source: synthetic data must
look like registry data, not claim anything about how well any treatment works.
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from regenspine.errors import KnowledgeBaseError

Answers = list[int | None]

# How often one item is left blank; ODI section 8 (sex life) and NDI item 8 (driving) are the
# ones people skip most, since they do not apply to everyone.
ITEM_SKIP = 0.01
ODI_SKIP = {7: 0.10}
NDI_SKIP = {7: 0.08}
ITEMS_IN_PERCENT_FORMS = 10
ZCQ_BALANCE_ITEM = 6  # zero-based: item 7 only takes 1, 3 or 5
# Walking pace, to turn minutes into metres: about 1 metre a second.
METRES_PER_MINUTE = 60


@dataclass(frozen=True)
class Course:
    """What stays the same for one patient across visits."""

    region: str
    baseline_disability: float  # ODI or NDI percent at baseline
    response: float  # share of baseline disability gone once the effect has built up
    # This person's leaning on each item, in answer steps (ODI/NDI use 10, the ZCQ 12).
    item_offsets: tuple[float, ...]
    pain_offset: float  # how much more (or less) the pain ratings improve than disability
    back_or_neck_pain: float  # baseline NRS of the axial pain
    leg_or_arm_pain: float  # baseline NRS of the radiating pain
    walking_minutes: float  # baseline walking tolerance


@dataclass(frozen=True)
class VisitState:
    """Where a patient stands at one visit."""

    improvement: float  # share of baseline disability gone (negative: worse)
    disability: float  # ODI or NDI percent the answers aim at
    after_treatment: bool


AnswerModel = Callable[[Course, VisitState, random.Random], Answers]


@dataclass(frozen=True)
class Weighted:
    """Options drawn with fixed relative weights (cumulated once, not at every draw)."""

    options: tuple[Any, ...]
    cumulated: tuple[float, ...]

    @classmethod
    def of(cls, options: Sequence[Any], weights: Sequence[float]) -> Weighted:
        """Options with their relative weights, in the same order."""
        return cls(tuple(options), tuple(itertools.accumulate(weights)))

    @classmethod
    def by_weight(cls, weights: Mapping[Any, float]) -> Weighted:
        """Options keyed by value with their relative weights, in the mapping's order."""
        return cls.of(tuple(weights), tuple(weights.values()))

    def draw(self, rng: random.Random) -> Any:
        """One option, drawn by weight."""
        return rng.choices(self.options, cum_weights=self.cumulated)[0]


def clamp(value: float, low: float, high: float) -> float:
    """`value` kept inside low..high."""
    return low if value < low else high if value > high else value


def _step(value: float, low: int, high: int) -> int:
    """The nearest whole answer inside low..high."""
    return int(clamp(round(value), low, high))


def _percent_form(
    course: Course, state: VisitState, rng: random.Random, skips: dict[int, float]
) -> Answers:
    """ODI/NDI sections 0-5 whose mean, times 20, sits near the visit's disability."""
    level = state.disability / 20
    answers: Answers = []
    for item in range(ITEMS_IN_PERCENT_FORMS):
        if rng.random() < skips.get(item, ITEM_SKIP):
            answers.append(None)
            continue
        answers.append(_step(level + course.item_offsets[item] + rng.gauss(0, 0.45), 0, 5))
    return answers


def odi_answers(course: Course, state: VisitState, rng: random.Random) -> Answers:
    """Ten ODI sections, 0-5 each."""
    return _percent_form(course, state, rng, ODI_SKIP)


def ndi_answers(course: Course, state: VisitState, rng: random.Random) -> Answers:
    """Ten NDI items, 0-5 each."""
    return _percent_form(course, state, rng, NDI_SKIP)


def zcq_answers(course: Course, state: VisitState, rng: random.Random) -> Answers:
    """12 ZCQ answers at baseline, 18 after treatment (with the satisfaction items)."""
    share = state.disability / 100
    # Linear maps from disability to the subscale levels, so that an ODI near 43 gives symptom
    # severity near 2.8 and physical function near 2.3 (1 is best on both).
    severity = 1.4 + 3.2 * share
    function = 1.2 + 2.6 * share
    answers: Answers = []
    for item in range(7):
        value = severity + course.item_offsets[item] + rng.gauss(0, 0.5)
        if item == ZCQ_BALANCE_ITEM:
            answers.append(2 * _step((value - 1) / 2, 0, 2) + 1)
        else:
            answers.append(_step(value, 1, 5))
    for item in range(7, 12):
        answers.append(_step(function + course.item_offsets[item] + rng.gauss(0, 0.5), 1, 4))
    if state.after_treatment:
        # Satisfaction, 1 (very satisfied) to 4: better the more the patient improved.
        satisfaction = 2.6 - 2.2 * state.improvement
        answers += [_step(satisfaction + rng.gauss(0, 0.5), 1, 4) for _ in range(6)]
    return [None if rng.random() < ITEM_SKIP else answer for answer in answers]


def _pain_rating(baseline: float, course: Course, state: VisitState, rng: random.Random) -> Answers:
    if rng.random() < ITEM_SKIP:
        return [None]
    relief = state.improvement + course.pain_offset if state.after_treatment else 0.0
    return [_step(baseline * (1 - relief) + rng.gauss(0, 0.9), 0, 10)]


def axial_pain_answers(course: Course, state: VisitState, rng: random.Random) -> Answers:
    """Back pain (lumbar) or neck pain (cervical), 0-10."""
    return _pain_rating(course.back_or_neck_pain, course, state, rng)


def radiating_pain_answers(course: Course, state: VisitState, rng: random.Random) -> Answers:
    """Leg pain (lumbar) or arm pain (cervical), 0-10."""
    return _pain_rating(course.leg_or_arm_pain, course, state, rng)


def _walking_minutes(course: Course, state: VisitState, rng: random.Random) -> float:
    gain = max(0.1, 1 + 2.5 * state.improvement)
    return course.walking_minutes * gain * math.exp(rng.gauss(0, 0.25))


def walking_minutes_answers(course: Course, state: VisitState, rng: random.Random) -> Answers:
    """Minutes of walking before having to stop, 0-600."""
    return [_step(_walking_minutes(course, state, rng), 0, 600)]


def walking_distance_answers(course: Course, state: VisitState, rng: random.Random) -> Answers:
    """Metres walked before having to stop, 0-50,000."""
    metres = _walking_minutes(course, state, rng) * METRES_PER_MINUTE
    return [_step(metres, 0, 50_000)]


# Global impression of change, 1 (very much improved) to 7 (very much worse): the lowest
# improvement that still earns each answer, best first.
PGIC_STEPS = ((0.5, 1), (0.3, 2), (0.1, 3), (-0.1, 4), (-0.25, 5), (-0.4, 6))


def pgic_answers(course: Course, state: VisitState, rng: random.Random) -> Answers:
    """The patient's global impression of change since treatment, 1-7."""
    felt = state.improvement + rng.gauss(0, 0.1)
    return [next((answer for floor, answer in PGIC_STEPS if felt >= floor), 7)]


ANSWER_MODELS: dict[str, AnswerModel] = {
    "odi": odi_answers,
    "ndi": ndi_answers,
    "zcq": zcq_answers,
    "nrs_back": axial_pain_answers,
    "nrs_neck": axial_pain_answers,
    "nrs_leg": radiating_pain_answers,
    "nrs_arm": radiating_pain_answers,
    "walking_minutes": walking_minutes_answers,
    "walking_distance": walking_distance_answers,
    "pgic": pgic_answers,
}


def answers_for(instrument: str, course: Course, state: VisitState, rng: random.Random) -> Answers:
    """The answers a synthetic patient gives to `instrument` at a visit."""
    model = ANSWER_MODELS.get(instrument)
    if model is None:
        raise KnowledgeBaseError(
            f"synthetic registry: no answer model for instrument {instrument!r}; "
            f"known: {', '.join(ANSWER_MODELS)}"
        )
    return model(course, state, rng)
