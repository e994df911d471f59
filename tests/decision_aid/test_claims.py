"""The clinic-claims checker: hits and non-hits per rule, seed texts, balanced texts, bad input."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from regenspine.decision_aid.claims import (
    EXCERPT_LENGTH,
    MAX_EXAMPLES,
    MAX_TEXT_LENGTH,
    check_claims,
    load_claim_rulebook,
    sentence_spans,
)
from regenspine.errors import InvalidInput
from regenspine.knowledge import load_knowledge

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SEEDS = FIXTURES / "seeds"
CLINIC_TEXTS = FIXTURES / "clinic_texts"
EVAL = yaml.safe_load((Path(__file__).parent / "claims_eval.yaml").read_text(encoding="utf-8"))
# Adding the three statements R13 looks for keeps these one-line examples about one rule.
HONEST_TAIL = (
    " The treatment is investigational and not FDA approved. Risks include infection and bleeding."
)


def _seed(number: int) -> str:
    return next(SEEDS.glob(f"{number:03d}_*.txt")).read_text(encoding="utf-8")


def _rule_ids(text: str) -> list[str]:
    return [flag.rule_id for flag in check_claims(text).flags]


# One marketing-style sentence per rule, each of our own making.
HITS = [
    ("R1", "Our stem cell protocol cures spinal stenosis."),
    ("R1", "For many patients this is as good as a cure."),
    ("R1", "Our injections reverse years of spinal degeneration."),
    ("R2", "Because the cells are your own, there is no risk of rejection."),
    ("R2", "This is one of the safest procedures you can have."),
    ("R2", "The injection is completely safe and risk-free."),
    ("R3", "Over 90% success rate for spinal stenosis patients."),
    ("R3", "We guarantee you will walk without pain."),
    ("R3", "In this common scenario the therapy can be extremely effective."),
    ("R4", "With our cells you will never need spinal surgery."),
    ("R4", "It lets you avoid that major surgery altogether."),
    ("R5", "Don't let anyone talk you into dangerous back surgery."),
    ("R5", "The fear of surgery stops many people in their tracks."),
    ("R6", "Our injections regrow your discs in weeks."),
    ("R6", "The cells heal damaged tissue in the spine."),
    ("R7", "Our laboratory is FDA registered."),
    ("R7", "Our cells are 361 HCT/P exempt from FDA approval."),
    ("R7", 'This regulatory "gray area" is why clinics abroad lead the field.'),
    ("R8", "Our trial is listed on ClinicalTrials.gov and costs $8,900 per treatment."),
    ("R9", "Read our patient testimonials before you decide."),
    ("R9", "We can arrange a call so you can talk to one of our past patients."),
    ("R11", "We inject umbilical cord stem cells."),
    ("R11", "Each vial of Wharton's jelly holds 100 million live cells."),
    ("R12", "Ask about our 12-treatment package."),
    ("R12", "Most patients add two booster injections."),
    ("R14", "Join our patient-funded research study."),
    ("R14", "Our investigational protocol is priced at $12,000."),
    ("R15", "Our clinic is COFEPRIS-approved."),
    ("R15", "Accredited international clinics offer the same protocol for less."),
    ("R16", "Cells are given intrathecally for better spread."),
]

# Honest or cautious sentences that use the same words without making the claim.
NON_HITS = [
    ("R1", "Stem cell therapy does not cure spinal stenosis."),
    ("R1", "It isn't a cure-all."),
    ("R1", "Can stem cell therapy cure spinal stenosis?"),
    ("R1", "There is no cure, but many people manage their symptoms well."),
    ("R2", "No treatment is risk-free."),
    ("R2", "There is no such thing as a completely safe injection."),
    ("R2", "The injection is not risk-free."),
    ("R3", "There is no guarantee that the injection will help."),
    ("R3", "We cannot promise results, and it is not proven to work."),
    ("R3", "The success rate for spinal stenosis is unknown."),
    ("R3", "What is the success rate of stem cell therapy?"),
    ("R4", "Some people want to avoid surgery, which is a reasonable wish."),
    ("R4", "There is no evidence that an injection lets you avoid surgery."),
    ("R5", "People with failed back surgery syndrome were excluded."),
    ("R6", "They might repair damaged intervertebral discs."),
    ("R6", "No trial has shown that cells regrow discs."),
    ("R6", "Cells are hypothesized to help heal damaged tissue."),
    ("R7", "The treatment is not FDA approved."),
    ("R7", "It has not been approved by the FDA for any back condition."),
    ("R7", "Is stem cell therapy for spinal stenosis FDA-approved?"),
    ("R7", "The only FDA-approved stem cell products are made from cord blood."),
    ("R7", "Ryoncil is FDA-approved for children with graft-versus-host disease."),
    ("R8", "The study is listed on ClinicalTrials.gov. You are not charged for the study visits."),
    ("R8", "The study is listed on ClinicalTrials.gov."),
    ("R9", "Patient testimonials are not evidence that a treatment works."),
    ("R11", "Umbilical cord products may contain few or no live cells."),
    ("R11", "Cord blood stem cells are approved only for blood disorders."),
    ("R12", "We do not sell boosters or packages."),
    ("R14", "The treatment is investigational, so insurers do not pay for it."),
    ("R14", "This clinical trial is free of charge; the sponsor pays for your $500 travel."),
    ("R15", "A COFEPRIS licence does not show that a treatment works."),
    ("R16", "Intrathecal injections have caused tumours on the spinal cord."),
    ("R16", "We never inject cells intrathecally."),
    ("R1", "Be wary of clinics that say their cells cure stenosis or regrow discs."),
    ("R2", "A clinic that claims there is no risk is showing a red flag."),
    ("R3", "Ask whether the clinic offers a money-back guarantee."),
]


@pytest.mark.parametrize(("rule_id", "sentence"), HITS)
def test_each_rule_flags_its_marketing_sentence(rule_id: str, sentence: str) -> None:
    assert rule_id in _rule_ids(sentence + HONEST_TAIL)


@pytest.mark.parametrize(("rule_id", "sentence"), NON_HITS)
def test_negated_hedged_or_warning_sentences_are_not_flagged(rule_id: str, sentence: str) -> None:
    assert _rule_ids(sentence + HONEST_TAIL) == []


def test_every_rule_in_the_data_has_a_hit_example() -> None:
    rulebook = load_claim_rulebook()
    rule_ids = {rule.id for rule in rulebook.rules} | {rulebook.many_conditions.id}
    examples = {rule_id for rule_id, _ in HITS} | {item["rule"] for item in EVAL["flags"]}
    assert rule_ids == examples
    assert {rule.id for rule in rulebook.missing_statements} == {"R13"}


def test_paired_pattern_needs_its_partner_in_the_window() -> None:
    listed = "Our trial is listed on ClinicalTrials.gov."
    near = listed + " The fee is $9,500."
    far = (
        listed + " " + "Our staff are friendly and the rooms are quiet. " * 6 + "The fee is $9,500."
    )
    assert "R8" in _rule_ids(near + HONEST_TAIL)
    assert "R8" not in _rule_ids(far + HONEST_TAIL)


def test_many_unrelated_diseases_counts_distinct_conditions_against_the_threshold() -> None:
    two = "Our cells also treat autism and Parkinson's disease."
    three = "Our cells also treat autism, Parkinson's disease and COPD."
    assert "R10" not in _rule_ids(two + HONEST_TAIL)
    result = check_claims(three + HONEST_TAIL)
    [flag] = [item for item in result.flags if item.rule_id == "R10"]
    [quote] = flag.examples
    assert quote.matched == "autism, Parkinson's disease, COPD or lung disease"
    assert quote.marked_excerpt == ("Our cells also treat «autism, Parkinson's disease and COPD».")
    # The same disease named twice is still one disease.
    assert "R10" not in _rule_ids("Autism. Autism again. Parkinson's." + HONEST_TAIL)


def test_missing_statements_are_reported_and_a_denial_does_not_count_as_a_risk_statement() -> None:
    result = check_claims("Our clinic offers stem cell injections. There is no risk.")
    assert [item.slug for item in result.missing] == [
        "missing-regulatory-status",
        "missing-risks",
        "missing-investigational-status",
    ]
    assert result.counts == {"R2": 1, "R13": 3}
    assert check_claims("Injections." + HONEST_TAIL).missing == []


def test_excerpt_is_the_sentence_trimmed_around_the_match_with_offsets() -> None:
    padding = "word " * 80
    text = f"Intro sentence. {padding}we guarantee results {padding}end. Next sentence."
    [flag] = check_claims(text + HONEST_TAIL).flags
    assert flag.rule_id == "R3"
    [finding] = flag.examples
    assert text[finding.start : finding.end] == "guarantee"
    assert finding.excerpt[finding.excerpt_start : finding.excerpt_end] == "guarantee"
    assert len(finding.excerpt) <= EXCERPT_LENGTH + 2
    assert finding.excerpt.startswith("…")
    assert finding.excerpt.endswith("…")
    assert "Intro sentence" not in finding.excerpt


def test_sentences_split_on_punctuation_and_lines_but_not_on_us_abbreviation() -> None:
    text = "The U.S. Food and Drug Administration has not approved it. Next one!\nA heading\nLast"
    sentences = [text[start:end] for start, end in sentence_spans(text)]
    assert sentences == [
        "The U.S. Food and Drug Administration has not approved it.",
        "Next one!",
        "A heading",
        "Last",
    ]


def test_broker_seed_004_gets_many_flags_including_the_known_claims() -> None:
    result = check_claims(_seed(4))
    assert result.counts == {
        "R1": 2,
        "R2": 4,
        "R3": 1,
        "R4": 4,
        "R5": 4,
        "R6": 4,
        "R7": 1,
        "R13": 1,
        "R15": 2,
    }
    excerpts = {(flag.rule_id, quote.excerpt) for flag in result.flags for quote in flag.examples}
    assert ("R2", "There is no risk of rejection or allergic reaction.") in excerpts
    assert ("R2", "This is one of the safest medical procedures you can have.") in excerpts
    assert any(rule == "R5" and "fear of surgery" in excerpt for rule, excerpt in excerpts)
    assert any(rule == "R7" and "gray area" in excerpt for rule, excerpt in excerpts)
    assert [item.slug for item in result.missing] == ["missing-investigational-status"]


def test_cautious_seed_003_gets_no_flags_and_states_everything() -> None:
    result = check_claims(_seed(3))
    assert result.flags == []
    assert result.missing == []


@pytest.mark.parametrize(
    ("number", "counts"),
    [
        (0, {"R13": 1}),
        (1, {"R6": 4, "R13": 1}),
        (2, {"R4": 2, "R6": 1, "R13": 1}),
    ],
)
def test_other_seeds_get_exactly_the_flags_read_by_hand(
    number: int, counts: dict[str, int]
) -> None:
    result = check_claims(_seed(number))
    assert result.counts == counts
    assert [item.slug for item in result.missing] == ["missing-regulatory-status"]


@pytest.mark.parametrize("name", ["balanced_clinic_page.txt", "balanced_patient_guide.txt"])
def test_balanced_texts_get_no_content_flags_and_miss_nothing(name: str) -> None:
    result = check_claims((CLINIC_TEXTS / name).read_text(encoding="utf-8"))
    assert [flag.examples[0].marked_excerpt for flag in result.flags] == []
    assert result.missing == []
    assert result.note.startswith("0 warning sign(s) in the text and 0 missing statement(s).")


def test_marketing_offer_fixture_hits_every_rule() -> None:
    result = check_claims((CLINIC_TEXTS / "marketing_offer.txt").read_text(encoding="utf-8"))
    expected = {f"R{number}" for number in range(1, 20)}
    assert set(result.counts) == expected
    assert result.counts["R13"] == 3


def test_result_carries_disclaimer_and_resolved_sources() -> None:
    result = check_claims(_seed(4))
    knowledge = load_knowledge()
    assert result.disclaimer == knowledge.text("disclaimer")
    cited = {sid for item in [*result.flags, *result.missing] for sid in item.sources}
    assert {source.id for source in result.sources} == cited
    assert all(source.where for source in result.sources)


@pytest.mark.parametrize("text", ["", "   \n\t "])
def test_empty_text_is_refused_naming_the_field(text: str) -> None:
    with pytest.raises(InvalidInput, match="text: is empty"):
        check_claims(text)


def test_text_over_the_cap_is_refused_naming_the_field_and_the_limit() -> None:
    check_claims("a" * MAX_TEXT_LENGTH)
    with pytest.raises(InvalidInput) as refused:
        check_claims("a" * (MAX_TEXT_LENGTH + 1))
    assert refused.value.field == "text"
    assert refused.value.problem == "has 100,001 characters, more than the limit of 100,000"
    assert refused.value.allowed == (
        "the text of a clinic's web page or offer (1 to 100,000 characters)"
    )


def test_every_rule_cites_sources_that_resolve() -> None:
    rulebook = load_claim_rulebook()
    known = {source.id for source in load_knowledge().sources}
    rules = [*rulebook.rules, rulebook.many_conditions, *rulebook.missing_statements]
    for rule in rules:
        assert set(rule.sources) <= known, rule.slug


@pytest.mark.parametrize("item", EVAL["flags"], ids=lambda item: item["text"][:40])
def test_eval_set_marketing_sentence_raises_its_warning_sign(item: dict[str, str]) -> None:
    assert item["rule"] in _rule_ids(item["text"] + HONEST_TAIL)


@pytest.mark.parametrize("item", EVAL["look_alikes"], ids=lambda item: item["text"][:40])
def test_eval_set_look_alike_does_not_raise_the_warning_sign(item: dict[str, str]) -> None:
    assert item["rule"] not in _rule_ids(item["text"] + HONEST_TAIL)


@pytest.mark.parametrize("item", EVAL["balanced"], ids=lambda item: item["name"])
def test_eval_set_balanced_text_raises_at_most_one_warning_sign(item: dict[str, str]) -> None:
    flags = check_claims(item["text"]).flags
    assert len(flags) <= 1, [flag.examples[0].marked_excerpt for flag in flags]


def test_eval_set_has_positives_and_look_alikes_for_every_new_category() -> None:
    for rule_id in ("R10", "R11", "R17", "R18", "R19"):
        assert sum(item["rule"] == rule_id for item in EVAL["flags"]) >= 4
        assert sum(item["rule"] == rule_id for item in EVAL["look_alikes"]) >= 2
    assert len(EVAL["balanced"]) >= 3


def test_a_repeated_sign_is_one_flag_with_its_count_and_the_first_quotes() -> None:
    sentence = "Our cells cure stenosis. "
    result = check_claims(sentence * 50 + HONEST_TAIL)
    [flag] = result.flags
    assert (flag.rule_id, flag.count) == ("R1", 50)
    assert len(flag.examples) == MAX_EXAMPLES
    assert [quote.start for quote in flag.examples] == [10, 35, 60]
    assert result.counts == {"R1": 50}
    assert result.content_flags == 50
    assert result.note.startswith("50 warning sign(s)")


def test_a_long_paste_without_full_stops_is_checked_in_pieces_and_every_sign_counted() -> None:
    text = "our cells cure stenosis and " * 3_000
    result = check_claims(text + HONEST_TAIL)
    [flag] = result.flags
    assert flag.count == len(sentence_spans(text))
    assert all(end - start <= 1_000 for start, end in sentence_spans(text))
    assert max(len(quote.excerpt) for quote in flag.examples) <= EXCERPT_LENGTH + 2
