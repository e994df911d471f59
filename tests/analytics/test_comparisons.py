"""Group comparisons and the adjusted model at 12 months, checked by hand and by plain algebra."""

from __future__ import annotations

import random
from datetime import date, timedelta

import numpy as np
import pytest
from scipy.stats import t as student_t
from tests.factories.cases import PROCEDURE_DAY, add_cases, odi_case, report_of

from regenspine.analytics.comparisons import GroupOutcome
from regenspine.registry.database import Registry


def groups_of(outcomes: list[GroupOutcome], factor: str) -> dict[str, GroupOutcome]:
    """The ODI groups of one factor, by group name."""
    return {g.group: g for g in outcomes if g.factor == factor and g.instrument == "odi"}


def test_groups_by_cell_source_target_and_site(registry: Registry) -> None:
    marrow = [(40, 20), (50, 40), (60, 30), (30, 30), (20, 10)]  # changes -20 -10 -30 0 -10
    cases = [
        odi_case(before, after, targets=("epidural", "facet"), site="north")
        for before, after in marrow
    ]
    cases += [odi_case(40, 40, cell_source="adipose", targets=("intradiscal",))] * 5
    add_cases(registry, cases)
    groups = report_of(registry).comparisons.groups

    by_source = groups_of(groups, "cell_source")
    assert set(by_source) == {"bone_marrow", "adipose"}
    marrow_group = by_source["bone_marrow"]
    assert marrow_group.n == 5
    assert marrow_group.mean_change == pytest.approx(-14.0)
    # 40->20, 60->30 and 20->10 fell by 30% or more; 50->40 and 30->30 did not.
    assert (marrow_group.responders, marrow_group.responder_n) == (3, 5)
    assert marrow_group.responder_rate == pytest.approx(0.6)
    assert by_source["adipose"].mean_change == 0
    assert by_source["adipose"].responders == 0

    by_target = groups_of(groups, "target")
    assert {name: g.n for name, g in by_target.items()} == {
        "epidural": 5,
        "facet": 5,
        "intradiscal": 5,
    }
    assert by_target["facet"].mean_change == pytest.approx(-14.0)
    assert {name: g.n for name, g in groups_of(groups, "site").items()} == {"north": 5, "main": 5}
    assert {name: g.n for name, g in groups_of(groups, "severity").items()} == {"moderate": 10}


def _model_cases(count: int) -> list[object]:
    chooser = random.Random(3)  # noqa: S311 (a reproducible sample, not a secret)
    cases = []
    for _ in range(count):
        baseline = chooser.randint(20, 70)
        after = max(0, baseline - chooser.randint(-5, 30))
        born = date(1940, 1, 1) + timedelta(days=chooser.randint(0, 15000))
        cases.append(
            odi_case(
                baseline,
                after,
                region=chooser.choice(["lumbar", "thoracic"]),
                severity=chooser.choice(["mild", "moderate", "severe"]),
                cell_source=chooser.choice(["bone_marrow", "adipose", "allogeneic"]),
                birth_date=born,
            )
        )
    return cases


def _by_hand(cases: list[object]) -> tuple[list[str], np.ndarray, np.ndarray]:
    """The design matrix (reference levels lumbar, mild, bone marrow) and the changes."""
    names = [
        "intercept",
        "baseline",
        "age",
        "region: thoracic (vs lumbar)",
        "severity: moderate (vs mild)",
        "severity: severe (vs mild)",
        "cell_source: adipose (vs bone_marrow)",
        "cell_source: allogeneic (vs bone_marrow)",
    ]
    rows, changes = [], []
    for case in cases:
        before = case.scores["odi"]["baseline"]  # type: ignore[attr-defined]
        after = case.scores["odi"]["12m"]  # type: ignore[attr-defined]
        age = (PROCEDURE_DAY - case.birth_date).days / 365.25  # type: ignore[attr-defined]
        rows.append(
            [
                1,
                before,
                age,
                case.region == "thoracic",  # type: ignore[attr-defined]
                case.severity == "moderate",  # type: ignore[attr-defined]
                case.severity == "severe",  # type: ignore[attr-defined]
                case.cell_source == "adipose",  # type: ignore[attr-defined]
                case.cell_source == "allogeneic",  # type: ignore[attr-defined]
            ]
        )
        changes.append(after - before)
    return names, np.array(rows, dtype=float), np.array(changes, dtype=float)


def test_adjusted_model_matches_least_squares_by_hand(registry: Registry) -> None:
    cases = _model_cases(90)
    add_cases(registry, cases)  # type: ignore[arg-type]
    (model,) = [m for m in report_of(registry).comparisons.models if m.instrument == "odi"]
    names, design, changes = _by_hand(cases)
    coefficients, *_ = np.linalg.lstsq(design, changes, rcond=None)
    residual = changes - design @ coefficients
    freedom = len(changes) - design.shape[1]
    variance = residual @ residual / freedom
    errors = np.sqrt(np.diag(variance * np.linalg.inv(design.T @ design)))
    half = student_t.ppf(0.975, freedom) * errors
    assert model.n == 90
    assert model.note is None
    assert [term.term for term in model.terms] == names
    for term, value, width in zip(model.terms, coefficients, half, strict=True):
        assert term.coefficient == pytest.approx(value, abs=1e-3)
        assert term.ci == pytest.approx((value - width, value + width), abs=1e-3)
    assert model.adjusted_for == ["baseline score", "age", "region", "severity", "cell_source"]


def test_model_leaves_out_constant_covariates_and_needs_enough_patients(
    registry: Registry,
) -> None:
    add_cases(registry, [odi_case(40 + i, 30) for i in range(12)])
    (model,) = report_of(registry).comparisons.models
    assert model.n == 12
    assert model.terms == []
    assert {entry.split(" ")[0] for entry in model.left_out} == {
        "region",
        "severity",
        "cell_source",
    }
    assert model.note is not None
    assert "needs 30 patients" in model.note
