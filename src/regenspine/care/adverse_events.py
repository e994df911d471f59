"""Adverse events after harvest or injection: CTCAE grade, ICH E2A seriousness, relatedness.

Grade (how intense) and seriousness (what it led to) are kept apart, as ICH E2A asks. Reports
that contradict themselves (grade 5 without death, a resolution date before the onset) are
refused by the consistency rules in data/care/adverse_events.yaml, naming the field. A grade 4
or 5 event is serious by definition (ICH E2A), so one with no seriousness criterion is refused;
the rule checks new reports only and rewrites no event already stored.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from functools import cache
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from regenspine.care.protocol import OUTCOME_ORDER, CheckOutcome, ProtocolCheck
from regenspine.care.protocol_texts import require_keys
from regenspine.care.validation import CareInput, LongText
from regenspine.input_problems import FieldProblem, parse_as
from regenspine.knowledge import EvidenceLevel
from regenspine.knowledge.loader import load_model, require_sources
from regenspine.knowledge.schema import StrictModel

ADVERSE_EVENTS_FILE = "care/adverse_events.yaml"
AdverseEventSite = Literal["harvest", "injection", "systemic"]
CtcaeGrade = Literal[1, 2, 3, 4, 5]
SeriousCriterion = Literal[
    "death",
    "life_threatening",
    "hospitalization",
    "disability",
    "congenital_anomaly",
    "important_medical_event",
]
Relatedness = Literal["unrelated", "unlikely", "possible", "probable", "definite"]
AdverseEventOutcome = Literal[
    "recovered", "recovering", "not_recovered", "recovered_with_sequelae", "fatal", "unknown"
]
RESOLVED_OUTCOMES: tuple[AdverseEventOutcome, ...] = ("recovered", "recovered_with_sequelae")
CONSISTENCY_RULES = (
    "life_threatening_grade_is_serious",
    "grade_5_needs_fatal_outcome",
    "grade_5_needs_death_criterion",
    "fatal_outcome_needs_grade_5",
    "death_criterion_needs_grade_5",
    "resolved_not_before_onset",
    "recovery_needs_resolved_date",
    "resolved_date_needs_recovery",
    "criterion_listed_once",
)
FINDINGS = ("serious", "not_serious", "severe_but_not_serious", "serious_and_related")


class Meaning(StrictModel):
    """A value's label and what it means, in this tool's words."""

    label: str
    meaning: str


class RelatednessMeaning(Meaning):
    """A relatedness level; `related` says whether it counts as caused by the treatment."""

    related: bool


class GradeScale(StrictModel):
    """CTCAE grades 1 to 5 with their meanings."""

    sources: tuple[str, ...] = Field(min_length=1)
    levels: dict[int, Meaning]


class CriteriaScale(StrictModel):
    """ICH E2A seriousness criteria with their meanings."""

    sources: tuple[str, ...] = Field(min_length=1)
    levels: dict[str, Meaning]


class RelatednessScale(StrictModel):
    """The five relatedness levels with their meanings."""

    sources: tuple[str, ...] = Field(min_length=1)
    levels: dict[str, RelatednessMeaning]


class CategoryList(StrictModel):
    """The closed list of adverse-event categories with their labels."""

    sources: tuple[str, ...] = Field(min_length=1)
    levels: dict[str, str]


class CitedText(StrictModel):
    """A text with its sources."""

    text: str
    sources: tuple[str, ...] = Field(min_length=1)


class FindingText(CitedText):
    """A finding shown with an assessment."""

    title: str
    evidence_level: EvidenceLevel


class ConsistencyRule(StrictModel):
    """A rule a report must keep, the field it names, the problem it reports and its sources."""

    field: str
    problem: str
    sources: tuple[str, ...] = ()


class AdverseEventTexts(StrictModel):
    """Everything in data/care/adverse_events.yaml, validated."""

    severity_is_not_seriousness: CitedText
    grades: GradeScale
    serious_criteria: CriteriaScale
    relatedness: RelatednessScale
    outcomes: dict[str, str]
    categories: CategoryList
    consistency: dict[str, ConsistencyRule]
    findings: dict[str, FindingText]


@cache
def load_adverse_event_texts() -> AdverseEventTexts:
    """The grading texts, validated: every vocabulary complete, every source resolving."""
    texts = load_model(ADVERSE_EVENTS_FILE, AdverseEventTexts)
    for where, mapping, expected in (
        ("grades", texts.grades.levels, get_args(CtcaeGrade)),
        ("serious_criteria", texts.serious_criteria.levels, get_args(SeriousCriterion)),
        ("relatedness", texts.relatedness.levels, get_args(Relatedness)),
        ("outcomes", texts.outcomes, get_args(AdverseEventOutcome)),
        ("consistency", texts.consistency, CONSISTENCY_RULES),
        ("findings", texts.findings, FINDINGS),
    ):
        require_keys(
            {str(key): value for key, value in mapping.items()},
            map(str, expected),
            f"{ADVERSE_EVENTS_FILE}: {where}",
        )
    cited = [
        *texts.severity_is_not_seriousness.sources,
        *texts.grades.sources,
        *texts.serious_criteria.sources,
        *texts.relatedness.sources,
        *texts.categories.sources,
        *(source for finding in texts.findings.values() for source in finding.sources),
        *(source for rule in texts.consistency.values() for source in rule.sources),
    ]
    require_sources(cited, ADVERSE_EVENTS_FILE)
    return texts


def categories() -> tuple[str, ...]:
    """The adverse-event category ids, in the data file's order."""
    return tuple(load_adverse_event_texts().categories.levels)


