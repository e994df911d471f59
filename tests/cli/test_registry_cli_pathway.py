"""Registry commands along the care pathway: procedures with their checks, medicines, visits."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from tests.factories.cli import (
    Clinic,
    error_line,
    open_clinic,
    procedure_record,
    run,
    run_json,
)
from tests.factories.procedures import ALLOGENEIC_PROCEDURE, DELETE
from typer.testing import Result

from regenspine.care.protocol import CHECK_IDS
from regenspine.registry.database import Registry
from regenspine.registry.models import FollowUp, ProtocolCheckRow

# An NSAID taken from before the sample procedure (2026-03-02) and not stopped.
IBUPROFEN = {"drug": "ibuprofen", "is_nsaid": True, "started_on": "2026-02-20"}
IMAGE_GUIDANCE_REFUSED = (
    "error: injection.image_guidance: refused by the protocol check "
    "'Image guidance of the injection'"
)


@pytest.fixture
def clinic(registry: Registry, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Clinic:
    """A migrated registry with one user per role and one patient with an open episode."""
    return open_clinic(registry, monkeypatch, tmp_path)


def add_procedure(clinic: Clinic, record: dict[str, Any], *extra: str) -> Result:
    """Run `procedures add --json FILE` as the clinician, with extra options."""
    path = clinic.write_json("procedure.json", record)
    return run("procedures", "add", "--json", path, "--user", "clinician", *extra)


def saved_procedure(clinic: Clinic, **changes: Any) -> dict[str, Any]:
    """Save the sample procedure (changed) and return the `--as-json` output."""
    result = add_procedure(clinic, procedure_record(clinic.patient, **changes), "--as-json")
    assert result.exit_code == 0, result.stderr
    payload: dict[str, Any] = json.loads(result.stdout)
    return payload


def checks_by_id(payload: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The protocol checks of a `--as-json` output by check id."""
    return {check["id"]: check for check in payload["checks"]}


def due(today: str, within: str = "14d") -> list[tuple[str, str, str]]:
    """`followups due` as (timepoint, due date, status) rows."""
    args = ("followups", "due", "--today", today, "--within", within, "--json")
    return [(v["timepoint"], v["due_on"], v["status"]) for v in run_json(*args, "--user", "admin")]


def words(text: str) -> str:
    """Text with the console's line wrapping undone."""
    return " ".join(text.split())


# procedures


def test_a_valid_procedure_prints_its_checks_and_saves_its_schedule(clinic: Clinic) -> None:
    before = clinic.counts()
    result = add_procedure(clinic, procedure_record(clinic.patient))
    assert result.exit_code == 0, result.stderr
    text = words(result.stdout)
    assert text.startswith("PASSED Image guidance of the injection: Guided by fluoroscopy")
    assert text.count("PASSED ") == len(CHECK_IDS)
    assert "[seed-004, seed-000, cpt-0628t-descriptor, ijss-2021-intradiscal-sae]" in text
    saved = re.search(r"Saved procedure (\d+) and its follow-up schedule\.$", text)
    assert saved is not None

    after = clinic.counts()
    grown = {table: after[table] - before[table] for table in after if after[table] > before[table]}
    assert grown == {
        "procedure": 1,
        "injection_target": 1,
        "protocol_check": len(CHECK_IDS),
        "follow_up": 7,
        "audit_event": 1,
    }
    with clinic.registry.sessions() as session:
        visits = session.execute(
            select(FollowUp.timepoint, FollowUp.due_on)
            .where(FollowUp.procedure_id == int(saved.group(1)))
            .order_by(FollowUp.due_on)
        ).all()
    assert [(timepoint, str(day)) for timepoint, day in visits] == [
        ("baseline", "2026-03-02"),
        ("2w", "2026-03-16"),
        ("6w", "2026-04-13"),
        ("3m", "2026-06-02"),
        ("6m", "2026-09-02"),
        ("12m", "2027-03-02"),
        ("24m", "2028-03-02"),
    ]


