"""Adverse events: consistency rules, seriousness apart from severity, relatedness, findings."""

from __future__ import annotations

from typing import Any

import pytest
from tests.factories.procedures import DELETE, changed

from regenspine.care import (
    AdverseEventReport,
    assess_adverse_event,
    categories,
    parse_adverse_event,
)
from regenspine.care.adverse_events import load_adverse_event_texts
from regenspine.errors import InvalidInput
from regenspine.knowledge import EvidenceLevel, load_knowledge

HARVEST_PAIN: dict[str, Any] = {
    "description": "Aching at the hip where marrow was drawn, eased by paracetamol",
    "category": "pain",
    "site": "harvest",
    "grade": 2,
    "serious_criteria": [],
    "relatedness": "definite",
    "onset_on": "2026-03-02",
    "resolved_on": "2026-03-09",
    "outcome": "recovered",
}
DISCITIS = changed(
    HARVEST_PAIN,
    description="Discitis at L4-L5 treated with intravenous antibiotics",
    category="infection",
    site="injection",
    grade=3,
    serious_criteria=["hospitalization"],
    relatedness="probable",
    onset_on="2026-03-16",
    resolved_on=DELETE,
    outcome="recovering",
)
DEATH = changed(DISCITIS, grade=5, serious_criteria=["death", "hospitalization"], outcome="fatal")


def refusal(document: object) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        parse_adverse_event(document)
    return caught.value


def finding_ids(document: dict[str, Any]) -> list[str]:
    return [check.id for check in assess_adverse_event(parse_adverse_event(document)).checks]


def test_mild_related_event_is_not_serious_and_says_what_its_grade_means() -> None:
    assessment = assess_adverse_event(parse_adverse_event(HARVEST_PAIN))
    assert assessment.serious is False
    assert assessment.related is True
    assert assessment.grade_label == "Grade 2: Moderate"
    assert "non-invasive" in assessment.grade_meaning
    assert assessment.relatedness_label == "Definite"
    assert assessment.outcome_label == "Recovered"
    assert [(check.id, check.outcome) for check in assessment.checks] == [("not_serious", "note")]


def test_hospitalised_related_event_is_serious_and_flags_reporting() -> None:
    assessment = assess_adverse_event(parse_adverse_event(DISCITIS))
    assert assessment.serious is True
    assert assessment.serious_criteria == ("Hospitalisation",)
    assert [(check.id, check.outcome) for check in assessment.checks] == [
        ("serious", "warning"),
        ("serious_and_related", "warning"),
    ]
    assert "Hospitalisation" in assessment.checks[0].message
    assert "probable" in assessment.checks[1].message


def test_a_fatal_event_with_grade_5_and_death_is_accepted() -> None:
    assessment = assess_adverse_event(parse_adverse_event(DEATH))
    assert assessment.serious is True
    assert assessment.grade_label == "Grade 5: Death"
    assert assessment.serious_criteria == ("Death", "Hospitalisation")


@pytest.mark.parametrize(
    ("relatedness", "related"),
    [
        ("unrelated", False),
        ("unlikely", False),
        ("possible", True),
        ("probable", True),
        ("definite", True),
    ],
)
def test_possible_probable_and_definite_count_as_related(relatedness: str, related: bool) -> None:
    report = parse_adverse_event(changed(DISCITIS, relatedness=relatedness))
    assessment = assess_adverse_event(report)
    assert assessment.related is related
    assert ("serious_and_related" in [check.id for check in assessment.checks]) is related


def test_grade_3_without_a_criterion_is_flagged_because_severity_is_not_seriousness() -> None:
    document = changed(HARVEST_PAIN, grade=3)
    assert finding_ids(document) == ["severe_but_not_serious", "not_serious"]
    assessment = assess_adverse_event(parse_adverse_event(document))
    assert assessment.serious is False
    assert "Severity and seriousness are different" in assessment.severity_note


@pytest.mark.parametrize(
    ("changes", "allowed"),
    [
        ({"grade": 4}, "serious: at least one of life_threatening, hospitalization, disability"),
        ({"grade": 5, "outcome": "fatal", "resolved_on": DELETE}, "serious: at least one of death"),
    ],
)
def test_grade_4_or_5_is_serious_by_definition_and_not_serious_is_refused(
    changes: dict[str, Any], allowed: str
) -> None:
    error = refusal(changed(HARVEST_PAIN, **changes))
    assert error.field == "serious_criteria"
    assert "serious by definition" in error.problem
    assert "ICH E2A" in error.problem
    assert "life-threatening or results in death" in error.problem
    assert str(error.allowed).startswith(allowed)


def test_grade_4_with_any_criterion_is_accepted_as_serious() -> None:
    for criterion in ("life_threatening", "hospitalization", "important_medical_event"):
        document = changed(HARVEST_PAIN, grade=4, serious_criteria=[criterion])
        assert assess_adverse_event(parse_adverse_event(document)).serious is True


def test_the_seriousness_rule_cites_the_ich_e2a_guideline_itself() -> None:
    rule = load_adverse_event_texts().consistency["life_threatening_grade_is_serious"]
    assert "ich-e2a-1994" in rule.sources
    source = next(s for s in load_knowledge().sources if s.id == "ich-e2a-1994")
    assert str(source.url) == "https://database.ich.org/sites/default/files/E2A_Guideline.pdf"


