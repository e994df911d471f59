"""The FAQ's retrieval index: the facts' stemmed words under BM25 (rank-bm25), and its kept form.

Stemming every fact takes most of a `regenspine faq` run, so a face may keep the stemmed words
between runs: `kept_form` gives them as JSON-ready data with a key, and `from_kept_form` takes
them back only when the key still matches what the index would be built from now.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from typing import Any

import snowballstemmer
from rank_bm25 import BM25Okapi

from regenspine.knowledge import Fact, KnowledgeBase
from regenspine.knowledge.loader import read_data

WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
# Raise when the kept form changes shape or meaning; the key changes with it.
KEPT_FORMAT = 2


@dataclass(frozen=True)
class FaqVocabulary:
    """Words the FAQ ignores, and everyday phrases with the domain words they stand for."""

    stopwords: frozenset[str]
    synonyms: dict[str, tuple[str, ...]]


@dataclass(frozen=True)
class IndexInputs:
    """What an index is built from: the facts and each one's words before stemming."""

    facts: tuple[Fact, ...]
    document_words: tuple[tuple[str, ...], ...]
    lay_words: tuple[str, ...]
    vocabulary: FaqVocabulary
    # One entry per typical question of a topic (topics.yaml `asks`): its topic and its words.
    ask_topics: tuple[str, ...] = ()
    ask_words: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class FaqIndex:
    """The facts with BM25 over their stemmed words, and the words that count as in-domain."""

    facts: tuple[Fact, ...]
    documents: tuple[tuple[str, ...], ...]
    lay_stems: tuple[str, ...]
    bm25: BM25Okapi
    known_words: frozenset[str]
    synonyms: dict[str, tuple[str, ...]]
    stopwords: frozenset[str]
    ask_topics: tuple[str, ...]
    ask_documents: tuple[tuple[str, ...], ...]

    @property
    def vocabulary(self) -> FaqVocabulary:
        """The stopwords and synonyms the index was built with."""
        return FaqVocabulary(self.stopwords, self.synonyms)

    def asked_topics(self, stems: list[str]) -> dict[str, float]:
        """How closely the question is asked the way each topic's typical questions are.

        The Dice overlap of the two sets of stems (twice the stems in common over the stems of
        both; 1.0: the same words), best over each topic's typical questions.
        """
        question = set(stems)
        best: dict[str, float] = {}
        if not question:
            return best
        for topic, ask in zip(self.ask_topics, self.ask_documents, strict=True):
            words = set(ask)
            share = 2 * len(question & words) / (len(question) + len(words) or 1)
            best[topic] = max(best.get(topic, 0.0), share)
        return best


def read_vocabulary() -> FaqVocabulary:
    """The FAQ's stopwords and synonym list from knowledge/data/faq_vocabulary.yaml."""
    data = read_data("faq_vocabulary.yaml")
    return FaqVocabulary(
        stopwords=frozenset(str(word) for word in data["stopwords"]),
        synonyms={
            str(key).lower(): tuple(str(value) for value in values)
            for key, values in data["synonyms"].items()
        },
    )


def stem(words: list[str] | tuple[str, ...]) -> list[str]:
    """The English Snowball stems of the words, one for each."""
    return list(_stemmer().stemWords(words))


@cache
def _stemmer() -> snowballstemmer.stemmer:
    return snowballstemmer.stemmer("english")


def words_of(text: str, stopwords: frozenset[str]) -> list[str]:
    """The lower-cased words of the text, without stopwords."""
    return [word for word in WORD.findall(text.lower()) if word not in stopwords]


def index_inputs(knowledge: KnowledgeBase, vocabulary: FaqVocabulary) -> IndexInputs:
    """Each fact's words (topic title, statement, detail, keywords) and the synonyms' words."""
    documents = []
    for fact in knowledge.facts:
        # The precise wording stays searchable: a question may use its terms ("361", "IND").
        title = knowledge.topic(fact.topic).title
        text = " ".join([title, fact.statement, fact.detail or "", *fact.keywords])
        documents.append(tuple(words_of(text, vocabulary.stopwords)))
    # Everyday words the synonym list knows count as in-domain, like the facts' own words.
    lay_words = tuple(key for key in vocabulary.synonyms if " " not in key)
    asks = [(topic.id, ask) for topic in knowledge.topics for ask in topic.asks]
    return IndexInputs(
        knowledge.facts,
        tuple(documents),
        lay_words,
        vocabulary,
        ask_topics=tuple(topic for topic, _ in asks),
        ask_words=tuple(tuple(words_of(ask, vocabulary.stopwords)) for _, ask in asks),
    )


