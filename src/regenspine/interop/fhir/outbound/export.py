"""FHIR R4 Bulk Data export: one NDJSON file per resource type, streamed in chunks.

Rows are read in keyset-paged chunks (`chunk_size` rows per query, ordered by a stable key), each
row becomes its resources, each resource is validated with fhir.resources (R4B models, through
`fhir_validation`) and written as one line. Memory holds one chunk, however large the
registry. Every run writes all eight files (empty when a type has no resources); the CLI writes
them into a `staged_folder` and moves them onto --out only after the audit event is committed,
so a failed export leaves the folder as it was and a folder never mixes two exports.

Identified exports are for roles that may export identifiers (admins); a de-identified export
follows HIPAA Safe Harbor (see `fhir_resources`) and is open to every role that reads the
registry, researchers included: they are refused an identified one rather than silently given
another kind of file. Each export is one audit event.

Not exported (the issue's resource list has no place for them, and an import cannot restore
them): screenings, consents, medicines and the protocol-check results stored with procedures.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Row, Select, func, select
from sqlalchemy.orm import Session

from regenspine.errors import InvalidInput
from regenspine.interop.fhir.mapping import RESOURCE_TYPES, Json
from regenspine.interop.fhir.outbound.outcomes import (
    build_adverse_event,
    build_care_plan,
    build_encounter,
    build_intervention,
    build_observation,
    build_questionnaire_response,
)
from regenspine.interop.fhir.outbound.resources import (
    Disclosure,
    build_condition,
    build_patient,
    build_procedures,
)
from regenspine.interop.fhir.validation import ResourceValidator
from regenspine.registry.access import Permission, allows, require, roles_allowed
from regenspine.registry.models import (
    AdverseEvent,
    Assessment,
    Episode,
    FollowUp,
    InjectionTargetRow,
    Intervention,
    Patient,
    PatientIdentity,
    Procedure,
    User,
)
from regenspine.registry.services.audit import record_audit

CHUNK_SIZE = 1000
MAX_CHUNK_SIZE = 100_000
Progress = Callable[[int], None]
_OWNER = (Episode.patient_id, Patient.registry_key, Patient.synthetic)


class FhirExport(BaseModel):
    """What an export wrote: de-identified or not, and how many resources of each type."""

    deidentified: bool
    as_of: date
    resources: dict[str, int]


class _Run:
    """One export's settings and session, shared by the per-type writers."""

    def __init__(self, session: Session, deidentified: bool, as_of: date, chunk_size: int) -> None:
        self.session = session
        self.deidentified = deidentified
        self.as_of = as_of
        self.chunk_size = chunk_size

    def chunks(self, query: Select[Any], key: Any) -> Iterator[Sequence[Row[Any]]]:
        """The query's rows in chunks, paged by `key` (unique, sortable) instead of OFFSET."""
        last = None
        while True:
            page = query if last is None else query.where(key > last)
            rows = self.session.execute(page.order_by(key).limit(self.chunk_size)).all()
            if not rows:
                return
            yield rows
            last = getattr(rows[-1], key.key)

    def disclosures(
        self, rows: Sequence[Row[Any]], episode_of: Callable[[Any], int | None]
    ) -> list[Disclosure]:
        """What each row may show; de-identified dates count from its episode's index day."""
        episodes = {episode_of(row) for row in rows} - {None}
        index = self._index_days(episodes) if self.deidentified and episodes else {}
        return [
            Disclosure(self.deidentified, row.synthetic, index.get(episode_of(row))) for row in rows
        ]

    def _index_days(self, episode_ids: set[int | None]) -> dict[int | None, date]:
        # The index day is the episode's first procedure, as in the CSV and REDCap exports;
        # an episode without a procedure has no index, and its dates are left out.
        found = self.session.execute(
            select(Procedure.episode_id, func.min(Procedure.performed_on))
            .where(Procedure.episode_id.in_(episode_ids))
            .group_by(Procedure.episode_id)
        )
        return dict(found.all())


def _episode_id(row: Any) -> int:
    return int(row.episode_id)


