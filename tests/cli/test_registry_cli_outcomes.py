"""Outcomes as a user records them: questionnaires at follow-ups, adverse events, later surgery."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from tests.factories.cli import (
    Clinic,
    adverse_event_record,
    error_line,
    open_clinic,
    procedure_record,
    run,
    run_json,
)
from typer.testing import Result

from regenspine.registry.database import Registry
from regenspine.registry.models import AdverseEvent, Assessment, FollowUp, Intervention

# The ODI worked example: sections 1-9 sum to 16 of 45, section 10 unanswered -> 35.6.
ODI_16_OF_45 = "5,5,3,3,0,0,0,0,0,-"


@pytest.fixture
def clinic(registry: Registry, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Clinic:
    """A migrated registry with one user per role and one patient with an open episode."""
    return open_clinic(registry, monkeypatch, tmp_path)


@pytest.fixture
def treated(clinic: Clinic) -> int:
    """The clinic's patient after the sample procedure on 2026-03-02; returns its number."""
    path = clinic.write_json("procedure.json", procedure_record(clinic.patient))
    saved = run_json("procedures", "add", "--json", path, "--as-json", "--user", "clinician")
    return int(saved["procedure"])


def assess(patient: str, instrument: str, answers: str, *extra: str) -> Result:
    """Run `assess PATIENT INSTRUMENT --answers ...` as the coordinator."""
    return run("assess", patient, instrument, "--answers", answers, "--user", "coordinator", *extra)


def due(today: str) -> list[str]:
    """The timepoints `followups due --today TODAY --within 14d` lists."""
    args = ("followups", "due", "--today", today, "--within", "14d", "--json")
    return [visit["timepoint"] for visit in run_json(*args, "--user", "coordinator")]


def add_adverse_event(clinic: Clinic, record: dict[str, Any], *extra: str) -> Result:
    """Run `adverse-events add --json FILE` as the clinician."""
    path = clinic.write_json("event.json", record)
    return run("adverse-events", "add", "--json", path, "--user", "clinician", *extra)


# assessments


def test_the_odi_worked_example_is_scored_stored_and_closes_its_visit(
    clinic: Clinic, treated: int
) -> None:
    assert due("2026-03-14") == ["2w"]
    before = clinic.counts()
    result = assess(
        clinic.patient, "odi", ODI_16_OF_45, *"--timepoint 2w --on 2026-03-16 --json".split()
    )
    stored = json.loads(result.stdout)
    assert (stored["registry_key"], stored["episode_id"], stored["timepoint"]) == (
        clinic.patient,
        clinic.episode,
        "2w",
    )
    assert (stored["scored"]["score"], stored["scored"]["answered"]) == (35.6, 9)
    assert stored["window_note"] is None
    assert due("2026-03-14") == []

    after = clinic.counts()
    assert (after["assessment"], after["audit_event"]) == (
        before["assessment"] + 1,
        before["audit_event"] + 1,
    )
    with clinic.registry.sessions() as session:
        row = session.get(Assessment, stored["assessment_id"])
        assert row is not None
        assert (row.answers, row.score) == ([5, 5, 3, 3, 0, 0, 0, 0, 0, None], 35.6)
        visit = session.get(FollowUp, row.follow_up_id)
        assert visit is not None
        assert (visit.procedure_id, visit.timepoint, str(visit.completed_on)) == (
            treated,
            "2w",
            "2026-03-16",
        )


def test_text_output_names_the_instrument_timepoint_and_score(clinic: Clinic, treated: int) -> None:
    result = assess(clinic.patient, "nrs_leg", "7", "--timepoint", "2w", "--on", "2026-03-16")
    assert result.stdout == (
        f"Stored Leg pain, numeric rating scale 0-10 at 2w for {clinic.patient}: 7\n"
    )


def test_the_same_instrument_and_timepoint_twice_is_a_conflict(
    clinic: Clinic, treated: int
) -> None:
    first = assess(clinic.patient, "odi", ODI_16_OF_45, "--timepoint", "3m", "--on", "2026-06-01")
    assert first.exit_code == 0
    before = clinic.counts()
    again = assess(clinic.patient, "odi", "0,0,0,0,0,0,0,0,0,0", "--timepoint", "3M")
    line = error_line(again)
    assert re.fullmatch(
        rf"error: assessment: odi at 3m is already recorded for episode {clinic.episode} "
        r"\(assessment \d+\)",
        line,
    )
    assert clinic.counts() == before


