"""A synthetic registry for demos and benchmarks: realistic, reproducible, and flagged as such.

`generate_synthetic_registry` writes N made-up patients into the session's database: identity
(plainly fake), episode, screening, consents, one procedure with its protocol checks, the
follow-up schedule with questionnaire answers and scores, missed visits, adverse events and later
treatments. The same seed and as-of day give the same data; every date counts back from the as-of
day. Every patient row has `synthetic = True`, so analytics and the decision aid can keep these
data apart from real patients and label them.

Speed: rows are built per chunk of patients and written with one executemany per table, so a
million patients fit in flat memory. The caller owns the transaction (one for the whole run:
a failure leaves nothing behind).
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from datetime import date

from pydantic import BaseModel, ConfigDict
from sqlalchemy.orm import Session

from regenspine.errors import InvalidInput
from regenspine.registry.models import User
from regenspine.registry.services.audit import record_audit
from regenspine.synthetic.cases import RunPlan, enrol_patient
from regenspine.synthetic.outcomes import add_outcomes
from regenspine.synthetic.procedures import add_procedure
from regenspine.synthetic.rows import (
    IdCounters,
    RowBatch,
    advance_sequences,
    lock_for_generation,
)

MAX_PATIENTS = 5_000_000
MAX_SITES = 100
MAX_SEED = 2**63 - 1
PATIENTS_PER_CHUNK = 1_000
AUDIT_ENTITY = "synthetic_registry"
AUDIT_REASON = "generate a synthetic registry (made-up patients for demos and benchmarks)"

Progress = Callable[[int], None]


class SyntheticRegistry(BaseModel):
    """What one generation run wrote."""

    model_config = ConfigDict(frozen=True)

    patients: int
    seed: int
    sites: int
    as_of: date
    synthetic: bool = True
    first_patient_id: int
    last_patient_id: int
    rows: dict[str, int]


def check_request(
    patients: int,
    sites: int,
    seed: int,
    *,
    names: tuple[str, str, str] = ("patients", "sites", "seed"),
) -> None:
    """Refuse sizes outside what the generator supports, naming the field and the range."""
    for name, value, low, high in (
        (names[0], patients, 1, MAX_PATIENTS),
        (names[1], sites, 1, MAX_SITES),
        (names[2], seed, 0, MAX_SEED),
    ):
        if not low <= value <= high:
            raise InvalidInput(name, f"{value} is out of range", f"{low} to {high}")


def generate_synthetic_registry(
    session: Session,
    *,
    patients: int,
    seed: int,
    sites: int,
    as_of: date,
    actor: User | None = None,
    chunk_size: int = PATIENTS_PER_CHUNK,
    on_progress: Progress | None = None,
) -> SyntheticRegistry:
    """Write `patients` synthetic patients spread over `sites` sites; audited as one event."""
    check_request(patients, sites, seed)
    lock_for_generation(session)
    ids = IdCounters.after_stored_rows(session)
    plan = RunPlan.for_sites(as_of, sites)
    rng = random.Random(seed)  # noqa: S311 (made-up demo data, reproducible by seed, not secrets)
    written: Counter[str] = Counter()
    done = 0
    while done < patients:
        size = min(chunk_size, patients - done)
        batch = RowBatch()
        for _ in range(size):
            _add_patient(rng, ids, batch, plan)
        written.update(batch.insert_into(session))
        done += size
        if on_progress is not None:
            on_progress(size)
    advance_sequences(session, ids)
    first_patient = ids.first["patient"]
    run = SyntheticRegistry(
        patients=patients,
        seed=seed,
        sites=sites,
        as_of=as_of,
        first_patient_id=first_patient,
        last_patient_id=first_patient + patients - 1,
        rows=dict(sorted(written.items())),
    )
    details = run.model_dump(mode="json", exclude={"rows"}) | {"rows": run.rows}
    record_audit(session, actor, "create", AUDIT_ENTITY, None, AUDIT_REASON, details)
    return run


def _add_patient(rng: random.Random, ids: IdCounters, batch: RowBatch, plan: RunPlan) -> None:
    """Queue every row of one synthetic patient, from enrolment to the last follow-up."""
    enrolment = enrol_patient(rng, ids, batch, plan)
    procedure = add_procedure(
        rng,
        ids,
        batch,
        episode_id=enrolment.episode_id,
        region=enrolment.region,
        site=enrolment.site,
        performed_on=enrolment.performed_on,
    )
    add_outcomes(rng, ids, batch, enrolment, procedure, plan.as_of)