def test_an_injection_without_image_guidance_is_refused_and_nothing_is_stored(
    clinic: Clinic,
) -> None:
    record = procedure_record(clinic.patient, injection__image_guidance="none")
    record["medications"] = [IBUPROFEN]
    before = clinic.counts()
    result = add_procedure(clinic, record)
    assert result.exit_code == 2
    assert result.stderr == IMAGE_GUIDANCE_REFUSED + "\n"
    assert words(result.stdout).startswith(
        "REFUSED Image guidance of the injection: Recorded as given without imaging."
    )
    as_json = add_procedure(clinic, record, "--as-json")
    assert (as_json.exit_code, as_json.stderr) == (2, IMAGE_GUIDANCE_REFUSED + "\n")
    refused = json.loads(as_json.stdout)
    assert (refused["procedure"], refused["refused"]) == (None, True)
    assert refused["checks"][0]["outcome"] == "refused"
    # No procedure, medicine note, follow-up, check or audit event: the counts did not move.
    assert clinic.counts() == before


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        pytest.param({"harvest__lot_number": DELETE}, "harvest.lot_number", id="no-lot"),
        pytest.param(
            {"harvest__donor_screening_documented": False},
            "harvest.donor_screening_documented",
            id="no-donor-screening",
        ),
        pytest.param(
            {"harvest__lot_number": DELETE, "harvest__donor_screening_documented": False},
            "harvest.lot_number",
            id="neither",
        ),
    ],
)
def test_a_donor_product_without_lot_or_donor_screening_is_refused(
    clinic: Clinic, changes: dict[str, Any], field: str
) -> None:
    before = clinic.counts()
    record = procedure_record(clinic.patient, ALLOGENEIC_PROCEDURE, **changes)
    result = add_procedure(clinic, record, "--as-json")
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: {field}: refused by the protocol check 'Donor product traceability'\n"
    )
    assert json.loads(result.stdout)["refused"] is True
    assert clinic.counts() == before


def test_a_traceable_donor_product_is_saved_with_a_note_on_cell_counts(clinic: Clinic) -> None:
    result = add_procedure(clinic, procedure_record(clinic.patient, ALLOGENEIC_PROCEDURE))
    assert result.exit_code == 0, result.stderr
    text = words(result.stdout)
    assert "NOTE Cell counts of the bone marrow concentrate:" in text
    assert "PASSED Donor product traceability:" in text
    assert "LOT-2026-0142" in text
    assert re.search(r"Saved procedure \d+ and its follow-up schedule\.$", text)


@pytest.mark.parametrize(
    ("ended_at", "outcome"),
    [
        ("2026-03-02T09:29:00", "warning"),  # 29 minutes
        ("2026-03-02T09:30:00", "passed"),  # 30 minutes: the range's edge is inside
        ("2026-03-02T10:00:00", "passed"),  # 60 minutes
        ("2026-03-02T10:10:00", "warning"),  # 70 minutes
    ],
)
def test_processing_outside_30_to_60_minutes_warns_but_saves(
    clinic: Clinic, ended_at: str, outcome: str
) -> None:
    payload = saved_procedure(clinic, processing__ended_at=ended_at)
    assert checks_by_id(payload)["processing_time"]["outcome"] == outcome
    with clinic.registry.sessions() as session:
        stored = session.scalar(
            select(ProtocolCheckRow.outcome).where(
                ProtocolCheckRow.procedure_id == payload["procedure"],
                ProtocolCheckRow.check_id == "processing_time",
            )
        )
    assert stored == outcome


def test_a_70_minute_processing_warning_comes_first_and_says_why(clinic: Clinic) -> None:
    payload = saved_procedure(clinic, processing__ended_at="2026-03-02T10:10:00")
    first = payload["checks"][0]
    assert (first["id"], first["outcome"], first["field"]) == (
        "processing_time",
        "warning",
        "processing.ended_at",
    )
    assert "70 minutes" in first["message"]
    assert first["sources"] == ["seed-004"]


def test_check_only_runs_the_checks_and_saves_nothing(clinic: Clinic) -> None:
    before = clinic.counts()
    payload = json.loads(
        add_procedure(clinic, procedure_record(clinic.patient), "--check-only", "--as-json").stdout
    )
    assert payload["procedure"] is None
    assert sorted(checks_by_id(payload)) == sorted(CHECK_IDS)
    assert all(check["sources"] and check["message"] for check in payload["checks"])
    text = add_procedure(clinic, procedure_record(clinic.patient), "--check-only")
    assert words(text.stdout).endswith("Checked only: nothing was saved.")
    refused = procedure_record(clinic.patient, injection__image_guidance="none")
    result = add_procedure(clinic, refused, "--check-only")
    assert result.exit_code == 0
    assert words(result.stdout).startswith("REFUSED Image guidance")
    assert words(result.stdout).endswith("Checked only: this procedure would be refused.")
    assert clinic.counts() == before


@pytest.mark.parametrize(
    ("stopped_on", "outcome"),
    [
        (None, "warning"),  # still taking it
        ("2026-03-02", "warning"),  # stopped on the procedure day: inside the window
        ("2026-03-01", "passed"),  # stopped the day before the window
    ],
)
def test_nsaids_inside_the_avoidance_window_are_a_warning(
    clinic: Clinic, stopped_on: str | None, outcome: str
) -> None:
    note = {"patient": clinic.patient, **IBUPROFEN, "stopped_on": stopped_on}
    noted = run(
        "medications", "add", "--json", clinic.write_json("m.json", note), "--user", "admin"
    )
    assert re.fullmatch(r"Saved medicine note \d+\.\n", noted.stdout)
    nsaid = checks_by_id(saved_procedure(clinic))["nsaid_window"]
    assert nsaid["outcome"] == outcome
    assert ("ibuprofen" in nsaid["message"]) == (outcome == "warning")


