"""Outcomes at 12 months compared by cell source, injection target, region, severity and site,
and an adjusted linear model of the change from baseline.

Registry groups differ in who was treated, so raw group differences mix the treatment with the
patients; the model (ordinary least squares with statsmodels) adjusts for the baseline score,
age, region, severity and cell source, and for nothing else. Either way the data are
observational: see the caveat that every report carries.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict

from regenspine.analytics.estimates import (
    ALPHA,
    MIN_REPORTED,
    interval,
    rounded,
    t_interval,
    wilson_interval,
)
from regenspine.analytics.outcomes import NOT_ENOUGH, RELATIVE_RULE_INSTRUMENTS, relative_rule
from regenspine.analytics.responder_rule import can_respond, relative_response

TIMEPOINT = "12m"
FACTORS = ("cell_source", "target", "region", "severity", "site")
CATEGORICAL_COVARIATES = ("region", "severity", "cell_source")
# At least this many patients per estimated coefficient before a model is fitted: a common rule
# of thumb for linear regression, used here as this tool's assumption.
PATIENTS_PER_COEFFICIENT = 10


class GroupOutcome(BaseModel):
    """Change from baseline and responders at 12 months in one group of one factor."""

    model_config = ConfigDict(frozen=True)

    instrument: str
    factor: str
    group: str
    n: int
    mean_change: float | None
    ci: tuple[float, float] | None
    responders: int
    responder_n: int
    responder_rate: float | None
    responder_ci: tuple[float, float] | None
    note: str | None = None


class ModelTerm(BaseModel):
    """One coefficient of the adjusted model with its 95% interval."""

    model_config = ConfigDict(frozen=True)

    term: str
    coefficient: float | None
    ci: tuple[float, float] | None
    p_value: float | None


class AdjustedModel(BaseModel):
    """Change from baseline at 12 months regressed on baseline score and patient factors."""

    model_config = ConfigDict(frozen=True)

    instrument: str
    outcome: str = "change from baseline at 12 months (follow-up minus baseline)"
    n: int
    adjusted_for: list[str]
    left_out: list[str]
    terms: list[ModelTerm]
    r_squared: float | None = None
    note: str | None = None


class Comparisons(BaseModel):
    """Group comparisons and adjusted models, with the observational caveat."""

    model_config = ConfigDict(frozen=True)

    timepoint: str = TIMEPOINT
    groups: list[GroupOutcome]
    models: list[AdjustedModel]
    caveat: str
    caveat_sources: list[str]


def patient_outcomes(changes: pd.DataFrame, covariates: pd.DataFrame) -> pd.DataFrame:
    """One row per patient and instrument: change, responder status and the covariates."""
    percents = {i: relative_rule(i).percent_of_baseline for i in RELATIVE_RULE_INSTRUMENTS}
    merged = changes.merge(covariates, on="episode_id", how="inner")
    share = merged["instrument"].astype(str).map(percents).astype("float64") / 100
    responder = relative_response(merged["baseline"], merged["value"], share)
    return merged.assign(
        change=merged["value"] - merged["baseline"],
        eligible=can_respond(merged["baseline"]).astype("int64"),
        responder=responder.astype("int64"),
    )


def group_outcomes(patients: pd.DataFrame, targets: pd.DataFrame) -> list[GroupOutcome]:
    """Mean change and responder rate per instrument and group of each factor."""
    parts = []
    for factor in FACTORS:
        frame = patients.merge(targets, on="episode_id") if factor == "target" else patients
        if frame.empty:
            continue
        grouped = frame.groupby(["instrument", factor], observed=True)
        summary = grouped.agg(
            n=("change", "size"),
            mean_change=("change", "mean"),
            sd=("change", "std"),
            responders=("responder", "sum"),
            responder_n=("eligible", "sum"),
        ).reset_index()
        parts.append(summary.rename(columns={factor: "group"}).assign(factor=factor))
    if not parts:
        return []
    table = pd.concat(parts, ignore_index=True)
    table["low"], table["high"] = t_interval(table["mean_change"], table["sd"], table["n"])
    table["r_low"], table["r_high"] = wilson_interval(table["responders"], table["responder_n"])
    return [_group_row(row) for row in table.to_dict("records")]


def _group_row(row: dict[str, object]) -> GroupOutcome:
    n, eligible = int(row["n"]), int(row["responder_n"])  # type: ignore[call-overload]
    enough, rated = n >= MIN_REPORTED, eligible >= MIN_REPORTED
    responders = int(row["responders"])  # type: ignore[call-overload]
    return GroupOutcome(
        instrument=str(row["instrument"]),
        factor=str(row["factor"]),
        group=str(row["group"]),
        n=n,
        mean_change=rounded(row["mean_change"]) if enough else None,  # type: ignore[arg-type]
        ci=interval(row["low"], row["high"]) if enough else None,  # type: ignore[arg-type]
        responders=responders,
        responder_n=eligible,
        responder_rate=rounded(responders / eligible) if rated else None,
        responder_ci=interval(row["r_low"], row["r_high"]) if rated else None,  # type: ignore[arg-type]
        note=None if enough and rated else NOT_ENOUGH,
    )


def _design(data: pd.DataFrame) -> tuple[pd.DataFrame, list[str], list[str]]:
    """The model's design matrix, the covariates used and those left out (with why)."""
    columns = [data[["baseline", "age"]].astype("float64")]
    used, left_out = ["baseline score", "age"], []
    for name in CATEGORICAL_COVARIATES:
        levels = data[name].astype("category").cat.remove_unused_categories()
        if len(levels.cat.categories) < 2:
            left_out.append(f"{name} (only one value in these patients)")
            continue
        reference = levels.cat.categories[0]
        dummies = pd.get_dummies(levels, drop_first=True, dtype="float64")
        dummies.columns = [f"{name}: {level} (vs {reference})" for level in dummies.columns]
        columns.append(dummies)
        used.append(name)
    design = pd.concat(columns, axis=1)
    design.insert(0, "intercept", 1.0)
    return design, used, left_out


