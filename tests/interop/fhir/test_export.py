"""Issue 7 §1: `export fhir` writes valid FHIR R4 NDJSON, with R4 codes and stable ids."""

from __future__ import annotations

from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class
from sqlalchemy import event, func, select
from tests.factories.cli import Clinic, error_line
from tests.factories.fhir import (
    export_to,
    file_texts,
    fill_fhir_registry,
    read_ndjson,
    run_fhir,
)

from regenspine.errors import InvalidInput
from regenspine.interop.fhir.mapping import RESOURCE_TYPES
from regenspine.interop.fhir.outbound.export import export_fhir
from regenspine.registry.models import (
    AdverseEvent,
    Assessment,
    AuditEvent,
    Episode,
    FollowUp,
    Intervention,
    Patient,
    Procedure,
)
from regenspine.registry.services.users import find_user

# Status value sets of FHIR R4 (hl7.org/fhir/R4): fhir.resources does not check codes.
R4_STATUSES = {
    "Observation": {"registered", "preliminary", "final", "amended", "corrected", "cancelled",
                    "entered-in-error", "unknown"},
    "Procedure": {"preparation", "in-progress", "not-done", "on-hold", "stopped", "completed",
                  "entered-in-error", "unknown"},
    "Encounter": {"planned", "arrived", "triaged", "in-progress", "onleave", "finished",
                  "cancelled", "entered-in-error", "unknown"},
    "CarePlan": {"draft", "active", "on-hold", "revoked", "completed", "entered-in-error",
                 "unknown"},
    "QuestionnaireResponse": {"in-progress", "completed", "amended", "entered-in-error",
                              "stopped"},
}  # fmt: skip
ACTIVITY_STATUSES = {"not-started", "scheduled", "in-progress", "on-hold", "completed",
                     "cancelled", "stopped", "unknown", "entered-in-error"}  # fmt: skip
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
SNOMED = "http://snomed.info/sct"
LOINC = "http://loinc.org"
HL7_TERMINOLOGY = "http://terminology.hl7.org/CodeSystem/"


@pytest.fixture
def exported(clinic: Clinic) -> tuple[Clinic, dict[str, list[dict[str, Any]]]]:
    """The filled clinic and its identified export."""
    fill_fhir_registry(clinic)
    return clinic, read_ndjson(export_to(clinic.folder / "fhir"))


def codes(concept: dict[str, Any], system: str) -> list[str]:
    """The codes of one system in a CodeableConcept."""
    return [c["code"] for c in concept.get("coding", ()) if c.get("system") == system]


def test_every_resource_validates_with_r4_status_values(exported: Any) -> None:
    _clinic, resources = exported
    assert sorted(resources) == sorted(RESOURCE_TYPES)
    for resource_type, items in resources.items():
        assert items, resource_type
        for item in items:
            assert item["resourceType"] == resource_type
            get_fhir_model_class(resource_type).model_validate(item)
            if resource_type in R4_STATUSES:
                assert item["status"] in R4_STATUSES[resource_type], item["id"]
    for plan in resources["CarePlan"]:
        assert plan["intent"] == "plan"
        assert {a["detail"]["status"] for a in plan["activity"]} <= ACTIVITY_STATUSES
    assert {event["actuality"] for event in resources["AdverseEvent"]} == {"actual"}
    assert {p["status"] for p in resources["Procedure"]} == {"completed"}


def test_conditions_carry_verified_codes_in_their_systems(exported: Any) -> None:
    clinic, resources = exported
    by_subject = {c["subject"]["reference"]: c for c in resources["Condition"]}
    grace = by_subject[f"Patient/{clinic.patient}"]
    assert codes(grace["code"], SNOMED) == ["18347007"]  # lumbar stenosis (verified)
    donor = next(c for c in resources["Condition"] if codes(c["code"], ICD10CM) == ["M48.061"])
    assert donor["extension"][0]["valueCode"] == "closed"
    assert donor["extension"][1]["valueDate"] == "2026-12-01"
    for condition in resources["Condition"]:
        clinical = condition["clinicalStatus"]["coding"][0]
        assert clinical == {"system": HL7_TERMINOLOGY + "condition-clinical", "code": "active"}
        verification = condition["verificationStatus"]["coding"][0]["system"]
        assert verification == HL7_TERMINOLOGY + "condition-ver-status"


