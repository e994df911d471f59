"""Protocol checks: each rule's boundaries, the NSAID window of the recovery plan, order."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from tests.factories.procedures import ALLOGENEIC_PROCEDURE, BONE_MARROW_PROCEDURE, DELETE, changed

from regenspine.care import (
    MedicationNote,
    ProtocolCheck,
    ProtocolReport,
    check_procedure,
    nsaid_window,
    parse_medication,
    parse_procedure,
)
from regenspine.decision_aid.recovery import build_recovery_plan
from regenspine.knowledge import EvidenceLevel, load_knowledge

PERFORMED_ON = dt.date(2026, 3, 2)  # BONE_MARROW_PROCEDURE's date


def report_for(
    document: dict[str, Any], medications: list[MedicationNote] | None = None
) -> ProtocolReport:
    return check_procedure(parse_procedure(document), medications or [])


def check(report: ProtocolReport, check_id: str) -> ProtocolCheck:
    (found,) = [item for item in report.checks if item.id == check_id]
    return found


def nsaid(
    started_on: str, stopped_on: str | None = None, drug: str = "ibuprofen"
) -> MedicationNote:
    return parse_medication(
        {"drug": drug, "is_nsaid": True, "started_on": started_on, "stopped_on": stopped_on}
    )


def processed_for(minutes: float) -> dict[str, Any]:
    ended = dt.datetime(2026, 3, 2, 9, 0) + dt.timedelta(minutes=minutes)
    return changed(BONE_MARROW_PROCEDURE, processing__ended_at=ended.isoformat())


def test_a_good_bone_marrow_record_passes_every_check() -> None:
    report = report_for(BONE_MARROW_PROCEDURE)
    assert [item.id for item in report.checks] == [
        "image_guidance",
        "processing_time",
        "nsaid_window",
        "allogeneic_traceability",
        "cell_counts",
    ]
    assert report.passed == report.checks
    assert not report.refused
    assert report.refusals == report.warnings == report.notes == ()


def test_injection_without_image_guidance_is_refused() -> None:
    report = report_for(changed(BONE_MARROW_PROCEDURE, injection__image_guidance="none"))
    refusal = check(report, "image_guidance")
    assert refusal.outcome == "refused"
    assert refusal.field == "injection.image_guidance"
    assert "blind" in refusal.message
    assert report.refused
    assert report.refusals == (refusal,)


@pytest.mark.parametrize(("guidance", "words"), [("fluoroscopy", "live X-ray"), ("ct", "CT")])
def test_guided_injections_pass_and_say_how(guidance: str, words: str) -> None:
    report = report_for(changed(BONE_MARROW_PROCEDURE, injection__image_guidance=guidance))
    passed = check(report, "image_guidance")
    assert passed.outcome == "passed"
    assert words in passed.message


@pytest.mark.parametrize(
    ("minutes", "outcome", "shown"),
    [
        (29, "warning", "29 minutes"),
        (30, "passed", "30 minutes"),
        (45, "passed", "45 minutes"),
        (60, "passed", "60 minutes"),
        (60.5, "warning", "60.5 minutes"),
        (61, "warning", "61 minutes"),
        (0, "warning", "0 minutes"),
    ],
)
def test_processing_time_boundaries_are_inclusive(minutes: float, outcome: str, shown: str) -> None:
    found = check(report_for(processed_for(minutes)), "processing_time")
    assert found.outcome == outcome
    assert shown in found.message
    assert "not a validated standard" in found.message


@pytest.mark.parametrize("missing", ["processing__started_at", "processing__ended_at"])
def test_processing_time_without_both_times_is_a_note(missing: str) -> None:
    found = check(
        report_for(changed(BONE_MARROW_PROCEDURE, **{missing: DELETE})), "processing_time"
    )
    assert found.outcome == "note"
    assert "cannot be checked" in found.message


def test_processing_time_does_not_apply_to_a_ready_made_product() -> None:
    found = check(report_for(ALLOGENEIC_PROCEDURE), "processing_time")
    assert found.outcome == "passed"
    assert "does not apply" in found.message
    assert found.field == "processing"


def test_processing_time_is_checked_when_a_donor_product_is_processed() -> None:
    processing = {
        "method": "thawing and washing",
        "started_at": "2026-03-02T09:00:00",
        "ended_at": "2026-03-02T11:00:00",
    }
    found = check(
        report_for(changed(ALLOGENEIC_PROCEDURE, processing=processing)), "processing_time"
    )
    assert found.outcome == "warning"
    assert "120 minutes" in found.message


def test_nsaid_window_is_the_recovery_plans_window() -> None:
    first_day, end = nsaid_window(PERFORMED_ON)
    plan_window = build_recovery_plan(PERFORMED_ON).nsaid_window
    assert (first_day, end - dt.timedelta(days=1)) == (plan_window.first_day, plan_window.last_day)
    assert (first_day, end) == (dt.date(2026, 3, 2), dt.date(2026, 4, 13))


@pytest.mark.parametrize(
    ("started_on", "stopped_on", "outcome"),
    [
        ("2026-02-20", "2026-03-01", "passed"),  # stopped the day before day 0
        ("2026-02-20", "2026-03-02", "warning"),  # still taken on day 0
        ("2026-02-20", None, "warning"),  # started before, still being taken
        ("2026-04-12", None, "warning"),  # last day inside the window
        ("2026-04-13", None, "passed"),  # the end of the window is excluded
        ("2026-03-10", "2026-03-12", "warning"),  # entirely inside
    ],
)
def test_nsaid_window_boundaries(started_on: str, stopped_on: str | None, outcome: str) -> None:
    found = check(
        report_for(BONE_MARROW_PROCEDURE, [nsaid(started_on, stopped_on)]), "nsaid_window"
    )
    assert found.outcome == outcome
    assert found.field == "medications"


def test_nsaid_warning_names_each_drug_and_its_dates() -> None:
    medications = [
        nsaid("2026-02-20", "2026-03-02", drug="ibuprofen"),
        nsaid("2026-04-01", drug="naproxen"),
        nsaid("2026-05-01", drug="diclofenac"),  # after the window
    ]
    found = check(report_for(BONE_MARROW_PROCEDURE, medications), "nsaid_window")
    assert "ibuprofen from 2026-02-20 to 2026-03-02" in found.message
    assert "naproxen from 2026-04-01, still being taken" in found.message
    assert "diclofenac" not in found.message
    assert "2026-03-02 to 2026-04-12" in found.message
    assert "assumption" in found.message


def test_a_medicine_that_is_not_an_nsaid_does_not_warn() -> None:
    paracetamol = parse_medication(
        {"drug": "paracetamol", "is_nsaid": False, "started_on": "2026-03-02"}
    )
    assert (
        check(report_for(BONE_MARROW_PROCEDURE, [paracetamol]), "nsaid_window").outcome == "passed"
    )


@pytest.mark.parametrize(
    ("changes", "field", "named"),
    [
        ({"harvest__lot_number": DELETE}, "harvest.lot_number", ["lot number"]),
        (
            {"harvest__donor_screening_documented": False},
            "harvest.donor_screening_documented",
            ["donor screening"],
        ),
        (
            {"harvest__lot_number": DELETE, "harvest__donor_screening_documented": DELETE},
            "harvest.lot_number",
            ["lot number", "donor screening"],
        ),
    ],
)
def test_donor_product_without_lot_or_screening_is_refused(
    changes: dict[str, Any], field: str, named: list[str]
) -> None:
    report = report_for(changed(ALLOGENEIC_PROCEDURE, **changes))
    found = check(report, "allogeneic_traceability")
    assert (found.outcome, found.field) == ("refused", field)
    assert all(words in found.message for words in named)
    assert report.refused


def test_traced_donor_product_passes_and_own_cells_do_not_apply() -> None:
    traced = check(report_for(ALLOGENEIC_PROCEDURE), "allogeneic_traceability")
    assert traced.outcome == "passed"
    assert "LOT-2026-0142" in traced.message
    own = check(report_for(BONE_MARROW_PROCEDURE), "allogeneic_traceability")
    assert own.outcome == "passed"
    assert "does not apply" in own.message


@pytest.mark.parametrize(
    ("cfu_f", "cd34", "outcome", "field"),
    [
        (2001, 2_000_001, "passed", "processing.cfu_f_per_ml"),
        (2000, 2_500_000, "note", "processing.cfu_f_per_ml"),  # equal is not "more than"
        (1999, 2_500_000, "note", "processing.cfu_f_per_ml"),
        (2713, 1_820_000, "note", "processing.cd34_per_ml"),  # Pettine's own cohort mean
        (2713, 2_000_000, "note", "processing.cd34_per_ml"),
    ],
)
def test_bone_marrow_cell_counts_against_the_published_association(
    cfu_f: float, cd34: float, outcome: str, field: str
) -> None:
    document = changed(
        BONE_MARROW_PROCEDURE, processing__cfu_f_per_ml=cfu_f, processing__cd34_per_ml=cd34
    )
    found = check(report_for(document), "cell_counts")
    assert (found.outcome, found.field) == (outcome, field)
    assert "uncontrolled" in found.message


def test_low_counts_are_named_with_their_values() -> None:
    document = changed(
        BONE_MARROW_PROCEDURE, processing__cfu_f_per_ml=1500, processing__cd34_per_ml=1_000_000
    )
    found = check(report_for(document), "cell_counts")
    assert "CFU-F 1,500 per mL" in found.message
    assert "CD34+ cells 1,000,000 per mL" in found.message


def test_counts_not_recorded_are_a_note_a_low_count_takes_precedence() -> None:
    missing = changed(BONE_MARROW_PROCEDURE, processing__cd34_per_ml=DELETE)
    found = check(report_for(missing), "cell_counts")
    assert (found.outcome, found.field) == ("note", "processing.cd34_per_ml")
    assert "not recorded" in found.message
    low_and_missing = changed(missing, processing__cfu_f_per_ml=100)
    assert "not recorded" not in check(report_for(low_and_missing), "cell_counts").message


@pytest.mark.parametrize(
    ("document", "words"),
    [
        (changed(BONE_MARROW_PROCEDURE, harvest__source="adipose", harvest__site="abdomen"), "fat"),
        (ALLOGENEIC_PROCEDURE, "donor"),
    ],
)
def test_other_cell_sources_have_no_published_count_association(
    document: dict[str, Any], words: str
) -> None:
    found = check(report_for(document), "cell_counts")
    assert (found.outcome, found.field) == ("note", "harvest.source")
    assert "No published association" in found.message
    assert words in found.message


def test_order_is_refusals_warnings_notes_passed_and_stable_within() -> None:
    document = changed(
        ALLOGENEIC_PROCEDURE,
        injection__image_guidance="none",
        harvest__lot_number=DELETE,
        processing={
            "method": "thawing",
            "started_at": "2026-03-02T09:00:00",
            "ended_at": "2026-03-02T09:10:00",
        },
    )
    report = report_for(document, [nsaid("2026-03-01")])
    assert [(item.outcome, item.id) for item in report.checks] == [
        ("refused", "image_guidance"),
        ("refused", "allogeneic_traceability"),
        ("warning", "processing_time"),
        ("warning", "nsaid_window"),
        ("note", "cell_counts"),
    ]
    assert [item.id for item in report.refusals] == ["image_guidance", "allogeneic_traceability"]
    assert [item.id for item in report.warnings] == ["processing_time", "nsaid_window"]
    assert [item.id for item in report.notes] == ["cell_counts"]


@pytest.mark.parametrize("document", [BONE_MARROW_PROCEDURE, ALLOGENEIC_PROCEDURE])
def test_every_finding_cites_known_sources_and_fills_its_text(document: dict[str, Any]) -> None:
    known = {source.id for source in load_knowledge().sources}
    worst = changed(document, injection__image_guidance="none")
    for report in (report_for(document), report_for(worst, [nsaid("2026-03-01")])):
        for item in report.checks:
            assert item.sources, item.id
            assert set(item.sources) <= known, item.id
            assert item.evidence_level in set(EvidenceLevel)
            assert "{" not in item.message
            assert "  " not in item.message
            assert item.title
