"""`regenspine export csv`: tidy files, data dictionary, about note, rights, audit, atomicity."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select
from tests.factories.cli import Clinic, error_line
from tests.factories.exports import fill_course, header, read_rows, run_export

from regenspine.interop.tables import csv_export
from regenspine.interop.tables.csv_export import EXPORT_TABLES
from regenspine.knowledge import load_knowledge
from regenspine.registry.models import AuditEvent, Patient

ENTITY_FILES = {
    "patients.csv", "episodes.csv", "procedures.csv", "injection_targets.csv",
    "protocol_checks.csv", "follow_ups.csv", "adverse_events.csv", "interventions.csv",
    "consents.csv", "screenings.csv", "medications.csv", "assessments.csv",
}  # fmt: skip


def export(clinic: Clinic, *options: str, user: str = "researcher") -> Path:
    """Run a CSV export that must succeed; returns its folder."""
    out = clinic.folder / "export"
    result = run_export("csv", "--out", str(out), "--user", user, *options)
    assert result.exit_code == 0, result.stderr
    return out


def audit_events(clinic: Clinic) -> list[AuditEvent]:
    """The export events of the audit trail, oldest first."""
    with clinic.registry.sessions() as session:
        query = select(AuditEvent).where(AuditEvent.action == "export").order_by(AuditEvent.id)
        return list(session.scalars(query))


def test_every_entity_has_a_file_and_the_dictionary_covers_every_column(clinic: Clinic) -> None:
    fill_course(clinic)
    out = export(clinic, "--deidentified")
    names = {path.name for path in out.iterdir()}
    assert ENTITY_FILES | {"data_dictionary.csv", "about.txt"} <= names
    dictionary = read_rows(out / "data_dictionary.csv")
    assert header(out / "data_dictionary.csv") == [
        "file", "column", "type", "meaning", "allowed values"
    ]  # fmt: skip
    described = {(row["file"], row["column"]) for row in dictionary}
    written = {(name, column) for name in names - {"about.txt", "data_dictionary.csv"}
               for column in header(out / name)}  # fmt: skip
    assert described == written
    assert all(row["meaning"] for row in dictionary)
    assert header(out / "assessments.csv")[:4] == [
        "patient_key",
        "episode",
        "instrument",
        "timepoint",
    ]
    assert {"days_from_procedure", "score", "measure"} <= set(header(out / "assessments.csv"))


def test_de_identified_worked_example(clinic: Clinic) -> None:
    fill_course(clinic)
    out = export(clinic, "--deidentified")
    key = clinic.patient
    (patient,) = read_rows(out / "patients.csv")
    assert (patient["patient_key"], patient["zip3"], patient["birth_year"]) == (key, "021", "1957")
    assert not {"name", "birth_date", "zip", "email", "phone", "mrn"} & set(patient)
    (episode,) = read_rows(out / "episodes.csv")
    # Index procedure 2026-03-02; born 1957-06-02; episode opened 2026-02-16.
    assert (episode["age_at_index"], episode["index_year"], episode["started_day"]) == (
        "68", "2026", "-14"
    )  # fmt: skip
    scores = {
        (row["instrument"], row["timepoint"], row["measure"]): (
            row["days_from_procedure"], row["score"]
        )
        for row in read_rows(out / "assessments.csv")
    }  # fmt: skip
    assert scores[("odi", "baseline", "score")] == ("-10", "51.1")
    assert scores[("odi", "3m", "score")] == ("92", "22.2")
    assert scores[("zcq", "3m", "symptom_severity")] == ("92", "1.86")
    assert scores[("zcq", "baseline", "satisfaction")] == ("-10", "")
    assert ("zcq", "3m", "score") not in scores  # the ZCQ has no total score
    (event,) = read_rows(out / "adverse_events.csv")
    assert (event["days_from_procedure"], event["grade"], event["serious_criteria"]) == (
        "14", "3", "hospitalization"
    )  # fmt: skip
    assert "description" not in event
    (later,) = read_rows(out / "interventions.csv")
    assert (later["days_from_procedure"], later["kind"], later["is_surgery"]) == (
        "183", "decompression", "true"
    )  # fmt: skip
    visits = {row["timepoint"]: row for row in read_rows(out / "follow_ups.csv")}
    assert visits["3m"]["days_from_procedure"] == "92"
    assert visits["baseline"]["completed_day"] == "-10"
    (procedure,) = read_rows(out / "procedures.csv")
    assert (procedure["procedure"], procedure["days_from_procedure"], procedure["targets"]) == (
        "1", "0", "epidural"
    )  # fmt: skip
    assert procedure["processing_minutes"] == "45"
    assert not {"operator", "lot_number", "performed_on"} & set(procedure)


def test_identified_export_keeps_dates_and_identifiers_for_admins(clinic: Clinic) -> None:
    fill_course(clinic)
    out = export(clinic, user="admin")
    (patient,) = read_rows(out / "patients.csv")
    assert (patient["name"], patient["birth_date"], patient["zip"]) == (
        "Grace Example", "1957-06-02", "02139"
    )  # fmt: skip
    (procedure,) = read_rows(out / "procedures.csv")
    assert (procedure["performed_on"], procedure["operator"]) == ("2026-03-02", "Dr Example")
    about = (out / "about.txt").read_text(encoding="utf-8")
    assert "IDENTIFIED: this export holds names" in about
    assert "DE-IDENTIFIED" not in about
    (event,) = audit_events(clinic)
    assert (event.username, event.entity_id, event.details["deidentified"]) == (
        "admin",
        "csv",
        False,
    )
    assert event.details["files"]["patients.csv"] == 1


@pytest.mark.parametrize("role", ["researcher", "clinician", "coordinator"])
def test_only_admins_may_export_identified_data(clinic: Clinic, role: str) -> None:
    out = clinic.folder / "export"
    line = error_line(run_export("csv", "--out", str(out), "--user", role))
    assert line.startswith("error: --deidentified:")
    assert f"role {role} may export de-identified data only" in line
    assert not out.exists()
    assert not list(clinic.folder.glob(".export.*"))
    assert audit_events(clinic) == []


def test_a_researcher_gets_a_de_identified_export_and_it_is_audited(clinic: Clinic) -> None:
    fill_course(clinic)
    result = run_export(
        "csv", "--out", str(clinic.folder / "out"), "--deidentified", "--user", "researcher",
        "--reason", "stenosis outcomes study", "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    summary = json.loads(result.stdout)
    assert (summary["deidentified"], summary["patients"], summary["synthetic"]) == (True, 1, False)
    (event,) = audit_events(clinic)
    assert (event.username, event.reason, event.details["format"]) == (
        "researcher", "stenosis outcomes study", "csv"
    )  # fmt: skip
    about = (clinic.folder / "out" / "about.txt").read_text(encoding="utf-8")
    assert "DE-IDENTIFIED" in about
    assert "No patient in this export is flagged synthetic." in about


def test_synthetic_patients_are_marked_in_every_file_and_in_the_note(clinic: Clinic) -> None:
    fill_course(clinic)
    with clinic.registry.transaction() as session:
        session.execute(Patient.__table__.update().values(synthetic=True))
    out = export(clinic, "--deidentified")
    about = (out / "about.txt").read_text(encoding="utf-8")
    assert " ".join(load_knowledge().text("synthetic_data").split()) in about
    assert "1 of 1 patients are synthetic" in about
    for table in EXPORT_TABLES:
        rows = read_rows(out / f"{table.name}.csv")
        assert rows, table.name
        assert {row["synthetic"] for row in rows} == {"true"}, table.name


def test_an_existing_folder_with_files_is_refused(clinic: Clinic) -> None:
    out = clinic.folder / "taken"
    out.mkdir()
    (out / "keep.txt").write_text("mine", encoding="utf-8")
    line = error_line(run_export("csv", "--out", str(out), "--deidentified", "--user", "admin"))
    assert line.startswith("error: --out:")
    assert "a new or empty folder" in line
    assert [path.name for path in out.iterdir()] == ["keep.txt"]


def test_an_empty_folder_is_filled(clinic: Clinic) -> None:
    out = clinic.folder / "empty"
    out.mkdir()
    assert run_export("csv", "--out", str(out), "--deidentified", "--user", "admin").exit_code == 0
    assert (out / "patients.csv").exists()


def test_a_failure_half_way_leaves_no_files_and_no_audit_event(
    clinic: Clinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    fill_course(clinic)
    real_write = csv_export.write_csv

    def failing_write(path: Path, *args: object) -> int:
        if path.name == "assessments.csv":
            raise OSError(28, "No space left on device")
        return real_write(path, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(csv_export, "write_csv", failing_write)
    out = clinic.folder / "export"
    result = run_export("csv", "--out", str(out), "--deidentified", "--user", "admin")
    assert result.exit_code != 0
    assert not out.exists()
    assert [path.name for path in clinic.folder.iterdir() if path.name.startswith(".")] == []
    assert audit_events(clinic) == []


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        (("--deidentified",), "--user"),
        (("--deidentified", "--user", "nobody"), "user"),
        (("--user", "admin", "--deidentified", "--bogus"), "No such option"),
    ],
)
def test_bad_input_exits_2_with_one_line(
    clinic: Clinic, arguments: tuple[str, ...], field: str
) -> None:
    line = error_line(run_export("csv", "--out", str(clinic.folder / "x"), *arguments))
    assert field in line
    assert not (clinic.folder / "x").exists()


def test_missing_out_option_exits_2(clinic: Clinic) -> None:
    line = error_line(run_export("csv", "--user", "admin"))
    assert "--out" in line
    with clinic.registry.sessions() as session:
        assert (
            session.scalar(
                select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "export")
            )
            == 0
        )
