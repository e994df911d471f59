"""Issue 6 §3: the report's responder rates, recomputed in plain Python from assessments.csv.

A researcher exports the registry (de-identified); the test rebuilds every responder count from
the exported long file alone (baseline and follow-up scores per episode) and compares them with
what the analytics report computes from the database.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from tests.factories.cases import AS_OF, Case, add_cases
from tests.factories.cli import Clinic
from tests.factories.exports import read_rows, run_export

from regenspine.analytics.cohort import report_filters
from regenspine.analytics.outcomes import RELATIVE_RULE_INSTRUMENTS, ZCQ_RULE, relative_rule
from regenspine.analytics.report import build_report
from regenspine.instruments.zcq import zcq_responder

Counts = dict[tuple[str, str], tuple[int, int]]


def _case(odi: tuple[float, float, float | None], leg: tuple[float, float], zcq: tuple) -> Case:
    """ODI at baseline, 3 and 12 months; NRS leg at baseline and 12 months; ZCQ means."""
    before, after, satisfaction = zcq
    scores = {
        "odi": {"baseline": odi[0], "3m": odi[1], "12m": odi[2]},
        "nrs_leg": {"baseline": leg[0], "12m": leg[1]},
    }
    means = {
        "baseline": {"symptom_severity": before, "physical_function": before},
        "12m": {
            "symptom_severity": after,
            "physical_function": after,
            "satisfaction": satisfaction,
        },
    }
    return Case(scores=scores, zcq=means)


CASES = [
    _case((40, 30, 20), (8, 5), (3.0, 2.4, 2.0)),
    _case((50, 45, 40), (6, 5), (2.9, 2.9, 3.0)),
    _case((60, 20, 30), (0, 2), (2.0, 1.5, 1.5)),
    _case((30, 30, 30), (7, 3), (3.0, 3.0, 2.5)),
    _case((20, 14, 14), (5, 4), (2.5, 2.0, 3.5)),  # exactly 30% less at 3 and 12 months
    _case((44, 40, None), (9, 9), (3.0, 3.0, None)),
    _case((0, 0, 10), (4, 1), (2.5, 2.5, 2.0)),  # a baseline of 0 cannot fall by 30%
]


def responders_from_export(path: Path) -> Counts:
    """(instrument, timepoint) -> (responders, decided), from the long file alone."""
    scores: dict[tuple[str, str, str], dict[str, dict[str, float | None]]] = defaultdict(dict)
    for row in read_rows(path):
        episode = (row["patient_key"], row["episode"], row["instrument"])
        value = float(row["score"]) if row["score"] else None
        scores[episode].setdefault(row["timepoint"], {})[row["measure"]] = value
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for (_key, _episode, instrument), by_timepoint in scores.items():
        before = by_timepoint.get("baseline", {})
        for timepoint, after in by_timepoint.items():
            if timepoint == "baseline":
                continue
            met = _met(instrument, before, after)
            if met is not None:
                counts[(instrument, timepoint)][0] += int(met)
                counts[(instrument, timepoint)][1] += 1
    return {key: (value[0], value[1]) for key, value in counts.items()}


def _met(
    instrument: str, before: dict[str, float | None], after: dict[str, float | None]
) -> bool | None:
    if instrument == "zcq":
        return zcq_responder(ZCQ_RULE, before, after).met
    if instrument not in RELATIVE_RULE_INSTRUMENTS:
        return None
    start, end = before.get("score"), after.get("score")
    if start is None or end is None or start <= 0:
        return None
    share = relative_rule(instrument).percent_of_baseline / 100
    return start - end >= share * start - 1e-9


def test_responder_rates_match_the_report(clinic: Clinic) -> None:
    add_cases(clinic.registry, CASES)
    out = clinic.folder / "export"
    result = run_export("csv", "--out", str(out), "--deidentified", "--user", "researcher")
    assert result.exit_code == 0, result.stderr
    recomputed = responders_from_export(out / "assessments.csv")
    # Worked by hand from CASES: ODI 12m 40->20, 60->30, 20->14 respond; 44 has no 12m score;
    # 0 cannot respond. NRS leg: 8->5, 7->3, 4->1 respond; 0 cannot.
    assert recomputed[("odi", "12m")] == (3, 5)
    assert recomputed[("odi", "3m")] == (2, 6)
    assert recomputed[("nrs_leg", "12m")] == (3, 6)
    with clinic.registry.sessions() as session:
        report = build_report(session.connection(), report_filters(), AS_OF)
    reported = {
        (row.instrument, row.timepoint): (row.responders, row.responder_n)
        for row in report.outcomes
        if row.responder_rule
    }
    assert reported == recomputed
    assert ("zcq", "12m") in reported
