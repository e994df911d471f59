"""PROM outcomes per instrument and timepoint: level, change, responders and completeness.

Change is the follow-up score minus the same patient's baseline score, so for disability and pain
scores (ODI, NDI, NRS, ZCQ) a negative change is an improvement.

Responders:
- ODI, NDI and the pain scales: the score fell by at least 30% of the patient's baseline score,
  the relative threshold in the instrument data. A baseline of 0 leaves nothing to improve, so
  such patients are left out of the responder denominator and counted in `baseline_zero`.
- ZCQ: the success rule in the instrument data (two of three subscale criteria). A patient whose
  missing subscales leave the rule undecided is left out and counted in `undecided`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict

from regenspine.analytics.estimates import (
    MIN_REPORTED,
    interval,
    rounded,
    t_interval,
    weighted_summary,
    wilson_interval,
)
from regenspine.analytics.frames import BASELINE
from regenspine.analytics.responder_rule import TOLERANCE
from regenspine.care.schedule import TIMEPOINT_IDS
from regenspine.instruments import SCORERS
from regenspine.instruments.catalogue import (
    ChangeThreshold,
    ResponderRule,
    SuccessCriterion,
    instrument,
)

# Instruments whose responders are defined by a relative fall from baseline.
RELATIVE_RULE_INSTRUMENTS = ("odi", "ndi", "nrs_back", "nrs_leg", "nrs_neck", "nrs_arm")
# The instrument whose published relative threshold is borrowed where one has none of its own.
RELATIVE_RULE_DONOR = "odi"
ZCQ = "zcq"
ZCQ_RULE = "zcq_success_two_of_three"
SCORE = "score"
NOT_ENOUGH = f"not enough data (fewer than {MIN_REPORTED} patients)"
# The columns of `frames.score_changes` that are sums.
CHANGE_SUMS = (
    "paired",
    "change_sum",
    "change_squares",
    "responders",
    "responder_n",
    "baseline_zero",
)


class ResponderDefinition(BaseModel):
    """What counts as a responder for an instrument, with its sources."""

    model_config = ConfigDict(frozen=True)

    instrument: str
    rule: str
    description: str
    percent_of_baseline: float | None = None
    sources: tuple[str, ...]
    assumption: str | None = None


class OutcomeRow(BaseModel):
    """One instrument (or ZCQ subscale) at one timepoint."""

    model_config = ConfigDict(frozen=True)

    instrument: str
    measure: str
    timepoint: str
    n: int
    mean: float | None = None
    mean_ci: tuple[float, float] | None = None
    median: float | None = None
    n_paired: int = 0
    mean_change: float | None = None
    ci: tuple[float, float] | None = None
    responder_rule: str | None = None
    responders: int | None = None
    responder_n: int | None = None
    responder_rate: float | None = None
    responder_ci: tuple[float, float] | None = None
    baseline_zero: int = 0
    undecided: int = 0
    note: str | None = None


class CompletenessRow(BaseModel):
    """Follow-up completeness at one timepoint: assessed visits of those whose window closed."""

    model_config = ConfigDict(frozen=True)

    timepoint: str
    closed: int
    assessed: int
    completeness: float | None
    ci: tuple[float, float] | None
    note: str | None = None


def relative_rule(instrument_id: str) -> ResponderDefinition:
    """The relative-improvement responder rule of an instrument, from its own data or borrowed."""
    own = _relative_threshold(instrument_id)
    threshold = own or _relative_threshold(RELATIVE_RULE_DONOR)
    if threshold is None:
        raise LookupError(f"no relative threshold in the data of {RELATIVE_RULE_DONOR}")
    assumption = None
    if own is None:
        assumption = (
            f"No relative threshold is published for {instrument(instrument_id).short_title} in "
            f"this tool's sources; the {instrument(RELATIVE_RULE_DONOR).short_title} threshold "
            "is applied by this tool's assumption."
        )
    return ResponderDefinition(
        instrument=instrument_id,
        rule=f"relative_{threshold.value:g}",
        description=(
            f"Score fell by at least {threshold.value:g}% of the patient's baseline score "
            "(patients with a baseline of 0 cannot improve and are left out)."
        ),
        percent_of_baseline=threshold.value,
        sources=threshold.sources,
        assumption=assumption,
    )


def _relative_threshold(instrument_id: str) -> ChangeThreshold | None:
    thresholds = instrument(instrument_id).minimal_important_change
    return next(
        (t for t in thresholds if t.unit == "percent of baseline" and t.applies_to == SCORE), None
    )


def zcq_rule() -> ResponderRule:
    """The ZCQ success rule the report applies, from the instrument data."""
    rules = {rule.id: rule for rule in instrument(ZCQ).responder_rules}
    return rules[ZCQ_RULE]


def responder_definitions() -> list[ResponderDefinition]:
    """Every responder rule the report applies, in instrument order."""
    rule = zcq_rule()
    zcq = ResponderDefinition(
        instrument=ZCQ, rule=rule.id, description=rule.description.strip(), sources=rule.sources
    )
    return [*(relative_rule(i) for i in RELATIVE_RULE_INSTRUMENTS), zcq]


def _with_change_sums(frame: pd.DataFrame) -> pd.DataFrame:
    """Weighted rows (value, baseline, people) as the sums `frames.score_changes` gives."""
    change = (frame["value"] - frame["baseline"]).astype("float64")
    paired = frame["people"].where(change.notna(), 0)
    return frame.assign(
        paired=paired,
        change_sum=(change * frame["people"]).fillna(0.0),
        change_squares=(change * change * frame["people"]).fillna(0.0),
    )


def _change_summary(sums: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Per group: patients with a baseline, mean change and its t interval, from the sums."""
    follow = sums.loc[sums["timepoint"] != BASELINE]
    totals = follow.groupby(keys, observed=True)[["paired", "change_sum", "change_squares"]].sum()
    n = totals["paired"].astype("float64")
    mean = totals["change_sum"] / n.where(n > 0)
    # Sum of squared deviations from the sums; clipped at 0 against rounding when all agree.
    deviations = (totals["change_squares"] - n * mean * mean).clip(lower=0)
    sd = np.sqrt(deviations / (n - 1).where(n > 1))
    low, high = t_interval(mean, sd, n)
    summary = pd.DataFrame(
        {"n_paired": n, "mean_change": mean, "low": low, "high": high}, index=totals.index
    )
    return summary.reset_index()