def expanded_words(text: str, vocabulary: FaqVocabulary) -> tuple[str, ...]:
    """The text's words, then the domain words its everyday phrases stand for (synonyms)."""
    lowered = text.lower()
    words = words_of(lowered, vocabulary.stopwords)
    for phrase, replacements in vocabulary.synonyms.items():
        if re.search(rf"\b{re.escape(phrase)}\b", lowered):
            words += words_of(" ".join(replacements), vocabulary.stopwords)
    return tuple(words)


def build_index(inputs: IndexInputs) -> FaqIndex:
    """Stem every fact's words and every typical question's, and index them."""
    documents = [tuple(stem(words)) for words in inputs.document_words]
    asks = [tuple(stem(words)) for words in inputs.ask_words]
    return _assembled(inputs, documents, tuple(stem(inputs.lay_words)), asks)


def _assembled(
    inputs: IndexInputs,
    documents: list[tuple[str, ...]],
    lay_stems: tuple[str, ...],
    asks: list[tuple[str, ...]],
) -> FaqIndex:
    known = frozenset(word for document in [*documents, *asks] for word in document)
    return FaqIndex(
        facts=inputs.facts,
        documents=tuple(documents),
        lay_stems=lay_stems,
        bm25=BM25Okapi([list(document) for document in documents]),
        known_words=known | set(lay_stems),
        synonyms=inputs.vocabulary.synonyms,
        stopwords=inputs.vocabulary.stopwords,
        ask_topics=inputs.ask_topics,
        ask_documents=tuple(asks),
    )


def inputs_key(inputs: IndexInputs) -> str:
    """A SHA-256 of everything the stemmed words depend on: the words and the stemmer."""
    described = {
        "format": KEPT_FORMAT,
        "stemmer": f"snowballstemmer {metadata.version('snowballstemmer')} english",
        "fact_ids": [fact.id for fact in inputs.facts],
        "document_words": inputs.document_words,
        "lay_words": inputs.lay_words,
        "ask_topics": inputs.ask_topics,
        "ask_words": inputs.ask_words,
    }
    encoded = json.dumps(described, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return hashlib.sha256(encoded).hexdigest()


def kept_form(index: FaqIndex, key: str) -> dict[str, Any]:
    """The index's stemmed words as JSON-ready data, under the key of its inputs."""
    return {
        "format": KEPT_FORMAT,
        "key": key,
        "fact_ids": [fact.id for fact in index.facts],
        "documents": [list(document) for document in index.documents],
        "lay_stems": list(index.lay_stems),
        "ask_topics": list(index.ask_topics),
        "ask_documents": [list(ask) for ask in index.ask_documents],
    }


def from_kept_form(data: Any, inputs: IndexInputs) -> FaqIndex | None:
    """The index from its kept form, or None when that is stale or not a kept index at all."""
    if not isinstance(data, dict) or data.get("format") != KEPT_FORMAT:
        return None
    if data.get("key") != inputs_key(inputs):
        return None
    if data.get("fact_ids") != [fact.id for fact in inputs.facts]:
        return None
    documents: Any = data.get("documents")
    lay_stems: Any = data.get("lay_stems")
    asks: Any = data.get("ask_documents")
    if data.get("ask_topics") != list(inputs.ask_topics):
        return None
    if not _stems_of(documents, inputs.document_words):
        return None
    if not _stems_of([lay_stems], [inputs.lay_words]) or not _stems_of(asks, inputs.ask_words):
        return None
    return _assembled(
        inputs,
        [tuple(document) for document in documents],
        tuple(lay_stems),
        [tuple(ask) for ask in asks],
    )


def _stems_of(kept: Any, word_lists: tuple[tuple[str, ...], ...] | list[tuple[str, ...]]) -> bool:
    """Whether `kept` holds one list of strings per word list, one string per word."""
    if not isinstance(kept, list) or len(kept) != len(word_lists):
        return False
    return all(
        isinstance(stems, list)
        and len(stems) == len(words)
        and all(isinstance(item, str) for item in stems)
        for stems, words in zip(kept, word_lists, strict=True)
    )
