"""The seed claims that the evidence contradicts are recorded as conflicts, both sides sourced."""

from __future__ import annotations

import pytest

from regenspine.knowledge import Conflict, EvidenceLevel, load_knowledge

# Each seed claim checked against the evidence, with a figure or phrase each side must carry.
SEED_VS_EVIDENCE = {
    "nsaids_stop_the_treatment": ("stop the treatment", "6 weeks"),
    "soreness_as_a_good_sign": ("good sign", "infection"),
    "non_invasive_lower_risk_than_surgery": ("non-invasive", "guess, not a finding"),
    "laminectomy_price": ("$50,000 to", "$11,405"),
    "cord_blood_as_a_source": ("umbilical cord", "unapproved product"),
    "more_advanced_abroad": ("more advanced", "cannot be checked"),
    "ideal_candidate_vs_trial_exclusions": ("mild to moderate", "trials leave out"),
    "durable_structural_repair": ("repair lasts", "hope, not a result"),
    "spinal_headache_avoidable": ("can avoid", "fully avoidable"),
    "slow_gains_as_true_healing": ("true healing", "sham group"),
    "neck_injections_near_the_cord": ("in the neck", "spinal cord"),
    "success_is_patient_selection": ("picking the right patient", "No study has found"),
}


def _conflicts() -> dict[str, Conflict]:
    return {conflict.id: conflict for conflict in load_knowledge().conflicts}


def _seed_ids() -> set[str]:
    return {source.id for source in load_knowledge().sources if source.kind == "seed"}


@pytest.mark.parametrize("conflict_id", sorted(SEED_VS_EVIDENCE))
def test_seed_claim_and_evidence_are_both_recorded_and_sourced(conflict_id: str) -> None:
    conflict = _conflicts()[conflict_id]
    seeds = _seed_ids()
    seed_sides = [p for p in conflict.positions if set(p.sources) <= seeds]
    evidence_sides = [p for p in conflict.positions if not set(p.sources) & seeds]
    assert seed_sides, "no position stating the seed claim"
    assert evidence_sides, "no position resting on evidence outside the seeds"
    assert conflict.between == "seeds_and_evidence"
    assert conflict.assessment_sources
    assert not set(conflict.assessment_sources) & seeds


@pytest.mark.parametrize(("conflict_id", "phrases"), sorted(SEED_VS_EVIDENCE.items()))
def test_each_side_says_what_it_is_about(conflict_id: str, phrases: tuple[str, str]) -> None:
    conflict = _conflicts()[conflict_id]
    seed_phrase, evidence_phrase = phrases
    seeds = _seed_ids()
    seed_text = " ".join(p.claim for p in conflict.positions if set(p.sources) <= seeds)
    other_text = " ".join(
        [conflict.assessment, *(p.claim for p in conflict.positions if not set(p.sources) <= seeds)]
    )
    assert seed_phrase.lower() in " ".join([conflict.title, seed_text]).lower()
    assert evidence_phrase.lower() in other_text.lower()


def test_the_sham_group_figures_carry_over_from_the_trial() -> None:
    conflict = _conflicts()["slow_gains_as_true_healing"]
    trial = next(p for p in conflict.positions if "levi-2025-bmc-rct" in p.sources)
    for figure in ("40", "33", "44", "56"):
        assert figure in trial.claim, figure
    assert trial.evidence_level is EvidenceLevel.rct


def test_a_position_resting_only_on_promotional_pages_is_a_marketing_claim() -> None:
    sources = {source.id: source for source in load_knowledge().sources}
    for conflict in load_knowledge().conflicts:
        for position in conflict.positions:
            if all(sources[sid].carries_only_claims for sid in position.sources):
                assert position.evidence_level is EvidenceLevel.marketing_claim, conflict.id