def export_fhir(
    session: Session,
    actor: User,
    out_dir: Path,
    *,
    deidentified: bool,
    reason: str,
    as_of: date | None = None,
    chunk_size: int = CHUNK_SIZE,
    on_progress: Progress | None = None,
) -> FhirExport:
    """Write the registry as FHIR NDJSON files into `out_dir`; audited as one export."""
    _check_rights(actor, deidentified)
    if not 1 <= chunk_size <= MAX_CHUNK_SIZE:
        raise InvalidInput("chunk_size", f"{chunk_size} is out of range", f"1 to {MAX_CHUNK_SIZE}")
    _prepare_folder(out_dir)
    run = _Run(session, deidentified, as_of or date.today(), chunk_size)
    counts = {}
    for resource_type in RESOURCE_TYPES:
        produced = _WRITERS[resource_type](run, on_progress or (lambda _: None))
        counts[resource_type] = _write_ndjson(out_dir, resource_type, produced)
    details = {"deidentified": deidentified, "resources": counts, "as_of": run.as_of.isoformat()}
    record_audit(session, actor, "export", "fhir_export", None, reason, details)
    return FhirExport(deidentified=deidentified, as_of=run.as_of, resources=counts)


def _check_rights(actor: User, deidentified: bool) -> None:
    """Everyone who reads the registry may export de-identified data; identified data is PHI."""
    require(actor, Permission.read_deidentified)
    if not deidentified and not allows(actor, Permission.export_identified):
        allowed = ", ".join(roles_allowed(Permission.export_identified))
        raise InvalidInput(
            "deidentified",
            f"role {actor.role} may export de-identified data only (identified exports: "
            f"{allowed}); ask for a de-identified export",
            ["true"],
        )


def export_row_total(session: Session) -> int:
    """How many registry rows an export reads (for a progress bar)."""
    counted = (
        Patient,
        Episode,
        Procedure,
        Intervention,
        Procedure,
        FollowUp,
        Assessment,
        Assessment,
    )
    total = sum(session.scalar(select(func.count()).select_from(model)) or 0 for model in counted)
    return total + (session.scalar(select(func.count()).select_from(AdverseEvent)) or 0)


def _prepare_folder(out_dir: Path, *, create: bool = True) -> None:
    if out_dir.exists() and not out_dir.is_dir():
        raise InvalidInput("--out", f"{out_dir} is a file", "a folder (created when missing)")
    try:
        (out_dir if create else out_dir.parent).mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InvalidInput("--out", f"cannot create {out_dir}: {error.strerror}") from None


