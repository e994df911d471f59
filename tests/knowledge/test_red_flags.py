"""Red-flag detection in everyday words: recall, false alarms, negation, and the group messages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from regenspine.errors import KnowledgeBaseError
from regenspine.knowledge.red_flags import (
    load_red_flags,
    red_flag_groups,
    red_flags_in,
    seek_urgent_care,
    urgent_messages,
)

PHRASINGS: dict[str, Any] = yaml.safe_load(
    (Path(__file__).parent / "red_flag_phrasings.yaml").read_text(encoding="utf-8")
)


def found(text: str) -> set[str]:
    return {flag.id for flag in red_flags_in(text)}


def test_the_evaluation_set_is_large_and_covers_every_flag() -> None:
    assert len(PHRASINGS["red_flags"]) + len(PHRASINGS["look_alikes"]) >= 80
    covered = {flag for item in PHRASINGS["red_flags"] for flag in item["flags"]}
    assert covered == {flag.id for flag in load_red_flags()}


def test_recall_is_at_least_98_percent_with_at_most_5_percent_false_alarms() -> None:
    items = PHRASINGS["red_flags"]
    misses = [item["q"] for item in items if not set(item["flags"]) <= found(item["q"])]
    alarms = [q for q in PHRASINGS["look_alikes"] if found(q)]
    recall = 1 - len(misses) / len(items)
    false_alarms = len(alarms) / len(PHRASINGS["look_alikes"])
    figures = f"recall {recall:.1%} (misses {misses}); false alarms {false_alarms:.1%} {alarms}"
    assert recall >= 0.98, figures
    assert false_alarms <= 0.05, figures


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        ("no fever", "fever_with_back_pain"),
        ("not numb in my groin", "saddle_anesthesia"),
        ("without any bladder problems", "new_bladder_dysfunction"),
        ("I haven't lost control of my bowels", "new_bowel_dysfunction"),
        ("no pain, fever or chills", "fever_with_back_pain"),
    ],
)
def test_a_negated_symptom_is_not_a_red_flag(text: str, flag: str) -> None:
    assert flag not in found(text)


def test_negation_stops_at_but_and_does_not_cover_not_noticing() -> None:
    assert found("no fever, but I wet myself") == {"new_bladder_dysfunction"}
    assert found("I didn't notice I had wet myself") == {"new_bladder_dysfunction"}


def test_typed_shortcuts_curly_apostrophes_and_misspellings_are_read() -> None:
    assert found("cant feel my bum when i wipe") == {"saddle_anesthesia"}
    assert found("I can\u2019t feel down there") == {"saddle_anesthesia"}
    assert found("high tempreture after the injektion") == {"fever_with_back_pain"}


def test_cancer_in_the_family_is_not_the_persons_own_history() -> None:
    assert found("my mother had cancer and my back hurts") == set()
    assert found("I had bowel cancer and my back hurts") == {"cancer_history_with_new_pain"}


def test_each_group_has_one_message_that_repeats_the_one_urgent_rule() -> None:
    flags = {flag.id: flag.group for flag in load_red_flags()}
    for group in red_flag_groups():
        members = [flag_id for flag_id, group_id in flags.items() if group_id == group.id]
        (message,) = urgent_messages(members)
        assert message.group == group.id
        assert seek_urgent_care() in message.text
        assert message.sources == group.sources


def test_messages_follow_the_flags_found_in_group_order() -> None:
    messages = urgent_messages(
        ["fever_with_back_pain", "new_bowel_dysfunction", "saddle_anesthesia"]
    )
    assert [message.group for message in messages] == ["cauda_equina", "spinal_infection"]
    assert "cauda equina" in messages[0].text
    assert "infection" in messages[1].text
    assert urgent_messages([]) == ()


def test_an_unknown_flag_id_is_refused() -> None:
    with pytest.raises(KnowledgeBaseError, match="headache"):
        urgent_messages(["headache"])


def test_the_urgent_care_headline_says_the_one_shared_rule_first() -> None:
    # The page headline and every cause's message tell a person the same thing to do.
    from regenspine.knowledge import load_knowledge

    assert load_knowledge().text("urgent_care").startswith(seek_urgent_care())
