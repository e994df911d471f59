"""Workspace pages for patients and episodes: adding, the patient page, screening and consent.
Bad input is shown next to its field and nothing is stored."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select
from tests.registry.conftest import row_counts
from tests.web.clinic_support import Clinic
from tests.web.support import candidate_form, plain, texts

from regenspine.registry.database import Registry
from regenspine.registry.models import Consent, Episode, Patient, Screening

GRACE = {
    "name": "Grace Example",
    "birth_date": "1957-06-02",
    "sex": "female",
    "mrn": "MRN-200",
    "zip": "02139",
    "email": "grace@example.org",
    "site": "main",
}


def _field_error(page: str, field_id: str) -> str:
    """The message shown right at a field."""
    return plain(page.split(f'id="{field_id}-error">', 1)[1].split("</p>", 1)[0])


def _episode_id(registry: Registry, registry_key: str) -> int:
    with registry.sessions() as session:
        return session.scalars(
            select(Episode.id).join(Patient).where(Patient.registry_key == registry_key)
        ).one()


def test_a_patient_is_added_and_opens_on_its_own_page(
    signed_in: Callable[[str], Clinic], staffed: Registry
) -> None:
    clinic = signed_in("coordinator")
    response = clinic.post("/clinic/patients", GRACE)
    assert response.status_code == 303
    key = response.headers["location"].rsplit("/", 1)[1]
    assert key.startswith("RS-")
    page = clinic.get(response.headers["location"]).text
    assert f"Patient {key} added." in page
    assert "No episode of care yet." in page
    listing = clinic.get("/clinic/patients").text
    assert "Grace Example" in listing
    assert "MRN-200" in listing


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"birth_date": "2999-01-01"}, "f-birth_date", "must not be in the future"),
        ({"birth_date": "02/06/1957"}, "f-birth_date", "date"),
        ({"sex": "robot"}, "f-sex", "female"),
        ({"zip": "ABCDE"}, "f-zip", "pattern"),
        ({"name": ""}, "f-name", "field required"),
    ],
)
def test_a_bad_patient_field_is_named_at_the_field_and_nothing_is_stored(
    signed_in: Callable[[str], Clinic],
    staffed: Registry,
    changes: dict[str, str],
    field: str,
    message: str,
) -> None:
    clinic = signed_in("clinician")
    before = row_counts(staffed)
    form = {key: value for key, value in {**GRACE, **changes}.items() if value}
    response = clinic.post("/clinic/patients", form)
    assert response.status_code == 422
    assert message in _field_error(response.text, field)
    assert 'class="error-summary"' in response.text
    assert 'value="Grace Example"' in response.text or "name" in changes  # kept as typed
    assert row_counts(staffed) == before


def test_a_second_patient_with_the_same_mrn_is_refused_at_the_field(
    signed_in: Callable[[str], Clinic], patient_key: str
) -> None:
    response = signed_in("clinician").post("/clinic/patients", {**GRACE, "mrn": "MRN-100"})
    assert response.status_code == 409
    assert "already registered" in _field_error(response.text, "f-mrn")


def test_an_unknown_patient_is_a_404_page(signed_in: Callable[[str], Clinic]) -> None:
    response = signed_in("clinician").get("/clinic/patients/RS-NOTHERE")
    assert response.status_code == 404
    assert "no patient with registry key" in response.text
    assert signed_in("clinician").get("/clinic/patients/..%2F..").status_code in (404, 422)


def test_an_episode_is_started_and_closed(
    signed_in: Callable[[str], Clinic], staffed: Registry, patient_key: str
) -> None:
    clinic = signed_in("coordinator")
    started = clinic.post(
        f"/clinic/patients/{patient_key}/episodes",
        {"region": "cervical", "severity": "mild", "started_on": "2026-10-01"},
    )
    assert started.status_code == 303
    page = clinic.get(started.headers["location"]).text
    assert "cervical, mild" in page
    with staffed.sessions() as session:
        newest = session.scalars(select(Episode).order_by(Episode.id.desc())).first()
        assert newest is not None
        episode_id = newest.id
    too_early = clinic.post(f"/clinic/episodes/{episode_id}/close", {"closed_on": "2026-09-01"})
    assert too_early.status_code == 422
    assert "before the episode started" in _field_error(too_early.text, "f-closed_on")
    closed = clinic.post(f"/clinic/episodes/{episode_id}/close", {"closed_on": "2026-12-01"})
    assert closed.status_code == 303
    again = clinic.post(f"/clinic/episodes/{episode_id}/close", {"closed_on": "2026-12-02"})
    assert again.status_code == 409
    assert "already closed" in again.text


def test_a_bad_episode_names_its_field(
    signed_in: Callable[[str], Clinic], staffed: Registry, patient_key: str
) -> None:
    clinic = signed_in("clinician")
    before = row_counts(staffed)
    response = clinic.post(
        f"/clinic/patients/{patient_key}/episodes",
        {"region": "sacral", "started_on": "2026-10-01", "diagnosis_code": "stenosis"},
    )
    assert response.status_code == 422
    assert "lumbar" in _field_error(response.text, "f-region")
    assert row_counts(staffed) == before


def test_a_screening_is_stored_with_the_decision_aid_result(
    signed_in: Callable[[str], Clinic], staffed: Registry, patient_key: str
) -> None:
    episode_id = _episode_id(staffed, patient_key)
    clinic = signed_in("clinician")
    form: dict[str, Any] = {**candidate_form(), "screened_on": "2026-09-05"}
    response = clinic.post(f"/clinic/episodes/{episode_id}/screening", form)
    assert response.status_code == 200
    assert plain(response.text.split('id="result-title">', 1)[1].split("</h1>")[0]) == "Candidate"
    assert texts(response.text, "source-title")  # every reason cites its sources
    urgent = clinic.post(
        f"/clinic/episodes/{episode_id}/screening", {**form, "red_flags": "saddle_anesthesia"}
    )
    assert 'id="urgent"' in urgent.text
    with staffed.sessions() as session:
        stored = session.scalars(select(Screening).order_by(Screening.id)).all()
    assert [row.category for row in stored] == ["candidate", "urgent_care"]
    assert stored[0].profile["age"] == 66


def test_a_screening_shows_every_missing_answer_at_once_and_stores_nothing(
    signed_in: Callable[[str], Clinic], staffed: Registry, patient_key: str
) -> None:
    episode_id = _episode_id(staffed, patient_key)
    response = signed_in("clinician").post(
        f"/clinic/episodes/{episode_id}/screening",
        candidate_form(age="7", region=None, screened_on="not a date"),
    )
    assert response.status_code == 422
    assert "out of range" in _field_error(response.text, "f-age")
    assert "choose one" in _field_error(response.text, "f-region")
    assert "not a calendar date" in _field_error(response.text, "f-screened_on")
    assert row_counts(staffed)["screening"] == 0


def test_consent_is_recorded_and_a_bad_one_named(
    signed_in: Callable[[str], Clinic], staffed: Registry, patient_key: str
) -> None:
    episode_id = _episode_id(staffed, patient_key)
    clinic = signed_in("coordinator")
    path = f"/clinic/episodes/{episode_id}/consent"
    bad = clinic.post(path, {"kind": "registry", "given": "maybe", "recorded_on": "2026-09-02"})
    assert bad.status_code == 422
    assert "unknown value" in _field_error(bad.text, "f-given")
    withdrawn_early = clinic.post(
        path,
        {
            "kind": "registry",
            "given": "yes",
            "recorded_on": "2026-09-02",
            "withdrawn_on": "2026-01-01",
        },
    )
    assert withdrawn_early.status_code == 422
    assert row_counts(staffed)["consent"] == 0
    saved = clinic.post(path, {"kind": "research_use", "given": "no", "recorded_on": "2026-09-02"})
    assert saved.status_code == 303
    assert "Consent (research use) refused" in clinic.get(saved.headers["location"]).text
    with staffed.sessions() as session:
        consent = session.scalars(select(Consent)).one()
    assert (consent.kind, consent.given) == ("research_use", False)
