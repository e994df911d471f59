"""`regenspine values` and `regenspine summary` as a user runs them."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from tests.factories.profiles import SURE_IDS, VALUE_IDS, candidate_profile
from typer.testing import CliRunner

from regenspine.cli.app import app
from regenspine.knowledge import load_knowledge

runner = CliRunner()


def value_answers(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "ratings": dict(zip(VALUE_IDS, (4, 3, 4, 3, 2, 1, 3), strict=True)),
        "sure": dict.fromkeys(SURE_IDS, True) | {"sure_of_myself": False},
        "leaning": "conservative_care",
    }
    data.update(changes)
    return data


def profile(**changes: Any) -> dict[str, Any]:
    return candidate_profile(**changes)


def write_json(path: Path, data: Any) -> str:
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def one_error_line(result: Any) -> str:
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    return str(lines[0])


def test_values_json_from_answers_file(tmp_path: Path) -> None:
    path = write_json(tmp_path / "answers.json", value_answers())
    result = runner.invoke(app, ["values", "--answers", path, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [item["id"] for item in data["matters_most"]][:2] == [
        "leg_pain_relief",
        "avoiding_surgery",
    ]
    assert data["sure"]["score"] == 3
    assert data["sure"]["conflict_likely"] is True
    assert data["leaning"]["id"] == "conservative_care"
    assert data["disclaimer"] == load_knowledge().text("disclaimer")


def test_values_human_output_shows_sure_leaning_sources_and_disclaimer(tmp_path: Path) -> None:
    path = write_json(tmp_path / "answers.json", value_answers())
    result = runner.invoke(app, ["values", "--answers", path])
    assert result.exit_code == 0, result.output
    flat = " ".join(result.stdout.split())
    assert "SURE check: 3 of 4 yes" in flat
    assert "Leaning: Conservative care" in flat
    assert "legare-2010-sure-test" in flat
    assert "For education only" in flat


def test_interactive_values_prompts_reprompt_on_bad_input_and_save_answers(
    tmp_path: Path,
) -> None:
    saved = tmp_path / "saved.json"
    # 7 ratings (the first one wrong, then corrected), 4 SURE answers, a leaning.
    typed = ["9", "4", "3", "4", "3", "2", "1", "3", "no", "YES", "yes", "yes", "decompression"]
    result = runner.invoke(
        app, ["values", "--out", str(saved), "--json"], input="\n".join(typed) + "\n"
    )
    assert result.exit_code == 0, result.output
    assert "is not one of" in result.stderr
    # Prompts go to stderr; the test runner echoes the typed answers to stdout (a terminal
    # would not), so the JSON result starts at the first brace.
    data = json.loads(result.stdout[result.stdout.index("{") :])
    assert data["sure"]["score"] == 3
    assert data["leaning"]["id"] == "decompression"
    stored = json.loads(saved.read_text(encoding="utf-8"))
    assert stored["ratings"] == dict(zip(VALUE_IDS, (4, 3, 4, 3, 2, 1, 3), strict=True))
    assert stored["sure"] == dict.fromkeys(SURE_IDS, True) | {"sure_of_myself": False}


def test_saved_answers_read_back_identically(tmp_path: Path) -> None:
    first = write_json(tmp_path / "answers.json", value_answers(leaning="unsure"))
    saved = tmp_path / "saved.json"
    runner.invoke(app, ["values", "--answers", first, "--out", str(saved)])
    again = runner.invoke(app, ["values", "--answers", str(saved), "--json"])
    once = runner.invoke(app, ["values", "--answers", first, "--json"])
    assert again.exit_code == 0
    assert json.loads(again.stdout) == json.loads(once.stdout)
    assert json.loads(saved.read_text(encoding="utf-8")) == value_answers(leaning="unsure")


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {"ratings": dict.fromkeys(VALUE_IDS, 2) | {"low_cost": 7}},
            "ratings.low_cost: 7 is not allowed (allowed: 0, 1, 2, 3, 4)",
        ),
        ({"leaning": "prayer"}, "leaning: 'prayer' is not a choice (allowed: conservative_care"),
        ({"extra": 1}, "extra: unknown key (allowed: ratings, sure, leaning)"),
    ],
)
def test_bad_answers_exit_2_with_one_line_naming_field(
    tmp_path: Path, changes: dict[str, Any], expected: str
) -> None:
    out = tmp_path / "saved.json"
    path = write_json(tmp_path / "answers.json", value_answers(**changes))
    line = one_error_line(runner.invoke(app, ["values", "--answers", path, "--out", str(out)]))
    assert expected in line
    assert not out.exists()


def test_missing_and_malformed_answers_files(tmp_path: Path) -> None:
    line = one_error_line(runner.invoke(app, ["values", "--answers", str(tmp_path / "no.json")]))
    assert line == f"error: --answers: no such file: {tmp_path / 'no.json'}"
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    line = one_error_line(runner.invoke(app, ["values", "--answers", str(bad)]))
    assert "--answers" in line
    assert "not valid JSON" in line


class Texts(HTMLParser):
    """The visible text of a page and the ids of its sections, in order."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.sections: list[str] = []
        self.parts: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "section":
            self.sections.append(dict(attrs).get("id") or "")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.parts).split())