def test_scores_use_loinc_where_verified_and_components_for_zcq(exported: Any) -> None:
    clinic, resources = exported
    grace = [
        o for o in resources["Observation"] if o["subject"]["reference"].endswith(clinic.patient)
    ]
    by_code = {
        o["code"]["coding"][0]["code"] + "@" + o["extension"][1]["valueCode"]: o for o in grace
    }
    pain = by_code["nrs_leg@3m"]
    assert codes(pain["code"], LOINC) == ["72514-3"]
    assert pain["valueQuantity"]["value"] == 6
    odi = by_code["odi@baseline"]
    assert odi["valueQuantity"]["value"] == pytest.approx(51.1)
    assert odi["category"][0]["coding"][0]["system"] == HL7_TERMINOLOGY + "observation-category"
    loinc = next(c for c in odi["code"]["coding"] if c["system"] == LOINC)
    # 97908-8 comes only from the PACIO sample IG, and the coding says so.
    assert loinc["code"] == "97908-8"
    assert "PACIO" in loinc["extension"][0]["valueString"]
    zcq = by_code["zcq@3m"]
    assert "valueQuantity" not in zcq
    assert "dataAbsentReason" not in zcq
    assert [c["code"]["coding"][0]["code"] for c in zcq["component"]] == [
        "symptom_severity", "physical_function", "satisfaction"
    ]  # fmt: skip
    assert zcq["component"][0]["valueQuantity"]["value"] == pytest.approx(1.86)
    answers = next(
        r
        for r in resources["QuestionnaireResponse"]
        if r["id"] == zcq["derivedFrom"][0]["reference"].split("/")[1]
    )
    assert len(answers["item"]) == 18
    assert answers["item"][6]["answer"] == [{"valueInteger": 1}]


def test_the_procedure_is_three_steps_with_site_levels_and_guidance(exported: Any) -> None:
    clinic, resources = exported
    procedures = {p["id"]: p for p in resources["Procedure"]}
    injection = next(
        p
        for p in procedures.values()
        if p["subject"]["reference"].endswith(clinic.patient) and "partOf" not in p
    )
    number = injection["id"]
    harvest, processing = procedures[f"{number}-harvest"], procedures[f"{number}-processing"]
    assert harvest["partOf"] == processing["partOf"] == [{"reference": f"Procedure/{number}"}]
    assert harvest["bodySite"] == [{"text": "posterior iliac crest"}]
    assert processing["performedPeriod"] == {
        "start": "2026-03-02T09:00:00+00:00", "end": "2026-03-02T09:45:00+00:00"
    }  # fmt: skip
    site_codes = [c["coding"][0]["code"] for c in injection["bodySite"]]
    assert site_codes == ["lumbar", "L4-L5", "epidural"]
    guidance = next(e for e in injection["extension"] if e["url"].endswith("/image-guidance"))
    assert guidance["valueCode"] == "fluoroscopy"
    assert injection["performedDateTime"] == "2026-03-02"
    donor = [
        p
        for p in procedures.values()
        if any(e.get("valueCode") == "allogeneic" for e in p.get("extension", ()))
    ]
    assert len(donor) == 1
    assert f"{donor[0]['partOf'][0]['reference'].split('/')[1]}-processing" not in procedures


def test_adverse_events_carry_grade_seriousness_and_relatedness(exported: Any) -> None:
    _clinic, resources = exported
    events = {e["event"]["coding"][0]["code"]: e for e in resources["AdverseEvent"]}
    infection = next(
        e for e in resources["AdverseEvent"] if e["event"].get("text", "").startswith("Discitis")
    )
    assert codes(infection["seriousness"], HL7_TERMINOLOGY + "adverse-event-seriousness") == [
        "serious"
    ]
    criterion = next(
        e for e in infection["extension"] if e["url"].endswith("/seriousness-criterion")
    )
    nci = "http://ncicb.nci.nih.gov/xml/owl/EVS/Thesaurus.owl"
    assert codes(criterion["valueCodeableConcept"], nci) == ["C83052"]  # inpatient hospitalization
    assert codes(infection["severity"], HL7_TERMINOLOGY + "adverse-event-severity") == ["severe"]
    assert codes(infection["outcome"], HL7_TERMINOLOGY + "adverse-event-outcome") == ["recovering"]
    suspect = infection["suspectEntity"][0]
    assert "reference" not in suspect["instance"]  # the report named no procedure
    assert suspect["causality"][0]["assessment"]["coding"][0]["code"] == "probable"
    bruise = events["bleeding"]
    assert bruise["suspectEntity"][0]["instance"]["reference"].startswith("Procedure/proc-")
    assert codes(bruise["severity"], HL7_TERMINOLOGY + "adverse-event-severity") == ["mild"]
    assert codes(bruise["seriousness"], HL7_TERMINOLOGY + "adverse-event-seriousness") == [
        "non-serious"
    ]
    assert codes(bruise["outcome"], HL7_TERMINOLOGY + "adverse-event-outcome") == ["resolved"]


