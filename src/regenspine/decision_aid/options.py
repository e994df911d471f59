"""The side-by-side option comparison: each option in equal detail, the common rows as one table,
outcomes as natural frequencies with icon arrays, for the region of the spine asked about.

The neck has its own content (texts, rows, outcomes), so no low-back number is shown for it. For
the mid back, where no study was found, the low-back numbers are kept and each is flagged.
"""

from __future__ import annotations

from decimal import Decimal

from regenspine.decision_aid.comparison_table import (
    CellResult,
    TableRow,
    cell_result,
    comparison_table,
)
from regenspine.decision_aid.cost_data import Money, load_cost_data
from regenspine.decision_aid.costs import total_range
from regenspine.decision_aid.natural_frequencies import IconArray, icon_array, whole_people
from regenspine.decision_aid.option_content import (
    Arm,
    Certainty,
    Cited,
    OptionContent,
    Outcome,
    OutcomeKind,
    Region,
    load_options_content,
)
from regenspine.decision_aid.registry_note import (
    REGISTRY_OPTION,
    RegistryNote,
    RegistryOutcome,
    registry_note,
)
from regenspine.errors import InvalidInput
from regenspine.knowledge import load_knowledge
from regenspine.knowledge.schema import StrictModel


class NaturalFrequency(StrictModel):
    """One result as "x of 100 people", next to the figure as the study reported it."""

    kind: OutcomeKind
    label: str
    per_100: int
    reported: str


class ArmResult(StrictModel):
    """The results of one study group, as natural frequencies and as a 100-cell icon array."""

    label: str
    this_option: bool
    frequencies: tuple[NaturalFrequency, ...]
    icon_array: IconArray


class OutcomeResult(StrictModel):
    """An outcome with everything needed to judge it: group, time, design, certainty, sources."""

    id: str
    measure: str
    time_frame: str
    group: str
    design: str
    certainty: Certainty
    certainty_meaning: str
    sources: tuple[str, ...]
    has_number: bool
    applies_directly: bool
    study_region: Region
    from_other_region: bool
    note: str | None
    disagrees_with: tuple[str, ...]
    arms: tuple[ArmResult, ...]


class CostRange(StrictModel):
    """Published price range of one procedure at home or abroad (None: no published price)."""

    where: str
    low: Money | None
    high: Money | None
    open_ended: bool
    marketing_only: bool
    note: str | None
    sources: tuple[str, ...]


class OptionResult(StrictModel):
    """One option, with the same sections as every other option."""

    id: str
    name: str
    involves: tuple[Cited, ...]
    time_and_visits: tuple[Cited, ...]
    recovery: tuple[Cited, ...]
    benefits: tuple[Cited, ...]
    harms: tuple[Cited, ...]
    unknowns: tuple[Cited, ...]
    fda_status: Cited
    coverage: Cited
    cost_ranges: tuple[CostRange, ...]
    outcomes: tuple[OutcomeResult, ...]
    cells: tuple[CellResult, ...]
    sources: tuple[str, ...]
    # This clinic's registry numbers beside the published evidence (stem cell option only).
    registry: RegistryNote | None = None


class OptionComparison(StrictModel):
    """All options side by side for one region, with the rules used and the disclaimer."""

    region: Region
    region_note: Cited
    options: tuple[OptionResult, ...]
    table: tuple[TableRow, ...]
    certainty_rule: dict[Certainty, str]
    rounding_rule: str
    evidence_last_reviewed: str
    update_policy: str
    disclaimer: str
    sources: tuple[str, ...]


def parse_region(value: str) -> Region:
    """The region named by `value`, or InvalidInput naming the allowed regions."""
    try:
        return Region(value.strip().lower())
    except ValueError:
        raise InvalidInput("region", f"unknown region {value!r}", list(Region)) from None


def option_ids() -> list[str]:
    """The ids of the options the comparison covers, in display order."""
    return [option.id for option in load_options_content().options]


def option_titles() -> dict[str, str]:
    """Option id -> the option's name as shown to people, in display order."""
    return {option.id: option.name for option in load_options_content().options}


def _arm_result(arm: Arm) -> ArmResult:
    frequencies = tuple(
        NaturalFrequency(
            kind=result.kind,
            label=result.label,
            per_100=whole_people(result.share()),
            reported=result.as_reported(),
        )
        for result in arm.results
    )
    shares = [(result.kind.value, result.label, result.share()) for result in arm.results]
    return ArmResult(
        label=arm.label,
        this_option=arm.this_option,
        frequencies=frequencies,
        icon_array=icon_array(shares, arm.rest_label),
    )


