"""The synthetic registry: reproducible, flagged, realistic, and built by the real care rules."""

from __future__ import annotations

import re
import shutil
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from tests.factories.databases import BACKENDS, postgres_database
from tests.factories.registry import row_counts

from regenspine.care import follow_up_schedule, questionnaires_for
from regenspine.errors import Conflict, InvalidInput
from regenspine.instruments import score
from regenspine.registry.database import Registry
from regenspine.registry.models import (
    AdverseEvent,
    Assessment,
    AuditEvent,
    Episode,
    FollowUp,
    Intervention,
    Patient,
    PatientIdentity,
    Procedure,
    ProtocolCheckRow,
)
from regenspine.registry.services.patients import add_patient
from regenspine.registry.services.users import add_user
from regenspine.synthetic.registry import (
    AUDIT_ENTITY,
    MAX_PATIENTS,
    SyntheticRegistry,
    check_request,
    generate_synthetic_registry,
)
from regenspine.synthetic.rows import INSERT_ORDER, synthetic_registry_key, table_of

AS_OF = date(2026, 11, 1)
THOUSAND = 1000


@contextmanager
def _migrated_copy(backend: str, templates: dict[str, str], folder: Path) -> Iterator[Registry]:
    """What the `registry` fixture does, usable at module scope (one copy, many readers)."""
    if backend == "sqlite":
        target = folder / "registry.sqlite3"
        shutil.copyfile(templates["sqlite"], target)
        opened = Registry(f"sqlite:///{target}")
        yield opened
        opened.dispose()
        return
    with postgres_database(template=templates["postgresql"]) as url:
        opened = Registry(url)
        yield opened
        opened.dispose()


@pytest.fixture(scope="module", params=BACKENDS)
def thousand(
    request: pytest.FixtureRequest,
    migrated_templates: dict[str, str],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Registry, SyntheticRegistry]]:
    """One registry of 1,000 synthetic patients per engine, shared by the read-only tests."""
    folder = tmp_path_factory.mktemp("thousand")
    with _migrated_copy(str(request.param), migrated_templates, folder) as registry:
        with registry.transaction() as session:
            run = generate_synthetic_registry(
                session, patients=THOUSAND, seed=11, sites=4, as_of=AS_OF
            )
        yield registry, run


def _generate(session: Session, seed: int, patients: int = 25, **options: Any) -> SyntheticRegistry:
    return generate_synthetic_registry(
        session, patients=patients, seed=seed, sites=3, as_of=AS_OF, **options
    )


