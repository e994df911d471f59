"""FAQ answers: top-3 accuracy on the evaluation set, honest refusals, red flags first."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from regenspine.decision_aid.faq import ASK_MATCH, answer_question, fresh_index
from regenspine.decision_aid.faq_index import stem, words_of
from regenspine.errors import InvalidInput
from regenspine.knowledge import load_knowledge
from regenspine.knowledge.red_flags import seek_urgent_care

EVAL = yaml.safe_load((Path(__file__).parent / "faq_eval.yaml").read_text(encoding="utf-8"))
FIRST = yaml.safe_load(
    (Path(__file__).parent / "faq_first_answers.yaml").read_text(encoding="utf-8")
)


def _hit(item: dict[str, Any]) -> bool:
    topics = [answer.topic for answer in answer_question(item["q"], top=3).answers]
    return any(topic in item["expect"] for topic in topics)


def test_evaluation_set_is_large_enough_and_covers_every_seed_heading() -> None:
    assert len(EVAL["in_domain"]) >= 60
    assert sum(1 for item in EVAL["in_domain"] if item.get("seed")) >= 25
    topic_ids = {topic.id for topic in load_knowledge().topics}
    for item in EVAL["in_domain"]:
        assert set(item["expect"]) <= topic_ids, item["q"]


def test_top3_accuracy_is_at_least_90_percent() -> None:
    misses = [item["q"] for item in EVAL["in_domain"] if not _hit(item)]
    accuracy = 1 - len(misses) / len(EVAL["in_domain"])
    assert accuracy >= 0.90, f"top-3 accuracy {accuracy:.2%}; misses: {misses}"


def test_every_seed_heading_is_answered_in_top3() -> None:
    misses = [item["q"] for item in EVAL["in_domain"] if item.get("seed") and not _hit(item)]
    assert misses == []


@pytest.mark.parametrize("question", EVAL["out_of_domain"])
def test_out_of_domain_question_is_not_covered(question: str) -> None:
    result = answer_question(question)
    assert result.covered is False
    assert result.answers == []
    assert result.note == load_knowledge().text("not_covered")


@pytest.mark.parametrize("item", EVAL["red_flags"], ids=lambda item: item["flag"])
def test_red_flag_question_gets_urgent_care_first(item: dict[str, str]) -> None:
    result = answer_question(item["q"])
    assert item["flag"] in result.red_flags
    assert result.urgent_care == load_knowledge().text("urgent_care")
    assert result.answers[0].topic == "urgent_symptoms"


def test_answers_carry_sources_level_and_disclaimer() -> None:
    result = answer_question("Where do the stem cells come from?", top=2)
    assert len(result.answers) == 2
    assert len({answer.topic for answer in result.answers}) == 2
    for answer in result.answers:
        assert answer.sources
        assert answer.evidence_level in {
            level.value for level in type(load_knowledge().facts[0].evidence_level)
        }
    assert result.disclaimer == load_knowledge().text("disclaimer")


def test_plain_question_has_no_urgent_message() -> None:
    result = answer_question("How much does a laminectomy cost?")
    assert result.urgent_care is None
    assert result.red_flags == []


@pytest.mark.parametrize(
    ("question", "top", "field"),
    [("", 3, "question"), ("x" * 501, 3, "question"), ("cost", 0, "top"), ("cost", 11, "top")],
)
def test_bad_input_names_the_field(question: str, top: int, field: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        answer_question(question, top=top)
    assert raised.value.field == field


@pytest.mark.parametrize(
    ("question", "flag", "group", "fact"),
    [
        (
            "I pooed myself without noticing",
            "new_bowel_dysfunction",
            "cauda_equina",
            "cauda_equina",
        ),
        ("I can't feel my bottom when I wipe", "saddle_anesthesia", "cauda_equina", "cauda_equina"),
        (
            "peeing myself since yesterday",
            "new_bladder_dysfunction",
            "cauda_equina",
            "cauda_equina",
        ),
        (
            "fever and chills since my injection",
            "fever_with_back_pain",
            "spinal_infection",
            "other_causes",
        ),
        (
            "my leg is getting weaker every day",
            "progressive_leg_weakness",
            "worsening_weakness",
            "progressive_weakness",
        ),
    ],
)
def test_a_lay_red_flag_gets_the_urgent_message_of_its_cause(
    question: str, flag: str, group: str, fact: str
) -> None:
    result = answer_question(question)
    assert result.covered is True
    assert result.red_flags == [flag]
    assert [message.group for message in result.urgent_messages] == [group]
    assert result.answers[0].fact_id == f"urgent_symptoms.{fact}"


def test_the_infection_message_is_not_the_cauda_equina_text() -> None:
    (message,) = answer_question("fever and chills since my injection").urgent_messages
    assert "infection" in message.text
    assert "cauda equina" not in message.text
    assert seek_urgent_care() in message.text


def test_a_negated_symptom_gets_no_urgent_message() -> None:
    result = answer_question("no fever and no numbness, how long does the injection take?")
    assert result.red_flags == []
    assert result.urgent_messages == []


def _first_topic(question: str) -> str | None:
    answers = answer_question(question, top=3).answers
    return answers[0].topic if answers else None


def test_how_long_until_i_feel_better_gets_the_time_to_results_answer_first() -> None:
    result = answer_question("How long until I feel better?")
    assert result.covered is True
    assert result.answers[0].topic == "time_to_results"
    assert result.answers[0].answer.startswith("How soon any change shows varies a lot.")


def _first_answer_misses(items: list[dict[str, str]]) -> list[tuple[str, str | None]]:
    return [
        (item["q"], first) for item in items if (first := _first_topic(item["q"])) != item["first"]
    ]


# At most this many misses: 2 of 40 asked (95%); 9 of 20 unseen (was 14 before the asks).
@pytest.mark.parametrize(("part", "most_misses"), [("asked", 2), ("unseen", 9)])
def test_the_question_asked_gets_its_direct_answer_first(part: str, most_misses: int) -> None:
    items = FIRST[part]
    topic_ids = {topic.id for topic in load_knowledge().topics}
    assert len(items) >= 20
    assert {item["first"] for item in items} <= topic_ids
    misses = _first_answer_misses(items)
    assert len(misses) <= most_misses, f"{len(misses)} of {len(items)} missed: {misses}"


def test_a_typical_question_lifts_its_topic_only_when_asked_nearly_that_way() -> None:
    index = fresh_index()
    stems = stem(words_of("how long until i feel better", index.stopwords))
    asked = index.asked_topics(stems)
    assert asked["time_to_results"] == 1.0
    assert max(share for topic, share in asked.items() if topic != "time_to_results") < ASK_MATCH
    # One word in common with a short typical question is not enough.
    assert index.asked_topics(stem(["better", "knee"])).get("time_to_results", 0.0) < ASK_MATCH
    assert index.asked_topics([]) == {}


def test_every_typical_question_is_answered_first_by_its_own_topic() -> None:
    misses = [
        (ask, topic.id, _first_topic(ask))
        for topic in load_knowledge().topics
        for ask in topic.asks
        if _first_topic(ask) != topic.id
    ]
    assert misses == []
