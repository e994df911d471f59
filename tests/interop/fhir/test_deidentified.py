"""Issue 7 §3 for FHIR: a de-identified export holds no planted identifier and no date.

The planted patient (tests/factories/exports.py) is 91, lives in a restricted ZIP area and
has identifiers typed into every free-text field; every date becomes days from the patient's
index procedure.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

import pytest
from sqlalchemy import Date, DateTime, select
from tests.factories.cli import Clinic
from tests.factories.exports import PLANTED_STRINGS, ZEBULON
from tests.factories.fhir import export_to, file_texts, fill_fhir_registry, read_ndjson

from regenspine.registry.models import Base
from regenspine.registry.services.episodes import open_episode
from regenspine.registry.services.users import find_user

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
DAYS_FROM_INDEX = "https://regenspine.example/fhir/StructureDefinition/days-from-index"
SKIPPED_TABLES = {"app_user", "audit_event", "api_token", "alembic_version"}


@pytest.fixture
def filled(clinic: Clinic) -> Clinic:
    """The clinic with every kind of record, the planted patient among them."""
    fill_fhir_registry(clinic)
    return clinic


def stored_days(clinic: Clinic) -> set[date]:
    """Every date the registry's patient tables hold."""
    found: set[date] = set()
    with clinic.registry.sessions() as session:
        for table in Base.metadata.sorted_tables:
            if table.name in SKIPPED_TABLES:
                continue
            for column in table.columns:
                kind = getattr(column.type, "impl", column.type)
                if isinstance(kind, Date | DateTime):
                    for value in session.scalars(select(column)):
                        if value is not None:
                            found.add(value.date() if isinstance(value, datetime) else value)
    return found


def offset(element: dict[str, Any]) -> int:
    """The days-from-index value standing in for a date."""
    (found,) = element["extension"]
    assert found["url"] == DAYS_FROM_INDEX
    return int(found["valueInteger"])


def test_no_identifier_or_date_reaches_the_de_identified_files(filled: Clinic) -> None:
    texts = file_texts(export_to(filled.folder / "research", "--deidentified", user="researcher"))
    spellings = {
        day.strftime(pattern)
        for day in stored_days(filled)
        for pattern in ("%Y-%m-%d", "%m/%d/%Y", "%d.%m.%Y", "%Y%m%d")
    }
    assert "2026-08-10" in spellings  # the planted procedure day is among the stored dates
    for name, text in texts.items():
        lowered = text.lower()
        assert [s for s in PLANTED_STRINGS if s.lower() in lowered] == [], name
        assert [s for s in spellings if s in text] == [], name
        assert ISO_DATE.findall(text) == [], name


def test_the_identified_export_does_hold_them(filled: Clinic) -> None:
    """The control: the plants are findable, so their absence above means something."""
    text = "\n".join(file_texts(export_to(filled.folder / "full")).values()).lower()
    assert ZEBULON.lower() in text
    assert "mrn-zq-77731" in text
    assert "2026-08-10" in text


def test_patients_keep_year_and_zip3_within_the_safe_harbor_rules(filled: Clinic) -> None:
    resources = read_ndjson(export_to(filled.folder / "research", "--deidentified"))
    patients = {p["id"]: p for p in resources["Patient"]}
    grace = patients[filled.patient]
    assert (grace["birthDate"], grace["address"]) == ("1957", [{"postalCode": "021"}])
    old = next(p for p in patients.values() if p.get("address") == [{"postalCode": "000"}])
    assert "birthDate" not in old  # 91 years old: the birth year would reveal it
    assert old["extension"][-1]["url"].endswith("/age-90-or-older")
    for patient in patients.values():
        assert not {"name", "telecom"} & set(patient)
        assert [i["system"].rsplit("/", 1)[1] for i in patient["identifier"]] == ["registry-key"]
        assert {"code": "deidentified"}.items() <= patient["meta"]["tag"][-1].items()
    for items in resources.values():
        assert all(item["meta"]["tag"][-1]["code"] == "deidentified" for item in items)


def test_dates_become_days_from_the_index_procedure(filled: Clinic) -> None:
    resources = read_ndjson(export_to(filled.folder / "research", "--deidentified"))
    mine = f"Patient/{filled.patient}"
    injection = next(
        p for p in resources["Procedure"] if p["subject"]["reference"] == mine and "partOf" not in p
    )
    assert offset(injection["_performedDateTime"]) == 0  # 2026-03-02 is Grace's index day
    assert injection["performedDateTime"] == "2026"  # the index procedure keeps its year only
    observations = [o for o in resources["Observation"] if o["subject"]["reference"] == mine]
    by_timepoint = {
        o["extension"][1]["valueCode"]: offset(o["_effectiveDateTime"]) for o in observations
    }
    assert by_timepoint == {"baseline": -10, "3m": 92}  # 2026-02-20 and 2026-06-02
    condition = next(c for c in resources["Condition"] if c["subject"]["reference"] == mine)
    assert offset(condition["_recordedDate"]) == -14  # episode opened 2026-02-16
    plan = next(p for p in resources["CarePlan"] if p["subject"]["reference"] == mine)
    due = {
        a["detail"]["code"]["coding"][0]["code"]: offset(a["detail"]["extension"][0])
        for a in plan["activity"]
    }
    assert (due["baseline"], due["2w"], due["3m"]) == (0, 14, 92)
    event = next(e for e in resources["AdverseEvent"] if e["subject"]["reference"] == mine)
    assert offset(event["_date"]) == 14  # onset 2026-03-16
    assert "text" not in event["event"]
    harvest = next(p for p in resources["Procedure"] if p["id"] == f"{injection['id']}-harvest")
    assert "performedDateTime" not in harvest


def test_an_episode_without_a_procedure_has_no_dates(filled: Clinic) -> None:
    with filled.registry.transaction() as session:
        later = {"region": "cervical", "started_on": date(2026, 10, 1), "note": "neck"}
        episode = open_episode(session, find_user(session, "clinician"), filled.patient, later, "t")
        number = episode.id
    resources = read_ndjson(export_to(filled.folder / "research", "--deidentified"))
    condition = next(c for c in resources["Condition"] if c["id"] == f"episode-{number}")
    assert not {"recordedDate", "_recordedDate", "note"} & set(condition)