def _levels_and_changes(
    levels: pd.DataFrame, changes: pd.DataFrame, keys: list[str]
) -> pd.DataFrame:
    """n, mean (with CI) and median per group, joined with the change from baseline (with CI)."""
    level = weighted_summary(levels, keys)
    level["mean_low"], level["mean_high"] = t_interval(level["mean"], level["sd"], level["n"])
    merged = level.merge(_change_summary(changes, keys), how="left", on=keys)
    return merged.fillna({"n_paired": 0})


def _relative_responders(frame: pd.DataFrame) -> pd.DataFrame:
    """Per instrument and follow-up timepoint: responders, eligible patients, baseline zeros
    (counted in SQL by `frames.score_changes`)."""
    chosen = frame.loc[
        frame["instrument"].isin(RELATIVE_RULE_INSTRUMENTS) & (frame["timepoint"] != BASELINE)
    ]
    keys = ["instrument", "timepoint"]
    totals = chosen.groupby(keys, observed=True)[["responders", "responder_n", "baseline_zero"]]
    return totals.sum().reset_index()


def relative_shares() -> dict[str, float]:
    """Each relative-rule instrument's responder threshold as a share of baseline (0.3)."""
    return {
        name: (relative_rule(name).percent_of_baseline or 0.0) / 100
        for name in RELATIVE_RULE_INSTRUMENTS
    }


