"""Safety records in the workspace: adverse events graded and judged serious or not, and later
treatments such as surgery; each leads on to the patient page, which a reload shows again
without storing anything."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select
from tests.factories.pages import plain, texts
from tests.factories.registry import row_counts
from tests.factories.workspace import Clinic, reload_after

from regenspine.care.adverse_events import load_adverse_event_texts
from regenspine.registry.database import Registry
from regenspine.registry.models import AdverseEvent, Intervention


def event_form(patient_key: str, **changes: Any) -> dict[str, Any]:
    """A hospitalisation for an infection after the injection, possibly related."""
    form: dict[str, Any] = {
        "patient": patient_key,
        "description": "Fever and back pain; admitted for antibiotics",
        "category": "infection",
        "site": "injection",
        "grade": "3",
        "serious_criteria": ["hospitalization"],
        "relatedness": "possible",
        "onset_on": "2026-09-10",
        "outcome": "recovering",
    }
    form.update(changes)
    return {name: value for name, value in form.items() if value is not None}


def _field_error(page: str, field_id: str) -> str:
    return plain(page.split(f'id="{field_id}-error">', 1)[1].split("</p>", 1)[0])


def test_the_form_offers_the_grades_criteria_and_relatedness_with_their_meanings(
    signed_in: Callable[[str], Clinic], patient_key: str
) -> None:
    page = signed_in("coordinator").get(f"/clinic/adverse-events/new?patient={patient_key}").text
    texts = load_adverse_event_texts()
    for grade, meaning in texts.grades.levels.items():
        assert f"{grade}: {meaning.label}" in page
    for meaning in texts.serious_criteria.levels.values():
        assert meaning.label in page
    assert texts.relatedness.levels["possible"].label in page
    assert 'class="source-title"' in page


def test_a_serious_related_event_is_stored_and_its_assessment_shown_once(
    signed_in: Callable[[str], Clinic], staffed: Registry, patient_key: str
) -> None:
    clinic = signed_in("clinician")
    response = clinic.post("/clinic/adverse-events", event_form(patient_key))
    shown = reload_after(clinic, staffed, response)
    assert shown.location == f"/clinic/patients/{patient_key}"
    labels = load_adverse_event_texts()
    notice = plain(shown.first.split('class="notice"', 1)[1].split("</div>", 1)[0])
    infection = labels.categories.levels["infection"]
    assert f"{infection}, serious ({labels.serious_criteria.levels['hospitalization'].label})" in (
        notice
    )
    assert labels.findings["serious_and_related"].title in notice
    assert texts(shown.first, "source-title")  # the grading and the findings cite sources
    assert 'class="notice"' not in shown.again
    row = shown.again.split('id="adverse-event-', 1)[1].split("</tr>", 1)[0]
    assert infection in row
    assert labels.relatedness.levels["possible"].label in row
    with staffed.sessions() as session:
        stored = session.scalars(select(AdverseEvent)).one()
    assert (stored.grade, stored.serious, stored.serious_criteria) == (3, True, ["hospitalization"])


@pytest.mark.parametrize(
    ("changes", "field_id", "message"),
    [
        ({"grade": "5"}, "f-outcome", "fatal"),
        ({"grade": "7"}, "f-grade", "unknown value"),
        ({"category": "magic"}, "f-category", "infection"),
        ({"resolved_on": "2026-09-01", "outcome": "recovered"}, "f-resolved_on", "onset"),
        ({"serious_criteria": ["bored"]}, "f-serious_criteria", "hospitalization"),
        ({"onset_on": "yesterday"}, "f-onset_on", "calendar date"),
        ({"procedure": "12abc"}, "f-procedure", "record number"),
    ],
)
def test_a_bad_or_contradictory_event_is_named_and_nothing_is_stored(
    signed_in: Callable[[str], Clinic],
    staffed: Registry,
    patient_key: str,
    changes: dict[str, Any],
    field_id: str,
    message: str,
) -> None:
    clinic = signed_in("clinician")
    before = row_counts(staffed)
    response = clinic.post("/clinic/adverse-events", event_form(patient_key, **changes))
    assert response.status_code == 422
    assert message in _field_error(response.text, field_id)
    assert 'value="Fever and back pain' not in response.text  # a textarea keeps it as content
    assert "Fever and back pain; admitted for antibiotics</textarea>" in response.text
    assert row_counts(staffed) == before


def test_a_grade_4_event_ticked_not_serious_is_refused_with_the_ich_e2a_reason(
    signed_in: Callable[[str], Clinic], staffed: Registry, patient_key: str
) -> None:
    clinic = signed_in("clinician")
    before = row_counts(staffed)
    response = clinic.post(
        "/clinic/adverse-events", event_form(patient_key, grade="4", serious_criteria=None)
    )
    assert response.status_code == 422
    message = _field_error(response.text, "f-serious_criteria")
    assert "serious by definition" in message
    assert "ICH E2A" in message
    assert "life_threatening" in message  # the allowed criteria
    assert 'id="f-grade-4" aria-describedby="f-grade-4-hint" checked' in response.text
    assert row_counts(staffed) == before


def test_an_event_for_an_unknown_procedure_is_refused(
    signed_in: Callable[[str], Clinic], patient_key: str
) -> None:
    response = signed_in("clinician").post(
        "/clinic/adverse-events", event_form(patient_key, procedure="4242")
    )
    assert response.status_code == 404
    assert "no procedure 4242" in response.text


def test_a_later_surgery_is_recorded_as_surgery(
    signed_in: Callable[[str], Clinic], staffed: Registry, patient_key: str
) -> None:
    clinic = signed_in("coordinator")
    form = {"patient": patient_key, "kind": "decompression", "performed_on": "2027-03-01"}
    shown = reload_after(clinic, staffed, clinic.post("/clinic/interventions", form))
    assert shown.location == f"/clinic/patients/{patient_key}"
    assert "It counts as surgery." in shown.first
    assert "Decompression <strong>(surgery)</strong>" in shown.again
    too_early = clinic.post("/clinic/interventions", {**form, "performed_on": "2020-01-01"})
    assert too_early.status_code == 422
    assert "before the episode started" in _field_error(too_early.text, "f-performed_on")
    unknown = clinic.post("/clinic/interventions", {**form, "kind": "acupuncture"})
    assert "decompression_with_fusion" in _field_error(unknown.text, "f-kind")
    with staffed.sessions() as session:
        assert session.scalars(select(Intervention.is_surgery)).all() == [True]
