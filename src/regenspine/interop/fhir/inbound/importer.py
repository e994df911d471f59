"""FHIR import: our NDJSON files (or a transaction Bundle) back into the registry.

The import keeps registry ids (episode-5 becomes episode 5 again, patients are matched by their
registry key), so it restores or moves a registry; it cannot merge two registries whose ids
overlap, and says so when a resource names a row that belongs to someone else.

Each batch (about 1,000 lines of one file, or a whole Bundle) is one transaction: every row is
read in bulk, compared with what is stored, and only missing rows are inserted and changed rows
updated. Importing the same files again therefore changes nothing, and a bad line stops its
batch before anything of it is written (earlier batches stay). Each batch is one audit event.
A Patient without names leaves a stored identity alone (an import never erases identifiers).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path

from pydantic import BaseModel
from sqlalchemy import delete, insert, select, tuple_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from regenspine.errors import Conflict
from regenspine.interop.fhir.inbound.outcome_rows import (
    adverse_event_row,
    assessment_row,
    follow_up_rows,
    intervention_row,
    score_row,
    visit_completion,
)
from regenspine.interop.fhir.inbound.read import (
    BATCH_LINES,
    BadResource,
    ParsedResource,
    ResourceBatch,
    read_batches,
    row_group,
)
from regenspine.interop.fhir.inbound.rows import (
    Row,
    episode_row,
    patient_row,
    procedure_row,
    registry_number,
    subject_key,
)
from regenspine.interop.fhir.inbound.upsert import (
    RowWriter,
    check_owner,
    owners,
    patient_ids,
)
from regenspine.interop.fhir.mapping import RESOURCE_TYPES, parse_resource_id
from regenspine.registry.access import Permission, require
from regenspine.registry.database import Registry, clash
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
    table_of,
)
from regenspine.registry.services.audit import record_audit
from regenspine.registry.services.users import find_user

PERMISSIONS = {
    "Patient": Permission.register_patients,
    "Condition": Permission.register_patients,
    "Procedure": Permission.record_procedures,
    "CarePlan": Permission.record_assessments,
    "Encounter": Permission.record_assessments,
    "QuestionnaireResponse": Permission.record_assessments,
    "Observation": Permission.record_assessments,
    "AdverseEvent": Permission.record_safety,
}


class FhirImport(BaseModel):
    """What an import read and changed: resources per type, rows created and updated per table."""

    batches: int = 0
    resources: dict[str, int] = {}
    created: dict[str, int] = {}
    updated: dict[str, int] = {}

    def add(self, other: FhirImport) -> None:
        """Count another batch's result into this one."""
        self.batches += other.batches
        for mine, theirs in (
            (self.resources, other.resources),
            (self.created, other.created),
            (self.updated, other.updated),
        ):
            for key, value in theirs.items():
                mine[key] = mine.get(key, 0) + value


def import_fhir(
    registry: Registry,
    username: str,
    path: Path,
    *,
    reason: str,
    batch_lines: int = BATCH_LINES,
    on_progress: Callable[[int], None] | None = None,
) -> FhirImport:
    """Import a folder of NDJSON files or a Bundle as `username`, one transaction per batch."""
    summary = FhirImport()
    for batch in read_batches(path, batch_lines):
        with registry.transaction() as session:
            summary.add(import_batch(session, find_user(session, username), batch, reason))
        if on_progress is not None:
            on_progress(batch.progress)
    return summary


def import_batch(session: Session, actor: User, batch: ResourceBatch, reason: str) -> FhirImport:
    """Write one batch in the caller's transaction; nothing of it is written on any problem."""
    _refuse_repeats(batch)
    writer = RowWriter(session)
    try:
        for resource_type in RESOURCE_TYPES:
            items = batch.of_type(resource_type)
            if items:
                require(actor, PERMISSIONS[resource_type])
                _APPLY[resource_type](writer, items)
    except IntegrityError as error:
        raise Conflict(
            f"{batch.source} {batch.span}: the batch clashes with stored data ({clash(error)})"
        ) from None
    result = FhirImport(
        batches=1,
        resources=dict(Counter(item.resource_type for item in batch.resources)),
        created=dict(writer.created),
        updated=dict(writer.updated),
    )
    details = {"source": batch.source, "span": batch.span, **result.model_dump(exclude={"batches"})}
    record_audit(session, actor, "create", "fhir_import", None, reason, details)
    return result


