"""Each closed vocabulary is defined once: the CHECK constraints of the tables, the FHIR codes,
the synthetic generator's weights and the pages' words all come from (or match) its Literal."""

from __future__ import annotations

from typing import Any, get_args

import pytest
from sqlalchemy import CheckConstraint, Enum, Table

from regenspine.analytics.adverse_events import SITE_LABELS
from regenspine.care import (
    AdverseEventOutcome,
    AdverseEventSite,
    CellSource,
    CheckOutcome,
    CtcaeGrade,
    ImageGuidance,
    InjectionTarget,
    Relatedness,
    SeriousCriterion,
    SpinalRegion,
    StenosisRegion,
)
from regenspine.care.protocol import OUTCOME_ORDER
from regenspine.care.schedule import TIMEPOINT_IDS
from regenspine.cli.pathway import _OUTCOME_STYLE
from regenspine.decision_aid.option_content import Region as OptionRegion
from regenspine.decision_aid.profile import GeneralHealth, Severity
from regenspine.interop.fhir.mapping import AE_OUTCOMES, GRADE_SEVERITY, SERIOUS_CRITERION_NCI
from regenspine.registry.access import ROLE_PERMISSIONS
from regenspine.registry.models import (
    SURGICAL_KINDS,
    AdverseEvent,
    Base,
    ConsentKind,
    EpisodeStatus,
    InterventionKind,
    Sex,
)
from regenspine.registry.models.access import AuditAction, Role
from regenspine.synthetic import cases, harms, outcomes, procedures
from regenspine.web.labels import choices_of

# Every closed column of the registry and the one Literal its CHECK constraint comes from.
CLOSED_COLUMNS: dict[tuple[str, str], Any] = {
    ("app_user", "role"): Role,
    ("audit_event", "action"): AuditAction,
    ("patient_identity", "sex"): Sex,
    ("episode", "region"): StenosisRegion,
    ("episode", "severity"): Severity,
    ("episode", "status"): EpisodeStatus,
    ("consent", "kind"): ConsentKind,
    ("procedure", "cell_source"): CellSource,
    ("procedure", "region"): SpinalRegion,
    ("procedure", "image_guidance"): ImageGuidance,
    ("injection_target", "target"): InjectionTarget,
    ("protocol_check", "outcome"): CheckOutcome,
    ("adverse_event", "site"): AdverseEventSite,
    ("adverse_event", "relatedness"): Relatedness,
    ("adverse_event", "outcome"): AdverseEventOutcome,
    ("intervention", "kind"): InterventionKind,
}


def _closed_columns() -> dict[tuple[str, str], list[str]]:
    return {
        (table.name, column.name): list(column.type.enums)
        for table in Base.metadata.sorted_tables
        for column in table.columns
        if isinstance(column.type, Enum)
    }


def test_every_closed_column_is_known_to_come_from_a_literal() -> None:
    assert set(_closed_columns()) == set(CLOSED_COLUMNS)


@pytest.mark.parametrize("column", sorted(CLOSED_COLUMNS), ids="{0[0]}.{0[1]}".format)
def test_a_check_constraint_lists_its_literal_in_order(column: tuple[str, str]) -> None:
    assert _closed_columns()[column] == list(get_args(CLOSED_COLUMNS[column]))


def test_the_grade_check_spans_the_ctcae_grades() -> None:
    table = AdverseEvent.__table__
    assert isinstance(table, Table)
    (check,) = [
        c
        for c in table.constraints
        if isinstance(c, CheckConstraint) and c.name == "ck_adverse_event_ctcae_grade"
    ]
    grades = get_args(CtcaeGrade)
    assert str(check.sqltext) == f"grade BETWEEN {min(grades)} AND {max(grades)}"
    assert grades == (1, 2, 3, 4, 5)


def test_surgery_kinds_are_intervention_kinds() -> None:
    assert set(SURGICAL_KINDS) < set(get_args(InterventionKind))
    assert "epidural_steroid" not in SURGICAL_KINDS


def test_the_option_regions_are_the_stenosis_regions() -> None:
    assert [region.value for region in OptionRegion] == list(get_args(StenosisRegion))


def test_words_and_codes_cover_each_vocabulary() -> None:
    assert set(AE_OUTCOMES) == set(get_args(AdverseEventOutcome))
    assert set(SERIOUS_CRITERION_NCI) <= set(get_args(SeriousCriterion))
    assert set(GRADE_SEVERITY) <= set(get_args(CtcaeGrade))
    assert set(SITE_LABELS) == set(get_args(AdverseEventSite))
    assert set(_OUTCOME_STYLE) == set(get_args(CheckOutcome))
    assert sorted(OUTCOME_ORDER) == sorted(get_args(CheckOutcome))
    assert set(ROLE_PERMISSIONS) == set(get_args(Role))


def test_the_synthetic_generator_draws_only_known_values() -> None:
    assert set(procedures.CELL_SOURCE_WEIGHTS) == set(get_args(CellSource))
    targets = {target for chosen in procedures.TARGET_SET_WEIGHTS for target in chosen}
    assert targets <= set(get_args(InjectionTarget))
    guidance = {way for weights in procedures.GUIDANCE_WEIGHTS.values() for way in weights}
    # Never "none": the protocol refuses an unguided injection.
    assert guidance == set(get_args(ImageGuidance)) - {"none"}
    assert set(cases.CONSENTS) == set(get_args(ConsentKind))
    assert set(cases.GENERAL_HEALTH_WEIGHTS) == set(get_args(GeneralHealth))
    assert set(cases.SYMPTOMS) | set(cases.DIAGNOSIS_CODES) <= set(get_args(StenosisRegion))
    assert set(outcomes.BUILD_UP) == set(TIMEPOINT_IDS)
    assert set(outcomes.LOST_BEFORE) == set(TIMEPOINT_IDS) - {"baseline"}
    assert set(outcomes.SURGERY_WEIGHTS) == SURGICAL_KINDS
    for pattern in harms.HARM_PATTERNS:
        assert pattern.site in get_args(AdverseEventSite)
        assert pattern.relatedness in get_args(Relatedness)
        assert set(pattern.serious_criteria) <= set(get_args(SeriousCriterion))


def test_choices_need_words_for_every_value_and_no_other() -> None:
    chosen = choices_of(("a", "b"), {"b": "Bee", "a": "Ay"}, hints={"a": "fact.a"})
    assert [(choice.value, choice.label, choice.hint_fact) for choice in chosen] == [
        ("a", "Ay", "fact.a"),
        ("b", "Bee", None),
    ]
    with pytest.raises(ValueError, match=r"missing \['b'\]"):
        choices_of(("a", "b"), {"a": "Ay"})
    with pytest.raises(ValueError, match=r"unknown \['c'\]"):
        choices_of(("a",), {"a": "Ay", "c": "See"})
