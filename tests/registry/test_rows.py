"""The one mapping from records to rows: every column of every table is filled by the mapping,
except the few each writer sets itself, and worked examples land in the right columns."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import Table
from tests.factories.procedures import ALLOGENEIC_PROCEDURE, BONE_MARROW_PROCEDURE, changed
from tests.factories.profiles import candidate_profile

from regenspine.care import (
    assess_adverse_event,
    check_procedure,
    follow_up_schedule,
    parse_adverse_event,
    parse_medication,
    parse_procedure,
)
from regenspine.decision_aid.profile import parse_profile
from regenspine.decision_aid.screening import screen_candidate
from regenspine.instruments import score
from regenspine.registry import rows
from regenspine.registry.entries import (
    ConsentInput,
    EpisodeInput,
    InterventionInput,
    PatientInput,
)
from regenspine.registry.models import (
    AdverseEvent,
    Assessment,
    Base,
    Consent,
    Episode,
    FollowUp,
    InjectionTargetRow,
    Intervention,
    MedicationNote,
    Patient,
    PatientIdentity,
    Procedure,
    ProtocolCheckRow,
    Screening,
)

BONE_MARROW = parse_procedure(BONE_MARROW_PROCEDURE)
DONOR = parse_procedure(ALLOGENEIC_PROCEDURE)
TWO_TARGETS = ["facet", "epidural"]
EVENT = parse_adverse_event(
    {
        "description": "Headache after a dural puncture",
        "category": "dural_puncture_headache",
        "site": "injection",
        "grade": 3,
        "serious_criteria": ["hospitalization"],
        "relatedness": "probable",
        "onset_on": "2026-03-04",
        "resolved_on": "2026-03-09",
        "outcome": "recovered",
    }
)


def _samples() -> list[tuple[type[Base], dict[str, Any], set[str]]]:
    """Each mapping's row for a valid record, with the columns only its writers set."""
    profile = parse_profile(candidate_profile())
    person = PatientInput(name="Iris Row", birth_date=date(1950, 1, 2), sex="other", mrn="R-1")
    episode = EpisodeInput(region="cervical", started_on=date(2026, 1, 5))
    consent = ConsentInput(kind="research_use", given=True, recorded_on=date(2026, 1, 5))
    medicine = parse_medication({"drug": "ibuprofen", "is_nsaid": True, "started_on": "2026-01-01"})
    visit = follow_up_schedule(date(2026, 3, 2))[1]
    later = InterventionInput(performed_on=date(2026, 9, 1), kind="decompression")
    return [
        (Patient, rows.patient_columns("RS-1", site="main", synthetic=False), {"id", "created_at"}),
        (PatientIdentity, rows.identity_columns(person), {"patient_id"}),
        (Episode, rows.episode_columns(episode, patient_id=1), {"id"}),
        (
            Screening,
            rows.screening_columns(
                profile, screen_candidate(profile), episode_id=1, screened_on=date(2026, 1, 6)
            ),
            {"id"},
        ),
        (Consent, rows.consent_columns(consent, episode_id=1), {"id"}),
        (MedicationNote, rows.medication_columns(medicine, episode_id=1), {"id"}),
        (Procedure, rows.procedure_columns(BONE_MARROW, episode_id=1), {"id", "recorded_at"}),
        (InjectionTargetRow, rows.injection_target_columns(BONE_MARROW)[0], {"procedure_id"}),
        (
            ProtocolCheckRow,
            rows.protocol_check_columns(check_procedure(BONE_MARROW))[0],
            {"procedure_id"},
        ),
        # A visit's completion is recorded when it happens (the synthetic writer knows it).
        (FollowUp, rows.follow_up_columns(visit, procedure_id=1), {"id", "completed_on"}),
        (
            Assessment,
            rows.assessment_columns(
                score("odi", [2] * 10),
                [2] * 10,
                episode_id=1,
                follow_up_id=None,
                timepoint="baseline",
                assessed_on=date(2026, 2, 1),
            ),
            {"id", "recorded_at"},
        ),
        (
            AdverseEvent,
            rows.adverse_event_columns(
                EVENT, assess_adverse_event(EVENT), episode_id=1, procedure_id=None
            ),
            {"id", "recorded_at"},
        ),
        (Intervention, rows.intervention_columns(later, episode_id=1), {"id"}),
    ]