def _contents(session: Session) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table the generator writes, in primary-key order."""
    contents = {}
    for model in INSERT_ORDER:
        table = table_of(model)
        rows = session.execute(select(table).order_by(*table.primary_key.columns)).all()
        contents[table.name] = [tuple(row) for row in rows]
    return contents


def _contents_of_run(registry: Registry, seed: int) -> dict[str, list[tuple[Any, ...]]]:
    """Generate, read everything back, then roll back so the next run starts from the same ids."""
    with registry.sessions() as session:
        session.begin()
        try:
            _generate(session, seed)
            return _contents(session)
        finally:
            session.rollback()


# Reproducibility and bookkeeping


def test_same_seed_gives_identical_data_and_another_seed_different(registry: Registry) -> None:
    first = _contents_of_run(registry, seed=5)
    again = _contents_of_run(registry, seed=5)
    other = _contents_of_run(registry, seed=6)
    assert len(first["patient"]) == 25
    assert first == again
    for table in ("patient_identity", "episode", "procedure", "assessment"):
        assert first[table] != other[table], table


def test_a_second_run_adds_new_patients_and_the_registry_keeps_working(registry: Registry) -> None:
    with registry.transaction() as session:
        first = _generate(session, seed=1, patients=10)
    with registry.transaction() as session:
        second = _generate(session, seed=1, patients=10)
        admin = add_user(session, None, username="ada", role="admin", password="x" * 12)
        # On PostgreSQL this needs the id sequences moved past the generated ids.
        real = add_patient(
            session,
            admin,
            {"name": "Real Person", "birth_date": "1960-01-01", "sex": "female"},
            "test",
        )
    assert (first.first_patient_id, first.last_patient_id) == (1, 10)
    assert (second.first_patient_id, second.last_patient_id) == (11, 20)
    assert real.id == 21
    with registry.sessions() as session:
        keys = session.scalars(select(Patient.registry_key)).all()
        mrns = session.scalars(select(PatientIdentity.mrn).where(PatientIdentity.mrn.isnot(None)))
        assert len(set(keys)) == 21
        assert len(set(mrns.all())) == 20
        assert session.scalar(select(func.count()).where(Patient.synthetic.is_(False))) == 1


def test_the_run_is_audited_as_one_event(registry: Registry) -> None:
    with registry.transaction() as session:
        _generate(session, seed=2, patients=15)
    with registry.sessions() as session:
        events = session.scalars(select(AuditEvent)).all()
    assert len(events) == 1
    assert (events[0].entity, events[0].action, events[0].username) == (
        AUDIT_ENTITY,
        "create",
        "system",
    )
    assert events[0].details["patients"] == 15
    assert events[0].details["rows"]["patient"] == 15


def test_a_failure_midway_leaves_nothing_written(registry: Registry) -> None:
    # A real patient already holds the MRN the 30th synthetic patient would get (ids 2-41 are
    # generated in chunks of 10, so three chunks are written before the clash).
    with registry.transaction() as session:
        session.add(Patient(registry_key="RS-REAL0001", identity=_identity("SYN-00030")))
    before = row_counts(registry)
    chunks: list[int] = []
    with pytest.raises(Conflict, match="database"), registry.transaction() as session:
        _generate(session, seed=3, patients=40, chunk_size=10, on_progress=chunks.append)
    assert chunks == [10, 10]
    assert row_counts(registry) == before


def _identity(mrn: str) -> PatientIdentity:
    return PatientIdentity(name="Real Person", birth_date=date(1960, 1, 1), sex="male", mrn=mrn)


@pytest.mark.parametrize(
    ("patients", "sites", "seed", "field", "allowed"),
    [
        (0, 3, 1, "patients", f"1 to {MAX_PATIENTS}"),
        (MAX_PATIENTS + 1, 3, 1, "patients", f"1 to {MAX_PATIENTS}"),
        (10, 0, 1, "sites", "1 to 100"),
        (10, 101, 1, "sites", "1 to 100"),
        (10, 3, -1, "seed", "0 to 9223372036854775807"),
    ],
)
def test_sizes_outside_the_supported_range_are_refused(
    patients: int, sites: int, seed: int, field: str, allowed: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        check_request(patients, sites, seed)
    assert (refused.value.field, refused.value.allowed) == (field, allowed)


def test_registry_keys_are_unique_and_shaped_like_drawn_ones() -> None:
    keys = [synthetic_registry_key(number) for number in range(1, 20_001)]
    assert len(set(keys)) == len(keys)
    assert all(re.fullmatch(r"RS-[0-9A-HJKMNP-TV-Z]{8}", key) for key in keys)
    # Scattered like drawn keys, not counting up: consecutive ids start with many characters.
    assert len({key[3] for key in keys[:100]}) > 20


# What the 1,000 patients look like


def test_every_patient_is_flagged_synthetic_with_obviously_fake_identifiers(
    thousand: tuple[Registry, SyntheticRegistry],
) -> None:
    registry, _run = thousand
    with registry.sessions() as session:
        patients = session.execute(select(Patient, PatientIdentity).join(PatientIdentity)).all()
    assert len(patients) == THOUSAND
    for patient, identity in patients:
        number = f"{patient.id:05d}"
        assert patient.synthetic is True
        assert identity.name == f"Synthetic Patient {number}"
        assert identity.mrn == f"SYN-{number}"
        assert identity.email == f"synthetic-{number}@example.org"
        assert (identity.phone, identity.zip) == (None, None)
    assert {patient.site for patient, _ in patients} == {f"site-{n}" for n in range(1, 5)}


def test_about_a_quarter_of_twelve_month_answers_are_missing(
    thousand: tuple[Registry, SyntheticRegistry],
) -> None:
    registry, _run = thousand
    with registry.sessions() as session:
        due = session.scalars(
            select(FollowUp).where(FollowUp.timepoint == "12m", FollowUp.window_closes < AS_OF)
        ).all()
    missing = sum(visit.completed_on is None for visit in due) / len(due)
    assert len(due) > 400
    assert 0.20 <= missing <= 0.35


def test_no_injection_goes_without_image_guidance_and_none_was_refused(
    thousand: tuple[Registry, SyntheticRegistry],
) -> None:
    registry, _run = thousand
    with registry.sessions() as session:
        guidance = Counter(session.scalars(select(Procedure.image_guidance)))
        outcomes = Counter(
            session.execute(select(ProtocolCheckRow.check_id, ProtocolCheckRow.outcome)).all()
        )
        sources = Counter(session.scalars(select(Procedure.cell_source)))
    assert sum(guidance.values()) == THOUSAND
    assert "none" not in guidance
    assert set(guidance) <= {"fluoroscopy", "ultrasound", "ct"}
    assert not any(outcome == "refused" for _check, outcome in outcomes)
    assert outcomes[("image_guidance", "passed")] == THOUSAND
    assert outcomes[("processing_time", "warning")] > 0  # some runs fall outside 30-60 minutes
    assert set(sources) == {"bone_marrow", "adipose", "allogeneic"}


def test_stored_scores_equal_rescoring_the_stored_answers(
    thousand: tuple[Registry, SyntheticRegistry],
) -> None:
    registry, _run = thousand
    with registry.sessions() as session:
        assessments = session.scalars(select(Assessment)).all()
    assert len(assessments) > 20 * THOUSAND
    for stored in assessments:
        rescored = score(stored.instrument, stored.answers)
        assert (stored.score, stored.subscales, stored.answered, stored.reason) == (
            rescored.score,
            rescored.subscales,
            rescored.answered,
            rescored.reason,
        )


def test_every_follow_up_row_matches_the_schedule_and_its_answers(
    thousand: tuple[Registry, SyntheticRegistry],
) -> None:
    registry, _run = thousand
    with registry.sessions() as session:
        procedures = {p.id: p for p in session.scalars(select(Procedure))}
        regions = dict(session.execute(select(Episode.id, Episode.region)).all())
        visits: dict[int, list[FollowUp]] = defaultdict(list)
        for visit in session.scalars(select(FollowUp).order_by(FollowUp.id)):
            visits[visit.procedure_id].append(visit)
        asked: dict[int, set[str]] = defaultdict(set)
        for row in session.scalars(select(Assessment)):
            assert row.follow_up_id is not None
            asked[row.follow_up_id].add(row.instrument)
    for procedure_id, procedure in procedures.items():
        stored = [
            (v.timepoint, v.due_on, v.window_opens, v.window_closes) for v in visits[procedure_id]
        ]
        expected = [
            (v.timepoint, v.due_on, v.window_opens, v.window_closes)
            for v in follow_up_schedule(procedure.performed_on)
        ]
        assert stored == expected
        for visit in visits[procedure_id]:
            done = visit.completed_on is not None
            if done:
                assert visit.window_opens <= visit.completed_on <= min(visit.window_closes, AS_OF)
            wanted = set(questionnaires_for(regions[procedure.episode_id], visit.timepoint))
            assert asked.get(visit.id, set()) == (wanted if done else set())
        assert visits[procedure_id][0].completed_on is not None  # baseline is always answered


def test_baseline_disability_looks_like_norspine(
    thousand: tuple[Registry, SyntheticRegistry],
) -> None:
    registry, _run = thousand
    with registry.sessions() as session:
        mean = session.scalar(
            select(func.avg(Assessment.score)).where(
                Assessment.instrument == "odi", Assessment.timepoint == "baseline"
            )
        )
    assert 39 <= float(mean) <= 47  # NORspine: 43.0 (SD 17.3)


def test_harms_and_later_surgery_come_at_plausible_rates(
    thousand: tuple[Registry, SyntheticRegistry],
) -> None:
    registry, _run = thousand
    with registry.sessions() as session:
        events = session.scalars(select(AdverseEvent)).all()
        surgeries = session.scalar(
            select(func.count()).select_from(Intervention).where(Intervention.is_surgery)
        )
    mild = sum(event.grade == 1 for event in events) / THOUSAND
    serious = [event for event in events if event.serious]
    assert 0.03 <= mild <= 0.10  # about 6% in the platelet-lysate series
    assert len(serious) <= 0.02 * THOUSAND
    assert all(event.serious == bool(event.serious_criteria) for event in events)
    # Procedures span three years, so about 1.5 years of follow-up each on average.
    assert 0.01 <= surgeries / (1.5 * THOUSAND) <= 0.10
