"""`regenspine screen` and `regenspine recovery` as a user runs them."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar
from tests.factories.profiles import candidate_profile
from typer.testing import CliRunner

from regenspine.cli.app import app
from regenspine.knowledge import load_knowledge
from regenspine.knowledge.red_flags import red_flag_groups, seek_urgent_care_after_treatment

runner = CliRunner()


def answers(**changes: Any) -> dict[str, Any]:
    """The candidate profile with facet arthropathy too, changed per test."""
    imaging = {"facet_arthropathy": True, **changes.pop("imaging", {})}
    return candidate_profile(imaging=imaging, **changes)


def write_profile(tmp_path: Path, **changes: Any) -> str:
    path = tmp_path / "profile.json"
    path.write_text(json.dumps(answers(**changes)), encoding="utf-8")
    return str(path)


def one_error_line(result: Any) -> str:
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    return str(lines[0])


def test_screen_json_for_a_candidate(tmp_path: Path) -> None:
    result = runner.invoke(app, ["screen", write_profile(tmp_path), "--json"])
    assert result.exit_code == 0
    body = json.loads(result.stdout)
    assert body["category"] == "candidate"
    assert body["disclaimer"] == load_knowledge().text("disclaimer")
    assert all(reason["sources"] for reason in body["reasons"])
    assert any("investigational" in step["text"] for step in body["next_steps"])


def test_screen_text_puts_the_urgent_message_first_and_lists_all_reasons(tmp_path: Path) -> None:
    path = write_profile(
        tmp_path, red_flags=["saddle_anesthesia"], contraindications=["active_cancer"]
    )
    result = runner.invoke(app, ["screen", path])
    assert result.exit_code == 0
    text = " ".join(result.stdout.split())  # the console wraps long lines
    assert text.startswith("Go to the emergency room now, or call for an ambulance.")
    assert "red_flag.saddle_anesthesia" in text
    assert "contraindication.active_cancer" in text
    assert "For education only" in text


def test_screen_reads_stdin_with_a_dash() -> None:
    profile = json.dumps(answers(severity="severe"))
    result = runner.invoke(app, ["screen", "-", "--json"], input=profile)
    assert result.exit_code == 0
    assert json.loads(result.stdout)["category"] == "surgical_evaluation"


@pytest.mark.parametrize(
    ("changes", "start"),
    [
        ({"red_flags": ["leg_cramp"]}, "error: red_flags[0]: unknown value 'leg_cramp' (allowed: "),
        ({"shoe_size": 44}, "error: shoe_size: unknown key (allowed: age, region,"),
        ({"conservative_care_weeks": "many"}, "error: conservative_care_weeks: input should be"),
        (
            {"imaging": {"bony_compression_percent": 150}},
            "error: imaging.bony_compression_percent: input should be less than or equal to 100",
        ),
    ],
)
def test_screen_bad_input_exits_2_with_one_line(
    tmp_path: Path, changes: dict[str, Any], start: str
) -> None:
    line = one_error_line(runner.invoke(app, ["screen", write_profile(tmp_path, **changes)]))
    assert line.startswith(start)


def test_screen_missing_file_and_broken_json(tmp_path: Path) -> None:
    missing = one_error_line(runner.invoke(app, ["screen", str(tmp_path / "nope.json")]))
    assert missing == f"error: PROFILE: no such file: {tmp_path / 'nope.json'}"
    broken = one_error_line(runner.invoke(app, ["screen", "-"], input='{"age": 66,'))
    assert broken.startswith("error: PROFILE: - is not valid JSON (")
    assert "line 1 column" in broken


def test_recovery_json_has_dated_visits_and_the_disclaimer() -> None:
    result = runner.invoke(app, ["recovery", "--procedure-date", "2026-01-31", "--json"])
    assert result.exit_code == 0
    plan = json.loads(result.stdout)
    due = {visit["id"]: visit["due"] for visit in plan["follow_up_visits"]}
    assert due["3m"] == "2026-04-30"
    assert plan["nsaid_window"]["last_day"] == "2026-03-13"
    assert plan["disclaimer"] == load_knowledge().text("disclaimer")


def test_recovery_text_and_ics_export(tmp_path: Path) -> None:
    target = tmp_path / "plan.ics"
    result = runner.invoke(
        app, ["recovery", "--procedure-date", "2024-02-29", "--ics", str(target)]
    )
    assert result.exit_code == 0
    text = " ".join(result.stdout.split())  # the console wraps long lines
    assert "2024-02-29 (Thu)" in text
    assert "planning assumption" in text
    assert "For education only" in text
    assert f"Calendar written to {target}" in text
    calendar = Calendar.from_ical(target.read_bytes())
    starts = {str(e["summary"]): e.decoded("dtstart") for e in calendar.walk("VEVENT")}
    assert starts["Follow-up visit: 12 months"] == dt.date(2025, 2, 28)
    assert list(tmp_path.iterdir()) == [target]  # no temporary file left behind


@pytest.mark.parametrize("value", ["2026-02-30", "31/01/2026", "20260131", "soon"])
def test_recovery_bad_date_exits_2_with_one_line(value: str) -> None:
    line = one_error_line(runner.invoke(app, ["recovery", "--procedure-date", value]))
    assert line == f"error: --procedure-date: not a calendar date: {value!r} (allowed: YYYY-MM-DD)"


def test_recovery_unwritable_ics_writes_nothing(tmp_path: Path) -> None:
    target = tmp_path / "missing-folder" / "plan.ics"
    args = ["recovery", "--procedure-date", "2026-01-31", "--ics", str(target)]
    line = one_error_line(runner.invoke(app, args))
    assert line.startswith(f"error: --ics: cannot write {target}")
    assert not target.parent.exists()


def test_recovery_text_shows_every_red_flag_group_as_urgent_care() -> None:
    result = runner.invoke(app, ["recovery", "--procedure-date", "2026-03-02"])
    assert result.exit_code == 0
    text = " ".join(result.stdout.split())
    urgent = seek_urgent_care_after_treatment()
    for group in red_flag_groups():
        assert f"{' '.join(group.warning_sign.split())}: {urgent}" in text
    assert "A fever, chills or shivers" in text
    assert "Call your clinic the same day" in text  # still right for a spreading redness
