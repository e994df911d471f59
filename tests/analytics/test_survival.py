"""Surgery-free survival against a Kaplan-Meier table worked out by hand."""

from __future__ import annotations

import math

import pytest
from tests.factories.cases import Case, Z, add_cases, report_of

from regenspine.registry.database import Registry


def followed(day: int, *interventions: tuple[int, str]) -> Case:
    """A patient last assessed `day` days after the procedure, with optional interventions."""
    return Case(
        scores={"odi": {"baseline": 40, "24m": 30}},
        assessed_day={"24m": day},
        interventions=interventions,
    )


# Ten patients (procedures on 2025-01-06, report as of 2027-06-01):
# surgery on days 100, 200 and 500; censored at 150, 300 and five at 800. An epidural steroid
# injection is not surgery; a surgery before the procedure or after the as-of day does not count.
CASES = [
    followed(0, (100, "decompression")),
    followed(150),
    followed(0, (200, "decompression_with_fusion")),
    followed(300),
    followed(0, (500, "other_surgery")),
    followed(800, (50, "epidural_steroid")),
    followed(800, (-10, "decompression")),
    followed(800, (900, "decompression")),
    followed(800),
    followed(800),
]


def exponential_greenwood(survival: float, variance_sum: float) -> tuple[float, float]:
    """The log(-log) interval of a Kaplan-Meier estimate, written out."""
    spread = Z * math.sqrt(variance_sum) / abs(math.log(survival))
    return survival ** math.exp(spread), survival ** math.exp(-spread)


def test_kaplan_meier_at_12_and_24_months_matches_the_hand_table(registry: Registry) -> None:
    add_cases(registry, CASES)
    survival = report_of(registry).survival
    assert (survival.patients, survival.surgeries, survival.censored) == (10, 3, 7)
    at_12, at_24 = survival.estimates
    # Day 100: 1 of 10 at risk; day 200: 1 of 8 (one censored at 150). Day 500: 1 of 6.
    assert (at_12.months, at_12.at_risk) == (12, 6)
    assert at_12.estimate == pytest.approx(0.9 * 7 / 8, abs=1e-4)
    greenwood_12 = 1 / (10 * 9) + 1 / (8 * 7)
    assert at_12.ci == pytest.approx(exponential_greenwood(0.7875, greenwood_12), abs=1e-4)
    assert (at_24.months, at_24.at_risk) == (24, 5)
    assert at_24.estimate == pytest.approx(0.7875 * 5 / 6, abs=1e-4)
    greenwood_24 = greenwood_12 + 1 / (6 * 5)
    assert at_24.ci == pytest.approx(exponential_greenwood(0.65625, greenwood_24), abs=1e-4)
    assert survival.curve
    assert survival.curve[0].estimate == 1.0


def test_milestone_with_too_few_patients_still_followed_says_so(registry: Registry) -> None:
    add_cases(registry, [followed(400)] * 5 + [followed(800)] * 4)
    at_12, at_24 = report_of(registry).survival.estimates
    assert at_12.estimate == 1.0
    assert at_12.at_risk == 9
    assert (at_24.estimate, at_24.ci, at_24.at_risk) == (None, None, 4)
    assert at_24.note is not None
    assert "not enough data" in at_24.note


def test_patient_never_seen_after_the_procedure_is_censored_on_its_day(registry: Registry) -> None:
    add_cases(registry, [Case(scores={"odi": {"baseline": 40}})] * 6)
    survival = report_of(registry).survival
    assert survival.patients == 6
    assert survival.surgeries == 0
    assert all(item.at_risk == 0 and item.estimate is None for item in survival.estimates)


def test_no_patients_no_estimates(registry: Registry) -> None:
    survival = report_of(registry).survival
    assert survival.patients == 0
    assert survival.note is not None
    assert "not enough data" in survival.note
    assert [item.estimate for item in survival.estimates] == [None, None]