def test_later_treatments_are_procedures_of_their_episode(exported: Any) -> None:
    clinic, resources = exported
    later = [p for p in resources["Procedure"] if p["id"].startswith("intervention-")]
    grace = next(p for p in later if p["subject"]["reference"] == f"Patient/{clinic.patient}")
    assert grace["code"]["coding"][0]["code"] == "decompression"
    assert grace["performedDateTime"] == "2026-09-01"
    assert grace["reasonReference"] == [{"reference": f"Condition/episode-{clinic.episode}"}]
    assert len(later) >= 2  # the planted patient's later treatment too


def test_visits_and_schedule_follow_the_follow_up_rows(exported: Any) -> None:
    clinic, resources = exported
    with clinic.registry.sessions() as session:
        visits = session.scalar(select(func.count()).select_from(FollowUp))
        done = session.scalar(select(func.count()).where(FollowUp.completed_on.is_not(None)))
    assert len(resources["Encounter"]) == visits
    assert sum(len(plan["activity"]) for plan in resources["CarePlan"]) == visits
    finished = [e for e in resources["Encounter"] if e["status"] == "finished"]
    assert len(finished) == done
    assert all(e["period"]["start"] == e["period"]["end"] for e in finished)
    assert all("period" not in e for e in resources["Encounter"] if e["status"] == "planned")
    assert {e["class"]["code"] for e in resources["Encounter"]} == {"AMB"}


def test_chunked_export_writes_the_same_files(clinic: Clinic) -> None:
    fill_fhir_registry(clinic)
    whole = file_texts(export_to(clinic.folder / "whole"))
    chunked = file_texts(export_to(clinic.folder / "chunked", "--chunk-size", "2"))
    assert chunked == whole
    again = file_texts(export_to(clinic.folder / "whole"))  # stable ids: the same files again
    assert again == whole


def test_rows_are_read_in_keyset_pages_of_the_chunk_size(clinic: Clinic) -> None:
    fill_fhir_registry(clinic)
    paged: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if "LIMIT" in statement:
            paged.append(statement)

    # Per file: Procedure.ndjson pages procedures and later treatments, CarePlan procedures.
    tables = (
        Patient,
        Episode,
        Procedure,
        Intervention,
        Procedure,
        FollowUp,
        Assessment,
        Assessment,
    )
    with clinic.registry.transaction() as session:
        sizes = [session.scalar(select(func.count()).select_from(t)) or 0 for t in tables]
        sizes.append(session.scalar(select(func.count()).select_from(AdverseEvent)) or 0)
        admin = find_user(session, "admin")
        event.listen(clinic.registry.engine, "before_cursor_execute", count)
        try:
            export_fhir(
                session, admin, clinic.folder / "c", deidentified=False, reason="t", chunk_size=2
            )
        finally:
            event.remove(clinic.registry.engine, "before_cursor_execute", count)
    # ceil(n / 2) pages of at most two rows, then one empty page that ends the type.
    assert min(sizes) >= 2
    assert len(paged) == sum(-(-size // 2) + 1 for size in sizes)


def test_identified_export_is_for_admins_and_every_export_is_audited(clinic: Clinic) -> None:
    for role in ("researcher", "clinician"):
        result = run_fhir("export", "fhir", "--out", str(clinic.folder / role), "--user", role)
        line = error_line(result)
        assert line.startswith(f"error: --deidentified: role {role} may export de-identified")
        assert not (clinic.folder / role).exists()
    export_to(clinic.folder / "research", "--deidentified", user="researcher")
    with clinic.registry.sessions() as session:
        audit = session.scalars(select(AuditEvent).where(AuditEvent.entity == "fhir_export")).one()
    assert (audit.username, audit.action, audit.details["deidentified"]) == (
        "researcher",
        "export",
        True,
    )


def test_an_out_path_that_is_a_file_is_refused(clinic: Clinic) -> None:
    target = clinic.folder / "taken"
    target.write_text("x", encoding="utf-8")
    result = run_fhir("export", "fhir", "--out", str(target), "--user", "admin")
    assert error_line(result).startswith("error: --out:")


def test_the_service_refuses_a_chunk_size_of_zero(clinic: Clinic) -> None:
    out = clinic.folder / "zero"
    with clinic.registry.transaction() as session:
        admin = find_user(session, "admin")
        with pytest.raises(InvalidInput, match="chunk_size: 0 is out of range"):
            export_fhir(session, admin, out, deidentified=False, reason="t", chunk_size=0)
    assert not out.exists()
