"""Outcome rows against values worked out by hand on small registries."""

from __future__ import annotations

import math
import statistics
from datetime import date

import pytest
from tests.factories.cases import Case, Z, add_cases, odi_case, report_of, row

from regenspine.analytics.outcomes import relative_rule, responder_definitions
from regenspine.registry.database import Registry

T_6 = 2.446912  # t quantile, 97.5%, 6 degrees of freedom (printed tables)


def wilson(successes: int, n: int) -> tuple[float, float]:
    """Wilson's score interval written out (independent of statsmodels)."""
    p = successes / n
    centre = (p + Z * Z / (2 * n)) / (1 + Z * Z / n)
    half = Z * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n)) / (1 + Z * Z / n)
    return centre - half, centre + half


# Seven patients with ODI at baseline and 12 months, one more with baseline only.
# Falls of at least 30% of baseline: 40->20, 60->30, 20->12 and 50->35 (exactly 30%, counts);
# 50->45 and 30->30 do not; baseline 0 -> 10 cannot improve and is left out: 4 of 6.
ODI_PAIRS = [(40, 20), (50, 45), (60, 30), (30, 30), (0, 10), (20, 12), (50, 35), (70, None)]


@pytest.fixture
def odi_registry(registry: Registry) -> Registry:
    add_cases(registry, [odi_case(before, after) for before, after in ODI_PAIRS])
    return registry


def test_odi_change_and_responders_match_the_hand_computation(odi_registry: Registry) -> None:
    report = report_of(odi_registry)
    changes = [after - before for before, after in ODI_PAIRS if after is not None]
    mean, sd = statistics.mean(changes), statistics.stdev(changes)
    half = T_6 * sd / math.sqrt(len(changes))

    month_12 = row(report, "odi", "12m")
    assert (month_12.n, month_12.n_paired) == (7, 7)
    assert month_12.mean_change == pytest.approx(-68 / 7, abs=1e-4)
    assert month_12.mean_change == pytest.approx(mean, abs=1e-4)
    assert month_12.ci == pytest.approx((mean - half, mean + half), abs=1e-3)
    assert month_12.mean == pytest.approx(182 / 7, abs=1e-4)
    assert month_12.median == 30
    assert (month_12.responders, month_12.responder_n, month_12.baseline_zero) == (4, 6, 1)
    assert month_12.responder_rate == pytest.approx(4 / 6, abs=1e-4)
    assert month_12.responder_ci == pytest.approx(wilson(4, 6), abs=1e-4)
    assert month_12.responder_rule == "relative_30"
    assert month_12.note is None


def test_baseline_row_has_levels_but_no_change_and_an_even_median(odi_registry: Registry) -> None:
    baseline = row(report_of(odi_registry), "odi", "baseline")
    assert baseline.n == 8
    assert baseline.mean == pytest.approx(320 / 8)
    # Sorted 0, 20, 30, 40, 50, 50, 60, 70: the two middle values are 40 and 50.
    assert baseline.median == 45
    assert (baseline.mean_change, baseline.ci, baseline.responder_rate) == (None, None, None)
    assert baseline.responder_rule is None


def test_fewer_than_five_patients_say_not_enough_data(registry: Registry) -> None:
    add_cases(registry, [odi_case(40, 20) for _ in range(4)])
    month_12 = row(report_of(registry), "odi", "12m")
    assert month_12.n == 4
    assert (month_12.mean, month_12.mean_change, month_12.responder_rate) == (None, None, None)
    assert month_12.note is not None
    assert "not enough data" in month_12.note


def test_empty_registry_reports_no_numbers(registry: Registry) -> None:
    report = report_of(registry)
    assert (report.n_patients, report.outcomes, report.completeness) == (0, [], [])
    assert report.note is not None
    assert report.note.startswith("not enough data")
    assert report.survival.note is not None
    assert report.adverse_events.per_100_procedures is None
    assert report.comparisons.groups == []


def zcq_case(
    baseline: tuple[float, float], after: tuple[float | None, float | None, float | None]
) -> Case:
    severity, function, satisfaction = after
    return Case(
        zcq={
            "baseline": {"symptom_severity": baseline[0], "physical_function": baseline[1]},
            "12m": {
                "symptom_severity": severity,
                "physical_function": function,
                "satisfaction": satisfaction,
            },
        }
    )


