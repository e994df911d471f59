"""Cited answers to free-text questions: BM25 retrieval (rank-bm25) over the curated facts."""

from __future__ import annotations

from functools import cache

from pydantic import BaseModel, Field

from regenspine.decision_aid.faq_index import (
    FaqIndex,
    build_index,
    expanded_words,
    index_inputs,
    read_vocabulary,
    stem,
    words_of,
)
from regenspine.errors import InvalidInput
from regenspine.knowledge import Fact, KnowledgeBase, load_knowledge
from regenspine.knowledge.red_flags import (
    UrgentMessage,
    red_flag_groups,
    red_flags_in,
    urgent_messages,
)

# Below this BM25 score the best match shares too little with the question to be an answer;
# calibrated on the evaluation set's in-domain and out-of-domain questions.
MIN_SCORE = 1.0
# At least this share of the question's meaningful words must occur in the facts or the synonym
# list, so that a question about, say, knee replacement is not answered with a spine fact.
MIN_KNOWN_SHARE = 0.8
# Marketing claims stay findable but rank below a neutral fact that matches as well.
CLAIM_WEIGHT = 0.85
# A question asked the way one of a topic's typical questions is (topics.yaml `asks`), sharing at
# least ASK_MATCH of the words, lifts that topic's facts by ASK_WEIGHT times the share of the
# best fact's score, so the direct answer leads. Calibrated with the first-answer set
# (tests/decision_aid/faq_first_answers.yaml) and checked against the top-3 evaluation set.
ASK_MATCH = 0.75
ASK_WEIGHT = 1.25
MAX_QUESTION_LENGTH = 500


class SourceRef(BaseModel):
    """A cited source, as shown beside an answer."""

    id: str
    title: str
    where: str


class FaqAnswer(BaseModel):
    """One answer: a fact in the product's words, with its sources and evidence level."""

    topic: str
    topic_title: str
    answer: str
    # The precise wording behind the plain answer, when the fact has one.
    detail: str | None = None
    sources: list[SourceRef]
    evidence_level: str
    is_claim: bool
    fact_id: str


class FaqResult(BaseModel):
    """Answers to a question, best first; urgent care first when the question names a red flag."""

    question: str
    urgent_care: str | None = None
    red_flags: list[str] = Field(default_factory=list)
    # What the red flags found may mean and why not to wait, one message per cause.
    urgent_messages: list[UrgentMessage] = Field(default_factory=list)
    covered: bool
    note: str | None = None
    answers: list[FaqAnswer]
    disclaimer: str


@cache
def fresh_index() -> FaqIndex:
    """The index built from the knowledge base in this process (once, on first use)."""
    return build_index(index_inputs(load_knowledge(), read_vocabulary()))


def _query_terms(question: str, index: FaqIndex) -> tuple[list[str], list[str]]:
    """The question's own stemmed words, and those words plus their domain synonyms."""
    own = stem(words_of(question.lower(), index.stopwords))
    return own, stem(expanded_words(question, index.vocabulary))


def _source_refs(fact: Fact, knowledge: KnowledgeBase) -> list[SourceRef]:
    refs = []
    for source_id in fact.sources:
        source = knowledge.source(source_id)
        where = source.seed_file or (str(source.url) if source.url else f"doi:{source.doi}")
        refs.append(SourceRef(id=source.id, title=source.title, where=where))
    return refs


def _answer(fact: Fact, knowledge: KnowledgeBase) -> FaqAnswer:
    return FaqAnswer(
        topic=fact.topic,
        topic_title=knowledge.topic(fact.topic).title,
        answer=fact.statement.strip(),
        detail=fact.detail.strip() if fact.detail else None,
        sources=_source_refs(fact, knowledge),
        evidence_level=fact.evidence_level.value,
        is_claim=fact.is_claim,
        fact_id=fact.id,
    )


def _ranked_facts(own: list[str], expanded: list[str], index: FaqIndex) -> list[tuple[float, Fact]]:
    scores = [float(score) for score in index.bm25.get_scores(expanded)]
    lift = ASK_WEIGHT * max(scores, default=0.0)
    asked = {topic: share for topic, share in index.asked_topics(own).items() if share >= ASK_MATCH}
    # The claim weight applies to the lift too, so a topic's neutral fact leads its answers.
    weighted = [
        (
            (score + lift * asked.get(fact.topic, 0.0)) * (CLAIM_WEIGHT if fact.is_claim else 1.0),
            fact,
        )
        for score, fact in zip(scores, index.facts, strict=True)
    ]
    return sorted(weighted, key=lambda pair: pair[0], reverse=True)


def _best_per_topic(ranked: list[tuple[float, Fact]], top: int) -> list[Fact]:
    chosen: list[Fact] = []
    seen: set[str] = set()
    for score, fact in ranked:
        if score < MIN_SCORE or fact.topic in seen:
            continue
        seen.add(fact.topic)
        chosen.append(fact)
        if len(chosen) == top:
            break
    return chosen


def _is_covered(own: list[str], ranked: list[tuple[float, Fact]], index: FaqIndex) -> bool:
    if not own or not ranked or ranked[0][0] < MIN_SCORE:
        return False
    known = sum(1 for word in own if word in index.known_words)
    return known / len(own) >= MIN_KNOWN_SHARE


def answer_question(question: str, top: int = 3, index: FaqIndex | None = None) -> FaqResult:
    """Answer a free-text question from the knowledge base, best first, each answer cited.

    `index` is the retrieval index to use (a kept one, say); without it one is built here.
    """
    text = question.strip()
    if not text:
        raise InvalidInput("question", "is empty", "a question of 1 to 500 characters")
    if len(text) > MAX_QUESTION_LENGTH:
        raise InvalidInput("question", "is too long", "a question of 1 to 500 characters")
    if not 1 <= top <= 10:
        raise InvalidInput("top", f"{top} is out of range", "1 to 10")
    knowledge = load_knowledge()
    index = fresh_index() if index is None else index
    flags = red_flags_in(text)
    own, expanded = _query_terms(text, index)
    ranked = _ranked_facts(own, expanded, index)
    covered = _is_covered(own, ranked, index)
    facts = _best_per_topic(ranked, top) if covered else []
    messages = list(urgent_messages(flag.id for flag in flags))
    if flags:
        # Red flags override everything: the urgent facts of the flags' causes come first.
        wanted = {message.group for message in messages}
        fact_ids = dict.fromkeys(g.faq_fact for g in red_flag_groups() if g.id in wanted)
        urgent = [knowledge.fact(fact_id) for fact_id in fact_ids]
        facts = [*urgent, *[fact for fact in facts if fact.topic != "urgent_symptoms"]][:top]
    return FaqResult(
        question=text,
        urgent_care=knowledge.text("urgent_care") if flags else None,
        red_flags=[flag.id for flag in flags],
        urgent_messages=messages,
        covered=covered or bool(flags),
        note=None if covered or flags else knowledge.text("not_covered"),
        answers=[_answer(fact, knowledge) for fact in facts],
        disclaimer=knowledge.text("disclaimer"),
    )
