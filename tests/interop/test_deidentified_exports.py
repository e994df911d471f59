"""Issue 7 §3: no identifier planted in the registry reaches any file of a de-identified export.

The planted patient (tests/factories/exports.py) is 91, lives in a restricted three-digit
ZIP area and has a name, e-mail, phone and MRN; the same identifiers are typed into every
free-text field (episode note, consent form version, screening profile, harvest site, device,
lot number, operator, medicine and its note, adverse-event description, later treatment). The
clinic's other patient has an ordinary ZIP code. Every date stored for either patient is looked
for in the usual ways of writing it.

Every exporter is one entry of EXPORT_FORMATS (`regenspine export <format>`).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import Date, DateTime, select
from tests.factories.cli import Clinic
from tests.factories.exports import (
    ZEBULON,
    exported_files,
    fill_course,
    plant_identifiers,
    read_rows,
    run_export,
)

from regenspine.registry.database import Registry
from regenspine.registry.models import Base

EXPORT_FORMATS = [
    "csv",
    "redcap",
    "fhir",
]
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def stored_dates(registry: Registry) -> set[date]:
    """Every date and timestamp the registry holds in its patient tables."""
    found: set[date] = set()
    skipped = {"app_user", "audit_event", "api_token", "alembic_version"}
    with registry.sessions() as session:
        for table in Base.metadata.sorted_tables:
            if table.name in skipped:
                continue
            for column in table.columns:
                kind = getattr(column.type, "impl", column.type)  # UtcDateTime wraps DateTime
                if isinstance(kind, Date | DateTime):
                    found |= {_day(v) for v in session.scalars(select(column)) if v is not None}
    return found


def _day(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def date_spellings(day: date) -> set[str]:
    """A date written as ISO, US, European and compact text."""
    return {
        day.isoformat(),
        day.strftime("%m/%d/%Y"),
        day.strftime("%d/%m/%Y"),
        day.strftime("%d.%m.%Y"),
        day.strftime("%Y%m%d"),
    }


@pytest.fixture
def planted(clinic: Clinic) -> tuple[Clinic, tuple[str, ...]]:
    """The clinic with a full course for its patient and the planted patient."""
    fill_course(clinic)
    return clinic, plant_identifiers(clinic.registry).strings


def _export(clinic: Clinic, export_format: str, *options: str, user: str) -> Path:
    out = clinic.folder / f"{export_format}-{user}"
    result = run_export(export_format, "--out", str(out), "--user", user, *options)
    assert result.exit_code == 0, result.stderr
    return out


@pytest.mark.parametrize("export_format", EXPORT_FORMATS)
def test_no_planted_identifier_or_date_reaches_a_de_identified_export(
    planted: tuple[Clinic, tuple[str, ...]], export_format: str
) -> None:
    clinic, strings = planted
    out = _export(clinic, export_format, "--deidentified", user="researcher")
    dates = stored_dates(clinic.registry)
    assert date(1935, 1, 15) in dates  # the planted birth date
    assert date(2026, 8, 10) in dates  # the planted procedure
    # about.txt names the export day, which is also when the test wrote its records (the
    # registry's own timestamps); every data file is held to no ISO date at all below.
    spellings = {s for day in dates - {date.today()} for s in date_spellings(day)}
    files = list(exported_files(out))
    assert files
    for path in files:
        text = path.read_text(encoding="utf-8")
        lowered = text.lower()
        leaked = [s for s in strings if s.lower() in lowered]
        assert leaked == [], (path.name, leaked)
        assert [s for s in spellings if s in text] == [], path.name
        if path.name != "about.txt":
            assert ISO_DATE.findall(text) == [], path.name


@pytest.mark.parametrize("export_format", EXPORT_FORMATS)
def test_the_identified_export_does_hold_the_planted_identifiers(
    planted: tuple[Clinic, tuple[str, ...]], export_format: str
) -> None:
    """The control: the plants are findable, so their absence above means something."""
    clinic, strings = planted
    out = _export(clinic, export_format, user="admin")
    text = "\n".join(path.read_text(encoding="utf-8") for path in exported_files(out)).lower()
    assert ZEBULON.lower() in text
    assert [s for s in strings if s.lower() in text]
    assert "2026-08-10" in text


def test_ages_over_89_and_small_zip_areas_are_generalised(
    planted: tuple[Clinic, tuple[str, ...]],
) -> None:
    clinic, _strings = planted
    out = _export(clinic, "csv", "--deidentified", user="researcher")
    patients = {row["patient_key"]: row for row in read_rows(out / "patients.csv")}
    old = next(row for key, row in patients.items() if key != clinic.patient)
    assert (old["zip3"], old["birth_year"]) == ("000", "")
    assert (patients[clinic.patient]["zip3"], patients[clinic.patient]["birth_year"]) == (
        "021",
        "1957",
    )
    ages = {row["patient_key"]: row["age_at_index"] for row in read_rows(out / "episodes.csv")}
    assert ages == {clinic.patient: "68", old["patient_key"]: "90+"}
    screened = {row["patient_key"]: row for row in read_rows(out / "screenings.csv")}
    assert screened[old["patient_key"]]["age"] == "90+"
    # Text typed where the profile expects its vocabulary is left out, the vocabulary kept.
    assert screened[old["patient_key"]]["symptoms"] == "neurogenic_claudication;leg_pain"
    assert screened[old["patient_key"]]["general_health"] == ""
