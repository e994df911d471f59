"""`regenspine report` as a user runs it: JSON, text, HTML, filters, banner, and a cross-check
that recomputes the responder rates from the raw assessments in plain Python."""

from __future__ import annotations

import csv
import json
import re
from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from sqlalchemy import select
from tests.factories.cases import Case, add_cases, odi_case
from typer.testing import CliRunner

from regenspine.cli.app import app
from regenspine.instruments.zcq import zcq_responder
from regenspine.knowledge import load_knowledge
from regenspine.registry.database import Registry
from regenspine.registry.models import Assessment, Episode, Patient
from regenspine.registry.services.users import add_user

AS_OF = ("--as-of", "2027-06-01", "--user", "rhea")


def run(*args: str) -> Result:
    """Run `regenspine report ARGS...` through Click's test runner."""
    return CliRunner().invoke(app, ["report", *args])


def run_json(*args: str) -> Any:
    """Run the report with --json and decode it."""
    result = run("--json", *AS_OF, *args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture
def clinic(registry: Registry, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Registry:
    """The CLI pointed at the test registry, with a researcher named rhea."""
    monkeypatch.setenv("REGENSPINE_DATABASE_URL", registry.url)
    monkeypatch.setenv("REGENSPINE_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("REGENSPINE_USER", raising=False)
    with registry.transaction() as session:
        admin = add_user(session, None, username="ada", role="admin", password="x" * 16)
        add_user(session, admin, username="rhea", role="researcher", password="x" * 16)
    return registry


MIXED = [
    Case(
        scores={
            "odi": {"baseline": before, "12m": after},
            "nrs_leg": {"baseline": leg, "12m": leg_after},
        },
        zcq={
            "baseline": {"symptom_severity": 3.0, "physical_function": 3.0},
            "12m": {"symptom_severity": ss, "physical_function": pf, "satisfaction": sat},
        },
    )
    for before, after, leg, leg_after, ss, pf, sat in [
        (40, 20, 8, 5, 2.5, 2.8, 2.0),
        (50, 40, 6, 5, 2.9, 2.9, 3.0),
        (60, 30, 0, 2, 2.0, 2.0, 1.5),
        (30, 30, 7, 3, 3.0, 3.0, 2.5),
        (20, 10, 5, 4, 2.54, 2.58, 3.5),
        (44, 30, 9, 9, 3.0, None, 2.0),
        (64, 50, 4, 1, 2.5, 2.5, None),
    ]
]


def test_json_has_the_documented_shape(clinic: Registry) -> None:
    add_cases(clinic, MIXED)
    report = run_json()
    assert {
        "outcomes",
        "survival",
        "adverse_events",
        "comparisons",
        "synthetic",
        "n_patients",
    } <= set(report)
    assert (report["synthetic"], report["n_patients"]) == (False, 7)
    odi = next(r for r in report["outcomes"] if (r["instrument"], r["timepoint"]) == ("odi", "12m"))
    assert {
        "instrument",
        "timepoint",
        "n",
        "mean_change",
        "ci",
        "responder_rate",
        "responder_ci",
    } <= set(odi)
    assert odi["n"] == 7
    assert len(odi["ci"]) == 2
    assert report["comparisons"]["caveat"] == report["caveat"]
    assert {"by_grade", "by_seriousness", "by_site", "by_relatedness"} <= set(
        report["adverse_events"]
    )
    assert [e["months"] for e in report["survival"]["estimates"]] == [12, 24]
    assert report["disclaimer"] == load_knowledge().text("disclaimer")
    known = {source.id for source in load_knowledge().sources}
    assert report["caveat_sources"]
    assert set(report["caveat_sources"]) <= known


def _raw_assessments_csv(registry: Registry, path: Path) -> None:
    """Write the raw assessments as a tidy CSV (what a research export holds)."""
    statement = (
        select(
            Patient.registry_key,
            Assessment.instrument,
            Assessment.timepoint,
            Assessment.score,
            Assessment.subscales,
        )
        .join(Episode, Episode.id == Assessment.episode_id)
        .join(Patient, Patient.id == Episode.patient_id)
    )
    with registry.sessions() as session, path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(["patient_key", "instrument", "timepoint", "score", "subscales"])
        for key, instrument, timepoint, score, subscales in session.execute(statement):
            writer.writerow(
                [key, instrument, timepoint, "" if score is None else score, json.dumps(subscales)]
            )


def _responders_from_csv(path: Path) -> dict[tuple[str, str], tuple[int, int]]:
    """(instrument, timepoint) -> (responders, decided), recomputed in plain Python."""
    scores: dict[tuple[str, str], dict[str, Any]] = defaultdict(dict)
    with path.open(encoding="utf-8") as stream:
        for record in csv.DictReader(stream):
            value = float(record["score"]) if record["score"] else json.loads(record["subscales"])
            scores[(record["patient_key"], record["instrument"])][record["timepoint"]] = value
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for (_, instrument), by_timepoint in scores.items():
        before, after = by_timepoint.get("baseline"), by_timepoint.get("12m")
        if before is None or after is None:
            continue
        if instrument == "zcq":
            met = zcq_responder("zcq_success_two_of_three", before, after).met
        elif before > 0:
            met = before - after >= 0.3 * before - 1e-9
        else:
            continue  # a baseline of 0 cannot fall by 30%
        if met is not None:
            counts[(instrument, "12m")][0] += int(met)
            counts[(instrument, "12m")][1] += 1
    return {key: (value[0], value[1]) for key, value in counts.items()}


def test_responder_rates_match_a_plain_python_recomputation(
    clinic: Registry, tmp_path: Path
) -> None:
    add_cases(clinic, MIXED)
    export = tmp_path / "assessments.csv"
    _raw_assessments_csv(clinic, export)
    expected = _responders_from_csv(export)
    assert expected == {("odi", "12m"): (4, 7), ("nrs_leg", "12m"): (3, 6), ("zcq", "12m"): (4, 6)}
    reported = {
        (row["instrument"], row["timepoint"]): (row["responders"], row["responder_n"])
        for row in run_json()["outcomes"]
        if row["responder_rule"] and row["timepoint"] == "12m"
    }
    assert reported == expected


def test_synthetic_patients_put_the_banner_on_every_output(
    clinic: Registry, tmp_path: Path
) -> None:
    add_cases(clinic, [odi_case(40, 20)] * 4 + [odi_case(40, 20, synthetic=True)])
    banner = load_knowledge().text("synthetic_data")
    report = run_json()
    assert report["synthetic"] is True
    assert report["banner"] == banner
    text = run(*AS_OF)
    assert text.exit_code == 0
    assert banner.split(":")[0] in text.stdout
    page = tmp_path / "report.html"
    written = run("--html", str(page), *AS_OF)
    assert written.exit_code == 0
    assert banner.split(":")[0] in written.stdout
    assert banner in page.read_text(encoding="utf-8")
    real = run_json("--site", "main")
    assert real["synthetic"] is True  # the synthetic patient is at site main too


def test_html_is_self_contained_with_figures_and_caveat(clinic: Registry, tmp_path: Path) -> None:
    add_cases(clinic, MIXED + [odi_case(50, 30, interventions=((200, "decompression"),))] * 3)
    page = tmp_path / "report.html"
    result = run("--html", str(page), "--json", *AS_OF)
    assert result.exit_code == 0, result.stderr
    html = page.read_text(encoding="utf-8")
    assert html.count("<svg") >= 3  # trajectories, survival curve, icon arrays
    assert "of 100 improved meaningfully" in html
    assert not re.search(r"<script|<link|<img|src=|url\((?!#)", html)
    caveat = " ".join(load_knowledge().text("registry_observational").split())
    assert caveat in html.replace("\n", " ")
    assert load_knowledge().text("disclaimer").split(".")[0] in html
    assert "Kaplan-Meier" in html
    assert "Adverse events" in html
    assert json.loads(result.stdout)["n_patients"] == 10


def test_empty_registry_says_not_enough_data(clinic: Registry, tmp_path: Path) -> None:
    text = run(*AS_OF)
    assert text.exit_code == 0, text.stderr
    assert "not enough data" in text.stdout
    assert run_json()["outcomes"] == []
    page = tmp_path / "empty.html"
    assert run("--html", str(page), *AS_OF).exit_code == 0
    assert "Not enough data" in page.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("arguments", "option"),
    [
        (("--cell-source", "stem"), "--cell-source"),
        (("--region", "neck"), "--region"),
        (("--severity", "extreme"), "--severity"),
        (("--since", "2025-13-01"), "--since"),
        (("--until", "soon"), "--until"),
        (("--since", "2026-01-02", "--until", "2026-01-01"), "--since"),
        (("--site", "nowhere"), "--site"),
        (("--as-of", "yesterday"), "--as-of"),
    ],
)
def test_bad_filters_exit_2_naming_the_option(
    clinic: Registry, arguments: tuple[str, ...], option: str
) -> None:
    add_cases(clinic, [odi_case(40, 20)])
    result = run(*arguments, "--user", "rhea")
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"error: {option}:")


def test_allowed_values_are_named(clinic: Registry) -> None:
    error = run("--cell-source", "stem", "--user", "rhea").stderr
    assert "bone_marrow, adipose, allogeneic" in error
    add_cases(clinic, [odi_case(40, 20, site="north")])
    assert "(allowed: north)" in run("--site", "south", "--user", "rhea").stderr


def test_filter_by_since_counts_only_later_procedures(clinic: Registry) -> None:
    add_cases(
        clinic, [odi_case(40, 20)] * 3 + [odi_case(40, 20, performed_on=date(2026, 1, 5))] * 2
    )
    assert run_json("--since", "2025-06-01")["n_patients"] == 2
    assert run_json("--region", "LUMBAR")["filters"] == {"region": "lumbar"}
