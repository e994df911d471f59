"""Worse than baseline by at least the minimal important change: the one rule on worked examples,
the series and chart of the patient page, and the dashboard's SQL list on both databases."""

from __future__ import annotations

import datetime as dt

import pytest
from tests.factories.cases import Case, add_cases, odi_case

from regenspine.analytics.cohort import report_filters
from regenspine.analytics.worsening import (
    ScoreSeries,
    is_worse_than_baseline,
    measure,
    score_chart,
    score_series,
    worse_than_baseline,
)
from regenspine.registry.database import Registry
from regenspine.registry.models import Episode

DAY = dt.date(2026, 1, 5)


def _series(instrument: str, *scores: tuple[str, float | None], part: str = "score") -> ScoreSeries:
    rows = [(t, DAY + dt.timedelta(days=30 * i), v) for i, (t, v) in enumerate(scores)]
    return score_series(instrument, part, rows)


def test_each_instrument_has_its_mic_and_direction_from_the_instrument_data() -> None:
    assert (measure("odi").mic, measure("odi").higher_is_worse) == (10, True)
    assert (measure("ndi").mic, measure("ndi").higher_is_worse) == (10, True)
    assert (measure("nrs_leg").mic, measure("nrs_leg").higher_is_worse) == (2, True)
    assert measure("zcq", "physical_function").mic == 0.42
    assert measure("zcq", "symptom_severity").higher_is_worse is True
    assert "ostelo-2008-mic" in measure("odi").sources
    # No validated MIC for walking time: no threshold, no direction, never flagged.
    assert (measure("walking_minutes").mic, measure("walking_minutes").higher_is_worse) == (
        None,
        None,
    )


@pytest.mark.parametrize(
    ("baseline", "latest", "worse"),
    [
        (40, 50, True),  # exactly the MIC of 10 points worse
        (40, 49.99, False),  # just below the MIC
        (40, 60, True),
        (40, 20, False),  # improvement
        (40, 40, False),
        (95, 100, False),  # worse, but by less than the MIC
    ],
)
def test_the_odi_flag_on_worked_examples(baseline: float, latest: float, worse: bool) -> None:
    assert is_worse_than_baseline(baseline, latest, 10, True) is worse
    series = _series("odi", ("baseline", baseline), ("12m", latest))
    assert series.worse is worse
    assert series.change == round(latest - baseline, 2)


def test_a_lower_is_worse_measure_flags_a_fall() -> None:
    assert is_worse_than_baseline(10, 8, 2, False) is True
    assert is_worse_than_baseline(10, 8.01, 2, False) is False


def test_nrs_at_exactly_two_points_worse_is_flagged_and_binary_fractions_do_not_move_it() -> None:
    assert _series("nrs_leg", ("baseline", 5), ("3m", 7)).worse is True
    assert is_worse_than_baseline(0.1, 0.1 + 0.42, 0.42, True) is True
    assert _series("nrs_leg", ("baseline", 5), ("3m", 6.9)).worse is False


def test_no_baseline_means_no_change_and_no_flag() -> None:
    series = _series("odi", ("3m", 80), ("12m", 90))
    assert (series.baseline, series.change, series.worse) == (None, None, False)
    assert len(series.points) == 2


def test_only_the_latest_follow_up_decides_and_unscored_visits_are_left_out() -> None:
    recovered = _series("odi", ("baseline", 40), ("3m", 60), ("12m", 42), ("24m", None))
    assert (recovered.latest.timepoint, recovered.worse) == ("12m", False)
    relapsed = _series("odi", ("baseline", 40), ("3m", 20), ("12m", 55))
    assert (relapsed.latest.timepoint, relapsed.change, relapsed.worse) == ("12m", 15, True)


def test_a_zcq_subscale_is_compared_with_its_own_mic() -> None:
    series = _series("zcq", ("baseline", 2.0), ("12m", 2.42), part="physical_function")
    assert series.worse is True
    series = _series("zcq", ("baseline", 2.0), ("12m", 2.41), part="physical_function")
    assert series.worse is False


def test_walking_time_has_no_mic_so_it_is_never_flagged() -> None:
    assert _series("walking_minutes", ("baseline", 30), ("3m", 1)).worse is False


