"""Screening: one category by precedence, every applicable reason, boundaries and bad input."""

from __future__ import annotations

from typing import Any

import pytest
from tests.factories.profiles import candidate_profile

from regenspine.decision_aid import screening
from regenspine.decision_aid.profile import (
    CONTRAINDICATIONS,
    RED_FLAG_IDS,
    PatientProfile,
    parse_profile,
)
from regenspine.decision_aid.screening import (
    ScreeningCategory,
    load_screening_texts,
    screen_candidate,
)
from regenspine.errors import InvalidInput, KnowledgeBaseError
from regenspine.knowledge import load_knowledge, loader
from regenspine.knowledge.loader import read_data
from regenspine.knowledge.red_flags import load_red_flags

Category = ScreeningCategory


def candidate_answers(**changes: Any) -> dict[str, Any]:
    """A profile that meets every criterion clinics describe, with some answers changed."""
    return candidate_profile(**changes)


def profile(**changes: Any) -> PatientProfile:
    return parse_profile(candidate_answers(**changes))


def codes(**changes: Any) -> list[str]:
    return [reason.code for reason in screen_candidate(profile(**changes)).reasons]


def test_candidate_lists_the_criteria_and_says_investigational_with_options_link() -> None:
    result = screen_candidate(profile())
    assert result.category is Category.candidate
    assert [reason.code for reason in result.reasons] == list(screening.CANDIDATE_CODES)
    steps = " ".join(step.text for step in result.next_steps)
    assert "investigational" in steps
    assert "regenspine options" in steps
    cited = {source for step in result.next_steps for source in step.sources}
    assert "fda-2021-consumer-info" in cited
    assert result.disclaimer == load_knowledge().text("disclaimer")


@pytest.mark.parametrize("flag_id", RED_FLAG_IDS)
def test_every_red_flag_means_urgent_care_with_the_urgent_message(flag_id: str) -> None:
    result = screen_candidate(profile(red_flags=[flag_id]))
    flag = {item.id: item for item in load_red_flags()}[flag_id]
    assert result.category is Category.urgent_care
    assert result.headline == load_knowledge().text("urgent_care")
    assert result.reasons[0].code == f"red_flag.{flag_id}"
    assert result.reasons[0].sources == flag.sources
    assert flag.label in result.reasons[0].text
    assert [message.group for message in result.urgent_messages] == [flag.group]


def test_red_flag_beats_contraindication_and_both_reasons_are_listed() -> None:
    result = screen_candidate(
        profile(red_flags=["new_bladder_dysfunction"], contraindications=["active_infection"])
    )
    assert result.category is Category.urgent_care
    assert [(r.code, r.category) for r in result.reasons] == [
        ("red_flag.new_bladder_dysfunction", Category.urgent_care),
        ("contraindication.active_infection", Category.not_suitable),
    ]


def test_contraindication_beats_severe_stenosis() -> None:
    result = screen_candidate(profile(contraindications=["pregnancy"], severity="severe"))
    assert result.category is Category.not_suitable
    assert [r.code for r in result.reasons] == ["contraindication.pregnancy", "severe_stenosis"]


def test_severe_stenosis_beats_too_little_conservative_care() -> None:
    result = screen_candidate(profile(severity="severe", conservative_care_weeks=2))
    assert result.category is Category.surgical_evaluation
    assert [(r.code, r.category) for r in result.reasons] == [
        ("severe_stenosis", Category.surgical_evaluation),
        ("conservative_care_short", Category.conservative_care_first),
    ]


@pytest.mark.parametrize("contraindication", CONTRAINDICATIONS)
def test_each_contraindication_is_not_suitable(contraindication: str) -> None:
    assert codes(contraindications=[contraindication]) == [f"contraindication.{contraindication}"]
    assert screen_candidate(profile(contraindications=[contraindication])).category is (
        Category.not_suitable
    )