def _criterion_flags(
    rows: pd.DataFrame, criterion: SuccessCriterion
) -> tuple[pd.Series, pd.Series]:
    """Whether each row meets one criterion of a subscale rule, and whether it cannot be told."""
    after = rows[criterion.subscale]
    if criterion.kind == "level_at_most":
        unknown = after.isna()
        met = after <= criterion.value + TOLERANCE
    else:
        before = rows[f"baseline_{criterion.subscale}"]
        unknown = after.isna() | before.isna()
        met = before - after >= criterion.value - TOLERANCE
    return met & ~unknown, unknown


def _zcq_responders(rows: pd.DataFrame, rule: ResponderRule) -> pd.DataFrame:
    """Per follow-up timepoint: ZCQ successes, decided patients and undecided ones."""
    follow = rows.loc[rows["timepoint"] != BASELINE]
    flags = [_criterion_flags(follow, criterion) for criterion in rule.criteria]
    met = sum((flag.astype("int64") for flag, _ in flags), pd.Series(0, index=follow.index))
    still_open = sum((gap.astype("int64") for _, gap in flags), pd.Series(0, index=follow.index))
    success = met >= rule.required
    decided = success | (met + still_open < rule.required)
    counted = pd.DataFrame(
        {
            "timepoint": follow["timepoint"].astype(str),
            "n": 1,
            "responders": success.astype("int64"),
            "responder_n": decided.astype("int64"),
            "undecided": (~decided).astype("int64"),
        }
    )
    return counted.groupby("timepoint", as_index=False).sum()


def _subscale_levels(rows: pd.DataFrame, subscales: list[str]) -> pd.DataFrame:
    """Weighted rows (measure, timepoint, value, baseline, people) of each subscale."""
    counts = [
        rows.groupby(["timepoint", name, f"baseline_{name}"], observed=True, dropna=False)
        .size()
        .reset_index(name="people")
        .set_axis(["timepoint", "value", "baseline", "people"], axis=1)
        .assign(measure=name)
        for name in subscales
    ]
    filled = [part for part in counts if not part.empty]
    if not filled:
        return pd.DataFrame(columns=["timepoint", "value", "baseline", "people", "measure"])
    levels = pd.concat(filled, ignore_index=True)
    return levels.assign(timepoint=levels["timepoint"].astype(str))


def outcome_table(
    levels: pd.DataFrame, changes: pd.DataFrame, zcq_rows: pd.DataFrame
) -> list[OutcomeRow]:
    """The outcome rows from `frames.score_levels`, `frames.score_changes` (called with
    `relative_shares()`) and `frames.subscale_rows` (ZCQ), in instrument, measure and timepoint
    order."""
    keys = ["instrument", "measure", "timepoint"]
    # Numbers even when no patient has a baseline (an empty read has no column types).
    changes = changes.astype(dict.fromkeys(CHANGE_SUMS, "float64")).assign(measure=SCORE)
    table = _levels_and_changes(levels.assign(measure=SCORE), changes, keys)
    responders = _relative_responders(changes)
    table = table.merge(responders.assign(measure=SCORE), how="left", on=keys)
    table["responder_rule"] = table["instrument"].map(
        {i: relative_rule(i).rule for i in RELATIVE_RULE_INSTRUMENTS}
    )
    parts = [table]
    if not zcq_rows.empty:
        subscales = [subscale.id for subscale in instrument(ZCQ).subscales]
        answered = _subscale_levels(zcq_rows, subscales).assign(instrument=ZCQ)
        answered = answered.loc[answered["value"].notna()]
        parts.append(_levels_and_changes(answered, _with_change_sums(answered), keys))
        rule = zcq_rule()
        success = _zcq_responders(zcq_rows, rule)
        parts.append(success.assign(instrument=ZCQ, measure=rule.id, responder_rule=rule.id))
    filled = [part for part in parts if not part.empty]
    if not filled:
        return []
    combined = pd.concat(filled, ignore_index=True)
    if "responders" in combined:
        eligible = combined["responder_n"].fillna(0)
        combined["rate"] = combined["responders"] / eligible.where(eligible > 0)
        combined["r_low"], combined["r_high"] = wilson_interval(
            combined["responders"].fillna(0), eligible
        )
    return [_outcome_row(row) for row in _ordered(combined).to_dict("records")]