def _refuse_repeats(batch: ResourceBatch) -> None:
    seen: set[tuple[str, str]] = set()
    for item in batch.resources:
        if (item.resource_type, item.id) in seen:
            raise BadResource(item.where, f"{item.resource_type} {item.id}", "appears twice")
        seen.add((item.resource_type, item.id))


def _apply_patients(writer: RowWriter, items: list[ParsedResource]) -> None:
    parsed = [(item, *patient_row(item)) for item in items]
    writer.upsert(Patient, [(item, patient) for item, patient, _ in parsed], key="registry_key")
    ids = patient_ids(writer.session, {item.id for item in items})
    identities = [
        (item, {"patient_id": ids[item.id], **identity}) for item, _, identity in parsed if identity
    ]
    _refuse_taken_mrns(writer.session, identities)
    if identities:
        writer.upsert(PatientIdentity, identities, key="patient_id")


def _refuse_taken_mrns(session: Session, identities: list[tuple[ParsedResource, Row]]) -> None:
    claimed: dict[str, int] = {}
    for item, row in identities:
        mrn = row.get("mrn")
        if mrn is not None and claimed.setdefault(mrn, row["patient_id"]) != row["patient_id"]:
            raise BadResource(item.where, "Patient.identifier", f"MRN {mrn} is given twice")
    query = select(PatientIdentity.mrn, PatientIdentity.patient_id)
    holders = dict(session.execute(query.where(PatientIdentity.mrn.in_(claimed))).all())
    for item, row in identities:
        holder = holders.get(row.get("mrn"))
        if holder is not None and holder != row["patient_id"]:
            raise BadResource(
                item.where, "Patient.identifier", f"MRN {row['mrn']} belongs to another patient"
            )


def _apply_conditions(writer: RowWriter, items: list[ParsedResource]) -> None:
    ids = patient_ids(writer.session, {subject_key(item) for item in items})
    rows = []
    for item in items:
        key = subject_key(item)
        if key not in ids:
            raise BadResource(
                item.where, "Condition.subject", f"patient {key} is not in the registry"
            )
        rows.append((item, episode_row(item, ids[key])))
    writer.upsert(Episode, rows, fixed=("patient_id",))


def _apply_procedures(writer: RowWriter, items: list[ParsedResource]) -> None:
    later = [item for item in items if parse_resource_id("Intervention", item.id)]
    if later:
        _apply_interventions(writer, later)
    later_ids = {item.id for item in later}
    groups: defaultdict[object, list[ParsedResource]] = defaultdict(list)
    for item in items:
        if item.id not in later_ids:
            groups[row_group(item.resource_type, item.id)].append(item)
    if groups:
        _apply_cell_therapy(writer, list(groups.values()))


def _apply_interventions(writer: RowWriter, items: list[ParsedResource]) -> None:
    rows = [(item, intervention_row(item)) for item in items]
    stored = owners(writer.session, Episode, {row["episode_id"] for _, row in rows})
    for item, row in rows:
        episode = row["episode_id"]
        check_owner(item, "reasonReference", f"episode {episode}", stored.get(episode))
    writer.upsert(Intervention, rows, fixed=("episode_id",))


def _apply_cell_therapy(writer: RowWriter, groups: list[list[ParsedResource]]) -> None:
    built = [(steps[0], *procedure_row(steps)) for steps in groups]
    stored = owners(writer.session, Episode, {row["episode_id"] for _, row, _ in built})
    for item, row, _ in built:
        episode = row["episode_id"]
        check_owner(item, "reasonReference", f"episode {episode}", stored.get(episode))
    writer.upsert(Procedure, [(item, row) for item, row, _ in built], fixed=("episode_id",))
    wanted = {
        row["id"]: {target["target"]: target for target in targets} for _, row, targets in built
    }
    _replace_targets(writer, wanted)


def _replace_targets(writer: RowWriter, wanted: dict[int, dict[str, Row]]) -> None:
    """Make each procedure's stored targets the wanted ones (by target name, with its columns)."""
    table = table_of(InjectionTargetRow)
    stored: defaultdict[int, set[str]] = defaultdict(set)
    query = select(table.c.procedure_id, table.c.target).where(table.c.procedure_id.in_(wanted))
    for procedure_id, target in writer.session.execute(query):
        stored[procedure_id].add(target)
    extra = [
        (number, name) for number, have in stored.items() for name in have - set(wanted[number])
    ]
    missing = [
        {"procedure_id": number, **want[name]}
        for number, want in wanted.items()
        for name in sorted(set(want) - stored[number])
    ]
    if extra:
        pairs = tuple_(table.c.procedure_id, table.c.target)
        writer.session.execute(delete(table).where(pairs.in_(extra)))
        writer.updated[table.name] += len(extra)
    if missing:
        writer.session.execute(insert(table), missing)
        writer.created[table.name] += len(missing)


