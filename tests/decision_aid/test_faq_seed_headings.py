"""Every heading of the five seed texts gets a good answer among the FAQ's top 3."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from regenspine.decision_aid.faq import answer_question
from regenspine.knowledge import load_knowledge

HERE = Path(__file__).parent
HEADINGS: list[dict[str, Any]] = yaml.safe_load(
    (HERE / "faq_seed_headings.yaml").read_text(encoding="utf-8")
)
SEEDS = HERE.parent / "fixtures" / "seeds"
# Closing lines of the seeds that look like headings but ask about nothing.
NOT_HEADINGS = {"Conclusion", "Conclusion:", "Share this listing"}


def headings_in(text: str) -> list[str]:
    """Lines of a seed that are headings: questions, and short titles without a full stop."""
    found = []
    for line in text.splitlines():
        title = line.strip()
        if not title or title.startswith(("-", "|")) or title in NOT_HEADINGS:
            continue
        if title.endswith("?") or (len(title.split()) <= 12 and title[-1] not in ".:"):
            found.append(title)
    return found


def test_heading_finder_on_a_worked_example() -> None:
    text = (
        "Intro sentence that ends.\nWhat is it?\n- a bullet\nThe Anatomy of the Spine\nConclusion"
    )
    assert headings_in(text) == ["What is it?", "The Anatomy of the Spine"]


def test_the_evaluation_lists_every_heading_of_every_seed() -> None:
    listed = {re.sub(r"\W+", " ", item["q"]).strip().lower() for item in HEADINGS}
    for path in sorted(SEEDS.glob("*.txt")):
        for heading in headings_in(path.read_text(encoding="utf-8")):
            key = re.sub(r"\W+", " ", heading).strip().lower()
            assert any(key.startswith(item) or item.startswith(key) for item in listed), heading


def test_expected_topics_exist() -> None:
    topic_ids = {topic.id for topic in load_knowledge().topics}
    for item in HEADINGS:
        assert set(item["expect"]) <= topic_ids, item["q"]


@pytest.mark.parametrize("item", HEADINGS, ids=lambda item: f"{item['seed']}:{item['q'][:40]}")
def test_seed_heading_gets_a_good_answer_in_the_top_3(item: dict[str, Any]) -> None:
    result = answer_question(item["q"], top=3)
    assert result.covered, "refused"
    good = [answer for answer in result.answers if answer.topic in item["expect"]]
    assert good, [answer.fact_id for answer in result.answers]
    if "shows" in item:
        assert item["shows"] in good[0].answer, good[0].fact_id
