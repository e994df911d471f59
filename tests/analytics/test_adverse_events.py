"""Adverse events per 100 procedures, worked out by hand."""

from __future__ import annotations

import pytest
from scipy.stats import chi2
from tests.factories.cases import Case, add_cases, report_of

from regenspine.registry.database import Registry

SERIOUS = {
    "grade": 3,
    "serious": True,
    "serious_criteria": ["hospitalization"],
    "site": "harvest",
    "relatedness": "definite",
    "category": "infection",
}


def garwood(events: int, procedures: int) -> tuple[float, float]:
    """The exact Poisson interval per 100 procedures, from the chi-square quantiles."""
    low = chi2.ppf(0.025, 2 * events) / 2 if events else 0.0
    high = chi2.ppf(0.975, 2 * events + 2) / 2
    return low / procedures * 100, high / procedures * 100


def test_rates_per_100_procedures_by_grade_seriousness_site_and_relatedness(
    registry: Registry,
) -> None:
    # Ten procedures: two mild events in one patient, one serious harvest-site infection.
    cases = [Case(adverse_events=({}, {"relatedness": "unlikely", "site": "systemic"}))]
    cases += [Case(adverse_events=(SERIOUS,))] + [Case() for _ in range(8)]
    add_cases(registry, cases)
    events = report_of(registry).adverse_events
    assert (events.procedures, events.events) == (10, 3)
    assert events.per_100_procedures == pytest.approx(30.0)
    assert events.ci == pytest.approx(garwood(3, 10), abs=1e-3)
    grades = {item.value: (item.events, item.per_100_procedures) for item in events.by_grade}
    assert grades == {"1": (2, 20.0), "2": (0, 0.0), "3": (1, 10.0), "4": (0, 0.0), "5": (0, 0.0)}
    seriousness = {item.value: item.events for item in events.by_seriousness}
    assert seriousness == {"serious": 1, "not_serious": 2}
    sites = {item.value: item.events for item in events.by_site}
    assert sites == {"harvest": 1, "injection": 1, "systemic": 1}
    relatedness = {item.value: item.events for item in events.by_relatedness}
    assert relatedness == {
        "unrelated": 0,
        "unlikely": 1,
        "possible": 1,
        "probable": 0,
        "definite": 1,
    }
    # Possible and definite count as related to the treatment; unlikely does not.
    assert events.related_to_treatment.events == 2
    assert events.related_to_treatment.per_100_procedures == pytest.approx(20.0)
    zero = next(item for item in events.by_grade if item.value == "2")
    assert zero.ci == pytest.approx(garwood(0, 10), abs=1e-3)


def test_events_of_filtered_out_patients_do_not_count(registry: Registry) -> None:
    add_cases(
        registry,
        [Case(cell_source="adipose", adverse_events=(SERIOUS,))] + [Case() for _ in range(5)],
    )
    events = report_of(registry, cell_source="bone_marrow").adverse_events
    assert (events.procedures, events.events, events.per_100_procedures) == (5, 0, 0.0)


def test_too_few_procedures_give_counts_without_rates(registry: Registry) -> None:
    add_cases(registry, [Case(adverse_events=({},))] * 2)
    events = report_of(registry).adverse_events
    assert (events.procedures, events.events) == (2, 2)
    assert events.per_100_procedures is None
    assert events.ci is None
    assert events.note is not None
    assert "not enough data" in events.note
