"""The printable summary for the doctor visit, built only from the other decision-aid results.

Red flags override everything: when the screening says urgent care, the summary keeps the urgent
message of each cause found and the screening reasons, and leaves out the options, costs, values
and clinic questions, so nothing on the page encourages a treatment before the symptoms are
checked. Any step the person skipped is named, and the page says what its absence means.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from regenspine.decision_aid.clinic_questions import ClinicQuestionList, clinic_questions
from regenspine.decision_aid.comparison_rows import ComparisonRow
from regenspine.decision_aid.comparison_table import TableRow
from regenspine.decision_aid.costs import CostEstimate, CostQuery, cost_query, estimate_costs
from regenspine.decision_aid.evidence_terms import Region
from regenspine.decision_aid.options import OptionComparison, compare_options, parse_region
from regenspine.decision_aid.profile import PatientProfile
from regenspine.decision_aid.registry_note import RegistryOutcome
from regenspine.decision_aid.screening import ScreeningCategory, ScreeningResult, screen_candidate
from regenspine.decision_aid.summary_costs import CostLine, cost_lines
from regenspine.decision_aid.values import ValuesAnswers, ValuesResult, clarify_values
from regenspine.errors import InvalidInput, KnowledgeBaseError
from regenspine.knowledge import load_knowledge
from regenspine.knowledge.schema import Source, StrictModel

# The steps of the guided path, by the names the person saw them under.
STEP_RED_FLAGS = "Check for urgent symptoms"
STEP_SCREENING = "Is this for me"
STEP_COSTS = "Costs"
STEP_VALUES = "What matters to me"

# A source's kind in plain words; a seed text has no public link, so its kind says what it is.
SOURCE_KIND_WORDS: dict[str, str] = {
    "publication": "Published study or review",
    "regulator": "Government regulator",
    "guideline": "Clinical guideline",
    "web": "Web page",
    "marketing": "Seller's advert",
    "court": "Court record",
}
SEED_WORDS = "Text about the treatment, no web link"
PROMOTIONAL_SEED_WORDS = "Text that sells the treatment, no web link"

# The rows of the options grid on the summary: prices have a section of their own (with the
# person's figures) and the time to recover is left to the options page, so that the grid, its
# comparison groups and its numbered sources fit on two printed pages with the rest.
GRID_ROWS = (ComparisonRow.improvement, ComparisonRow.serious_harm, ComparisonRow.another_procedure)


class SummarySource(StrictModel):
    """A source cited on the page: its number there, title, kind in words and link if any."""

    id: str
    number: int
    kind: str
    kind_words: str
    title: str
    link: str | None


class Summary(StrictModel):
    """Everything on the printable page, in page order; absent sections are None."""

    prepared_on: dt.date
    urgent: bool
    skipped_steps: tuple[str, ...]
    red_flags_checked: bool
    screening: ScreeningResult | None
    region: Region
    comparison: OptionComparison | None
    grid: tuple[TableRow, ...]
    costs: CostEstimate | None
    own_costs: bool
    cost_lines: tuple[CostLine, ...]
    values: ValuesResult | None
    clinic_questions: ClinicQuestionList | None
    sources: tuple[SummarySource, ...]
    evidence_last_reviewed: str
    update_policy: str
    funding: str
    disclaimer: str

    def numbers(self, source_ids: tuple[str, ...] | list[str]) -> list[int]:
        """The page's reference numbers of these sources, in order, each once."""
        by_id = {source.id: source.number for source in self.sources}
        return sorted({by_id[source_id] for source_id in source_ids})


