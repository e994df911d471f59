"""Zurich Claudication Questionnaire (ZCQ): three subscale means for lumbar spinal stenosis."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from pydantic import BaseModel, ConfigDict

from regenspine.errors import InvalidInput
from regenspine.instruments.base import Answer, InstrumentScore, read_answers, result, rounded
from regenspine.instruments.catalogue import ResponderRule, Subscale, SuccessCriterion, instrument


class ResponderOutcome(BaseModel):
    """Whether a patient meets a responder rule, or why that cannot be told."""

    model_config = ConfigDict(frozen=True)

    rule: str
    met: bool | None
    criteria_met: int
    required: int
    reason: str | None = None
    sources: tuple[str, ...]


def subscale_mean(values: Sequence[Answer], max_missing: int) -> tuple[float | None, str | None]:
    """Mean of the answered items to 2 decimals, or None when too many items are missing."""
    given = [value for value in values if value is not None]
    missing = len(values) - len(given)
    if missing > max_missing:
        return None, f"{missing} of {len(values)} items missing; at most {max_missing} allowed"
    return rounded(sum(given), len(given), 2), None


def _score_subscale(
    subscale: Subscale, answers: Sequence[Answer]
) -> tuple[float | None, str | None]:
    if max(subscale.items) > len(answers):
        # The 12-answer (baseline) form does not ask the after-treatment questions.
        return None, "not asked (after treatment only; give 18 answers)"
    return subscale_mean([answers[number - 1] for number in subscale.items], subscale.max_missing)


def score_zcq(answers: Sequence[object]) -> InstrumentScore:
    """Score 12 (baseline) or 18 (after treatment) ZCQ answers into their subscale means."""
    data = instrument("zcq")
    given = read_answers(data, answers)
    subscales: dict[str, float | None] = {}
    reasons = ["The ZCQ has no total score; read its subscale means."]
    for subscale in data.subscales:
        subscales[subscale.id], why = _score_subscale(subscale, given)
        if why:
            reasons.append(f"{subscale.title}: {why}.")
    return result(data, given, None, reason=" ".join(reasons), subscales=subscales)


def _criterion_met(
    criterion: SuccessCriterion,
    baseline: Mapping[str, float | None],
    follow_up: Mapping[str, float | None],
) -> bool | None:
    after = follow_up.get(criterion.subscale)
    if after is None:
        return None
    if criterion.kind == "level_at_most":
        return after <= criterion.value
    before = baseline.get(criterion.subscale)
    if before is None:
        return None
    # Round the change so that binary floating point cannot move a patient across the threshold.
    return round(before - after, 6) >= criterion.value


def apply_responder_rule(
    rule: ResponderRule,
    baseline: Mapping[str, float | None],
    follow_up: Mapping[str, float | None],
) -> ResponderOutcome:
    """Apply a ZCQ responder rule to baseline and follow-up subscale means."""
    results = [_criterion_met(criterion, baseline, follow_up) for criterion in rule.criteria]
    met = sum(outcome is True for outcome in results)
    open_ = sum(outcome is None for outcome in results)
    decided: bool | None
    if met >= rule.required:
        decided, reason = True, None
    elif met + open_ < rule.required:
        decided, reason = False, None
    else:
        decided, reason = None, "too many subscales missing to decide"
    return ResponderOutcome(
        rule=rule.id,
        met=decided,
        criteria_met=met,
        required=rule.required,
        reason=reason,
        sources=rule.sources,
    )


def zcq_responder(
    rule_id: str, baseline: Mapping[str, float | None], follow_up: Mapping[str, float | None]
) -> ResponderOutcome:
    """Apply one of the ZCQ responder rules in the instrument data by its id."""
    rules = {rule.id: rule for rule in instrument("zcq").responder_rules}
    if rule_id not in rules:
        raise InvalidInput("rule", f"unknown ZCQ responder rule {rule_id!r}", sorted(rules))
    return apply_responder_rule(rules[rule_id], baseline, follow_up)