def test_poor_general_health_is_not_suitable_but_fair_health_is_a_candidate() -> None:
    poor = screen_candidate(profile(general_health="poor"))
    assert poor.category is Category.not_suitable
    assert [r.code for r in poor.reasons] == ["general_health_poor"]
    assert screen_candidate(profile(general_health="fair")).category is Category.candidate


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"severity": "severe"}, "severe_stenosis"),
        ({"imaging": {"instability": True}}, "instability"),
        ({"region": "thoracic"}, "thoracic_region"),
        (
            {"imaging": {"disc_bulge": False, "ligamentum_flavum_hypertrophy": False}},
            "no_soft_tissue_contributor",
        ),
    ],
)
def test_each_surgical_evaluation_trigger(changes: dict[str, Any], code: str) -> None:
    result = screen_candidate(profile(**changes))
    assert result.category is Category.surgical_evaluation
    assert [r.code for r in result.reasons] == [code]


def test_all_surgical_triggers_are_listed_together_in_rule_order() -> None:
    found = codes(
        region="thoracic",
        severity="severe",
        imaging={
            "bony_compression_percent": 90,
            "instability": True,
            "disc_bulge": False,
            "ligamentum_flavum_hypertrophy": False,
        },
    )
    assert found == list(screening.SURGICAL_CODES)


@pytest.mark.parametrize("symptoms", [["arm_pain", "balance_problems"], ["hand_clumsiness"]])
def test_neck_myelopathy_signs_mean_a_specialist_soon_above_other_findings(
    symptoms: list[str],
) -> None:
    result = screen_candidate(
        profile(region="cervical", symptoms=symptoms, contraindications=["pregnancy"])
    )
    assert result.category is Category.specialist_soon
    assert result.headline.startswith("See a spine specialist soon")
    assert [r.code for r in result.reasons] == [
        "cervical_myelopathy_signs",
        "contraindication.pregnancy",
    ]
    assert result.urgent_messages == ()


def test_worsening_neck_myelopathy_signs_mean_urgent_care() -> None:
    result = screen_candidate(
        profile(
            region="cervical",
            symptoms=["hand_clumsiness"],
            worsening_symptoms=["hand_clumsiness"],
        )
    )
    assert result.category is Category.urgent_care
    assert [r.code for r in result.reasons] == [
        "implied.myelopathy_signs_worsening",
        "cervical_myelopathy_signs",
    ]
    assert [m.group for m in result.urgent_messages] == ["worsening_weakness"]


@pytest.mark.parametrize(
    ("changes", "code", "group"),
    [
        (
            {"contraindications": ["active_cancer"], "symptoms": ["back_pain"]},
            "implied.active_cancer_with_back_pain",
            "cancer_spread",
        ),
        (
            {"contraindications": ["active_infection"], "symptoms": ["back_pain", "leg_pain"]},
            "implied.active_infection_with_back_pain",
            "spinal_infection",
        ),
        (
            {"symptoms": ["weakness"], "worsening_symptoms": ["weakness"]},
            "implied.weakness_worsening",
            "worsening_weakness",
        ),
    ],
)
def test_other_answers_that_imply_a_red_flag_mean_urgent_care_with_its_message(
    changes: dict[str, Any], code: str, group: str
) -> None:
    result = screen_candidate(profile(**changes))
    assert result.category is Category.urgent_care
    assert result.headline == load_knowledge().text("urgent_care")
    assert result.reasons[0].code == code
    assert [m.group for m in result.urgent_messages] == [group]


def test_cancer_or_infection_without_back_pain_is_not_suitable_but_not_urgent() -> None:
    for contraindication in ("active_cancer", "active_infection"):
        result = screen_candidate(profile(contraindications=[contraindication]))
        assert result.category is Category.not_suitable
        assert result.urgent_messages == ()


def test_a_ticked_flag_is_not_repeated_as_implied() -> None:
    found = codes(
        red_flags=["cancer_history_with_new_pain"],
        contraindications=["active_cancer"],
        symptoms=["back_pain"],
    )
    assert found == ["red_flag.cancer_history_with_new_pain", "contraindication.active_cancer"]