def _ordered(table: pd.DataFrame) -> pd.DataFrame:
    """Instruments in registry order; the score first, then ZCQ subscales as in the data."""
    instrument_order = {name: position for position, name in enumerate(SCORERS)}
    measures = [SCORE, *(subscale.id for subscale in instrument(ZCQ).subscales), ZCQ_RULE]
    measure_order = {name: position for position, name in enumerate(measures)}
    timepoint_order = {name: position for position, name in enumerate(TIMEPOINT_IDS)}
    return table.assign(
        _i=table["instrument"].map(instrument_order).fillna(len(instrument_order)),
        _m=table["measure"].map(measure_order).fillna(len(measure_order)),
        _t=table["timepoint"].map(timepoint_order).fillna(len(timepoint_order)),
    ).sort_values(["_i", "instrument", "_m", "measure", "_t"])


def _count(value: Any) -> int:
    return 0 if value is None or pd.isna(value) else int(value)


def _number(value: Any) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _outcome_row(row: dict[str, Any]) -> OutcomeRow:
    n, n_paired, eligible = (_count(row.get(key)) for key in ("n", "n_paired", "responder_n"))
    enough, paired_enough = n >= MIN_REPORTED, n_paired >= MIN_REPORTED
    rule = row.get("responder_rule")
    has_rule = isinstance(rule, str) and row["timepoint"] != BASELINE
    rated = has_rule and eligible >= MIN_REPORTED
    short = not enough or (n_paired and not paired_enough) or (has_rule and not rated)
    return OutcomeRow(
        instrument=str(row["instrument"]),
        measure=str(row["measure"]),
        timepoint=str(row["timepoint"]),
        n=n,
        mean=rounded(_number(row.get("mean"))) if enough else None,
        mean_ci=interval(_number(row.get("mean_low")), _number(row.get("mean_high")))
        if enough
        else None,
        median=rounded(_number(row.get("median"))) if enough else None,
        n_paired=n_paired,
        mean_change=rounded(_number(row.get("mean_change"))) if paired_enough else None,
        ci=interval(_number(row.get("low")), _number(row.get("high"))) if paired_enough else None,
        responder_rule=rule if has_rule else None,
        responders=_count(row.get("responders")) if has_rule else None,
        responder_n=eligible if has_rule else None,
        responder_rate=rounded(_number(row.get("rate"))) if rated else None,
        responder_ci=interval(_number(row.get("r_low")), _number(row.get("r_high")))
        if rated
        else None,
        baseline_zero=_count(row.get("baseline_zero")),
        undecided=_count(row.get("undecided")),
        note=NOT_ENOUGH if short else None,
    )


def completeness_table(counts: pd.DataFrame) -> list[CompletenessRow]:
    """Completeness per timepoint with Wilson intervals, in schedule order."""
    if counts.empty:
        return []
    counts = counts.astype({"closed": "int64", "assessed": "int64"})
    low, high = wilson_interval(counts["assessed"], counts["closed"])
    order = {name: position for position, name in enumerate(TIMEPOINT_IDS)}
    table = counts.assign(low=low, high=high, _t=counts["timepoint"].map(order)).sort_values("_t")
    rows = []
    for row in table.to_dict("records"):
        enough = row["closed"] >= MIN_REPORTED
        rows.append(
            CompletenessRow(
                timepoint=row["timepoint"],
                closed=row["closed"],
                assessed=row["assessed"],
                completeness=rounded(row["assessed"] / row["closed"]) if enough else None,
                ci=interval(row["low"], row["high"]) if enough else None,
                note=None if enough else NOT_ENOUGH,
            )
        )
    return rows
