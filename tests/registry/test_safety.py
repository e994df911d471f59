"""Adverse events and interventions: graded, judged serious, tied to the right episode."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from tests.factories.procedures import BONE_MARROW_PROCEDURE
from tests.factories.registry import Acting, row_counts

from regenspine.errors import InvalidInput, NotFound
from regenspine.registry.database import Registry
from regenspine.registry.models import AuditEvent
from regenspine.registry.services.procedures import record_procedure
from regenspine.registry.services.safety import record_adverse_event, record_intervention


def _event(patient_key: str, **changes: Any) -> dict[str, Any]:
    event: dict[str, Any] = {
        "patient": patient_key,
        "description": "Fever and back pain; admitted for suspected discitis",
        "category": "infection",
        "site": "injection",
        "grade": 3,
        "serious_criteria": ["hospitalization"],
        "relatedness": "probable",
        "onset_on": "2026-09-20",
        "resolved_on": None,
        "outcome": "recovering",
    }
    event.update(changes)
    return event


def test_a_hospitalisation_is_serious_and_stored_with_its_procedure(
    acting: Acting, patient_key: str
) -> None:
    with acting("clinician") as (session, user):
        procedure, _ = record_procedure(
            session, user, {"patient": patient_key, **BONE_MARROW_PROCEDURE}, "t"
        )
        row, assessment = record_adverse_event(
            session, user, _event(patient_key, procedure=procedure.id), "t"
        )
        assert (row.serious, row.grade, row.procedure_id) == (True, 3, procedure.id)
        assert row.serious_criteria == ["hospitalization"]
    assert assessment.serious
    assert assessment.related


def test_a_mild_harvest_site_bruise_is_not_serious(acting: Acting, patient_key: str) -> None:
    mild = _event(
        patient_key,
        description="Bruise at the hip",
        category="pain",
        site="harvest",
        grade=1,
        serious_criteria=[],
        relatedness="definite",
        resolved_on="2026-09-27",
        outcome="recovered",
    )
    with acting("coordinator") as (session, user):
        row, assessment = record_adverse_event(session, user, mild, "t")
        assert row.serious is False
    assert not assessment.serious


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"grade": 5}, "outcome"),
        ({"grade": 6}, "grade"),
        ({"site": "knee"}, "site"),
        ({"relatedness": "maybe"}, "relatedness"),
        ({"procedure": 999}, "adverse_event.procedure"),
    ],
)
def test_inconsistent_events_are_refused_and_nothing_is_written(
    acting: Acting, staffed: Registry, patient_key: str, changes: dict[str, Any], field: str
) -> None:
    before = row_counts(staffed)
    with pytest.raises((InvalidInput, NotFound)) as raised, acting("clinician") as (s, user):
        record_adverse_event(s, user, _event(patient_key, **changes), "t")
    assert field in str(raised.value)
    assert row_counts(staffed) == before


@pytest.mark.parametrize("grade", [4, 5])
def test_a_life_threatening_or_fatal_grade_saved_as_not_serious_is_refused_unwritten(
    acting: Acting, staffed: Registry, patient_key: str, grade: int
) -> None:
    before = row_counts(staffed)
    event = _event(patient_key, grade=grade, serious_criteria=[], outcome="fatal")
    with pytest.raises(InvalidInput) as raised, acting("clinician") as (s, user):
        record_adverse_event(s, user, event, "t")
    assert raised.value.field == "serious_criteria"
    assert "serious by definition" in raised.value.problem
    assert "ICH E2A" in raised.value.problem
    assert str(raised.value.allowed).startswith("serious: at least one of")
    assert row_counts(staffed) == before  # neither the event nor its audit entry


def test_a_grade_4_event_with_a_criterion_is_stored_as_serious_and_audited(
    acting: Acting, patient_key: str
) -> None:
    event = _event(patient_key, grade=4, serious_criteria=["life_threatening"])
    with acting("clinician") as (session, user):
        row, assessment = record_adverse_event(session, user, event, "t")
        assert (row.grade, row.serious) == (4, True)
        entry = session.scalars(
            select(AuditEvent).where(AuditEvent.entity == "adverse_event")
        ).one()
        assert entry.details == {"grade": 4, "serious": True}
    assert assessment.serious


@pytest.mark.parametrize(
    ("kind", "surgery"),
    [("decompression", True), ("decompression_with_fusion", True), ("epidural_steroid", False)],
)
def test_interventions_know_which_are_surgery(
    acting: Acting, patient_key: str, kind: str, surgery: bool
) -> None:
    with acting("clinician") as (session, user):
        row = record_intervention(
            session, user, {"patient": patient_key, "kind": kind, "performed_on": "2027-01-10"}, "t"
        )
        assert row.is_surgery is surgery


def test_an_intervention_before_the_episode_is_refused(acting: Acting, patient_key: str) -> None:
    record = {"patient": patient_key, "kind": "decompression", "performed_on": "2026-08-31"}
    with (
        pytest.raises(InvalidInput, match=r"intervention\.performed_on"),
        acting("clinician") as (
            session,
            user,
        ),
    ):
        record_intervention(session, user, record, "t")