def _apply_care_plans(writer: RowWriter, items: list[ParsedResource]) -> None:
    stored = owners(writer.session, Procedure, {registry_number(item) for item in items})
    rows = []
    for item in items:
        number = registry_number(item)
        check_owner(item, "supportingInfo", f"procedure {number}", stored.get(number))
        rows += [(item, row) for row in follow_up_rows(item)]
    if rows:
        writer.upsert(FollowUp, rows, fixed=("procedure_id",))


def _apply_encounters(writer: RowWriter, items: list[ParsedResource]) -> None:
    rows = [(item, visit_completion(item)) for item in items]
    stored = owners(writer.session, FollowUp, {row["id"] for _, row in rows}, FollowUp.timepoint)
    for item, row in rows:
        what = f"follow-up visit {row['id']} (from its CarePlan)"
        visit = check_owner(item, "id", what, stored.get(row["id"]))
        if row.pop("timepoint") != visit.timepoint:
            raise BadResource(
                item.where, "Encounter.type", "does not match the stored visit", [visit.timepoint]
            )
    writer.upsert(FollowUp, rows, create="its CarePlan must be imported first")


def _apply_responses(writer: RowWriter, items: list[ParsedResource]) -> None:
    rows = [(item, assessment_row(item)) for item in items]
    episodes = owners(writer.session, Episode, {row["episode_id"] for _, row in rows})
    named = {row["follow_up_id"] for _, row in rows if row["follow_up_id"]}
    visits = owners(writer.session, FollowUp, named)
    for item, row in rows:
        episode, visit = row["episode_id"], row["follow_up_id"]
        check_owner(item, "extension(episode)", f"episode {episode}", episodes.get(episode))
        if visit is not None:
            check_owner(item, "encounter", f"visit {visit}", visits.get(visit))
    # The Observation carries the score as recorded; the answers' own score fills new rows only.
    writer.upsert(
        Assessment, rows, fixed=("episode_id",), insert_only=("score", "subscales", "reason")
    )


def _apply_observations(writer: RowWriter, items: list[ParsedResource]) -> None:
    rows = [(item, score_row(item)) for item in items]
    ids = {row["id"] for _, row in rows}
    stored = owners(writer.session, Assessment, ids, Assessment.instrument)
    for item, row in rows:
        what = f"assessment {row['id']} (from its QuestionnaireResponse)"
        answers = check_owner(item, "derivedFrom", what, stored.get(row["id"]))
        if row.pop("instrument") != answers.instrument:
            raise BadResource(
                item.where, "Observation.code", "names another instrument", [answers.instrument]
            )
    writer.upsert(Assessment, rows, create="its QuestionnaireResponse must be imported first")


def _apply_adverse_events(writer: RowWriter, items: list[ParsedResource]) -> None:
    rows = [(item, adverse_event_row(item)) for item in items]
    episodes = owners(writer.session, Episode, {row["episode_id"] for _, row in rows})
    named = {row["procedure_id"] for _, row in rows if row["procedure_id"]}
    procedures = owners(writer.session, Procedure, named, Procedure.episode_id)
    for item, row in rows:
        episode, procedure = row["episode_id"], row["procedure_id"]
        check_owner(item, "extension(episode)", f"episode {episode}", episodes.get(episode))
        if procedure is not None and getattr(procedures.get(procedure), "episode_id", 0) != episode:
            raise BadResource(
                item.where,
                "AdverseEvent.suspectEntity",
                f"procedure {procedure} is not one of episode {episode}",
            )
    writer.upsert(AdverseEvent, rows, fixed=("episode_id",))


_APPLY: dict[str, Callable[[RowWriter, list[ParsedResource]], None]] = {
    "Patient": _apply_patients,
    "Condition": _apply_conditions,
    "Procedure": _apply_procedures,
    "CarePlan": _apply_care_plans,
    "Encounter": _apply_encounters,
    "QuestionnaireResponse": _apply_responses,
    "Observation": _apply_observations,
    "AdverseEvent": _apply_adverse_events,
}
