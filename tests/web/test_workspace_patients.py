"""Workspace pages for patients and episodes: adding, the patient page, screening and consent.
Each write leads on to the patient page, which a reload shows again without storing anything;
bad input is shown next to its field and nothing is stored."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select
from tests.factories.pages import candidate_form, plain, texts
from tests.factories.registry import row_counts
from tests.factories.workspace import Clinic, reload_after

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
    shown = reload_after(clinic, staffed, clinic.post("/clinic/patients", GRACE))
    key = shown.location.rsplit("/", 1)[1]
    assert key.startswith("RS-")
    assert f"Patient {key} added." in shown.first
    assert f"Patient {key} added." not in shown.again  # the notice is shown once
    assert "No episode of care yet." in shown.again
    assert "Grace Example" in shown.again
    assert row_counts(staffed)["patient"] == 1
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
        ({"name": ""}, "f-name", "is required"),
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
    shown = reload_after(clinic, staffed, started)
    assert shown.location == f"/clinic/patients/{patient_key}"
    assert "cervical, mild" in shown.again
    assert row_counts(staffed)["episode"] == 2
    with staffed.sessions() as session:
        newest = session.scalars(select(Episode).order_by(Episode.id.desc())).first()
        assert newest is not None
        episode_id = newest.id
    too_early = clinic.post(f"/clinic/episodes/{episode_id}/close", {"closed_on": "2026-09-01"})
    assert too_early.status_code == 422
    assert "before the episode started" in _field_error(too_early.text, "f-closed_on")
    closed = clinic.post(f"/clinic/episodes/{episode_id}/close", {"closed_on": "2026-12-01"})
    shown = reload_after(clinic, staffed, closed)
    assert f"Episode {episode_id} closed." in shown.first
    assert "Closed</dt><dd>Tue 1 December 2026" in shown.again
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


def test_a_screening_is_stored_and_its_result_shown_once_with_every_reason(
    signed_in: Callable[[str], Clinic], staffed: Registry, patient_key: str
) -> None:
    episode_id = _episode_id(staffed, patient_key)
    clinic = signed_in("clinician")
    form: dict[str, Any] = {**candidate_form(), "screened_on": "2026-09-05"}
    response = clinic.post(f"/clinic/episodes/{episode_id}/screening", form)
    shown = reload_after(clinic, staffed, response)
    assert shown.location == f"/clinic/patients/{patient_key}"
    title = plain(shown.first.split('id="result-title">', 1)[1].split("</h2>")[0])
    assert title == "Screening result: Candidate"
    reasons = shown.first.split('class="reasons">', 1)[1].split("</ul>", 1)[0]
    assert reasons.count("<li>") == 4
    assert texts(shown.first, "source-title")  # every reason cites its sources
    assert 'id="result-title"' not in shown.again  # shown once; the record keeps the category
    assert "Candidate</strong>" in shown.again.split('id="screening-', 1)[1]
    urgent = clinic.post(
        f"/clinic/episodes/{episode_id}/screening", {**form, "red_flags": "saddle_anesthesia"}
    )
    page = clinic.get(urgent.headers["location"]).text
    opening = page.split('<section class="screening-result', 1)[1].split(">", 1)[0]
    assert 'role="alert"' in opening
    assert page.index('id="urgent"') < page.index("Episodes of care")  # before the record
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
    shown = reload_after(clinic, staffed, saved)
    assert shown.location == f"/clinic/patients/{patient_key}"
    assert "Consent (research use) refused" in shown.first
    assert "Research use: <strong>refused</strong>" in shown.again
    with staffed.sessions() as session:
        consent = session.scalars(select(Consent)).one()
    assert (consent.kind, consent.given) == ("research_use", False)