@pytest.mark.parametrize(
    ("model", "columns", "own"), _samples(), ids=lambda value: getattr(value, "__name__", "")
)
def test_each_mapping_fills_every_column_but_the_writers_own(
    model: type[Base], columns: dict[str, Any], own: set[str]
) -> None:
    table = model.__table__
    assert isinstance(table, Table)
    assert set(columns) == set(table.c.keys()) - own
    assert own <= set(table.c.keys())


def test_every_table_a_writer_fills_has_its_mapping() -> None:
    mapped = {model.__tablename__ for model, _, _ in _samples()}
    # Users, audit, tokens, reminders and self-report links are written by the registry only.
    registry_only = {"app_user", "audit_event", "api_token", "reminder", "self_report_link"}
    assert mapped | registry_only == set(Base.metadata.tables)


def test_a_procedure_lands_field_by_field_in_its_columns() -> None:
    row = rows.procedure_columns(BONE_MARROW, episode_id=7)
    assert row["episode_id"] == 7
    assert (row["cell_source"], row["harvest_site"]) == ("bone_marrow", "posterior iliac crest")
    assert row["processing_method"] == "centrifugation"
    assert row["total_nucleated_cells_per_ml"] == 121_000_000
    assert (row["injection_volume_ml"], row["cell_dose"]) == (3, 363_000_000)
    assert row["levels"] == ["L4-L5"]
    assert row["levels"] is not BONE_MARROW.injection.levels  # a copy, not the record's list


def test_a_donor_product_has_empty_processing_columns() -> None:
    row = rows.procedure_columns(DONOR, episode_id=1)
    empty = [name for name, _ in rows.PROCESSING_COLUMNS]
    assert [row[name] for name in empty] == [None] * 8
    assert (row["lot_number"], row["donor_screening_documented"]) == ("LOT-2026-0142", True)


def test_checks_keep_the_reports_order_and_targets_one_row_each() -> None:
    two_targets = parse_procedure(changed(BONE_MARROW_PROCEDURE, injection__targets=TWO_TARGETS))
    report = check_procedure(two_targets)
    checks = rows.protocol_check_columns(report)
    assert [check["position"] for check in checks] == list(range(len(report.checks)))
    assert [check["check_id"] for check in checks] == [check.id for check in report.checks]
    assert all(isinstance(check["sources"], list) for check in checks)
    assert rows.injection_target_columns(two_targets) == [
        {"target": "facet"},
        {"target": "epidural"},
    ]


def test_surgery_is_marked_by_the_intervention_kind() -> None:
    def marked(kind: str) -> bool:
        entered = InterventionInput(performed_on=date(2026, 9, 1), kind=kind)  # type: ignore[arg-type]
        return bool(rows.intervention_columns(entered, episode_id=1)["is_surgery"])

    assert marked("decompression_with_fusion")
    assert not marked("epidural_steroid")
    assert not marked("repeat_cell_injection")


def test_an_adverse_event_row_says_serious_as_the_assessment_does() -> None:
    row = rows.adverse_event_columns(
        EVENT, assess_adverse_event(EVENT), episode_id=3, procedure_id=9
    )
    assert (row["episode_id"], row["procedure_id"], row["serious"]) == (3, 9, True)
    assert (row["grade"], row["serious_criteria"]) == (3, ["hospitalization"])


def test_an_episode_is_open_unless_said_otherwise() -> None:
    entered = EpisodeInput(region="lumbar", started_on=date(2026, 1, 5))
    opened = rows.episode_columns(entered, patient_id=2)
    assert (opened["status"], opened["closed_on"], opened["patient_id"]) == ("open", None, 2)
    closed = rows.episode_columns(
        entered, patient_id=2, status="closed", closed_on=date(2026, 12, 1)
    )
    assert (closed["status"], closed["closed_on"]) == ("closed", date(2026, 12, 1))
