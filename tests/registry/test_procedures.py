"""Procedures: protocol checks stored with the record, refusals store nothing, schedules made."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import select
from tests.factories.procedures import ALLOGENEIC_PROCEDURE, BONE_MARROW_PROCEDURE, DELETE, changed
from tests.factories.registry import Acting, row_counts

from regenspine.errors import Forbidden, InvalidInput
from regenspine.registry.database import Registry
from regenspine.registry.models import FollowUp, MedicationNote, Procedure
from regenspine.registry.services.procedures import (
    ProcedureRefused,
    preview_procedure,
    record_medication,
    record_procedure,
)

IBUPROFEN = {"drug": "ibuprofen", "is_nsaid": True, "started_on": "2026-02-20"}


def _for(patient_key: str, document: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"patient": patient_key, **document, **extra}


def test_a_procedure_is_stored_with_its_checks_targets_and_follow_ups(
    acting: Acting, staffed: Registry, patient_key: str
) -> None:
    document = changed(BONE_MARROW_PROCEDURE, injection__targets=["epidural", "facet"])
    with acting("clinician") as (session, user):
        row, report = record_procedure(session, user, _for(patient_key, document), "t")
        procedure_id = row.id
    assert not report.refused
    with staffed.sessions() as session:
        stored = session.get(Procedure, procedure_id)
        assert stored is not None
        assert [target.target for target in stored.targets] == ["epidural", "facet"]
        assert [check.check_id for check in stored.checks] == [c.id for c in report.checks]
        assert all(check.sources for check in stored.checks)
        assert stored.processing_started_at is not None
        assert stored.processing_started_at.utcoffset() is not None
        visits = session.scalars(
            select(FollowUp).where(FollowUp.procedure_id == procedure_id).order_by(FollowUp.due_on)
        ).all()
    assert [visit.timepoint for visit in visits] == [
        "baseline",
        "2w",
        "6w",
        "3m",
        "6m",
        "12m",
        "24m",
    ]
    assert visits[3].due_on == date(2026, 6, 2)


@pytest.mark.parametrize(
    ("document", "field"),
    [
        (
            changed(BONE_MARROW_PROCEDURE, injection__image_guidance="none"),
            "injection.image_guidance",
        ),
        (changed(ALLOGENEIC_PROCEDURE, harvest__lot_number=DELETE), "harvest.lot_number"),
        (
            changed(ALLOGENEIC_PROCEDURE, harvest__donor_screening_documented=False),
            "harvest.donor_screening_documented",
        ),
    ],
)
def test_refused_procedures_leave_nothing_behind(
    acting: Acting, staffed: Registry, patient_key: str, document: dict[str, Any], field: str
) -> None:
    before = row_counts(staffed)
    with pytest.raises(ProcedureRefused) as raised, acting("clinician") as (session, user):
        record_procedure(session, user, _for(patient_key, document, medications=[IBUPROFEN]), "t")
    assert raised.value.field == field
    assert raised.value.to_dict()["checks"][0]["outcome"] == "refused"
    assert row_counts(staffed) == before


def test_warnings_are_stored_and_nsaids_on_record_count(
    acting: Acting, staffed: Registry, patient_key: str
) -> None:
    with acting("coordinator") as (session, user):
        record_medication(session, user, {"patient": patient_key, **IBUPROFEN}, "t")
    slow = changed(BONE_MARROW_PROCEDURE, processing__ended_at="2026-03-02T10:01:00")
    with acting("clinician") as (session, user):
        _, report = record_procedure(session, user, _for(patient_key, slow), "t")
    assert {check.id for check in report.warnings} == {"processing_time", "nsaid_window"}
    nsaid = next(check for check in report.warnings if check.id == "nsaid_window")
    assert "ibuprofen" in nsaid.message


def test_medicines_sent_with_the_procedure_are_stored_once(
    acting: Acting, staffed: Registry, patient_key: str
) -> None:
    with acting("clinician") as (session, user):
        record_procedure(
            session, user, _for(patient_key, BONE_MARROW_PROCEDURE, medications=[IBUPROFEN]), "t"
        )
    with staffed.sessions() as session:
        assert session.scalars(select(MedicationNote.drug)).all() == ["ibuprofen"]


def test_preview_runs_the_checks_without_writing(
    acting: Acting, staffed: Registry, patient_key: str
) -> None:
    before = row_counts(staffed)
    document = changed(BONE_MARROW_PROCEDURE, injection__image_guidance="none")
    with acting("clinician") as (session, user):
        report = preview_procedure(session, user, _for(patient_key, document))[3]
    assert report.refused
    assert row_counts(staffed) == before


def test_coordinators_may_not_record_procedures(acting: Acting, patient_key: str) -> None:
    with pytest.raises(Forbidden, match="admin, clinician"), acting("coordinator") as (s, user):
        record_procedure(s, user, _for(patient_key, BONE_MARROW_PROCEDURE), "t")


@pytest.mark.parametrize(
    ("record", "field"),
    [
        ({"performed_on": "2026-03-02"}, "procedure.patient"),
        ({"episode": "one"}, "procedure.episode"),
        ({"episode": True}, "procedure.episode"),
    ],
)
def test_whose_procedure_must_be_clear(
    acting: Acting, patient_key: str, record: dict[str, Any], field: str
) -> None:
    with pytest.raises(InvalidInput) as raised, acting("clinician") as (session, user):
        record_procedure(session, user, record, "t")
    assert raised.value.field == field


def test_a_bad_medicine_list_is_named(acting: Acting, patient_key: str) -> None:
    document = _for(patient_key, BONE_MARROW_PROCEDURE, medications={"drug": "x"})
    with (
        pytest.raises(InvalidInput, match=r"procedure\.medications"),
        acting("clinician") as (s, u),
    ):
        record_procedure(s, u, document, "t")


def test_a_bad_medicine_names_its_place_in_the_procedure(acting: Acting, patient_key: str) -> None:
    bad = {"drug": "naproxen", "is_nsaid": True, "started_on": "2026-02-20", "stopped_on": "x"}
    document = _for(patient_key, BONE_MARROW_PROCEDURE, medications=[IBUPROFEN, bad])
    with pytest.raises(InvalidInput) as raised, acting("clinician") as (session, user):
        record_procedure(session, user, document, "t")
    assert raised.value.field == "procedure.medications[1].stopped_on"
