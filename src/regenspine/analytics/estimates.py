"""Summaries of frequency-weighted rows and their 95% confidence intervals, vectorised.

A row (value, people) stands for `people` patients with that value; every summary here gives
the same result as the same computation on one row per patient.

The intervals use the special functions of scipy.special directly (Student's t, normal and gamma
quantiles) rather than scipy.stats or statsmodels, whose imports alone take longer than a report
of ten thousand patients.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import special

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
    # stdtrit(df, p) is the p-quantile of Student's t with df degrees of freedom.
    quantile = special.stdtrit(freedom.to_numpy(dtype="float64"), 1 - ALPHA / 2)
    half = quantile * sd / np.sqrt(count)
    return mean - half, mean + half


def wilson_interval(successes: pd.Series, n: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Wilson's 95% confidence interval of a proportion (NaN when n is 0).

    Wilson EB, J Am Stat Assoc 1927;22:209-212: centre (p + z^2/2n) / (1 + z^2/n), half-width
    z sqrt(p(1 - p)/n + z^2/4n^2) / (1 + z^2/n).
    """
    total = n.astype("float64").where(n > 0)
    share = successes.astype("float64") / total
    z = special.ndtri(1 - ALPHA / 2)
    scale = 1 + z * z / total
    centre = (share + z * z / (2 * total)) / scale
    half = z * np.sqrt(share * (1 - share) / total + z * z / (4 * total * total)) / scale
    # Clipped to [0, 1]: at 0 or n successes the formula's end can miss the bound by rounding.
    return (centre - half).clip(lower=0.0), (centre + half).clip(upper=1.0)


def poisson_rate_interval(events: int, exposure: int, per: int) -> tuple[float, float]:
    """An exact (Garwood) 95% confidence interval of `events` per `per` units of exposure.

    Garwood F, Biometrika 1936;28:437-442: the ends are chi-square quantiles halved, which are
    the inverse regularised incomplete gamma function: low = P^-1(k, alpha/2) (0 when k = 0),
    high = P^-1(k + 1, 1 - alpha/2), both per unit of exposure.
    """
    low = float(special.gammaincinv(events, ALPHA / 2)) if events > 0 else 0.0
    high = float(special.gammaincinv(events + 1, 1 - ALPHA / 2))
    return low / exposure * per, high / exposure * per


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