def test_summary_round_trip_uses_values_saved_by_the_values_command(tmp_path: Path) -> None:
    saved = tmp_path / "values.json"
    first = write_json(tmp_path / "answers.json", value_answers(leaning="stem_cell_injection"))
    assert runner.invoke(app, ["values", "--answers", first, "--out", str(saved)]).exit_code == 0
    page_path = tmp_path / "summary.html"
    result = runner.invoke(
        app,
        [
            "summary",
            write_json(tmp_path / "profile.json", profile()),
            "--values",
            str(saved),
            "--out",
            str(page_path),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "For education only" in result.stdout
    page = Texts(page_path.read_text(encoding="utf-8"))
    assert "Leaning now: Stem cell injection" in page.text
    assert "SURE check: 3 of 4 yes." in page.text
    # The profile lists its red flags (none), so the check was done; only costs were skipped.
    assert page.sections[:4] == ["skipped", "warning-signs", "screening", "options"]
    assert "Steps I skipped: Costs." in page.text
    assert "I checked them. I have none of them." in page.text


def test_summary_for_red_flag_profile_starts_with_urgent_box(tmp_path: Path) -> None:
    page_path = tmp_path / "summary.html"
    path = write_json(tmp_path / "profile.json", profile(red_flags=["saddle_anesthesia"]))
    result = runner.invoke(app, ["summary", path, "--out", str(page_path)])
    assert result.exit_code == 0, result.output
    page = Texts(page_path.read_text(encoding="utf-8"))
    assert page.sections[0] == "urgent"
    assert "options" not in page.sections


@pytest.mark.parametrize(
    ("bad_profile", "field"),
    [
        (profile(region="sacral"), "region"),
        (profile(extra=True), "extra"),
        (profile(imaging={"bony_compression_percent": 150}), "imaging."),
    ],
)
def test_bad_profile_exits_2_and_writes_no_file(
    tmp_path: Path, bad_profile: dict[str, Any], field: str
) -> None:
    page_path = tmp_path / "summary.html"
    path = write_json(tmp_path / "profile.json", bad_profile)
    line = one_error_line(runner.invoke(app, ["summary", path, "--out", str(page_path)]))
    assert line.startswith(f"error: {field}")
    assert not page_path.exists()
    assert list(tmp_path.iterdir()) == [tmp_path / "profile.json"]


def test_bad_values_file_exits_2_and_writes_no_file(tmp_path: Path) -> None:
    page_path = tmp_path / "summary.html"
    values = write_json(tmp_path / "values.json", value_answers(leaning="maybe"))
    path = write_json(tmp_path / "profile.json", profile())
    line = one_error_line(
        runner.invoke(app, ["summary", path, "--values", values, "--out", str(page_path)])
    )
    assert line.startswith("error: leaning:")
    assert not page_path.exists()


def test_unwritable_out_path_is_one_clear_error(tmp_path: Path) -> None:
    path = write_json(tmp_path / "profile.json", profile())
    target = tmp_path / "missing-folder" / "summary.html"
    line = one_error_line(runner.invoke(app, ["summary", path, "--out", str(target)]))
    assert line.startswith("error: --out: cannot write")
