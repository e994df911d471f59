"""Issue 7 §1: `import fhir` restores an export, is idempotent and atomic per batch."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select
from tests.factories.cli import Clinic, error_line, row_counts
from tests.factories.fhir import (
    export_to,
    file_texts,
    fill_fhir_registry,
    read_ndjson,
    registry_contents,
    run_fhir,
)

from regenspine.interop.fhir.inbound.importer import import_fhir
from regenspine.registry.database import Registry
from regenspine.registry.models import Episode
from regenspine.registry.services.users import find_user


@pytest.fixture
def filled(clinic: Clinic) -> Clinic:
    """The clinic with every kind of record an export carries."""
    fill_fhir_registry(clinic)
    return clinic


def export_from(registry: Registry, folder: Path) -> Path:
    """An identified export of another registry (the CLI points at the clinic's)."""
    from regenspine.interop.fhir.outbound.export import export_fhir

    with registry.transaction() as session:
        export_fhir(session, find_user(session, "admin"), folder, deidentified=False, reason="t")
    return folder


def write_lines(path: Path, resources: list[dict[str, object]]) -> None:
    """Write resources as an NDJSON file."""
    path.write_text("".join(json.dumps(r) + "\n" for r in resources), encoding="utf-8")


@pytest.mark.parametrize("batch_lines", [1000, 1])
def test_export_import_export_gives_the_same_files(
    filled: Clinic, empty_registry: Registry, batch_lines: int
) -> None:
    first = export_to(filled.folder / "first")
    result = import_fhir(empty_registry, "admin", first, reason="t", batch_lines=batch_lines)
    assert result.resources == {k: len(v) for k, v in read_ndjson(first).items() if v}
    second = export_from(empty_registry, filled.folder / "second")
    assert file_texts(second) == file_texts(first)


def test_a_transaction_bundle_imports_like_the_ndjson_files(
    filled: Clinic, empty_registry: Registry
) -> None:
    first = export_to(filled.folder / "first")
    entries = [
        {"resource": r, "request": {"method": "PUT", "url": f"{r['resourceType']}/{r['id']}"}}
        for resources in reversed(read_ndjson(first).values())  # not parents first: any order
        for r in resources
    ]
    bundle = filled.folder / "bundle.json"
    bundle.write_text(
        json.dumps({"resourceType": "Bundle", "type": "transaction", "entry": entries})
    )
    result = import_fhir(empty_registry, "admin", bundle, reason="t")
    assert result.batches == 1
    assert file_texts(export_from(empty_registry, filled.folder / "second")) == file_texts(first)


def test_importing_the_same_files_again_changes_nothing(filled: Clinic) -> None:
    folder = export_to(filled.folder / "fhir")
    before = registry_contents(filled.registry)
    result = run_fhir("import", "fhir", str(folder), "--user", "clinician")
    assert result.exit_code == 0, result.stderr
    assert "Nothing changed" in result.stdout
    assert registry_contents(filled.registry) == before


def test_a_changed_resource_updates_its_row_only(filled: Clinic) -> None:
    folder = export_to(filled.folder / "fhir")
    conditions = read_ndjson(folder)["Condition"]
    conditions[0]["severity"]["coding"][0]["code"] = "severe"
    write_lines(folder / "Condition.ndjson", conditions)
    result = run_fhir("import", "fhir", str(folder), "--user", "admin", "--json")
    assert result.exit_code == 0, result.stderr
    assert (json.loads(result.stdout)["created"], json.loads(result.stdout)["updated"]) == (
        {},
        {"episode": 1},
    )
    with filled.registry.sessions() as session:
        assert session.get(Episode, 1).severity == "severe"  # type: ignore[union-attr]


def test_a_bad_line_is_reported_and_its_batch_not_written(
    filled: Clinic, empty_registry: Registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = export_to(filled.folder / "fhir")
    conditions = read_ndjson(folder)["Condition"]
    assert len(conditions) >= 4
    del conditions[2]["subject"]
    write_lines(folder / "Condition.ndjson", conditions)
    monkeypatch.setenv("REGENSPINE_DATABASE_URL", empty_registry.url)
    result = run_fhir("import", "fhir", str(folder), "--user", "admin", "--batch-lines", "2")
    line = error_line(result)
    assert line.startswith("error: Condition.ndjson line 3: Condition.subject:"), line
    with empty_registry.sessions() as session:
        stored = sorted(session.scalars(select(Episode.id)))
    assert stored == [int(c["id"].removeprefix("episode-")) for c in conditions[:2]]
    assert row_counts(empty_registry)["procedure"] == 0


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("{not json", "Patient.ndjson line 1: JSON: Expecting property name"),
        ('{"resourceType": "Patient", "id": "someone"}', "'someone' is not a registry id"),
        ('{"resourceType": "Condition", "id": "episode-1"}', "resourceType: unexpected value"),
        ('{"resourceType": "Patient", "id": "RS-AB", "gender": 3}', "Patient.gender"),
    ],
)
def test_lines_that_are_not_ours_or_not_fhir_are_refused(
    clinic: Clinic, line: str, expected: str
) -> None:
    (clinic.folder / "in").mkdir()
    (clinic.folder / "in" / "Patient.ndjson").write_text(line + "\n", encoding="utf-8")
    before = row_counts(clinic.registry)
    message = error_line(run_fhir("import", "fhir", str(clinic.folder / "in"), "--user", "admin"))
    assert expected in message
    assert row_counts(clinic.registry) == before


def test_a_de_identified_export_cannot_be_imported(filled: Clinic) -> None:
    folder = export_to(filled.folder / "research", "--deidentified")
    message = error_line(run_fhir("import", "fhir", str(folder), "--user", "admin"))
    assert "Patient.ndjson line 1: Patient.meta.tag: comes from a de-identified export" in message


def test_a_row_of_another_patient_is_not_overwritten(filled: Clinic) -> None:
    folder = export_to(filled.folder / "fhir")
    conditions = read_ndjson(folder)["Condition"]
    first, second = conditions[0], conditions[1]
    first["subject"] = second["subject"]  # episode 1 claimed for another patient
    write_lines(folder / "Condition.ndjson", [first])
    before = registry_contents(filled.registry)
    message = error_line(run_fhir("import", "fhir", str(folder), "--user", "admin"))
    assert (
        "Condition.ndjson line 1: Condition episode-1: is stored with another patient_id" in message
    )
    assert registry_contents(filled.registry) == before


def test_a_bundle_entry_must_update_at_its_id(clinic: Clinic) -> None:
    patient = {"resourceType": "Patient", "id": "RS-AB12"}
    entry = {"resource": patient, "request": {"method": "POST", "url": "Patient"}}
    bundle = clinic.folder / "bundle.json"
    bundle.write_text(
        json.dumps({"resourceType": "Bundle", "type": "transaction", "entry": [entry]})
    )
    message = error_line(run_fhir("import", "fhir", str(bundle), "--user", "admin"))
    assert "bundle.json entry 1: Bundle.entry.request" in message
    assert "PUT Patient/RS-AB12" in message


def test_researchers_may_not_import(filled: Clinic) -> None:
    folder = export_to(filled.folder / "fhir")
    message = error_line(run_fhir("import", "fhir", str(folder), "--user", "researcher"))
    assert "may not add patients and episodes" in message


def test_a_folder_without_fhir_files_names_the_files_it_reads(clinic: Clinic) -> None:
    (clinic.folder / "nothing").mkdir()
    message = error_line(
        run_fhir("import", "fhir", str(clinic.folder / "nothing"), "--user", "admin")
    )
    assert "no FHIR files" in message
    assert "Patient.ndjson" in message
