"""Patients and episodes: random keys, identifiers kept apart, audited reads, clear refusals."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import inspect
from tests.factories.profiles import candidate_profile
from tests.factories.registry import Acting, patient_record, row_counts

from regenspine.errors import Conflict, Forbidden, InvalidInput, NotFound
from regenspine.registry.database import Registry
from regenspine.registry.models import Patient
from regenspine.registry.services.audit import audit_trail
from regenspine.registry.services.episodes import (
    close_episode,
    current_episode,
    open_episode,
    record_consent,
    record_screening,
)
from regenspine.registry.services.patients import (
    PatientQuery,
    add_patient,
    find_patient,
    find_patients,
)

TODAY = date(2026, 12, 6)
KEY = re.compile(r"RS-[0-9A-HJKMNP-TV-Z]{8}")


def test_keys_are_random_and_identifiers_live_in_their_own_table(
    acting: Acting, staffed: Registry
) -> None:
    with acting("clinician") as (session, user):
        first = add_patient(session, user, patient_record(mrn="A1"), "test")
        second = add_patient(session, user, patient_record(mrn="A2"), "test")
        keys = (first.registry_key, second.registry_key)
    assert all(KEY.fullmatch(key) for key in keys)
    assert keys[0] != keys[1]  # same name and birth date, different keys
    patient_columns = {column["name"] for column in inspect(staffed.engine).get_columns("patient")}
    assert patient_columns.isdisjoint({"name", "birth_date", "zip", "email", "phone", "mrn"})


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"birth_date": "2999-01-01"}, "patient.birth_date"),
        ({"birth_date": "1960-02-30"}, "patient.birth_date"),
        ({"sex": "f"}, "patient.sex"),
        ({"zip": "2139"}, "patient.zip"),
        ({"email": "not-an-address"}, "patient.email"),
        ({"name": ""}, "patient.name"),
        ({"nickname": "Gee"}, "patient.nickname"),
    ],
)
def test_bad_patient_fields_are_named_and_nothing_is_written(
    acting: Acting, staffed: Registry, changes: dict[str, str], field: str
) -> None:
    before = row_counts(staffed)
    with pytest.raises(InvalidInput) as raised, acting("clinician") as (session, user):
        add_patient(session, user, patient_record(**changes), "test")
    assert raised.value.field == field
    assert row_counts(staffed) == before


def test_a_second_patient_with_the_same_mrn_conflicts(acting: Acting, patient_key: str) -> None:
    with pytest.raises(Conflict) as raised, acting("clinician") as (session, user):
        add_patient(session, user, patient_record(name="Someone Else"), "test")
    assert raised.value.message == "patient.mrn: a patient with this MRN is already registered"
    assert "MRN-100" not in raised.value.message


def test_researchers_may_not_register_patients(acting: Acting) -> None:
    with pytest.raises(Forbidden), acting("researcher") as (session, user):
        add_patient(session, user, patient_record(), "test")


def test_identified_lists_are_audited_and_researchers_see_no_identifiers(
    acting: Acting, patient_key: str
) -> None:
    with acting("researcher") as (session, researcher):
        [view] = find_patients(session, researcher, PatientQuery(), "study", today=TODAY).items
        assert view.identity is None
        asked = PatientQuery(identified=True)
        with pytest.raises(InvalidInput, match="de-identified data only"):
            find_patients(session, researcher, asked, "study", today=TODAY)
    with acting("coordinator") as (session, coordinator):
        page = find_patients(
            session, coordinator, PatientQuery(), "call for 3-month visit", today=TODAY
        )
        [view] = page.items
        assert view.identity is not None
        assert view.identity["name"] == "Grace Example"
        assert view.episodes == 1
    with acting("admin") as (session, admin):
        reads = audit_trail(session, admin, entity="patient")
    read = next(event for event in reads if event.action == "read_identifying")
    assert (read.username, read.reason) == ("cora", "call for 3-month visit")
    assert read.details == {"patients": [patient_key]}


def test_records_attach_to_the_open_episode_and_closing_is_checked(
    acting: Acting, patient_key: str
) -> None:
    with acting("clinician") as (session, user):
        episode = current_episode(session, patient_key.lower())
        with pytest.raises(InvalidInput, match="closed_on"):
            close_episode(session, user, episode.id, date(2026, 8, 1), "test")
        close_episode(session, user, episode.id, date(2027, 9, 1), "follow-up complete")
        with pytest.raises(Conflict):
            close_episode(session, user, episode.id, date(2027, 9, 2), "again")
        with pytest.raises(NotFound, match="no open episode"):
            current_episode(session, patient_key)


def test_episode_input_is_validated(acting: Acting, patient_key: str) -> None:
    with pytest.raises(InvalidInput) as raised, acting("clinician") as (session, user):
        open_episode(
            session, user, patient_key, {"region": "sacral", "started_on": "2026-01-01"}, "t"
        )
    assert raised.value.field == "episode.region"
    with pytest.raises(NotFound), acting("clinician") as (session, user):
        open_episode(session, user, "RS-00000000", {"region": "lumbar"}, "t")


def test_screening_stores_the_profile_and_the_decision_aid_result(
    acting: Acting, patient_key: str
) -> None:
    with acting("clinician") as (session, user):
        episode = current_episode(session, patient_key)
        urgent = candidate_profile(red_flags=["saddle_anesthesia"])
        stored = record_screening(session, user, episode.id, urgent, date(2026, 9, 2), "t")
        assert stored.category == "urgent_care"
        assert stored.profile["red_flags"] == ["saddle_anesthesia"]
        assert stored.result["category"] == "urgent_care"
        fine = record_screening(session, user, episode.id, candidate_profile(), date.today(), "t")
        assert fine.category == "candidate"


def test_consent_withdrawal_cannot_precede_consent(acting: Acting, patient_key: str) -> None:
    with acting("coordinator") as (session, user):
        episode = current_episode(session, patient_key)
        consent = {"kind": "registry", "given": True, "recorded_on": "2026-09-01"}
        assert record_consent(session, user, episode.id, consent, "t").given is True
        with pytest.raises(InvalidInput, match="withdrawn_on"):
            record_consent(session, user, episode.id, consent | {"withdrawn_on": "2026-08-01"}, "t")


def test_find_patient_is_case_insensitive(acting: Acting, patient_key: str) -> None:
    with acting("clinician") as (session, _user):
        assert isinstance(find_patient(session, f" {patient_key.lower()} "), Patient)
