"""The registry report: outcomes, completeness, surgery-free survival, adverse events and
comparisons for one filtered cohort, built in one pass over the database.

Every report says how many patients it covers, labels synthetic data with a banner, and carries
the observational caveat and the disclaimer from the knowledge base.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from pydantic import BaseModel, ConfigDict
from sqlalchemy import Connection

from regenspine.analytics.adverse_events import AdverseEventSummary, adverse_event_summary
from regenspine.analytics.cohort import (
    ReportFilters,
    check_site,
    cohort_size,
    registry_sites,
    report_cohort,
)
from regenspine.analytics.comparisons import (
    TIMEPOINT,
    Comparisons,
    compare_outcomes,
    patient_outcomes,
)
from regenspine.analytics.frames import (
    adverse_event_counts,
    cohort_covariates,
    cohort_targets,
    completeness_counts,
    patient_changes,
    procedure_count,
    score_changes,
    score_levels,
    subscale_rows,
    surgery_follow_up_days,
)
from regenspine.analytics.outcomes import (
    RELATIVE_RULE_INSTRUMENTS,
    ZCQ,
    CompletenessRow,
    OutcomeRow,
    ResponderDefinition,
    completeness_table,
    outcome_table,
    relative_shares,
    responder_definitions,
)
from regenspine.analytics.survival import (
    SurvivalSummary,
    follow_up_times,
    surgery_free_survival,
)
from regenspine.instruments.catalogue import instrument
from regenspine.knowledge import load_knowledge
from regenspine.knowledge.loader import require_sources

CAVEAT_KEY = "registry_observational"
STEPS = ("cohort", "outcomes", "completeness", "survival", "adverse events", "comparisons")
NO_PATIENTS = "not enough data: no treated patients match these filters"

Progress = Callable[[str], None]


class RegistryReport(BaseModel):
    """Everything one report shows, ready for JSON, text or HTML."""

    model_config = ConfigDict(frozen=True)

    as_of: date
    filters: dict[str, str]
    n_patients: int
    n_episodes: int
    synthetic: bool
    banner: str | None
    note: str | None
    outcomes: list[OutcomeRow]
    responder_rules: list[ResponderDefinition]
    completeness: list[CompletenessRow]
    survival: SurvivalSummary
    adverse_events: AdverseEventSummary
    comparisons: Comparisons
    caveat: str
    caveat_sources: list[str]
    disclaimer: str


def observational_caveat() -> tuple[str, list[str]]:
    """The caveat on registry data and its source ids, checked to resolve."""
    knowledge = load_knowledge()
    sources = knowledge.text(f"{CAVEAT_KEY}_sources").split()
    require_sources(sources, f"texts.yaml: {CAVEAT_KEY}_sources")
    return " ".join(knowledge.text(CAVEAT_KEY).split()), sources


def build_report(
    connection: Connection,
    filters: ReportFilters,
    as_of: date,
    progress: Progress | None = None,
) -> RegistryReport:
    """Compute the whole report for the filtered cohort, as of a day (normally today)."""
    step = progress or (lambda _name: None)
    check_site(connection, filters.site)
    sites = registry_sites(connection)
    caveat, caveat_sources = observational_caveat()
    knowledge = load_knowledge()
    with report_cohort(connection, filters) as cohort:
        size = cohort_size(connection, cohort)
        step("cohort")
        subscale_ids = [subscale.id for subscale in instrument(ZCQ).subscales]
        outcomes = outcome_table(
            score_levels(connection, cohort),
            score_changes(connection, cohort, relative_shares()),
            subscale_rows(connection, cohort, ZCQ, subscale_ids),
        )
        step("outcomes")
        completeness = completeness_table(completeness_counts(connection, cohort, as_of))
        step("completeness")
        survival = surgery_free_survival(
            follow_up_times(surgery_follow_up_days(connection, cohort, as_of))
        )
        step("survival")
        events = adverse_event_summary(
            adverse_event_counts(connection, cohort), procedure_count(connection, cohort)
        )
        step("adverse events")
        changes = patient_changes(connection, cohort, RELATIVE_RULE_INSTRUMENTS, TIMEPOINT)
        patients = patient_outcomes(changes, cohort_covariates(connection, cohort, sites))
        comparisons = compare_outcomes(
            patients, cohort_targets(connection, cohort), caveat, caveat_sources
        )
        step("comparisons")
    return RegistryReport(
        as_of=as_of,
        filters=filters.described(),
        n_patients=size.patients,
        n_episodes=size.episodes,
        synthetic=size.synthetic,
        banner=knowledge.text("synthetic_data") if size.synthetic else None,
        note=NO_PATIENTS if size.episodes == 0 else None,
        outcomes=outcomes,
        responder_rules=responder_definitions(),
        completeness=completeness,
        survival=survival,
        adverse_events=events,
        comparisons=comparisons,
        caveat=caveat,
        caveat_sources=caveat_sources,
        disclaimer=knowledge.text("disclaimer"),
    )
