"""ZCQ scoring: subscale means, missing-item limits, balance item, counts, responder rules."""

from __future__ import annotations

import pytest

from regenspine.errors import InvalidInput
from regenspine.instruments import score
from regenspine.instruments.zcq import score_zcq, zcq_responder

M = None
BASELINE = [3, 3, 3, 3, 3, 3, 5, 2, 2, 2, 2, 2]


def test_baseline_form_scores_two_subscales_and_says_satisfaction_was_not_asked() -> None:
    result = score_zcq(BASELINE)
    assert result.score is None
    assert result.subscales == {
        "symptom_severity": 3.29,  # 23 / 7 = 3.2857
        "physical_function": 2.0,
        "satisfaction": None,
    }
    assert result.answered == 12
    assert result.reason is not None
    assert "no total score" in result.reason
    assert "satisfaction: not asked" in result.reason


def test_after_treatment_form_scores_satisfaction() -> None:
    result = score_zcq([*BASELINE, 1, 2, 2, 2, 2, 2])
    assert result.subscales is not None
    assert result.subscales["satisfaction"] == 1.83  # 11 / 6 = 1.8333


def test_symptom_severity_with_two_missing_is_computed() -> None:
    result = score_zcq([M, M, 2, 3, 4, 2, 5, 1, 1, 1, 1, 1])
    assert result.subscales is not None
    assert result.subscales["symptom_severity"] == 3.2  # 16 / 5


def test_symptom_severity_with_three_missing_is_null_with_reason() -> None:
    result = score_zcq([M, M, M, 3, 4, 2, 5, 1, 1, 1, 1, 1])
    assert result.subscales is not None
    assert result.subscales["symptom_severity"] is None
    assert result.subscales["physical_function"] == 1.0
    assert result.reason is not None
    assert "symptom severity: 3 of 7 items missing; at most 2 allowed" in result.reason


def test_physical_function_allows_one_missing_not_two() -> None:
    one = score_zcq([1, 1, 1, 1, 1, 1, 1, M, 2, 3, 4, 2])
    two = score_zcq([1, 1, 1, 1, 1, 1, 1, M, M, 3, 4, 2])
    assert one.subscales is not None
    assert one.subscales["physical_function"] == 2.75
    assert two.subscales is not None
    assert two.subscales["physical_function"] is None


def test_satisfaction_allows_one_missing_not_two() -> None:
    one = score_zcq([*BASELINE, M, 1, 1, 2, 2, 2])
    two = score_zcq([*BASELINE, M, M, 1, 2, 2, 2])
    assert one.subscales is not None
    assert one.subscales["satisfaction"] == 1.6
    assert two.subscales is not None
    assert two.subscales["satisfaction"] is None


def test_balance_item_refuses_2_naming_item_7_and_allowed_values() -> None:
    answers = [1, 1, 1, 1, 1, 1, 2, 1, 1, 1, 1, 1]
    with pytest.raises(InvalidInput) as caught:
        score_zcq(answers)
    assert caught.value.field == "answers[7] (ZCQ item 7: balance disturbance)"
    assert caught.value.message.endswith("(allowed: 1, 3, 5)")


@pytest.mark.parametrize(("position", "value"), [(8, 5), (13, 5), (1, 0), (1, 6)])
def test_subscale_ranges_are_enforced(position: int, value: int) -> None:
    answers: list[int | None] = [1] * 18
    answers[position - 1] = value
    with pytest.raises(InvalidInput, match=rf"answers\[{position}\] \(ZCQ item {position}:"):
        score_zcq(answers)


@pytest.mark.parametrize("count", [7, 11, 13, 17, 19])
def test_only_12_or_18_answers_are_accepted(count: int) -> None:
    with pytest.raises(InvalidInput) as caught:
        score_zcq([1] * count)
    assert caught.value.field == "answers"
    assert caught.value.allowed == ["12", "18"]


def test_cli_text_form_gives_the_same_result() -> None:
    assert score("zcq", "3,3,3,3,3,3,5,2,2,2,2,2") == score_zcq(BASELINE)


BEFORE = {"symptom_severity": 3.5, "physical_function": 2.8, "satisfaction": None}


@pytest.mark.parametrize(
    ("after", "met"),
    [
        # both changes reach their thresholds exactly (0.46 and 0.42)
        ({"symptom_severity": 3.04, "physical_function": 2.38, "satisfaction": 3.0}, True),
        # one change short by 0.01, satisfaction not met: one of three
        ({"symptom_severity": 3.05, "physical_function": 2.38, "satisfaction": 2.5}, False),
        # one change plus satisfaction at its limit 2.42
        ({"symptom_severity": 3.5, "physical_function": 2.38, "satisfaction": 2.42}, True),
    ],
)
def test_two_of_three_success_rule(after: dict[str, float | None], met: bool) -> None:
    outcome = zcq_responder("zcq_success_two_of_three", BEFORE, after)
    assert outcome.met is met
    assert outcome.sources == ("jbjs-2009-xstop-zcq-success",)


def test_success_rule_undecided_when_subscales_missing() -> None:
    after: dict[str, float | None] = {
        "symptom_severity": 3.0,
        "physical_function": None,
        "satisfaction": None,
    }
    outcome = zcq_responder("zcq_success_two_of_three", BEFORE, after)
    assert outcome.met is None
    assert outcome.criteria_met == 1


def test_nonsurgical_satisfaction_rule_cut_off_2_5() -> None:
    rule = "zcq_satisfied_after_nonsurgical_care"
    assert zcq_responder(rule, {}, {"satisfaction": 2.5}).met is True
    assert zcq_responder(rule, {}, {"satisfaction": 2.67}).met is False


def test_unknown_rule_names_the_allowed_rules() -> None:
    with pytest.raises(InvalidInput, match="zcq_success_two_of_three"):
        zcq_responder("magic", {}, {})
