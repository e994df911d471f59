"""The knowledge base must be complete and every statement traceable to a source."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from regenspine.errors import KnowledgeBaseError
from regenspine.knowledge import EvidenceLevel, load_knowledge
from regenspine.knowledge.loader import check_references
from regenspine.knowledge.schema import Fact, KnowledgeBase

SEEDS_DIR = Path(__file__).resolve().parents[1] / "fixtures" / "seeds"


def _with_extra_fact(knowledge: KnowledgeBase, **changes: object) -> KnowledgeBase:
    fact = knowledge.facts[0].model_copy(update=changes)
    return knowledge.model_copy(update={"facts": (*knowledge.facts, fact)})


def test_knowledge_base_loads_and_every_topic_has_facts() -> None:
    knowledge = load_knowledge()
    assert {fact.topic for fact in knowledge.facts} == {topic.id for topic in knowledge.topics}


def test_every_fact_cites_resolving_sources_and_a_known_level() -> None:
    knowledge = load_knowledge()
    source_ids = {source.id for source in knowledge.sources}
    for fact in knowledge.facts:
        assert fact.sources, fact.id
        assert set(fact.sources) <= source_ids, fact.id
        assert fact.evidence_level in set(EvidenceLevel)
        assert fact.last_reviewed <= dt.date.today()


def test_seed_sources_point_at_real_seed_files() -> None:
    seeds = [source for source in load_knowledge().sources if source.kind == "seed"]
    assert len(seeds) == 5
    if SEEDS_DIR.is_dir():
        for source in seeds:
            assert (SEEDS_DIR / str(source.seed_file)).is_file(), source.id


def test_duplicate_fact_id_is_refused() -> None:
    knowledge = load_knowledge()
    with pytest.raises(KnowledgeBaseError, match="duplicate fact id"):
        check_references(_with_extra_fact(knowledge))


def test_unresolved_source_is_refused() -> None:
    knowledge = load_knowledge()
    broken = _with_extra_fact(knowledge, id="spinal_stenosis.zz_test", sources=("no-such-source",))
    with pytest.raises(KnowledgeBaseError, match="unknown source no-such-source"):
        check_references(broken)


def test_unknown_topic_is_refused() -> None:
    knowledge = load_knowledge()
    broken = _with_extra_fact(knowledge, id="spinal_stenosis.zz_test", topic="astrology")
    with pytest.raises(KnowledgeBaseError, match="unknown topic astrology"):
        check_references(broken)


@pytest.mark.parametrize(
    ("field", "value"),
    [("sources", []), ("evidence_level", "anecdote"), ("statement", "")],
)
def test_fact_schema_rejects_missing_source_unknown_level_and_empty_text(
    field: str, value: object
) -> None:
    raw = load_knowledge().facts[0].model_dump()
    raw[field] = value
    with pytest.raises(ValueError, match=field):
        Fact.model_validate(raw)