def test_weakness_that_is_not_worsening_stays_routine() -> None:
    assert screen_candidate(profile(symptoms=["weakness"])).category is Category.candidate


def test_a_profile_without_worsening_symptoms_still_loads() -> None:
    assert "worsening_symptoms" not in candidate_answers()
    assert profile().worsening_symptoms == []


def test_myelopathy_signs_count_only_in_the_neck() -> None:
    assert codes(symptoms=["balance_problems", "hand_clumsiness"]) == list(
        screening.CANDIDATE_CODES
    )
    assert screen_candidate(profile(region="cervical", symptoms=["arm_pain"])).category is (
        Category.candidate
    )


@pytest.mark.parametrize(
    ("weeks", "category"),
    [
        (11, Category.conservative_care_first),
        (11.9, Category.conservative_care_first),
        (12, Category.candidate),
    ],
)
def test_conservative_care_boundary_at_12_weeks_as_the_trials_asked(
    weeks: float, category: Category
) -> None:
    result = screen_candidate(profile(conservative_care_weeks=weeks))
    assert result.category is category


def test_threshold_numbers_in_the_text_are_the_ones_the_rules_use() -> None:
    result = screen_candidate(profile(conservative_care_weeks=0))
    texts = {reason.code: reason.text for reason in result.reasons}
    assert "12 weeks" in texts["conservative_care_short"]
    assert "3 months" in texts["conservative_care_short"]
    assert not any("{" in text for text in texts.values())


@pytest.mark.parametrize("share", [None, 0, 70, 100])
def test_the_share_of_bone_is_never_scored_because_no_study_sets_a_cut_off(
    share: float | None,
) -> None:
    # A marketing page's example (80% bone) is not a threshold; "I don't know" is a valid answer.
    result = screen_candidate(profile(imaging={"bony_compression_percent": share}))
    assert result.category is Category.candidate
    assert "bony_compression" not in {reason.code for reason in result.reasons}


def test_the_candidate_result_says_the_main_trials_left_out_symptomatic_stenosis() -> None:
    result = screen_candidate(profile())
    assert result.category is Category.candidate
    assert "main trials" in result.headline
    assert "left out people whose stenosis caused symptoms" in result.headline
    assert "mesoblast-2024-msb-dr004-criteria" in result.headline_sources


def test_repeated_red_flag_is_listed_once() -> None:
    assert codes(red_flags=["major_trauma", "major_trauma"]) == ["red_flag.major_trauma"]


def test_profile_red_flag_ids_match_the_red_flag_data() -> None:
    assert set(RED_FLAG_IDS) == {flag.id for flag in load_red_flags()}


def test_every_screening_text_cites_resolving_sources() -> None:
    texts = load_screening_texts()
    known = {source.id for source in load_knowledge().sources}
    for entry in texts.reasons.values():
        assert entry.sources
        assert set(entry.sources) <= known
    for category in Category:
        item = texts.categories[category]
        assert set(item.sources) <= known
        assert item.next_steps


