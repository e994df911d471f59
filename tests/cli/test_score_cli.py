"""The score and instruments commands as a user runs them."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from regenspine.cli.app import app

runner = CliRunner()


def test_score_json_has_the_issue_shape() -> None:
    result = runner.invoke(app, ["score", "odi", "--answers", "5,5,3,3,0,0,0,0,0,-", "--json"])
    assert result.exit_code == 0
    payload = json.loads(result.stdout)
    assert payload["instrument"] == "odi"
    assert payload["instrument_title"].startswith("Oswestry")
    assert (payload["score"], payload["answered"], payload["reason"]) == (35.6, 9, None)
    assert payload["band"] == "moderate disability"
    assert payload["subscales"] is None
    assert payload["minimal_important_change"][0]["sources"] == ["ostelo-2008-mic"]


def test_zcq_json_reports_subscales_and_null_score() -> None:
    answers = "-,-,3,3,3,3,5,2,2,2,2,2"
    result = runner.invoke(app, ["score", "zcq", "--answers", answers, "--json"])
    assert result.exit_code == 0
    payload = json.loads(result.stdout)
    assert payload["score"] is None
    assert payload["subscales"] == {
        "symptom_severity": 3.4,
        "physical_function": 2.0,
        "satisfaction": None,
    }
    assert payload["answered"] == 10


def test_too_few_odi_answers_print_null_score_and_reason() -> None:
    result = runner.invoke(app, ["score", "odi", "--answers=1,1,1,1,1,1,1,1,-,-", "--json"])
    assert result.exit_code == 0
    payload = json.loads(result.stdout)
    assert payload["score"] is None
    assert "8 of 10" in payload["reason"]


def test_human_output_is_a_table_with_score_band_and_sources() -> None:
    result = runner.invoke(app, ["score", "nrs_leg", "--answers", "7"])
    assert result.exit_code == 0
    assert "Leg pain, numeric rating scale" in result.stdout
    assert "7" in result.stdout
    assert "[farrar-2001-nrs]" in result.stdout  # brackets survive rich markup


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["score", "zcq", "--answers", "1,1,1,1,1,1,2,1,1,1,1,1"],
            "error: answers[7] (ZCQ item 7: balance disturbance): 2 is out of range "
            "(allowed: 1, 3, 5)",
        ),
        (["score", "zcq", "--answers", "1,1,1"], "error: answers: ZCQ takes 12 or 18 answers"),
        (["score", "odi", "--answers", "a"], "error: answers: ODI takes 10 answers, got 1"),
        (["score", "nrs_back", "--answers", "x"], "error: answers[1] (NRS back question 1"),
        (["score", "sf36", "--answers", "1"], "error: instrument: unknown instrument 'sf36'"),
    ],
)
def test_bad_input_exits_2_with_one_stderr_line(args: list[str], message: str) -> None:
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(message)


def test_instruments_lists_every_id_and_items_on_request() -> None:
    plain = runner.invoke(app, ["instruments", "--json"])
    assert plain.exit_code == 0
    listed = json.loads(plain.stdout)
    assert [entry["id"] for entry in listed][:3] == ["odi", "ndi", "zcq"]
    assert "items" not in listed[0]
    detailed = runner.invoke(app, ["instruments", "--items", "--json"])
    zcq = next(entry for entry in json.loads(detailed.stdout) if entry["id"] == "zcq")
    assert zcq["items"][6]["scale"]["only"] == [1, 3, 5]
    assert zcq["responder_rules"][0]["required"] == 2


def test_instruments_items_table_shows_labels_and_allowed_answers() -> None:
    result = runner.invoke(app, ["instruments", "--items"], env={"COLUMNS": "160"})
    assert result.exit_code == 0
    assert "balance disturbance" in result.stdout
    assert "1, 3, 5" in result.stdout
