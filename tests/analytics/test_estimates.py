"""Frequency-weighted summaries give what one row per patient gives."""

from __future__ import annotations

import random

import pandas as pd
import pytest

from regenspine.analytics.estimates import (
    interval,
    poisson_rate_interval,
    rounded,
    t_interval,
    weighted_summary,
    wilson_interval,
)


def test_weighted_summary_equals_the_summary_of_expanded_rows() -> None:
    chooser = random.Random(11)  # noqa: S311 (a reproducible sample, not a secret)
    patients = pd.DataFrame(
        {
            "group": [chooser.choice("abc") for _ in range(500)],
            "value": [chooser.choice([0, 2, 4.5, 10, 33.3, 50]) for _ in range(500)],
        }
    )
    counted = patients.groupby(["group", "value"]).size().reset_index(name="people")
    summary = weighted_summary(counted, ["group"]).set_index("group").sort_index()
    expected = patients.groupby("group")["value"].agg(["size", "mean", "std", "median"])
    assert summary["n"].tolist() == expected["size"].tolist()
    assert summary["mean"].tolist() == pytest.approx(expected["mean"].tolist())
    assert summary["sd"].tolist() == pytest.approx(expected["std"].tolist())
    assert summary["median"].tolist() == expected["median"].tolist()


@pytest.mark.parametrize(
    ("values", "median"),
    [([5], 5), ([1, 9], 5), ([1, 2, 9], 2), ([3, 3, 4, 100], 3.5), ([7, 7, 7, 7], 7)],
)
def test_median_of_odd_and_even_counts(values: list[float], median: float) -> None:
    counted = pd.Series(values).value_counts().rename_axis("value").reset_index(name="people")
    summary = weighted_summary(counted.assign(key="x"), ["key"])
    assert summary.loc[0, "median"] == median


def test_one_patient_has_a_mean_but_no_interval() -> None:
    summary = weighted_summary(pd.DataFrame({"k": ["x"], "value": [4.0], "people": [1]}), ["k"])
    low, high = t_interval(summary["mean"], summary["sd"], summary["n"])
    assert summary.loc[0, "mean"] == 4.0
    assert interval(low[0], high[0]) is None


def test_empty_input_gives_an_empty_summary() -> None:
    empty = pd.DataFrame({"k": [], "value": [], "people": []})
    assert weighted_summary(empty, ["k"]).empty


def test_wilson_handles_zero_denominators() -> None:
    low, high = wilson_interval(pd.Series([0, 3]), pd.Series([0, 3]))
    assert pd.isna(low[0])
    assert pd.isna(high[0])
    assert high[1] == pytest.approx(1.0)
    assert low[1] == pytest.approx(0.4385, abs=1e-4)  # 3 of 3: Wilson lower bound


def test_poisson_interval_and_rounding() -> None:
    low, high = poisson_rate_interval(0, 10, 100)
    assert low == 0
    assert high == pytest.approx(36.889, abs=1e-3)  # -ln(0.025) / 10 * 100
    assert rounded(float("nan")) is None
    assert rounded(1 / 3) == 0.3333
