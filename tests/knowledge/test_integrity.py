"""The knowledge base must be complete and every statement traceable to a source."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from regenspine.errors import KnowledgeBaseError
from regenspine.knowledge import EvidenceLevel, load_knowledge, loader
from regenspine.knowledge.loader import SAFE_LOADER, check_references, read_data
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


DATA_DIR = Path(__file__).resolve().parents[2] / "src" / "regenspine" / "knowledge" / "data"


def test_the_fast_yaml_loader_reads_every_data_file_as_the_reference_loader_does() -> None:
    assert SAFE_LOADER is yaml.CSafeLoader  # libyaml is in PyYAML's wheels; the speed-up is real
    files = sorted(DATA_DIR.rglob("*.yaml"))
    assert len(files) > 30
    for file in files:
        relative = file.relative_to(DATA_DIR).as_posix()
        assert read_data(relative) == yaml.safe_load(file.read_text(encoding="utf-8")), relative


def test_malformed_yaml_names_the_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "broken.yaml").write_text("facts: [unclosed\n", encoding="utf-8")
    monkeypatch.setattr(loader.resources, "files", lambda package: tmp_path)
    with pytest.raises(KnowledgeBaseError, match=r"broken\.yaml: not valid YAML"):
        read_data("broken.yaml")
