"""The registry line beside the published evidence: labelled, only from 30 patients, cited."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError
from tests.factories.browser import pages_and_smallest_text, printed_pdf
from tests.factories.profiles import VALUES, candidate_profile, registry_outcome

from regenspine.decision_aid.options import compare_options
from regenspine.decision_aid.profile import parse_profile
from regenspine.decision_aid.registry_note import (
    REGISTRY_OPTION,
    RegistryOutcome,
    parse_severity,
    registry_note,
)
from regenspine.decision_aid.summary import build_summary
from regenspine.decision_aid.values import parse_values_answers
from regenspine.documents.summary_page import render_summary_html
from regenspine.errors import InvalidInput
from regenspine.knowledge import load_knowledge

AS_OF = dt.date(2026, 11, 1)


def outcome(**changes: Any) -> RegistryOutcome:
    """Counts as the registry service gives them: 12 of 30 lumbar, moderate, by default."""
    return registry_outcome(**{"as_of": AS_OF, **changes})


def too_few(n: int = 29, **changes: Any) -> RegistryOutcome:
    return outcome(n=n, responders=None, ci=None, **changes)


def test_enough_patients_give_natural_frequencies_with_the_interval() -> None:
    note = registry_note(outcome())
    assert note.enough
    assert (note.per_100, note.ci_per_100) == (40, (25, 58))
    assert note.headline == (
        "In this registry, 40 of 100 people like you improved meaningfully at 12 months. "
        "This is out of 30 people. The true figure is likely between 25 and 58 of 100."
    )
    assert note.label == "This clinic's own records of its patients, not a trial"
    assert note.icon_array is not None
    assert [(group.kind, group.count) for group in note.icon_array.groups] == [
        ("improved", 40),
        ("rest", 60),
    ]


def test_too_few_patients_say_so_with_n_and_never_a_number() -> None:
    note = registry_note(too_few(29))
    assert not note.enough
    assert note.per_100 is None
    assert note.ci_per_100 is None
    assert note.icon_array is None
    assert "does not yet have enough people like you" in note.headline
    assert "29 so far" in note.headline
    assert "30" in note.headline
    assert "of 100" not in note.headline


@pytest.mark.parametrize(
    "changes",
    [
        {"n": 29},  # a number below the minimum
        {"responders": None},  # no number at the minimum
        {"responders": 31},  # more responders than patients
        {"ci": (0.6, 0.2)},  # interval upside down
    ],
)
def test_inconsistent_counts_are_refused(changes: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        outcome(**changes)


def test_who_counts_the_rule_and_the_synthetic_records_are_spelled_out() -> None:
    note = registry_note(too_few(3, severity="severe", synthetic_left_out=1500))
    assert "severe lumbar stenosis" in note.who
    assert "ODI" in note.who
    assert "30%" in note.who
    assert note.synthetic_note is not None
    assert "1,500" in note.synthetic_note
    assert registry_note(too_few(3)).synthetic_note is None


def test_sources_are_the_texts_and_the_rules_and_all_resolve() -> None:
    note = registry_note(outcome())
    known = {source.id for source in load_knowledge().sources}
    assert set(note.sources) <= known
    assert "ostelo-2008-mic" in note.sources
    assert set(load_knowledge().text("registry_similar_sources").split()) <= set(note.sources)


def test_only_the_stem_cell_option_carries_the_registry_line() -> None:
    comparison = compare_options("lumbar", outcome())
    carrying = [option.id for option in comparison.options if option.registry is not None]
    assert carrying == [REGISTRY_OPTION]
    assert all(option.registry is None for option in compare_options("lumbar").options)


def test_a_registry_of_another_region_is_refused() -> None:
    with pytest.raises(InvalidInput) as caught:
        compare_options("cervical", outcome())
    assert caught.value.field == "registry"


def test_parse_severity_names_the_field_and_allowed_values() -> None:
    assert parse_severity(" Severe ") == "severe"
    with pytest.raises(InvalidInput) as caught:
        parse_severity("terrible")
    assert caught.value.field == "severity"
    assert list(caught.value.allowed or []) == ["mild", "moderate", "severe"]


def test_summary_shows_and_cites_the_registry_line() -> None:
    summary = build_summary(parse_profile(candidate_profile()), registry=outcome())
    cited = [source.id for source in summary.sources]
    assert "pettine-2016-bmc-two-year" in cited
    page = render_summary_html(summary)
    assert "40 of 100 people like you improved meaningfully" in page
    assert "not a trial" in page


def test_summary_refuses_a_registry_of_another_severity() -> None:
    with pytest.raises(InvalidInput):
        build_summary(parse_profile(candidate_profile(severity="mild")), registry=outcome())


def test_urgent_summary_leaves_the_registry_line_out() -> None:
    urgent = parse_profile(candidate_profile(red_flags=["saddle_anesthesia"]))
    page = render_summary_html(build_summary(urgent, registry=outcome()))
    assert "people like you improved" not in page


@pytest.mark.browser
@pytest.mark.parametrize("registry", [outcome(), too_few(12, synthetic_left_out=2000)])
def test_summary_with_the_registry_line_still_prints_on_two_pages_at_10_pt(
    tmp_path: Path, headless_chromium: list[str], registry: RegistryOutcome
) -> None:
    summary = build_summary(
        parse_profile(candidate_profile()),
        parse_values_answers(VALUES),
        prepared_on=dt.date(2026, 12, 1),
        registry=registry,
    )
    pdf = printed_pdf(render_summary_html(summary), tmp_path, headless_chromium)
    pages, smallest = pages_and_smallest_text(pdf)
    assert 1 <= pages <= 2
    assert smallest >= 10