def adjusted_model(patients: pd.DataFrame, instrument: str) -> AdjustedModel:
    """OLS of the 12-month change on baseline, age, region, severity and cell source."""
    from statsmodels.regression.linear_model import OLS

    chosen = patients.loc[patients["instrument"].astype(str) == instrument]
    data = chosen.dropna(subset=["change", "baseline", "age", *CATEGORICAL_COVARIATES])
    missing = len(chosen) - len(data)
    design, used, left_out = _design(data)
    if missing:
        left_out.append(f"{missing} patients without age or severity")
    base = {"instrument": instrument, "n": len(data), "adjusted_for": used, "left_out": left_out}
    needed = PATIENTS_PER_COEFFICIENT * design.shape[1]
    if len(data) < needed:
        note = f"not enough data (a model with these covariates needs {needed} patients)"
        return AdjustedModel(**base, terms=[], note=note)
    if np.linalg.matrix_rank(design.to_numpy()) < design.shape[1]:
        note = "not estimable: some covariates are fully determined by others in these patients"
        return AdjustedModel(**base, terms=[], note=note)
    fit = OLS(data["change"].astype("float64"), design).fit()
    bounds = fit.conf_int(alpha=ALPHA)
    terms = [
        ModelTerm(
            term=name,
            coefficient=rounded(fit.params[name]),
            ci=interval(bounds.loc[name, 0], bounds.loc[name, 1]),
            p_value=rounded(fit.pvalues[name]),
        )
        for name in design.columns
    ]
    return AdjustedModel(**base, terms=terms, r_squared=rounded(fit.rsquared))


def compare_outcomes(
    patients: pd.DataFrame, targets: pd.DataFrame, caveat: str, caveat_sources: list[str]
) -> Comparisons:
    """Group comparisons and one adjusted model per instrument with 12-month data."""
    present = set(patients["instrument"].astype(str)) if not patients.empty else set()
    models = [adjusted_model(patients, i) for i in RELATIVE_RULE_INSTRUMENTS if i in present]
    return Comparisons(
        groups=group_outcomes(patients, targets),
        models=models,
        caveat=caveat,
        caveat_sources=caveat_sources,
    )