@pytest.mark.parametrize(
    ("instrument", "answers", "extra", "expected"),
    [
        pytest.param(
            "odi",
            ODI_16_OF_45,
            ["--timepoint", "3mo"],
            "error: timepoint: unknown timepoint '3mo' "
            "(allowed: baseline, 2w, 6w, 3m, 6m, 12m, 24m)",
            id="timepoint",
        ),
        pytest.param(
            "odi",
            "5,5,3,3,0,0,0,0,0,9",
            ["--timepoint", "3m"],
            "error: answers[10] (ODI section 10: travelling): 9 is out of range (allowed: 0-5)",
            id="out-of-range",
        ),
        pytest.param(
            "odi",
            "5,5,3",
            ["--timepoint", "3m"],
            "error: answers: ODI takes 10 answers, got 3 (allowed: 10)",
            id="answer-count",
        ),
        pytest.param(
            "odi",
            ODI_16_OF_45,
            ["--timepoint", "3m", "--on", "2026-06-31"],
            "error: --on: not a calendar date: '2026-06-31' (allowed: YYYY-MM-DD)",
            id="date",
        ),
        pytest.param(
            "odi",
            ODI_16_OF_45,
            ["--timepoint", "3m", "--user", "researcher"],
            "error: user researcher (role researcher) may not record assessments and "
            "follow-ups; roles that may: admin, clinician, coordinator",
            id="researcher",
        ),
    ],
)
def test_bad_assessments_exit_2_naming_the_problem(
    clinic: Clinic, treated: int, instrument: str, answers: str, extra: list[str], expected: str
) -> None:
    before = clinic.counts()
    assert error_line(assess(clinic.patient, instrument, answers, *extra)) == expected
    assert clinic.counts() == before


def test_an_unknown_instrument_lists_the_instruments(clinic: Clinic) -> None:
    line = error_line(assess(clinic.patient, "eq5d", "1", "--timepoint", "3m"))
    assert line.startswith("error: instrument: unknown instrument 'eq5d' (allowed: odi, ndi, zcq,")


def test_late_or_unscheduled_assessments_are_stored_with_a_note(clinic: Clinic) -> None:
    unscheduled = assess(clinic.patient, "nrs_leg", "6", "--timepoint", "baseline")
    assert unscheduled.stdout.endswith(
        "Note: no procedure scheduled this timepoint for the episode; stored without a visit\n"
    )
    path = clinic.write_json("procedure.json", procedure_record(clinic.patient))
    run("procedures", "add", "--json", path, "--user", "clinician")
    late = assess(clinic.patient, "nrs_leg", "4", "--timepoint", "3m", "--on", "2026-07-03")
    assert late.exit_code == 0
    assert late.stdout.endswith("Note: outside the 3m window (2026-05-19 to 2026-07-02)\n")
    assert clinic.counts()["assessment"] == 2


def test_a_baseline_answered_before_the_procedure_closes_the_baseline_visit(
    clinic: Clinic,
) -> None:
    # Baseline questionnaires are answered before treatment, so before the procedure (and its
    # schedule) is saved; saving the procedure must count them, or the visit shows as open.
    answered = assess(
        clinic.patient, "odi", ODI_16_OF_45, "--timepoint", "baseline", "--on", "2026-02-20"
    )
    assert answered.exit_code == 0
    path = clinic.write_json("procedure.json", procedure_record(clinic.patient))
    assert run("procedures", "add", "--json", path, "--user", "clinician").exit_code == 0
    assert "baseline" not in due("2026-03-02")


def test_assess_refuses_an_episode_of_another_patient(clinic: Clinic) -> None:
    path = clinic.write_json(
        "other.json", {"name": "Other Person", "birth_date": "1950-01-01", "sex": "male"}
    )
    other = run_json("patients", "add", "--json", path, "--as-json", "--user", "clinician")
    key = other["registry_key"]
    run("episodes", "add", key, "--region", "lumbar", "--started", "2026-02-01", "--user", "admin")
    before = clinic.counts()
    args = ("--timepoint", "baseline", "--episode", str(clinic.episode))
    # The key says whose answers these are; storing them on someone else's episode corrupts both.
    line = error_line(assess(key, "nrs_leg", "5", *args))
    assert "belongs to another patient" in line
    assert clinic.counts() == before


# adverse events


def test_grade_3_with_a_hospital_stay_is_serious(clinic: Clinic, treated: int) -> None:
    result = add_adverse_event(clinic, adverse_event_record(clinic.patient, procedure=treated))
    saved = re.fullmatch(r"Saved adverse event (\d+): Grade 3: Severe, serious\.\n", result.stdout)
    assert saved is not None, result.stdout
    with clinic.registry.sessions() as session:
        row = session.get(AdverseEvent, int(saved.group(1)))
        assert row is not None
        assert (row.serious, row.procedure_id, row.episode_id) == (True, treated, clinic.episode)