def _outcome_result(outcome: Outcome, region: Region, meaning: str) -> OutcomeResult:
    return OutcomeResult(
        id=outcome.id,
        measure=outcome.measure,
        time_frame=outcome.time_frame,
        group=outcome.group,
        design=outcome.design,
        certainty=outcome.certainty,
        certainty_meaning=meaning,
        sources=outcome.sources,
        has_number=bool(outcome.arms),
        applies_directly=outcome.applies_directly and outcome.region is region,
        study_region=outcome.region,
        # Only numbers can come from another region; "no data" is no data anywhere.
        from_other_region=bool(outcome.arms) and outcome.region is not region,
        note=outcome.note,
        disagrees_with=outcome.disagrees_with,
        arms=tuple(_arm_result(arm) for arm in outcome.arms),
    )


def cost_ranges(option_id: str) -> tuple[CostRange, ...]:
    """One-procedure price range at home and abroad, as `regenspine costs` computes it."""
    data = load_cost_data()
    prices = next((item.prices for item in data.options if item.option == option_id), ())
    home = next(place for place in data.places if place.home)
    ranges = []
    for where, chosen in (
        (home.name, [price for price in prices if price.place == home.id]),
        (data.texts.abroad_any, [price for price in prices if price.place != home.id]),
    ):
        total = total_range(chosen, procedures=1, travel=Decimal(0))
        note = data.texts.no_published_price if total is None else None
        if total is not None and total.marketing_only:
            note = data.texts.marketing_only
        ranges.append(
            CostRange(
                where=where,
                low=total.low if total else None,
                high=total.high if total else None,
                open_ended=bool(total and total.open_ended),
                marketing_only=bool(total and total.marketing_only),
                note=note,
                sources=total.sources if total else (),
            )
        )
    return tuple(ranges)


def _option_result(option: OptionContent, region: Region) -> OptionResult:
    content = load_options_content()
    # The neck gets its own texts, rows and outcomes; low-back prices are left out there too.
    sections = option.neck if region is Region.cervical else option
    outcomes = option.neck.outcomes if region is Region.cervical else option.outcomes
    return OptionResult(
        id=option.id,
        name=(option.neck.name if region is Region.cervical else None) or option.name,
        involves=sections.involves,
        time_and_visits=sections.time_and_visits,
        recovery=sections.recovery,
        benefits=sections.benefits,
        harms=sections.harms,
        unknowns=sections.unknowns,
        fda_status=option.fda_status,
        coverage=option.coverage,
        cost_ranges=() if region is Region.cervical else cost_ranges(option.id),
        outcomes=tuple(
            _outcome_result(outcome, region, content.meaning(outcome.certainty))
            for outcome in outcomes
        ),
        cells=tuple(cell_result(option.id, cell, region) for cell in sections.cells),
        sources=tuple(option.source_ids()),
    )


def _with_registry(option: OptionResult, registry: RegistryOutcome | None) -> OptionResult:
    if registry is None or option.id != REGISTRY_OPTION:
        return option
    return option.model_copy(update={"registry": registry_note(registry)})


def compare_options(
    region: Region | str = Region.lumbar, registry: RegistryOutcome | None = None
) -> OptionComparison:
    """Every option side by side for the given spine region, with sources and the disclaimer;
    with `registry`, the stem cell option also shows this clinic's registry numbers."""
    chosen = region if isinstance(region, Region) else parse_region(region)
    content = load_options_content()
    knowledge = load_knowledge()
    options = tuple(_option_result(option, chosen) for option in content.options)
    comparison = OptionComparison(
        region=chosen,
        region_note=content.region_notes[chosen],
        options=options,
        table=comparison_table([option.cells for option in options]),
        certainty_rule={item.level: item.meaning for item in content.certainty_rule},
        rounding_rule=content.rounding_rule,
        evidence_last_reviewed=knowledge.text("evidence_last_reviewed"),
        update_policy=knowledge.text("update_policy"),
        disclaimer=knowledge.text("disclaimer"),
        sources=tuple(content.source_ids()),
    )
    return with_registry_numbers(comparison, registry)


def with_registry_numbers(
    comparison: OptionComparison, registry: RegistryOutcome | None
) -> OptionComparison:
    """The comparison with this clinic's registry numbers on the stem cell option (a copy; the
    registry line touches no other option, row or cell), so a built comparison can be reused."""
    if registry is None:
        return comparison
    if registry.region is not comparison.region:
        region = comparison.region.value
        raise InvalidInput("registry", f"counts {registry.region.value} patients", [region])
    options = tuple(_with_registry(option, registry) for option in comparison.options)
    return comparison.model_copy(update={"options": options})