@contextmanager
def staged_folder(out_dir: Path) -> Iterator[Path]:
    """A scratch folder beside `out_dir` whose files replace those in `out_dir` when the block
    succeeds; it is removed either way, so a failed export changes nothing in `out_dir`."""
    _prepare_folder(out_dir, create=False)
    staging = Path(tempfile.mkdtemp(dir=out_dir.parent, prefix=f".{out_dir.name}.", suffix=".part"))
    try:
        yield staging
        out_dir.mkdir(exist_ok=True)
        for file in sorted(staging.iterdir()):
            os.replace(file, out_dir / file.name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _write_ndjson(out_dir: Path, resource_type: str, resources: Iterator[Json]) -> int:
    target = out_dir / f"{resource_type}.ndjson"
    partial = target.with_name(target.name + ".part")
    validator = ResourceValidator()
    written = 0
    with partial.open("w", encoding="utf-8", newline="\n") as stream:
        for resource in resources:
            validator.validate(resource)
            stream.write(json.dumps(resource, ensure_ascii=False, separators=(",", ":")))
            stream.write("\n")
            written += 1
    os.replace(partial, target)
    return written


def _patients(run: _Run, progress: Progress) -> Iterator[Json]:
    query = select(
        Patient.id.label("patient_id"),
        Patient.registry_key,
        Patient.site,
        Patient.synthetic,
        *(getattr(PatientIdentity, name) for name in ("name", "birth_date", "sex", "zip")),
        *(getattr(PatientIdentity, name) for name in ("email", "phone", "mrn")),
    ).outerjoin(PatientIdentity, PatientIdentity.patient_id == Patient.id)
    for rows in run.chunks(query, Patient.registry_key):
        for row, disclosure in zip(rows, run.disclosures(rows, lambda _: None), strict=True):
            yield build_patient(row, disclosure, run.as_of)
        progress(len(rows))


def _owned(model: Any, *joins: Any) -> Select[Any]:
    """All columns of `model` with the owning patient's id, registry key and synthetic flag."""
    query = select(*model.__table__.c, *_OWNER)
    for target, condition in joins:
        query = query.join(target, condition)
    return query.join(Patient, Episode.patient_id == Patient.id)


def _episodes(run: _Run, progress: Progress) -> Iterator[Json]:
    query = select(*Episode.__table__.c, Patient.registry_key, Patient.synthetic).join(
        Patient, Episode.patient_id == Patient.id
    )
    for rows in run.chunks(query, Episode.id):
        for row, disclosure in zip(rows, run.disclosures(rows, lambda row: row.id), strict=True):
            yield build_condition(row, disclosure)
        progress(len(rows))


def _procedure_query() -> Select[Any]:
    return _owned(Procedure, (Episode, Procedure.episode_id == Episode.id))


def _procedures(run: _Run, progress: Progress) -> Iterator[Json]:
    for rows in run.chunks(_procedure_query(), Procedure.id):
        targets: dict[int, list[str]] = {row.id: [] for row in rows}
        for procedure_id, target in run.session.execute(
            select(InjectionTargetRow.procedure_id, InjectionTargetRow.target)
            .where(InjectionTargetRow.procedure_id.in_(targets))
            .order_by(InjectionTargetRow.procedure_id, InjectionTargetRow.target)
        ):
            targets[procedure_id].append(target)
        for row, disclosure in zip(rows, run.disclosures(rows, _episode_id), strict=True):
            yield from build_procedures(row, targets[row.id], disclosure)
        progress(len(rows))


def _interventions(run: _Run, progress: Progress) -> Iterator[Json]:
    query = _owned(Intervention, (Episode, Intervention.episode_id == Episode.id))
    for rows in run.chunks(query, Intervention.id):
        for row, disclosure in zip(rows, run.disclosures(rows, _episode_id), strict=True):
            yield build_intervention(row, disclosure)
        progress(len(rows))


def _all_procedures(run: _Run, progress: Progress) -> Iterator[Json]:
    yield from _procedures(run, progress)
    yield from _interventions(run, progress)


def _care_plans(run: _Run, progress: Progress) -> Iterator[Json]:
    for rows in run.chunks(_procedure_query(), Procedure.id):
        visits: dict[int, list[Any]] = {row.id: [] for row in rows}
        for visit in run.session.execute(
            select(*FollowUp.__table__.c)
            .where(FollowUp.procedure_id.in_(visits))
            .order_by(FollowUp.procedure_id, FollowUp.due_on, FollowUp.id)
        ):
            visits[visit.procedure_id].append(visit)
        for row, disclosure in zip(rows, run.disclosures(rows, _episode_id), strict=True):
            if visits[row.id]:
                yield build_care_plan(row, visits[row.id], disclosure)
        progress(len(rows))


def _encounters(run: _Run, progress: Progress) -> Iterator[Json]:
    query = _owned(
        FollowUp,
        (Procedure, FollowUp.procedure_id == Procedure.id),
        (Episode, Procedure.episode_id == Episode.id),
    ).add_columns(Procedure.episode_id)
    for rows in run.chunks(query, FollowUp.id):
        for row, disclosure in zip(rows, run.disclosures(rows, _episode_id), strict=True):
            yield build_encounter(row, disclosure)
        progress(len(rows))


def _assessment_writer(build: Callable[[Any, Disclosure], Json]) -> Callable[..., Iterator[Json]]:
    def write(run: _Run, progress: Progress) -> Iterator[Json]:
        query = _owned(Assessment, (Episode, Assessment.episode_id == Episode.id))
        for rows in run.chunks(query, Assessment.id):
            for row, disclosure in zip(rows, run.disclosures(rows, _episode_id), strict=True):
                yield build(row, disclosure)
            progress(len(rows))

    return write


def _adverse_events(run: _Run, progress: Progress) -> Iterator[Json]:
    query = _owned(AdverseEvent, (Episode, AdverseEvent.episode_id == Episode.id))
    for rows in run.chunks(query, AdverseEvent.id):
        for row, disclosure in zip(rows, run.disclosures(rows, _episode_id), strict=True):
            yield build_adverse_event(row, disclosure)
        progress(len(rows))


_WRITERS: dict[str, Callable[[_Run, Progress], Iterator[Json]]] = {
    "Patient": _patients,
    "Condition": _episodes,
    "Procedure": _all_procedures,
    "CarePlan": _care_plans,
    "Encounter": _encounters,
    "QuestionnaireResponse": _assessment_writer(build_questionnaire_response),
    "Observation": _assessment_writer(build_observation),
    "AdverseEvent": _adverse_events,
}
