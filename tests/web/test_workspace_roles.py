"""Roles in the workspace: each sees and does what its role allows, one test per role."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from tests.factories.registry import row_counts
from tests.factories.workspace import Clinic

from regenspine.registry.database import Registry

WRITE_FORMS = (
    "/clinic/patients/new",
    "/clinic/patients/RS-00000000/episodes/new",
    "/clinic/episodes/1/close",
    "/clinic/episodes/1/screening",
    "/clinic/episodes/1/consent",
    "/clinic/procedures/new",
    "/clinic/assessments/new",
    "/clinic/adverse-events/new",
    "/clinic/interventions/new",
)


def test_a_researcher_sees_registry_keys_only_and_no_form_that_writes(
    signed_in: Callable[[str], Clinic], patient_key: str, staffed: Registry
) -> None:
    clinician = signed_in("clinician")
    assert "Grace Example" in clinician.get("/clinic/patients").text
    researcher = signed_in("researcher")
    listing = researcher.get("/clinic/patients").text
    assert patient_key in listing
    assert "Grace Example" not in listing
    assert "MRN-100" not in listing
    assert "de-identified" in listing
    assert "Add a patient" not in listing
    for path in WRITE_FORMS:
        assert researcher.get(path).status_code == 403, path
    before = row_counts(staffed)
    form = {"name": "Hidden Writer", "birth_date": "1960-01-01", "sex": "male"}
    assert researcher.post("/clinic/patients", form).status_code == 403
    assert (
        researcher.post(f"/clinic/episodes/{1}/close", {"closed_on": "2026-12-01"}).status_code
        == 403
    )
    assert row_counts(staffed)["patient"] == before["patient"]
    assert researcher.get("/clinic/audit").status_code == 403
    page = researcher.get(f"/clinic/patients/{patient_key}").text
    assert "Record a procedure" not in page
    assert "Grace Example" not in page


def test_a_coordinator_registers_and_follows_up_but_records_no_procedure(
    signed_in: Callable[[str], Clinic], patient_key: str
) -> None:
    coordinator = signed_in("coordinator")
    assert coordinator.get("/clinic/patients/new").status_code == 200
    assert coordinator.get("/clinic/assessments/new").status_code == 200
    assert coordinator.get("/clinic/adverse-events/new").status_code == 200
    assert coordinator.get("/clinic/procedures/new").status_code == 403
    assert coordinator.post("/clinic/procedures/check", {"patient": patient_key}).status_code == 403
    page = coordinator.get(f"/clinic/patients/{patient_key}").text
    assert "Record a procedure" not in page
    assert "Enter questionnaires" in page
    assert coordinator.get("/clinic/audit").status_code == 403


def test_a_clinician_records_procedures_but_does_not_read_the_audit_trail(
    signed_in: Callable[[str], Clinic], patient_key: str
) -> None:
    clinician = signed_in("clinician")
    assert clinician.get(f"/clinic/procedures/new?patient={patient_key}").status_code == 200
    assert "Record a procedure" in clinician.get(f"/clinic/patients/{patient_key}").text
    assert clinician.get("/clinic/audit").status_code == 403
    assert "Audit trail" not in clinician.get("/clinic/patients").text


def test_an_admin_reads_the_audit_trail_with_who_what_and_why(
    signed_in: Callable[[str], Clinic], patient_key: str
) -> None:
    admin = signed_in("admin")
    admin.get("/clinic/patients")  # a listing of identifying details is itself audited
    page = admin.get("/clinic/audit").text
    assert "read_identifying" in page
    assert "clinic workspace: patient list" in page
    assert "login" in page
    only_patients = admin.get("/clinic/audit?entity=patient").text
    assert "login</td>" not in only_patients


@pytest.mark.parametrize("role", ["admin", "clinician", "coordinator", "researcher"])
def test_every_role_sees_the_follow_ups(signed_in: Callable[[str], Clinic], role: str) -> None:
    page = signed_in(role).get("/clinic/follow-ups")
    assert page.status_code == 200
    assert ("Enter questionnaires" in page.text) is (role != "researcher")