def test_the_json_output_carries_the_assessment(clinic: Clinic) -> None:
    result = add_adverse_event(clinic, adverse_event_record(clinic.patient), "--as-json")
    payload = json.loads(result.stdout)
    assessment = payload["assessment"]
    assert isinstance(payload["adverse_event"], int)
    assert (assessment["serious"], assessment["related"], assessment["grade"]) == (True, True, 3)
    assert assessment["serious_criteria"] == ["Hospitalisation"]
    assert [check["id"] for check in assessment["checks"]] == ["serious", "serious_and_related"]
    assert "ich-e2a-ema" in assessment["sources"]


def test_a_severe_event_without_serious_criteria_is_not_serious(clinic: Clinic) -> None:
    record = adverse_event_record(clinic.patient, serious_criteria=[], relatedness="unlikely")
    assessment = json.loads(add_adverse_event(clinic, record, "--as-json").stdout)["assessment"]
    assert assessment["serious"] is False
    assert [check["id"] for check in assessment["checks"]] == [
        "severe_but_not_serious",
        "not_serious",
    ]


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        pytest.param(
            {"grade": 5},
            "error: outcome: a grade 5 event (death) must have the outcome fatal",
            id="grade-5-not-fatal",
        ),
        pytest.param(
            {"grade": 4, "serious_criteria": []},
            "error: serious_criteria: a grade 4 (life-threatening) or grade 5 (death) event is "
            "serious by definition, because ICH E2A counts every event that is life-threatening "
            "or results in death as serious; it cannot be saved as not serious, so tick the "
            "seriousness criteria it met (allowed: serious: at least one of life_threatening, "
            "hospitalization, disability, congenital_anomaly, important_medical_event)",
            id="grade-4-not-serious",
        ),
        pytest.param(
            {"grade": "3"},
            "error: grade: '3' is not a grade (allowed: 1, 2, 3, 4, 5)",
            id="grade-as-text",
        ),
        pytest.param(
            {"category": "rash"},
            "error: category: unknown value 'rash' (allowed: pain, infection, bleeding, "
            "neurological, dural_puncture_headache, allergic, other)",
            id="category",
        ),
        pytest.param(
            {"procedure": 999},
            "error: adverse_event.procedure: no procedure 999",
            id="unknown-procedure",
        ),
        pytest.param(
            {"patient": None},
            "error: adverse_event.patient: say whose record this is (allowed: patient, episode)",
            id="whose",
        ),
    ],
)
def test_bad_adverse_events_exit_2_and_store_nothing(
    clinic: Clinic, changes: dict[str, Any], expected: str
) -> None:
    before = clinic.counts()
    record = adverse_event_record(clinic.patient, **changes)
    record = {key: value for key, value in record.items() if value is not None}
    assert error_line(add_adverse_event(clinic, record)) == expected
    assert clinic.counts() == before


# interventions


def test_decompression_counts_as_surgery_and_an_epidural_does_not(clinic: Clinic) -> None:
    args = ("interventions", "add", clinic.patient, "--user", "coordinator")
    surgery = run(*args, "--kind", "decompression", "--on", "2026-09-10")
    assert re.fullmatch(r"Saved intervention \d+ \(spine surgery\)\.\n", surgery.stdout)
    epidural = run(*args, "--kind", "epidural_steroid", "--on", "2026-05-04")
    assert re.fullmatch(r"Saved intervention \d+\.\n", epidural.stdout)
    with clinic.registry.sessions() as session:
        stored = session.execute(
            select(Intervention.kind, Intervention.is_surgery).order_by(Intervention.id)
        ).all()
    assert [tuple(row) for row in stored] == [
        ("decompression", True),
        ("epidural_steroid", False),
    ]


@pytest.mark.parametrize(
    ("args", "start"),
    [
        (["--kind", "chiropractic", "--on", "2026-09-10"], "error: intervention.kind: "),
        (
            ["--kind", "decompression", "--on", "2026-02-15"],
            "error: intervention.performed_on: is before the episode started "
            "(allowed: on or after 2026-02-16)",
        ),
        (["--kind", "decompression", "--on", "next week"], "error: --on: not a calendar date"),
        (
            ["--kind", "decompression", "--on", "2026-09-10", "--user", "researcher"],
            "error: user researcher (role researcher) may not record adverse events",
        ),
    ],
)
def test_bad_interventions_exit_2_and_store_nothing(
    clinic: Clinic, args: list[str], start: str
) -> None:
    before = clinic.counts()
    line = error_line(run("interventions", "add", clinic.patient, "--user", "coordinator", *args))
    assert line.startswith(start)
    assert clinic.counts() == before
