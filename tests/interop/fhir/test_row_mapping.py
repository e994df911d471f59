"""One mapping from a record to its rows: the registry service, the synthetic generator's writer
and the FHIR import store the same procedure as the same row, column for column."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select
from tests.factories.procedures import ALLOGENEIC_PROCEDURE, BONE_MARROW_PROCEDURE

from regenspine.care import parse_medication, parse_procedure
from regenspine.interop.fhir.inbound.importer import import_fhir
from regenspine.interop.fhir.outbound.export import export_fhir
from regenspine.registry.database import Registry
from regenspine.registry.models import (
    Base,
    Episode,
    InjectionTargetRow,
    PatientIdentity,
    Procedure,
    ProtocolCheckRow,
)
from regenspine.registry.models import (
    MedicationNote as MedicationRow,
)
from regenspine.registry.services.episodes import open_episode
from regenspine.registry.services.patients import add_patient
from regenspine.registry.services.procedures import record_procedure
from regenspine.registry.services.users import add_user, find_user
from regenspine.synthetic.procedures import queue_procedure
from regenspine.synthetic.rows import IdCounters, RowBatch, advance_sequences

PASSPHRASE = "a long passphrase"
PERSON = {"name": "Rosa Mapping", "birth_date": "1955-04-12", "sex": "female", "mrn": "MAP-1"}
EPISODE = {"region": "lumbar", "severity": "moderate", "started_on": date(2026, 1, 5)}
# Stopped long before the NSAID avoidance window: a medicine row, and a passed check.
NAPROXEN = {
    "drug": "naproxen",
    "is_nsaid": True,
    "started_on": "2025-01-01",
    "stopped_on": "2025-06-30",
}
# Writer-specific: ids are handed out per writer, the synthetic rows' recorded_at is noon of
# the procedure day, a FHIR import's is the time of the import.
PER_WRITER = {"id", "procedure_id", "recorded_at"}


def _rows(registry: Registry, model: type[Base], ids: list[int], key: str = "id") -> list[Any]:
    """The rows of `model` whose `key` is one of `ids`, in that order, without per-writer columns
    (nor the key itself)."""
    table = model.__table__
    with registry.sessions() as session:
        found = session.execute(select(table).where(table.c[key].in_(ids))).mappings().all()
    by_key: dict[int, list[dict[str, Any]]] = {number: [] for number in ids}
    for row in found:
        by_key[row[key]].append({k: v for k, v in row.items() if k not in PER_WRITER | {key}})
    return [sorted(by_key[number], key=repr) for number in ids]


def _fill(registry: Registry, document: dict[str, Any]) -> tuple[int, int, int]:
    """The same procedure recorded by the service and queued by the synthetic writer."""
    with registry.transaction() as session:
        admin = add_user(
            session, None, username="admin", role="admin", password="a long passphrase"
        )
        key = add_patient(session, admin, PERSON, "t").registry_key
        episode = open_episode(session, admin, key, EPISODE, "t")
        data = {"patient": key, **document, "medications": [NAPROXEN]}
        stored, _ = record_procedure(session, admin, data, "t")
        ids = IdCounters.after_stored_rows(session)
        batch = RowBatch()
        medicines = [parse_medication(NAPROXEN)]
        queued = queue_procedure(
            ids, batch, parse_procedure(document), medicines, episode_id=episode.id
        )
        batch.insert_into(session)
        advance_sequences(session, ids)
        return episode.id, stored.id, queued.procedure_id


def _import_export(registry: Registry, into: Registry, folder: Path) -> None:
    with registry.transaction() as session:
        admin = find_user(session, "admin")
        export_fhir(session, admin, folder, deidentified=False, reason="t", as_of=date(2026, 12, 1))
    import_fhir(into, "admin", folder, reason="t")


def test_every_writer_stores_the_same_procedure_rows(
    registry: Registry, empty_registry: Registry, tmp_path: Path
) -> None:
    episode_id, service, synthetic = _fill(registry, BONE_MARROW_PROCEDURE)
    _import_export(registry, empty_registry, tmp_path / "fhir")
    both = [service, synthetic]
    rows = _rows(registry, Procedure, both)
    imported = _rows(empty_registry, Procedure, both)
    assert rows[0] == rows[1] == imported[0] == imported[1]
    (row,) = rows[0]
    # A worked example: every part of the record landed in its column.
    assert row["episode_id"] == episode_id
    assert (row["cell_source"], row["harvest_volume_ml"]) == ("bone_marrow", 60)
    assert (row["processing_method"], row["cd34_per_ml"]) == ("centrifugation", 2_500_000)
    assert row["processing_ended_at"].isoformat() == "2026-03-02T09:45:00+00:00"
    assert (row["levels"], row["image_guidance"], row["operator"]) == (
        ["L4-L5"],
        "fluoroscopy",
        "Dr Example",
    )
    targets = _rows(registry, InjectionTargetRow, both, key="procedure_id")
    imported_targets = _rows(empty_registry, InjectionTargetRow, both, key="procedure_id")
    assert targets[0] == targets[1] == imported_targets[0] == imported_targets[1]
    assert targets[0] == [{"target": "epidural"}]
    checks = _rows(registry, ProtocolCheckRow, both, key="procedure_id")
    assert checks[0] == checks[1]
    assert {check["check_id"]: check["outcome"] for check in checks[0]}["nsaid_window"] == "passed"
    medicines = _rows(registry, MedicationRow, [episode_id], key="episode_id")[0]
    assert len(medicines) == 2
    assert medicines[0] == medicines[1]


def test_a_donor_product_leaves_every_processing_column_empty_in_every_writer(
    registry: Registry, empty_registry: Registry, tmp_path: Path
) -> None:
    _, service, synthetic = _fill(registry, ALLOGENEIC_PROCEDURE)
    _import_export(registry, empty_registry, tmp_path / "fhir")
    rows = _rows(registry, Procedure, [service, synthetic])
    assert rows[0] == rows[1] == _rows(empty_registry, Procedure, [service, synthetic])[0]
    (row,) = rows[0]
    processing = {name: value for name, value in row.items() if name.startswith("processing_")}
    assert set(processing) == {
        "processing_method",
        "processing_device",
        "processing_started_at",
        "processing_ended_at",
    }
    assert set(processing.values()) == {None}
    assert row["cfu_f_per_ml"] is row["viability_percent"] is None
    assert (row["lot_number"], row["donor_screening_documented"]) == ("LOT-2026-0142", True)


def test_the_patient_and_episode_come_back_from_fhir_as_the_service_wrote_them(
    registry: Registry, empty_registry: Registry, tmp_path: Path
) -> None:
    episode_id, _, _ = _fill(registry, BONE_MARROW_PROCEDURE)
    _import_export(registry, empty_registry, tmp_path / "fhir")
    assert _rows(registry, Episode, [episode_id]) == _rows(empty_registry, Episode, [episode_id])
    with registry.sessions() as session:
        episode = session.get(Episode, episode_id)
        assert episode is not None
        patient_id = episode.patient_id
    identity = _rows(registry, PatientIdentity, [patient_id], key="patient_id")
    assert identity == _rows(empty_registry, PatientIdentity, [patient_id], key="patient_id")
    assert identity[0][0]["mrn"] == "MAP-1"
