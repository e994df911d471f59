"""The procedure form: "Check" shows the protocol checks before anything is saved, a refused
record cannot be saved and shows why, and a record that passes is stored with its follow-ups
and shown on the patient page with its stored checks (a reload stores nothing more)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import select
from tests.factories.pages import plain, texts
from tests.factories.registry import row_counts
from tests.factories.workspace import Clinic, procedure_form, reload_after

from regenspine.registry.database import Registry
from regenspine.registry.models import FollowUp, MedicationNote, Procedure


def outcomes(page: str) -> dict[str, str]:
    """Each protocol check's title and its outcome, as the page shows them."""
    found = {}
    for item in page.split('<li class="check outcome-')[1:]:
        outcome = item.split('"', 1)[0]
        title = plain(item.split("<strong>", 1)[1].split("</strong>", 1)[0])
        found[title] = outcome
    return found


def test_the_form_starts_with_save_disabled_until_the_record_is_checked(
    signed_in: Callable[[str], Clinic], patient_key: str
) -> None:
    page = signed_in("clinician").get(f"/clinic/procedures/new?patient={patient_key}").text
    assert f'value="{patient_key}"' in page
    assert 'id="save-procedure" disabled' in page
    assert 'hx-post="/clinic/procedures/check"' in page
    assert 'formaction="/clinic/procedures/check"' in page


def test_check_shows_a_refusal_as_an_htmx_partial_and_stores_nothing(
    signed_in: Callable[[str], Clinic], staffed: Registry, patient_key: str
) -> None:
    clinic = signed_in("clinician")
    before = row_counts(staffed)
    form = procedure_form(patient_key, injection__image_guidance="none")
    response = clinic.post("/clinic/procedures/check", form, htmx=True)
    assert response.status_code == 200
    assert "<html" not in response.text  # the form section only
    assert 'id="procedure-tool"' in response.text
    assert "This procedure cannot be saved." in response.text
    assert outcomes(response.text)["Image guidance of the injection"] == "refused"
    assert 'id="save-procedure" disabled' in response.text
    assert texts(response.text, "source-title")
    assert row_counts(staffed) == before


def test_check_without_htmx_answers_with_the_whole_page(
    signed_in: Callable[[str], Clinic], patient_key: str
) -> None:
    response = signed_in("clinician").post("/clinic/procedures/check", procedure_form(patient_key))
    assert response.status_code == 200
    assert "<html" in response.text
    assert "No check refuses this record." in response.text
    assert 'id="save-procedure">' in response.text  # enabled
    assert set(outcomes(response.text).values()) <= {"passed", "warning", "note"}


def test_a_refused_procedure_cannot_be_saved_and_shows_why(
    signed_in: Callable[[str], Clinic], staffed: Registry, patient_key: str
) -> None:
    clinic = signed_in("clinician")
    before = row_counts(staffed)
    refused = clinic.post(
        "/clinic/procedures", procedure_form(patient_key, injection__image_guidance="none")
    )
    assert refused.status_code == 422
    assert "This procedure cannot be saved." in refused.text
    assert "refused by the protocol check" in refused.text
    assert 'id="f-injection-image_guidance-error"' in refused.text
    assert row_counts(staffed) == before


def test_a_procedure_that_passes_is_saved_with_its_checks_medicine_and_follow_ups(
    signed_in: Callable[[str], Clinic], staffed: Registry, patient_key: str
) -> None:
    clinic = signed_in("clinician")
    form = procedure_form(
        patient_key,
        **{
            "medications.drug": "ibuprofen",
            "medications.is_nsaid": "yes",
            "medications.started_on": "2026-02-27",
            "medications.stopped_on": "2026-03-04",
        },
    )
    checked = clinic.post("/clinic/procedures/check", form, htmx=True)
    assert (
        outcomes(checked.text)["Anti-inflammatory medicines (NSAIDs) around the injection"]
        == "warning"
    )
    shown = reload_after(clinic, staffed, clinic.post("/clinic/procedures", form))
    assert shown.location == f"/clinic/patients/{patient_key}"
    nsaids = "Anti-inflammatory medicines (NSAIDs) around the injection"
    assert f"{nsaids}: warning" in shown.first
    stored_checks = shown.again.split('id="procedure-', 1)[1].split("</section>", 1)[0]
    assert outcomes(stored_checks)[nsaids] == "warning"
    assert texts(shown.again, "source-title")  # the stored checks keep their sources
    assert "ibuprofen (anti-inflammatory, NSAID)" in shown.again
    assert shown.again.count('<span class="tag tag-') >= 7  # every visit with its status
    with staffed.sessions() as session:
        procedure = session.scalars(select(Procedure)).one()
        assert procedure.image_guidance == "fluoroscopy"
        assert next(check.check_id for check in procedure.checks) == "nsaid_window"
        timepoints = session.scalars(
            select(FollowUp.timepoint).where(FollowUp.procedure_id == procedure.id)
        ).all()
        assert len(timepoints) == 7
        assert session.scalars(select(MedicationNote.drug)).all() == ["ibuprofen"]


@pytest.mark.parametrize(
    ("changes", "field_id", "message"),
    [
        ({"injection__levels": "L4-L6"}, "f-injection-levels", "not a spinal level"),
        ({"injection__levels": "C5-C6"}, "f-injection-levels", "not in the lumbar spine"),
        ({"harvest__volume_ml": "lots"}, "f-harvest-volume_ml", "not a number"),
        ({"harvest__source": "placenta"}, "f-harvest-source", "bone_marrow"),
        ({"injection__operator": "x" * 500}, "f-injection-operator", "1 to 120"),
        ({"performed_on": "9999-12-01"}, "f-performed_on", "too late"),
        ({"processing__ended_at": "2026-03-02T08:00"}, "f-processing-ended_at", "not be before"),
        ({"patient": "RS-NOTHERE"}, "f-patient", "no patient with registry key"),
        (
            {"medications__drug": "ibuprofen", "medications__started_on": "someday"},
            "f-medications-started_on",
            "date",
        ),
    ],
)
def test_a_bad_field_is_named_at_the_field_and_nothing_is_stored(
    signed_in: Callable[[str], Clinic],
    staffed: Registry,
    patient_key: str,
    changes: dict[str, str],
    field_id: str,
    message: str,
) -> None:
    clinic = signed_in("clinician")
    before = row_counts(staffed)
    for path in ("/clinic/procedures/check", "/clinic/procedures"):
        response = clinic.post(path, procedure_form(patient_key, **changes))
        assert response.status_code in (404, 422), (path, response.status_code)
        error = response.text.split(f'id="{field_id}-error">', 1)
        assert len(error) == 2, (path, field_id)
        assert message in plain(error[1].split("</p>", 1)[0])
    assert row_counts(staffed) == before


def test_the_form_keeps_what_was_typed_after_a_problem(
    signed_in: Callable[[str], Clinic], patient_key: str
) -> None:
    form = procedure_form(patient_key, injection__levels="L9-L10")
    page = signed_in("clinician").post("/clinic/procedures/check", form).text
    assert 'value="L9-L10"' in page
    assert 'value="posterior iliac crest"' in page
    assert 'value="epidural" id="f-injection-targets" checked' in page
