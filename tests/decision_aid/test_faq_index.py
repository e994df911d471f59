"""The FAQ index's kept form ranks like a fresh index and is refused once stale or malformed."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from regenspine.decision_aid.faq import answer_question
from regenspine.decision_aid.faq_index import (
    FaqIndex,
    IndexInputs,
    build_index,
    from_kept_form,
    index_inputs,
    inputs_key,
    kept_form,
    read_vocabulary,
    stem,
    words_of,
)
from regenspine.knowledge import load_knowledge

EVAL = yaml.safe_load((Path(__file__).parent / "faq_eval.yaml").read_text(encoding="utf-8"))
QUESTIONS = [
    *(item["q"] for item in EVAL["in_domain"]),
    *EVAL["out_of_domain"],
    *(item["q"] for item in EVAL["red_flags"]),
]


@pytest.fixture(scope="module")
def inputs() -> IndexInputs:
    """What the index is built from, as the shipped knowledge base has it."""
    return index_inputs(load_knowledge(), read_vocabulary())


@pytest.fixture(scope="module")
def fresh(inputs: IndexInputs) -> FaqIndex:
    """An index stemmed just now."""
    return build_index(inputs)


@pytest.fixture(scope="module")
def kept_data(fresh: FaqIndex, inputs: IndexInputs) -> dict[str, Any]:
    """The fresh index's kept form after a trip through JSON text, as a kept file holds it."""
    return json.loads(json.dumps(kept_form(fresh, inputs_key(inputs))))


def test_the_kept_index_answers_every_evaluation_question_as_a_fresh_one(
    fresh: FaqIndex, inputs: IndexInputs, kept_data: dict[str, Any]
) -> None:
    kept = from_kept_form(kept_data, inputs)
    assert kept is not None
    assert kept.documents == fresh.documents
    assert kept.known_words == fresh.known_words
    for question in QUESTIONS:
        terms = stem(words_of(question, inputs.vocabulary.stopwords))
        assert list(kept.bm25.get_scores(terms)) == list(fresh.bm25.get_scores(terms)), question
        for top in (3, 10):
            from_kept = answer_question(question, top=top, index=kept).model_dump_json()
            assert from_kept == answer_question(question, top=top, index=fresh).model_dump_json()
            # Without an index the FAQ builds its own, and answers the same.
            assert from_kept == answer_question(question, top=top).model_dump_json()


def test_the_key_follows_the_words_the_facts_are_stemmed_from(inputs: IndexInputs) -> None:
    knowledge = load_knowledge()
    assert inputs_key(index_inputs(knowledge, read_vocabulary())) == inputs_key(inputs)
    first = knowledge.facts[0]
    edited = first.model_copy(update={"statement": first.statement + " Snorkelling helps."})
    changed = knowledge.model_copy(update={"facts": (edited, *knowledge.facts[1:])})
    changed_inputs = index_inputs(changed, read_vocabulary())
    assert "snorkelling" in changed_inputs.document_words[0]
    assert "snorkelling" not in inputs.document_words[0]
    assert inputs_key(changed_inputs) != inputs_key(inputs)


def test_a_kept_index_of_other_knowledge_is_refused_and_a_fresh_one_has_the_new_words(
    inputs: IndexInputs, kept_data: dict[str, Any]
) -> None:
    knowledge = load_knowledge()
    first = knowledge.facts[0]
    edited = first.model_copy(update={"keywords": (*first.keywords, "snorkelling")})
    changed = index_inputs(
        knowledge.model_copy(update={"facts": (edited, *knowledge.facts[1:])}), read_vocabulary()
    )
    assert from_kept_form(kept_data, changed) is None
    assert "snorkel" in build_index(changed).documents[0]


def _set(key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        data[key] = value

    return change


def _drop_last_stem(data: dict[str, Any]) -> None:
    data["documents"][0].pop()


def _number_for_a_stem(data: dict[str, Any]) -> None:
    data["documents"][0][0] = 7


def _swap_first_facts(data: dict[str, Any]) -> None:
    ids = data["fact_ids"]
    ids[0], ids[1] = ids[1], ids[0]


def _drop_a_document(data: dict[str, Any]) -> None:
    data["documents"].pop()


STALE_OR_MALFORMED = {
    "another format": _set("format", 1),
    "another key": _set("key", "0" * 64),
    "facts in another order": _swap_first_facts,
    "a document missing": _drop_a_document,
    "a stem missing": _drop_last_stem,
    "a stem that is not text": _number_for_a_stem,
    "no lay stems": _set("lay_stems", None),
    "documents not a list": _set("documents", {"a": 1}),
    "typical questions of other topics": _set("ask_topics", ["risks"]),
    "a typical question's stems missing": _set("ask_documents", []),
}


@pytest.mark.parametrize("change", STALE_OR_MALFORMED.values(), ids=list(STALE_OR_MALFORMED))
def test_a_stale_or_malformed_kept_index_is_refused(
    change: Callable[[dict[str, Any]], None], inputs: IndexInputs, kept_data: dict[str, Any]
) -> None:
    data = copy.deepcopy(kept_data)
    change(data)
    assert from_kept_form(data, inputs) is None


@pytest.mark.parametrize("data", [None, [], "faq", 3, {}])
def test_data_that_is_no_kept_index_is_refused(data: Any, inputs: IndexInputs) -> None:
    assert from_kept_form(data, inputs) is None
