"""Evidence, regulation and insurance facts and the recorded conflicts are sourced and consistent.

These tests read the data files directly (not through load_knowledge) so they check these files
even while other topics are still being filled.
"""

from __future__ import annotations

import pytest

from regenspine.knowledge import EvidenceLevel
from regenspine.knowledge.loader import read_data, read_data_folder
from regenspine.knowledge.schema import Conflict, Fact, Source, Topic

OWN_TOPICS = {
    "success_rate",
    "stem_cell_evidence",
    "risks",
    "fda_status",
    "regulation_abroad",
    "unproven_clinics",
    "choosing_a_clinic",
    "insurance",
}
REQUIRED_CONFLICTS = {
    "own_cells_allergy_and_rejection",
    "safest_procedure_vs_reported_harms",
    "how_cells_work",
    "fda_status_framing",
    "success_rate_claims",
    "avoid_surgery_claims",
    "epidural_steroid_claims",
    "insurance_coverage_claims",
    "natural_history_figures",
}
SEED_IDS = {f"seed-00{n}" for n in range(5)}


def _sources() -> dict[str, Source]:
    items = [item for _, content in read_data_folder("sources") for item in content]
    return {item["id"]: Source.model_validate(item) for item in items}


def _facts() -> list[Fact]:
    raw = read_data("facts/evidence.yaml") + read_data("facts/regulation.yaml")
    return [Fact.model_validate(item) for item in raw]


def _conflicts() -> list[Conflict]:
    return [Conflict.model_validate(item) for item in read_data("conflicts/conflicts.yaml")]


def _topic_ids() -> set[str]:
    return {Topic.model_validate(item).id for item in read_data("topics.yaml")}


def _conflict(conflict_id: str) -> Conflict:
    return next(conflict for conflict in _conflicts() if conflict.id == conflict_id)


def test_each_own_topic_has_three_to_eight_facts() -> None:
    facts = _facts()
    counts = {topic: sum(fact.topic == topic for fact in facts) for topic in OWN_TOPICS}
    assert all(3 <= count <= 8 for count in counts.values()), counts
    assert {fact.topic for fact in facts} == OWN_TOPICS


def test_fact_ids_are_unique_and_prefixed_by_their_topic() -> None:
    facts = _facts()
    assert len({fact.id for fact in facts}) == len(facts)
    assert all(fact.id.split(".")[0] == fact.topic for fact in facts)


def test_every_cited_source_resolves() -> None:
    known = set(_sources())
    cited = {sid for fact in _facts() for sid in fact.sources}
    for conflict in _conflicts():
        cited |= {sid for position in conflict.positions for sid in position.sources}
        cited |= set(conflict.assessment_sources)
    assert cited - known == set()


def test_no_two_sources_share_a_url() -> None:
    urls = [str(source.url) for source in _sources().values() if source.url]
    duplicates = sorted({url for url in urls if urls.count(url) > 1})
    assert duplicates == []


def test_marketing_claims_are_flagged_as_claims_and_only_they() -> None:
    for fact in _facts():
        is_marketing = fact.evidence_level is EvidenceLevel.marketing_claim
        assert is_marketing == fact.is_claim, fact.id


def test_seed_only_facts_are_not_ranked_above_expert_opinion() -> None:
    weak = {EvidenceLevel.expert_opinion, EvidenceLevel.marketing_claim}
    for fact in _facts():
        if set(fact.sources) <= SEED_IDS:
            assert fact.evidence_level in weak, fact.id


def test_secondary_mesoblast_result_is_labelled_as_unconfirmed() -> None:
    fact = next(fact for fact in _facts() if fact.id == "stem_cell_evidence.mesoblast_phase3")
    assert "404" in fact.statement
    assert "unconfirmed" in fact.statement
    assert "undiscoveredbiotech-2021-msb-update" in fact.sources


def test_sham_trial_figures_carry_over_exactly() -> None:
    fact = next(fact for fact in _facts() if fact.id == "stem_cell_evidence.levi_sham_trial")
    for figure in ("45", "18", "40 vs 33", "40 vs 39", "44 vs 56", "56 vs 61"):
        assert figure in fact.statement, figure
    assert "None of the differences were statistically significant" in fact.statement


def test_all_required_conflicts_are_recorded_on_existing_topics() -> None:
    conflicts = _conflicts()
    assert REQUIRED_CONFLICTS <= {conflict.id for conflict in conflicts}
    assert {conflict.topic for conflict in conflicts} <= _topic_ids()


@pytest.mark.parametrize("conflict", _conflicts(), ids=lambda conflict: conflict.id)
def test_between_label_matches_who_disagrees(conflict: Conflict) -> None:
    sides = [set(position.sources) <= SEED_IDS for position in conflict.positions]
    expected = {
        "seeds": all(sides),
        "evidence": not any(sides),
        "seeds_and_evidence": any(sides) and not all(sides),
    }
    assert expected[conflict.between], [position.sources for position in conflict.positions]


@pytest.mark.parametrize("conflict", _conflicts(), ids=lambda conflict: conflict.id)
def test_assessment_rests_on_evidence_not_on_the_seeds(conflict: Conflict) -> None:
    assert not set(conflict.assessment_sources) & SEED_IDS
    assert len(conflict.positions) >= 2


def test_autologous_conflict_sets_no_risk_claim_against_listed_reactions() -> None:
    conflict = _conflict("own_cells_allergy_and_rejection")
    by_source = {sid: position for position in conflict.positions for sid in position.sources}
    assert by_source["seed-004"].evidence_level is EvidenceLevel.marketing_claim
    assert "allergic" in by_source["seed-001"].claim.lower()
    assert "immune" in by_source["seed-003"].claim
    assert "minimizing" in by_source["seed-000"].claim


def test_natural_history_conflict_keeps_both_sets_of_figures() -> None:
    conflict = _conflict("natural_history_figures")
    text = " ".join(position.claim for position in conflict.positions)
    for figure in ("70", "15", "50", "25", "49 months"):
        assert figure in text, figure