class AdverseEventReport(CareInput):
    """An adverse event as the clinic reports it."""

    description: LongText
    category: str
    site: AdverseEventSite
    grade: CtcaeGrade
    serious_criteria: list[SeriousCriterion] = Field(default_factory=list)
    relatedness: Relatedness
    onset_on: dt.date = Field(strict=False)
    resolved_on: dt.date | None = Field(default=None, strict=False)
    outcome: AdverseEventOutcome

    @field_validator("category")
    @classmethod
    def _known_category(cls, category: str) -> str:
        if category not in categories():
            raise FieldProblem((), f"unknown value {category!r}", categories())
        return category

    @field_validator("grade", mode="before")
    @classmethod
    def _whole_grade(cls, grade: object) -> object:
        # true == 1 and 2.0 == 2 in Python; a grade must be written as a whole number.
        if not isinstance(grade, int) or isinstance(grade, bool):
            raise FieldProblem((), f"{grade!r} is not a grade", get_args(CtcaeGrade))
        return grade

    @model_validator(mode="after")
    def _consistent(self) -> AdverseEventReport:
        broken = next((rule for rule, holds in _rule_results(self) if not holds), None)
        if broken is not None:
            rule = load_adverse_event_texts().consistency[broken]
            raise FieldProblem((rule.field,), _words(rule.problem), _allowed(broken, self))
        return self


def _allowed(rule: str, report: AdverseEventReport) -> str | None:
    """What would keep the broken rule, where the rule has a closed answer."""
    if rule != "life_threatening_grade_is_serious":
        return None
    # A grade 5 event lists death (its own rule); death is refused below grade 5.
    criteria = (
        ["death"] if report.grade == 5 else [c for c in get_args(SeriousCriterion) if c != "death"]
    )
    return f"serious: at least one of {', '.join(criteria)}"


def _rule_results(report: AdverseEventReport) -> list[tuple[str, bool]]:
    """Each consistency rule with whether the report keeps it, in the order they are checked."""
    died = report.outcome == "fatal"
    death_listed = "death" in report.serious_criteria
    grade_5 = report.grade == 5
    resolved = report.resolved_on is not None
    return [
        (
            "criterion_listed_once",
            len(set(report.serious_criteria)) == len(report.serious_criteria),
        ),
        # ICH E2A: an event that is life-threatening or results in death is serious.
        ("life_threatening_grade_is_serious", bool(report.serious_criteria) or report.grade < 4),
        ("grade_5_needs_fatal_outcome", died or not grade_5),
        ("grade_5_needs_death_criterion", death_listed or not grade_5),
        ("fatal_outcome_needs_grade_5", grade_5 or not died),
        ("death_criterion_needs_grade_5", grade_5 or not death_listed),
        (
            "resolved_not_before_onset",
            report.resolved_on is None or report.resolved_on >= report.onset_on,
        ),
        ("recovery_needs_resolved_date", resolved or report.outcome not in RESOLVED_OUTCOMES),
        ("resolved_date_needs_recovery", not resolved or report.outcome in RESOLVED_OUTCOMES),
    ]