def test_grade_2_without_a_criterion_and_grade_3_with_one_are_not_flagged() -> None:
    assert "severe_but_not_serious" not in finding_ids(HARVEST_PAIN)
    assert "severe_but_not_serious" not in finding_ids(DISCITIS)


def test_a_low_grade_event_can_still_be_serious() -> None:
    document = changed(HARVEST_PAIN, grade=1, serious_criteria=["important_medical_event"])
    assert assess_adverse_event(parse_adverse_event(document)).serious is True


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"outcome": "not_recovered"}, "outcome", "fatal"),  # on DEATH: grade 5 needs fatal
        ({"serious_criteria": ["hospitalization"]}, "serious_criteria", "death"),
        ({"grade": 4}, "grade", "grade 5"),  # fatal and death listed but grade 4
        ({"grade": 4, "outcome": "not_recovered"}, "grade", "death"),  # death listed only
        ({"serious_criteria": ["death", "death"]}, "serious_criteria", "twice"),
        ({"resolved_on": "2026-03-20"}, "resolved_on", "must be empty"),
    ],
)
def test_death_must_be_recorded_consistently(
    changes: dict[str, Any], field: str, words: str
) -> None:
    error = refusal(changed(DEATH, **changes))
    assert error.field == field
    assert words in error.problem


def test_fatal_outcome_needs_grade_5() -> None:
    error = refusal(changed(DISCITIS, outcome="fatal", serious_criteria=["hospitalization"]))
    assert error.field == "grade"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"resolved_on": "2026-03-01"}, "resolved_on"),  # before the onset on 2026-03-02
        ({"resolved_on": DELETE}, "resolved_on"),  # recovered needs the day it ended
        ({"outcome": "recovered_with_sequelae", "resolved_on": None}, "resolved_on"),
        ({"outcome": "recovering"}, "resolved_on"),  # still going, so no resolution date
        ({"outcome": "unknown"}, "resolved_on"),
    ],
)
def test_resolution_date_rules(changes: dict[str, Any], field: str) -> None:
    assert refusal(changed(HARVEST_PAIN, **changes)).field == field


def test_resolved_on_the_day_of_onset_is_allowed() -> None:
    report = parse_adverse_event(changed(HARVEST_PAIN, resolved_on="2026-03-02"))
    assert report.resolved_on == report.onset_on


@pytest.mark.parametrize(
    ("changes", "field", "allowed"),
    [
        ({"category": "headache"}, "category", "dural_puncture_headache"),
        ({"site": "hip"}, "site", "harvest"),
        ({"grade": 6}, "grade", "5"),
        ({"grade": 0}, "grade", "1"),
        ({"grade": True}, "grade", "5"),
        ({"grade": "3"}, "grade", "5"),
        ({"grade": 3.0}, "grade", "5"),
        ({"relatedness": "likely"}, "relatedness", "probable"),
        ({"serious_criteria": ["hospitalisation"]}, "serious_criteria[0]", "hospitalization"),
        ({"outcome": "better"}, "outcome", "recovered_with_sequelae"),
        ({"severity": "mild"}, "severity", "relatedness"),
    ],
)
def test_bad_values_name_the_field_and_the_allowed_values(
    changes: dict[str, Any], field: str, allowed: str
) -> None:
    error = refusal(changed(HARVEST_PAIN, **changes))
    assert error.field == field
    assert allowed in str(error.allowed)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"description": "  "}, "description"),
        ({"outcome": DELETE}, "outcome"),
        ({"onset_on": "yesterday"}, "onset_on"),
    ],
)
def test_missing_or_unreadable_values_are_refused(changes: dict[str, Any], field: str) -> None:
    assert refusal(changed(HARVEST_PAIN, **changes)).field == field


def test_a_document_that_is_not_an_object_is_refused() -> None:
    assert refusal("grade 3").field == "adverse_event"


def test_categories_are_a_closed_list_with_other() -> None:
    assert {"pain", "infection", "bleeding", "neurological", "allergic", "other"} <= set(
        categories()
    )


def test_report_round_trips_and_dumps_the_registry_columns() -> None:
    report = parse_adverse_event(DISCITIS)
    assert parse_adverse_event(report.model_dump(mode="json")) == report
    assert (
        set(report.model_dump())
        == set(AdverseEventReport.model_fields)
        == {
            "description",
            "category",
            "site",
            "grade",
            "serious_criteria",
            "relatedness",
            "onset_on",
            "resolved_on",
            "outcome",
        }
    )


@pytest.mark.parametrize(
    "document", [HARVEST_PAIN, DISCITIS, DEATH, changed(HARVEST_PAIN, grade=3)]
)
def test_assessments_cite_known_sources_and_fill_their_text(document: dict[str, Any]) -> None:
    known = {source.id for source in load_knowledge().sources}
    assessment = assess_adverse_event(parse_adverse_event(document))
    assert set(assessment.sources) <= known
    assert "ich-e2a-ema" in assessment.sources
    assert "pace-study-nd-causality" in assessment.sources
    for check in assessment.checks:
        assert set(check.sources) <= known
        assert check.evidence_level in set(EvidenceLevel)
        assert "{" not in check.message
