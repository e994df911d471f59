"""Values clarification: validation, what lines up with what matters most, SURE scoring."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from tests.factories.profiles import SURE_IDS, VALUE_IDS

from regenspine.decision_aid.values import (
    UNSURE,
    clarify_values,
    leaning_choices,
    load_values_catalogue,
    option_titles,
    parse_values_answers,
    score_sure,
)
from regenspine.errors import InvalidInput
from regenspine.knowledge import load_knowledge


def answers(**ratings: int) -> dict[str, Any]:
    """All ratings 0 unless given, all SURE answers yes, leaning unsure."""
    return {
        "ratings": {value_id: ratings.get(value_id, 0) for value_id in VALUE_IDS},
        "sure": dict.fromkeys(SURE_IDS, True),
        "leaning": UNSURE,
    }


def test_catalogue_has_the_seven_values_and_the_four_sure_items_in_order() -> None:
    catalogue = load_values_catalogue()
    assert tuple(item.id for item in catalogue.items) == VALUE_IDS
    assert tuple(item.id for item in catalogue.sure.items) == SURE_IDS
    assert "".join(item.letter for item in catalogue.sure.items) == "SURE"
    assert [point.value for point in catalogue.scale] == [0, 1, 2, 3, 4]
    assert "legare-2010-sure-test" in catalogue.sure.sources


def test_every_value_cites_resolvable_sources_and_known_options() -> None:
    known_sources = {source.id for source in load_knowledge().sources}
    for item in load_values_catalogue().items:
        assert set(item.sources) <= known_sources, item.id
        assert set(item.lines_up_with) <= set(option_titles()), item.id


def test_leaning_choices_are_the_compared_options_plus_unsure() -> None:
    choices = leaning_choices()
    assert list(choices) == [*option_titles(), UNSURE]
    assert len(option_titles()) == 5


def test_worked_example_top_values_and_the_options_that_line_up() -> None:
    raw = answers(avoiding_surgery=4, low_risk=3, leg_pain_relief=2, low_cost=1)
    result = clarify_values(parse_values_answers(raw))
    # Rated 3 or 4 only, highest first; leg pain (2) is not among what matters most.
    assert [match.id for match in result.matters_most] == ["avoiding_surgery", "low_risk"]
    avoiding = result.matters_most[0]
    assert [ref.id for ref in avoiding.lines_up_with] == [
        "conservative_care",
        "epidural_steroid",
        "stem_cell_injection",
    ]
    assert "weinstein-2008-sport-stenosis" in avoiding.sources
    in_line = {row.option.id: row.values for row in result.options_in_line}
    assert in_line["conservative_care"] == ("avoiding_surgery", "low_risk")
    assert in_line["stem_cell_injection"] == ("avoiding_surgery",)
    assert in_line["decompression"] == ()
    assert [rated.rating_label for rated in result.ratings][:3] == [
        "Somewhat important",
        "Not important to me",
        "Very important",
    ]


def test_equal_ratings_keep_the_catalogue_order() -> None:
    result = clarify_values(parse_values_answers(answers(low_cost=4, leg_pain_relief=4)))
    assert [match.id for match in result.matters_most] == ["leg_pain_relief", "low_cost"]


def test_nothing_rated_important_gives_no_matches_and_no_mismatch_note() -> None:
    raw = answers(leg_pain_relief=2)
    raw["leaning"] = "decompression"
    result = clarify_values(parse_values_answers(raw))
    assert result.matters_most == ()
    assert result.leaning.note is None


def test_leaning_out_of_line_with_top_values_gets_a_note() -> None:
    raw = answers(low_risk=4)
    raw["leaning"] = "decompression_with_fusion"
    result = clarify_values(parse_values_answers(raw))
    assert result.leaning.lines_up_with_values == ()
    assert result.leaning.note is not None
    raw["leaning"] = "conservative_care"
    result = clarify_values(parse_values_answers(raw))
    assert result.leaning.lines_up_with_values == ("low_risk",)
    assert result.leaning.note is None


def test_unsure_leaning_never_gets_the_mismatch_note() -> None:
    result = clarify_values(parse_values_answers(answers(low_risk=4)))
    assert result.leaning.id == UNSURE
    assert result.leaning.note is None


def test_sure_four_yes_is_no_conflict() -> None:
    result = score_sure(dict.fromkeys(SURE_IDS, True))
    assert (result.score, result.out_of, result.conflict_likely) == (4, 4, False)
    assert all(answer.if_no is None for answer in result.answers)


@pytest.mark.parametrize("no_item", SURE_IDS)
def test_any_single_no_flags_likely_conflict_with_advice_for_that_item(no_item: str) -> None:
    sure = dict.fromkeys(SURE_IDS, True) | {no_item: False}
    result = score_sure(sure)
    assert (result.score, result.conflict_likely) == (3, True)
    advised = [answer.id for answer in result.answers if answer.if_no]
    assert advised == [no_item]


def test_sure_all_no_scores_zero() -> None:
    result = score_sure(dict.fromkeys(SURE_IDS, False))
    assert (result.score, result.conflict_likely) == (0, True)


def test_result_carries_the_disclaimer() -> None:
    result = clarify_values(parse_values_answers(answers()))
    assert result.disclaimer == load_knowledge().text("disclaimer")


def _broken(path: tuple[str, ...], value: Any) -> dict[str, Any]:
    raw = copy.deepcopy(answers())
    target: dict[str, Any] = raw
    for key in path[:-1]:
        target = target[key]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return raw


@pytest.mark.parametrize(
    ("path", "value", "field", "allowed"),
    [
        (("ratings", "leg_pain_relief"), 5, "ratings.leg_pain_relief", "0, 1, 2, 3, 4"),
        (("ratings", "leg_pain_relief"), -1, "ratings.leg_pain_relief", "0, 1, 2, 3, 4"),
        (("ratings", "low_cost"), "4", "ratings.low_cost", "0, 1, 2, 3, 4"),
        (("ratings", "low_cost"), True, "ratings.low_cost", "0, 1, 2, 3, 4"),
        (("ratings", "low_cost"), 2.5, "ratings.low_cost", "0, 1, 2, 3, 4"),
        (("ratings", "low_cost"), KeyError, "ratings.low_cost", "0, 1, 2, 3, 4"),
        (("ratings", "beauty"), 3, "ratings.beauty", "leg_pain_relief"),
        (("sure", "encouragement"), "yes", "sure.encouragement", "true, false"),
        (("sure", "encouragement"), 1, "sure.encouragement", "true, false"),
        (("sure", "sure_of_myself"), KeyError, "sure.sure_of_myself", "true, false"),
        (("sure", "confidence"), True, "sure.confidence", "encouragement"),
        (("leaning",), "acupuncture", "leaning", "conservative_care"),
        (("leaning",), KeyError, "leaning", "unsure"),
        (("ratings",), [4, 4], "ratings", "leg_pain_relief"),
        (("ratings",), KeyError, "ratings", "evidence_certainty"),
        (("mood",), "good", "mood", "ratings, sure, leaning"),
    ],
)
def test_bad_answers_name_the_field_and_the_allowed_values(
    path: tuple[str, ...], value: Any, field: str, allowed: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_values_answers(_broken(path, value))
    assert caught.value.field == field
    assert allowed in caught.value.message


def test_answers_must_be_an_object() -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_values_answers([1, 2, 3])
    assert caught.value.field == "answers"


def test_parsed_answers_round_trip_through_json() -> None:
    raw = answers(walking_distance=4, evidence_certainty=3)
    raw["leaning"] = "epidural_steroid"
    raw["sure"]["encouragement"] = False
    parsed = parse_values_answers(raw)
    assert parse_values_answers(parsed.model_dump(mode="json")) == parsed
    assert parsed.model_dump(mode="json") == raw
