"""A fact's evidence level claims no more than its sources can carry."""

from __future__ import annotations

import pytest

from regenspine.knowledge import EvidenceLevel, Fact, load_knowledge
from regenspine.knowledge.schema import Source

# Patient-education web pages carry at most "expert opinion or patient education".
WEB_TEXT_CEILING = {EvidenceLevel.expert_opinion, EvidenceLevel.marketing_claim}


def _sources() -> dict[str, Source]:
    return {source.id: source for source in load_knowledge().sources}


def level_problem(fact: Fact, sources: dict[str, Source]) -> str | None:
    """Why the fact's level claims more than its sources carry, or None when it does not."""
    cited = [sources[source_id] for source_id in fact.sources]
    if all(source.carries_only_claims for source in cited):
        if fact.evidence_level is not EvidenceLevel.marketing_claim or not fact.is_claim:
            return "rests only on sellers' or promoters' pages but is not shown as their claim"
        return None
    if all(source.kind in {"seed", "marketing"} for source in cited):
        if fact.evidence_level not in WEB_TEXT_CEILING:
            return "rests only on seed and marketing pages but ranks above expert opinion"
    return None


def test_no_fact_claims_more_than_its_sources_carry() -> None:
    sources = _sources()
    problems = {
        fact.id: problem
        for fact in load_knowledge().facts
        if (problem := level_problem(fact, sources))
    }
    assert problems == {}


def test_the_promotional_seeds_are_the_three_that_sell_or_promote() -> None:
    promotional = {
        sid for sid, source in _sources().items() if source.kind == "seed" and source.promotional
    }
    assert promotional == {"seed-001", "seed-002", "seed-004"}


@pytest.mark.parametrize(
    ("sources", "level", "is_claim", "problem"),
    [
        (("seed-004",), "expert_opinion", False, "not shown as their claim"),
        (("seed-004",), "marketing_claim", False, "not shown as their claim"),
        (("seed-004", "stem-cell-institute-nd-faq"), "observational", False, "claim"),
        (("seed-004",), "marketing_claim", True, None),
        (("seed-000", "seed-004"), "rct", False, "above expert opinion"),
        (("seed-000", "seed-004"), "expert_opinion", False, None),
        (("seed-004", "levi-2025-bmc-rct"), "rct", False, None),
    ],
)
def test_level_rule_on_worked_examples(
    sources: tuple[str, ...], level: str, is_claim: bool, problem: str | None
) -> None:
    fact = (
        load_knowledge()
        .facts[0]
        .model_copy(
            update={
                "sources": sources,
                "evidence_level": EvidenceLevel(level),
                "is_claim": is_claim,
            }
        )
    )
    found = level_problem(fact, _sources())
    if problem is None:
        assert found is None
    else:
        assert found is not None
        assert problem in found


def test_seller_only_facts_found_in_the_review_are_now_claims() -> None:
    knowledge = load_knowledge()
    for fact_id in ("costs_abroad.panama_no_price", "cell_types.embryonic_ipsc", "cell_types.hsc"):
        fact = knowledge.fact(fact_id)
        assert fact.evidence_level is EvidenceLevel.marketing_claim, fact_id
        assert fact.is_claim, fact_id