def build_summary(
    profile: PatientProfile | None,
    values: ValuesAnswers | None = None,
    prepared_on: dt.date | None = None,
    registry: RegistryOutcome | None = None,
    *,
    costs: CostQuery | None = None,
    red_flags_checked: bool = False,
    region: Region | str = Region.lumbar,
) -> Summary:
    """Screen the profile and gather options, costs, values and clinic questions for the page;
    `registry` adds this clinic's numbers for people like the profile to the stem cell option;
    `costs` holds the person's own figures (None: published prices only)."""
    screening, urgent, chosen = _screened(profile, registry, region)
    knowledge = load_knowledge()
    comparison = None if urgent else compare_options(chosen, registry)
    estimate = None if urgent else estimate_costs(costs or cost_query())
    option_ids = [option.id for option in comparison.options] if comparison else []
    draft = Summary(
        prepared_on=prepared_on or dt.date.today(),
        urgent=urgent,
        skipped_steps=() if urgent else _skipped(profile, values, costs, red_flags_checked),
        red_flags_checked=red_flags_checked or urgent,
        screening=screening,
        region=chosen,
        comparison=comparison,
        grid=tuple(row for row in comparison.table if row.row in GRID_ROWS) if comparison else (),
        costs=estimate,
        own_costs=costs is not None and not urgent,
        cost_lines=cost_lines(estimate, option_ids) if estimate else (),
        values=None if urgent or values is None else clarify_values(values),
        clinic_questions=None if urgent else clinic_questions(),
        sources=(),
        evidence_last_reviewed=knowledge.text("evidence_last_reviewed"),
        update_policy=knowledge.text("update_policy"),
        funding=knowledge.text("funding"),
        disclaimer=knowledge.text("disclaimer"),
    )
    return draft.model_copy(update={"sources": cited_sources(draft)})


def _screened(
    profile: PatientProfile | None, registry: RegistryOutcome | None, region: Region | str
) -> tuple[ScreeningResult | None, bool, Region]:
    """The screening result (None when skipped), whether it is urgent, and the spine region."""
    if profile is None:
        if registry is not None:
            # "People like you" needs the person's severity, which only the screening gives.
            raise InvalidInput("registry", "needs the screening answers", ["profile"])
        return None, False, region if isinstance(region, Region) else parse_region(region)
    if registry is not None and registry.severity != profile.severity:
        raise InvalidInput("registry", f"counts {registry.severity} cases", [profile.severity])
    screening = screen_candidate(profile)
    return screening, screening.category is ScreeningCategory.urgent_care, Region(profile.region)


def _skipped(
    profile: PatientProfile | None,
    values: ValuesAnswers | None,
    costs: CostQuery | None,
    red_flags_checked: bool,
) -> tuple[str, ...]:
    """The names of the steps whose answers are missing, in the order the path asks them."""
    missing = {
        STEP_RED_FLAGS: not red_flags_checked,
        STEP_SCREENING: profile is None,
        STEP_COSTS: costs is None,
        STEP_VALUES: values is None,
    }
    return tuple(step for step, skipped in missing.items() if skipped)


def source_link(source: Source) -> str | None:
    """The source's address to print: its DOI as a link, else its URL; a seed text has none."""
    if source.doi:
        return f"https://doi.org/{source.doi}"
    return str(source.url) if source.url else None


def kind_words(source: Source) -> str:
    """What kind of source this is, in plain words."""
    if source.kind == "seed":
        return PROMOTIONAL_SEED_WORDS if source.promotional else SEED_WORDS
    return SOURCE_KIND_WORDS[source.kind]


def cited_sources(summary: Summary) -> tuple[SummarySource, ...]:
    """The sources of everything shown on the page, numbered by first mention."""
    known = {source.id: source for source in load_knowledge().sources}
    listed: list[SummarySource] = []
    for number, source_id in enumerate(dict.fromkeys(_shown_source_ids(summary)), start=1):
        source = known.get(source_id)
        if source is None:
            raise KnowledgeBaseError(f"summary cites unknown source {source_id}")
        listed.append(
            SummarySource(
                id=source.id,
                number=number,
                kind=source.kind,
                kind_words=kind_words(source),
                title=source.title,
                link=source_link(source),
            )
        )
    return tuple(listed)


def _shown_source_ids(summary: Summary) -> Iterator[str]:
    """Source ids of the parts the page shows (not of every text behind each result)."""
    if summary.screening is not None:
        screening = summary.screening
        yield from screening.headline_sources
        for message in screening.urgent_messages:
            yield from message.sources
        for reason in screening.reasons:
            yield from reason.sources
    for row in summary.grid:
        for cell in row.cells:
            yield from cell.sources
    if summary.comparison is not None:
        for option in summary.comparison.options:
            yield from option.registry.sources if option.registry is not None else ()
    for line in summary.cost_lines:
        yield from line.sources
    if summary.values is not None:
        yield from summary.values.sure.sources