class AdverseEventAssessment(BaseModel):
    """What a report means: seriousness, grade and relatedness in words, findings, sources."""

    model_config = ConfigDict(frozen=True)

    serious: bool
    serious_criteria: tuple[str, ...]  # labels of the criteria met
    grade: int
    grade_label: str
    grade_meaning: str
    related: bool
    relatedness_label: str
    relatedness_meaning: str
    category_label: str
    outcome_label: str
    severity_note: str
    checks: tuple[ProtocolCheck, ...]
    sources: tuple[str, ...]


def parse_adverse_event(data: object) -> AdverseEventReport:
    """Validate decoded JSON into an AdverseEventReport, or raise InvalidInput naming the field."""
    return parse_as(AdverseEventReport, data, whole="adverse_event")


def assess_adverse_event(report: AdverseEventReport) -> AdverseEventAssessment:
    """Say whether the event is serious and related, what its grade means, and what to check."""
    texts = load_adverse_event_texts()
    grade = texts.grades.levels[report.grade]
    relatedness = texts.relatedness.levels[report.relatedness]
    criteria = tuple(texts.serious_criteria.levels[c].label for c in report.serious_criteria)
    checks = _findings(report, criteria, relatedness.related)
    sources = [
        *texts.grades.sources,
        *texts.serious_criteria.sources,
        *texts.relatedness.sources,
        *texts.severity_is_not_seriousness.sources,
        *(source for check in checks for source in check.sources),
    ]
    return AdverseEventAssessment(
        serious=bool(criteria),
        serious_criteria=criteria,
        grade=report.grade,
        grade_label=f"Grade {report.grade}: {grade.label}",
        grade_meaning=_words(grade.meaning),
        related=relatedness.related,
        relatedness_label=relatedness.label,
        relatedness_meaning=_words(relatedness.meaning),
        category_label=texts.categories.levels[report.category],
        outcome_label=texts.outcomes[report.outcome],
        severity_note=_words(texts.severity_is_not_seriousness.text),
        checks=checks,
        sources=tuple(dict.fromkeys(sources)),
    )


def _findings(
    report: AdverseEventReport, criteria: tuple[str, ...], related: bool
) -> tuple[ProtocolCheck, ...]:
    """The findings that apply, warnings first."""
    texts = load_adverse_event_texts()
    grade_label = texts.grades.levels[report.grade].label.lower()
    relatedness_label = texts.relatedness.levels[report.relatedness].label.lower()
    found: list[tuple[str, CheckOutcome, str, Mapping[str, object]]] = []
    if criteria:
        found.append(("serious", "warning", "serious_criteria", {"criteria": ", ".join(criteria)}))
    else:
        found.append(("not_serious", "note", "serious_criteria", {}))
    if report.grade >= 3 and not criteria:
        found.append(
            (
                "severe_but_not_serious",
                "warning",
                "serious_criteria",
                {"grade": report.grade, "label": grade_label},
            )
        )
    if criteria and related:
        found.append(
            ("serious_and_related", "warning", "relatedness", {"relatedness": relatedness_label})
        )
    checks = [_check(key, outcome, field, values) for key, outcome, field, values in found]
    checks.sort(key=lambda check: OUTCOME_ORDER.index(check.outcome))
    return tuple(checks)


def _check(
    key: str, outcome: CheckOutcome, field: str, values: Mapping[str, object]
) -> ProtocolCheck:
    finding = load_adverse_event_texts().findings[key]
    return ProtocolCheck(
        id=key,
        title=finding.title,
        outcome=outcome,
        field=field,
        message=_words(finding.text.format(**values)),
        sources=finding.sources,
        evidence_level=finding.evidence_level.value,
    )


def _words(text: str) -> str:
    return " ".join(text.split())
