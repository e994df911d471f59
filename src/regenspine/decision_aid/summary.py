"""The printable summary for the doctor visit, built only from the other decision-aid results.

Red flags override everything: when the screening says urgent care, the summary keeps the urgent
message of each cause found and the screening reasons, and leaves out the options, costs, values
and clinic questions, so nothing on the page encourages a treatment before the symptoms are
checked.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from regenspine.decision_aid.clinic_questions import ClinicQuestionList, clinic_questions
from regenspine.decision_aid.costs import CostEstimate, cost_query, estimate_costs
from regenspine.decision_aid.options import OptionComparison, compare_options
from regenspine.decision_aid.profile import PatientProfile
from regenspine.decision_aid.registry_note import RegistryOutcome
from regenspine.decision_aid.screening import ScreeningCategory, ScreeningResult, screen_candidate
from regenspine.decision_aid.values import ValuesAnswers, ValuesResult, clarify_values
from regenspine.errors import InvalidInput, KnowledgeBaseError
from regenspine.knowledge import load_knowledge
from regenspine.knowledge.schema import StrictModel


class SummarySource(StrictModel):
    """A source cited on the page: id, title and where to find it."""

    id: str
    kind: str
    title: str
    where: str


class Summary(StrictModel):
    """Everything on the printable page, in page order; absent sections are None."""

    prepared_on: dt.date
    urgent: bool
    screening: ScreeningResult
    comparison: OptionComparison | None
    costs: CostEstimate | None
    values: ValuesResult | None
    clinic_questions: ClinicQuestionList | None
    sources: tuple[SummarySource, ...]
    evidence_last_reviewed: str
    update_policy: str
    funding: str
    disclaimer: str


def build_summary(
    profile: PatientProfile,
    values: ValuesAnswers | None = None,
    prepared_on: dt.date | None = None,
    registry: RegistryOutcome | None = None,
) -> Summary:
    """Screen the profile and gather options, costs, values and clinic questions for the page;
    `registry` adds this clinic's numbers for people like the profile to the stem cell option."""
    if registry is not None and registry.severity != profile.severity:
        raise InvalidInput("registry", f"counts {registry.severity} cases", [profile.severity])
    screening = screen_candidate(profile)
    urgent = screening.category is ScreeningCategory.urgent_care
    knowledge = load_knowledge()
    draft = Summary(
        prepared_on=prepared_on or dt.date.today(),
        urgent=urgent,
        screening=screening,
        comparison=None if urgent else compare_options(profile.region, registry),
        costs=None if urgent else estimate_costs(cost_query()),
        values=None if urgent or values is None else clarify_values(values),
        clinic_questions=None if urgent else clinic_questions(),
        sources=(),
        evidence_last_reviewed=knowledge.text("evidence_last_reviewed"),
        update_policy=knowledge.text("update_policy"),
        funding=knowledge.text("funding"),
        disclaimer=knowledge.text("disclaimer"),
    )
    return draft.model_copy(update={"sources": cited_sources(draft)})


def cited_sources(summary: Summary) -> tuple[SummarySource, ...]:
    """The sources of everything shown on the page, first mention first, resolved to titles."""
    known = {source.id: source for source in load_knowledge().sources}
    listed: list[SummarySource] = []
    for source_id in dict.fromkeys(_shown_source_ids(summary)):
        source = known.get(source_id)
        if source is None:
            raise KnowledgeBaseError(f"summary cites unknown source {source_id}")
        where = source.seed_file or (str(source.url) if source.url else f"doi:{source.doi}")
        listed.append(
            SummarySource(id=source.id, kind=source.kind, title=source.title, where=where)
        )
    return tuple(listed)


def _shown_source_ids(summary: Summary) -> Iterator[str]:
    """Source ids of the parts the page shows (not of every text behind each result)."""
    screening = summary.screening
    yield from screening.headline_sources
    for message in screening.urgent_messages:
        yield from message.sources
    for reason in screening.reasons:
        yield from reason.sources
    for step in screening.next_steps:
        yield from step.sources
    if summary.comparison is not None:
        yield from summary.comparison.region_note.sources
        for option in summary.comparison.options:
            for outcome in option.outcomes:
                yield from outcome.sources
            for cell in option.cells:
                yield from cell.sources
            yield from (*option.fda_status.sources, *option.coverage.sources)
            yield from option.registry.sources if option.registry is not None else ()
    if summary.costs is not None:
        for cost in summary.costs.costs:
            yield from cost.total.sources if cost.total is not None else ()
            yield from cost.coverage.sources
    if summary.values is not None:
        for match in summary.values.matters_most:
            yield from match.sources
        yield from summary.values.sure.sources
    if summary.clinic_questions is not None:
        for group in summary.clinic_questions.groups:
            for question in group.questions:
                yield from question.sources