def test_medicines_given_with_the_procedure_are_stored_and_checked(clinic: Clinic) -> None:
    before = clinic.counts()["medication_note"]
    record = procedure_record(clinic.patient)
    record["medications"] = [IBUPROFEN]
    result = add_procedure(clinic, record, "--as-json")
    assert checks_by_id(json.loads(result.stdout))["nsaid_window"]["outcome"] == "warning"
    assert clinic.counts()["medication_note"] == before + 1


@pytest.mark.parametrize(
    ("note", "user", "expected"),
    [
        (
            {**IBUPROFEN, "is_nsaid": "yes"},
            "coordinator",
            "error: is_nsaid: input should be a valid boolean (allowed: true, false)",
        ),
        (
            {**IBUPROFEN, "stopped_on": "2026-02-19"},
            "coordinator",
            "error: stopped_on: must not be before started_on",
        ),
        (
            {**IBUPROFEN, "patient": None},
            "coordinator",
            "error: medication.patient: say whose record this is (allowed: patient, episode)",
        ),
        (
            IBUPROFEN,
            "researcher",
            "error: user researcher (role researcher) may not record assessments and "
            "follow-ups; roles that may: admin, clinician, coordinator",
        ),
    ],
)
def test_bad_medicine_notes_exit_2_and_store_nothing(
    clinic: Clinic, note: dict[str, Any], user: str, expected: str
) -> None:
    before = clinic.counts()
    document = {"patient": clinic.patient, **note}
    path = clinic.write_json("note.json", {k: v for k, v in document.items() if v is not None})
    assert error_line(run("medications", "add", "--json", path, "--user", user)) == expected
    assert clinic.counts() == before


@pytest.mark.parametrize("extra", [(), ("--check-only",)])
def test_only_clinicians_and_admins_record_procedures(
    clinic: Clinic, extra: tuple[str, ...]
) -> None:
    path = clinic.write_json("procedure.json", procedure_record(clinic.patient))
    line = error_line(run("procedures", "add", "--json", path, "--user", "coordinator", *extra))
    assert line == (
        "error: user coordinator (role coordinator) may not record procedures; "
        "roles that may: admin, clinician"
    )


# follow-ups


def test_followups_due_within_14_days_show_the_2_week_visit_not_3_months(clinic: Clinic) -> None:
    saved_procedure(clinic)
    two_weeks = [("2w", "2026-03-16", "upcoming")]
    assert due("2026-03-06") == two_weeks
    assert due("2026-03-06", "2w") == two_weeks
    assert due("2026-03-06", "7d") == two_weeks  # the 2w window opens on 2026-03-13
    assert due("2026-03-06", "6d") == []
    assert due("2026-05-20") == [("3m", "2026-06-02", "due")]
    table = run("followups", "due", "--today", "2026-03-06", "--user", "researcher")
    assert "Due by 2026-03-06 + 14 days" in table.stdout
    assert f"│ {clinic.patient} │ {clinic.episode} " in table.stdout


@pytest.mark.parametrize(
    ("today", "listed"),
    [
        ("2026-03-12", []),
        ("2026-03-13", [("2w", "2026-03-16", "due")]),
        ("2026-03-16", [("2w", "2026-03-16", "due")]),
        ("2026-03-17", [("2w", "2026-03-16", "overdue")]),
        ("2026-03-23", [("2w", "2026-03-16", "overdue")]),
        ("2026-03-24", []),
    ],
)
def test_a_visit_is_listed_while_its_window_is_open(
    clinic: Clinic, today: str, listed: list[tuple[str, str, str]]
) -> None:
    saved_procedure(clinic)
    assert due(today, "0") == listed


def test_closed_episodes_have_no_visits_due(clinic: Clinic) -> None:
    saved_procedure(clinic)
    run("episodes", "close", str(clinic.episode), "--on", "2026-03-05", "--user", "admin")
    assert due("2026-03-14") == []


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ["--within", "2y"],
            "error: within: cannot read '2y' as a number of days (allowed: a whole number of "
            "days from 0 to 3650, such as 30, 14d or 2w)",
        ),
        (
            ["--within", "3651"],
            "error: within: 3651 days is too far ahead (allowed: a whole number of days from 0 "
            "to 3650, such as 30, 14d or 2w)",
        ),
        (
            ["--today", "16/03/2026"],
            "error: --today: not a calendar date: '16/03/2026' (allowed: YYYY-MM-DD)",
        ),
    ],
)
def test_bad_followup_horizons_exit_2(clinic: Clinic, args: list[str], expected: str) -> None:
    assert error_line(run("followups", "due", *args, "--user", "coordinator")) == expected
