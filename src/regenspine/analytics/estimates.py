"""Summaries of frequency-weighted rows and their 95% confidence intervals, vectorised.

A row (value, people) stands for `people` patients with that value; every summary here gives
the same result as the same computation on one row per patient.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.proportion import proportion_confint
from statsmodels.stats.rates import confint_poisson

CONFIDENCE = 0.95
ALPHA = 1 - CONFIDENCE
# The smallest group this tool reports an estimate for; smaller groups say "not enough data".
# This tool's assumption (it also keeps very small groups from pointing at single patients).
MIN_REPORTED = 5


def weighted_summary(
    frame: pd.DataFrame, keys: Sequence[str], value: str = "value", weight: str = "people"
) -> pd.DataFrame:
    """Per group of `keys`: n, mean, sd (n - 1 denominator) and median of `value`.

    The median of an even count is the mean of the two middle values.
    """
    rows = frame.loc[frame[value].notna() & (frame[weight] > 0), [*keys, value, weight]]
    if rows.empty:
        numbers = {name: pd.Series(dtype="float64") for name in ("n", "mean", "sd", "median")}
        return pd.DataFrame({**{key: pd.Series(dtype="object") for key in keys}, **numbers})
    rows = rows.astype({value: "float64", weight: "int64"}).sort_values([*keys, value])
    rows["weighted"] = rows[value] * rows[weight]
    groups = rows.groupby(list(keys), sort=False, observed=True)
    n = groups[weight].transform("sum")
    mean = groups["weighted"].transform("sum") / n
    squares = rows[weight] * (rows[value] - mean) ** 2
    through = groups[weight].cumsum()
    before = through - rows[weight]
    # Each row covers the 0-based positions [before, through) of its group's sorted values.
    lower, upper = (n - 1) // 2, n // 2
    parts = rows[list(keys)].assign(
        n=n,
        mean=mean,
        squares=squares,
        lower=rows[value].where((before <= lower) & (lower < through)),
        upper=rows[value].where((before <= upper) & (upper < through)),
    )
    summary = parts.groupby(list(keys), sort=False, observed=True).agg(
        n=("n", "first"),
        mean=("mean", "first"),
        squares=("squares", "sum"),
        lower=("lower", "max"),
        upper=("upper", "max"),
    )
    summary["sd"] = np.sqrt(summary["squares"] / (summary["n"] - 1).where(summary["n"] > 1))
    summary["median"] = (summary["lower"] + summary["upper"]) / 2
    return summary.reset_index()[[*keys, "n", "mean", "sd", "median"]]


def t_interval(mean: pd.Series, sd: pd.Series, n: pd.Series) -> tuple[pd.Series, pd.Series]:
    """The t-based 95% confidence interval of a mean (NaN below 2 values)."""
    count = n.astype("float64")
    freedom = (count - 1).where(count > 1)
    half = stats.t.ppf(1 - ALPHA / 2, freedom) * sd / np.sqrt(count)
    return mean - half, mean + half


def wilson_interval(successes: pd.Series, n: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Wilson's 95% confidence interval of a proportion (NaN when n is 0)."""
    total = n.astype("float64")
    safe = total.where(total > 0, 1.0)
    low, high = proportion_confint(successes.astype("float64"), safe, alpha=ALPHA, method="wilson")
    low = pd.Series(np.asarray(low, dtype="float64"), index=n.index).where(total > 0)
    high = pd.Series(np.asarray(high, dtype="float64"), index=n.index).where(total > 0)
    return low, high


def poisson_rate_interval(events: int, exposure: int, per: int) -> tuple[float, float]:
    """An exact (Garwood) 95% confidence interval of `events` per `per` units of exposure."""
    low, high = confint_poisson(events, exposure, method="exact-c", alpha=ALPHA)
    return float(low) * per, float(high) * per


def rounded(value: float | None, digits: int = 4) -> float | None:
    """A float rounded for output, or None for a missing or undefined value."""
    if value is None or not np.isfinite(value):
        return None
    return round(float(value), digits)


def interval(low: float | None, high: float | None, digits: int = 4) -> tuple[float, float] | None:
    """A confidence interval for output, or None when either end is undefined."""
    ends = rounded(low, digits), rounded(high, digits)
    if ends[0] is None or ends[1] is None:
        return None
    return ends[0], ends[1]