def test_zcq_success_rule_counts_two_of_three_and_leaves_undecided_out(registry: Registry) -> None:
    cases = [
        zcq_case((3.0, 3.0), (2.5, 2.8, 2.0)),  # severity -0.5 and satisfied: success
        zcq_case((3.0, 3.0), (2.54, 2.58, 3.0)),  # both falls exactly at 0.46 / 0.42: success
        zcq_case((3.0, 3.0), (3.0, 3.0, 3.0)),  # nothing met: no success
        zcq_case((3.0, 3.0), (2.9, 2.9, 2.43)),  # just outside every threshold: no success
        zcq_case((4.0, 3.5), (3.0, 3.0, 3.5)),  # both falls met: success
        zcq_case((3.0, 3.0), (2.0, None, None)),  # one met, two unknown: undecided
        zcq_case((3.0, 3.0), (3.0, None, 2.0)),  # one met, one failed, one unknown: undecided
        zcq_case((3.0, 3.0), (3.0, 3.0, None)),  # two failed: decided, no success
    ]
    add_cases(registry, cases)
    report = report_of(registry)
    success = row(report, "zcq", "12m", "zcq_success_two_of_three")
    assert (success.responders, success.responder_n, success.undecided) == (3, 6, 2)
    assert success.responder_rate == pytest.approx(0.5)
    assert success.responder_ci == pytest.approx(wilson(3, 6), abs=1e-4)
    severity = row(report, "zcq", "12m", "symptom_severity")
    # Changes of the eight patients: -0.5, -0.46, 0, -0.1, -1.0, -1.0, 0, 0.
    assert severity.mean_change == pytest.approx(-3.06 / 8, abs=1e-4)
    satisfaction = row(report, "zcq", "12m", "satisfaction")
    assert (satisfaction.n, satisfaction.n_paired, satisfaction.mean_change) == (6, 0, None)


def test_completeness_counts_closed_windows_only(registry: Registry) -> None:
    # Procedures on 2025-01-06; by 2026-02-01 the 12-month window (closes 2026-02-05) is open.
    answered = Case(scores={"odi": {"baseline": 40, "3m": 30}})
    add_cases(registry, [answered] * 5 + [Case(scores={"odi": {"baseline": 50}})] * 2)
    report = report_of(registry, as_of=date(2026, 2, 1))
    by_timepoint = {r.timepoint: r for r in report.completeness}
    assert "12m" not in by_timepoint
    assert "24m" not in by_timepoint
    assert (by_timepoint["baseline"].assessed, by_timepoint["baseline"].closed) == (7, 7)
    three = by_timepoint["3m"]
    assert (three.assessed, three.closed) == (5, 7)
    assert three.completeness == pytest.approx(5 / 7, abs=1e-4)
    assert three.ci == pytest.approx(wilson(5, 7), abs=1e-4)
    assert by_timepoint["6w"].assessed == 0


def test_filters_select_patients_in_sql(registry: Registry) -> None:
    add_cases(
        registry,
        [odi_case(40, 20, cell_source="adipose", site="north")] * 5
        + [odi_case(40, 40, severity="severe")] * 6
        + [odi_case(40, 40, region="cervical", performed_on=date(2024, 5, 1))] * 2,
    )
    assert report_of(registry).n_patients == 13
    adipose = report_of(registry, cell_source="adipose")
    assert adipose.n_patients == 5
    assert row(adipose, "odi", "12m").responder_rate == 1.0
    assert report_of(registry, site="north").n_patients == 5
    assert report_of(registry, severity="severe").n_patients == 6
    assert report_of(registry, region="cervical").n_patients == 2
    assert report_of(registry, until=date(2024, 12, 31)).n_patients == 2
    assert report_of(registry, since=date(2025, 1, 6), until=date(2025, 1, 6)).n_patients == 11
    assert report_of(registry, cell_source="allogeneic").n_patients == 0


def test_outcomes_follow_the_first_procedure_of_an_episode(registry: Registry) -> None:
    # A repeat procedure adds to the adverse-event denominator; the patient still counts once.
    add_cases(registry, [odi_case(40, 20, extra_procedure_days=(200,))] * 5)
    assert report_of(registry, cell_source="bone_marrow").n_patients == 5
    assert report_of(registry).adverse_events.procedures == 10


def test_responder_rules_come_from_the_instrument_data() -> None:
    odi = relative_rule("odi")
    assert (odi.percent_of_baseline, odi.assumption) == (30, None)
    assert "ostelo-2008-mic" in odi.sources
    ndi = relative_rule("ndi")
    # The NDI data give no relative threshold, so the ODI's is borrowed and labelled as such.
    assert ndi.percent_of_baseline == 30
    assert ndi.assumption is not None
    rules = {rule.instrument: rule for rule in responder_definitions()}
    assert rules["zcq"].rule == "zcq_success_two_of_three"
    assert all(rule.sources for rule in rules.values())