def test_the_chart_puts_the_worse_line_above_the_baseline_and_a_mark_on_every_score() -> None:
    series = score_series(
        "odi", "score", [("baseline", DAY, 40), ("3m", DAY + dt.timedelta(days=90), 52)]
    )
    chart = score_chart(series)
    assert [mark.label for mark in chart.marks] == ["40", "52"]
    assert [mark.axis_label for mark in chart.marks] == ["baseline", "3m"]
    assert chart.baseline is not None
    assert chart.threshold is not None
    assert chart.threshold.y < chart.baseline.y  # higher is worse: drawn above (smaller y)
    assert chart.threshold.label == "worse by MIC 50"
    assert chart.marks[1].y < chart.threshold.y  # 52 is past the line
    assert chart.top <= min(mark.y for mark in chart.marks)
    assert max(mark.y for mark in chart.marks) <= chart.bottom


def _zcq_case(physical_before: float, physical_after: float, **changes: object) -> Case:
    means = {"symptom_severity": 2.0, "physical_function": physical_before, "satisfaction": None}
    later = {"symptom_severity": 2.0, "physical_function": physical_after, "satisfaction": 2.0}
    return Case(zcq={"baseline": means, "12m": later}, **changes)  # type: ignore[arg-type]


def _keys_of(registry: Registry, ids: list[int]) -> dict[int, str]:
    with registry.sessions() as session:
        return {i: session.get(Episode, i).patient.registry_key for i in ids}  # type: ignore[union-attr]


def test_the_dashboard_list_holds_exactly_the_patients_worse_by_the_mic(
    registry: Registry,
) -> None:
    cases = [
        odi_case(40, 50),  # exactly the MIC: listed
        odi_case(40, 49.99),  # just below: not listed
        odi_case(40, 20),  # improved
        odi_case(None, 90),  # no baseline
        Case(scores={"odi": {"baseline": 30, "3m": 20, "12m": 60}}),  # relapsed by 12m: listed
        Case(scores={"odi": {"baseline": 30, "3m": 60, "12m": 30}}),  # recovered since: not
        Case(scores={"nrs_leg": {"baseline": 5, "12m": 7}}),  # NRS 2 points: listed
        _zcq_case(2.0, 2.42),  # ZCQ physical function by 0.42: listed
        Case(scores={"walking_minutes": {"baseline": 60, "12m": 1}}),  # no MIC: not listed
    ]
    ids = add_cases(registry, cases)
    keys = _keys_of(registry, ids)
    with registry.transaction() as session:
        worse = worse_than_baseline(session.connection(), report_filters())
    assert worse.count == 4
    found = {(row.registry_key, row.instrument) for row in worse.rows}
    assert found == {
        (keys[ids[0]], "odi"),
        (keys[ids[4]], "odi"),
        (keys[ids[6]], "nrs_leg"),
        (keys[ids[7]], "zcq"),
    }
    # Most worsened in MICs first: the relapse (3 MICs) before the ones at exactly 1 MIC.
    first = worse.rows[0]
    assert (first.registry_key, first.baseline, first.latest, first.change, first.mic) == (
        keys[ids[4]],
        30,
        60,
        30,
        10,
    )
    assert first.timepoint == "12m"
    zcq = next(row for row in worse.rows if row.instrument == "zcq")
    assert (zcq.measure_label, zcq.mic, zcq.change) == (
        "ZCQ: physical function",
        0.42,
        0.42,
    )


def test_the_list_keeps_the_dashboard_filters_and_its_limit_with_the_full_count(
    registry: Registry,
) -> None:
    add_cases(registry, [odi_case(40, 60 + n) for n in range(3)] + [odi_case(40, 70, site="north")])
    with registry.transaction() as session:
        connection = session.connection()
        limited = worse_than_baseline(connection, report_filters(), limit=2)
        north = worse_than_baseline(connection, report_filters(site="north"))
    assert (limited.count, len(limited.rows), limited.limit) == (4, 2, 2)
    assert [row.latest for row in limited.rows] == [70, 62]
    assert (north.count, [row.latest for row in north.rows]) == (1, [70])