def test_screening_data_missing_a_reason_code_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    data = read_data("screening.yaml")
    del data["reasons"]["instability"]
    monkeypatch.setattr(loader, "read_data", lambda path: data)
    load_screening_texts.cache_clear()
    try:
        with pytest.raises(KnowledgeBaseError, match="lacks instability"):
            load_screening_texts()
    finally:
        load_screening_texts.cache_clear()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"red_flags": ["saddle_anesthesia", "headache"]},
            "red_flags[1]",
            "unknown value 'headache'",
        ),
        ({"favourite_colour": "blue"}, "favourite_colour", "unknown key"),
        (
            {"imaging": {"bony_compression_percent": 101}},
            "imaging.bony_compression_percent",
            "0 to 100",
        ),
        ({"imaging": {"instability": "yes"}}, "imaging.instability", "true, false"),
        ({"age": "66"}, "age", "valid integer"),
        ({"age": 17}, "age", "18 to 120"),
        ({"conservative_care_weeks": -1}, "conservative_care_weeks", "0 or more"),
        ({"region": "sacral"}, "region", "lumbar, cervical, thoracic"),
    ],
)
def test_bad_input_names_the_field_and_what_is_allowed(
    changes: dict[str, Any], field: str, message: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_profile(candidate_answers(**changes))
    assert caught.value.field == field
    assert message in caught.value.message


def test_unknown_key_lists_the_allowed_keys_and_a_missing_field_is_named() -> None:
    with pytest.raises(InvalidInput, match=r"allowed: age, region") as caught:
        parse_profile(candidate_answers(colour="blue"))
    assert caught.value.field == "colour"
    answers = candidate_answers()
    del answers["red_flags"]
    with pytest.raises(InvalidInput, match="red_flags: is required"):
        parse_profile(answers)
    with pytest.raises(InvalidInput, match="profile: is not a JSON object"):
        parse_profile([answers])


def _unknowns(**changes: Any) -> list[str]:
    return [note.code for note in screen_candidate(profile(**changes)).unknown_answers]


UNKNOWN_REPORT = {
    "known": False,
    "disc_bulge": False,
    "ligamentum_flavum_hypertrophy": False,
    "facet_arthropathy": False,
    "instability": False,
    "bony_compression_percent": None,
}


def test_unknown_severity_is_explained_and_no_longer_counts_as_mild_or_moderate() -> None:
    result = screen_candidate(profile(severity=None))
    assert result.category is Category.candidate
    assert [note.code for note in result.unknown_answers] == ["unknown.severity"]
    assert "candidate.mild_or_moderate" not in [reason.code for reason in result.reasons]
    assert "severe_stenosis" not in [reason.code for reason in result.reasons]


def test_an_unknown_scan_report_is_not_read_as_a_report_with_no_findings() -> None:
    # A report with no findings sends a person to a surgeon; "I don't know" must not.
    assert "no_soft_tissue_contributor" in codes(imaging={**UNKNOWN_REPORT, "known": True})
    result = screen_candidate(profile(imaging=UNKNOWN_REPORT))
    assert result.category is Category.candidate
    assert "no_soft_tissue_contributor" not in [reason.code for reason in result.reasons]
    assert "candidate.soft_tissue_contributors" not in [reason.code for reason in result.reasons]
    assert [note.code for note in result.unknown_answers] == ["unknown.imaging"]


def test_an_unknown_bone_share_is_explained_only_when_the_report_is_known() -> None:
    assert _unknowns() == []
    assert _unknowns(imaging={"bony_compression_percent": None}) == [
        "unknown.bony_compression_percent"
    ]
    assert _unknowns(severity=None, imaging=UNKNOWN_REPORT) == [
        "unknown.severity",
        "unknown.imaging",
    ]


def test_unknown_answers_do_not_hide_a_category_that_applies() -> None:
    result = screen_candidate(profile(severity=None, conservative_care_weeks=2))
    assert result.category is Category.conservative_care_first
    assert [note.code for note in result.unknown_answers] == ["unknown.severity"]


def test_a_report_marked_unknown_with_findings_ticked_is_refused_naming_the_finding() -> None:
    with pytest.raises(InvalidInput) as refused:
        profile(imaging={**UNKNOWN_REPORT, "instability": True})
    assert refused.value.field == "imaging.instability"
    with pytest.raises(InvalidInput) as refused:
        profile(imaging={**UNKNOWN_REPORT, "bony_compression_percent": 30})
    assert refused.value.field == "imaging.bony_compression_percent"


def test_every_unknown_answer_note_has_sources_and_plain_text() -> None:
    notes = load_screening_texts().unknown_answers
    assert set(notes) == set(screening.UNKNOWN_CODES)
    assert all(note.sources and "_" not in note.text for note in notes.values())
