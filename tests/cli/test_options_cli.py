"""`regenspine options` and `regenspine costs` as a user runs them."""

from __future__ import annotations

import json
from typing import Any

import pytest
from typer.testing import CliRunner

from regenspine.cli.app import app
from regenspine.knowledge import load_knowledge

runner = CliRunner()


def run_json(*args: str) -> Any:
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_options_json_has_disclaimer_and_no_stem_cell_stenosis_number() -> None:
    data = run_json("options")
    assert data["disclaimer"] == load_knowledge().text("disclaimer")
    assert data["region"] == "lumbar"
    stem = next(option for option in data["options"] if option["id"] == "stem_cell_injection")
    no_number = next(o for o in stem["outcomes"] if o["id"] == "stenosis_no_number")
    assert no_number["has_number"] is False
    assert no_number["arms"] == []
    for option in data["options"]:
        for outcome in option["outcomes"]:
            for arm in outcome["arms"]:
                assert sum(group["count"] for group in arm["icon_array"]["groups"]) == 100


def test_options_table_shows_numbers_unknowns_and_disclaimer() -> None:
    result = runner.invoke(app, ["options"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert "54 of 100 had at least half their pain relieved (reported: 53.7%)" in result.stdout
    assert "There is no number for how many people with spinal stenosis" in result.stdout
    assert "Decompression with fusion" in result.stdout
    assert load_knowledge().text("disclaimer").split(".")[0] in result.stdout


def test_options_for_the_neck_show_no_lumbar_number() -> None:
    data = run_json("options", "--region", "cervical")
    cells = [cell for row in data["table"] for cell in row["cells"]]
    assert len(cells) == 25
    for cell in cells:
        assert cell["population_region"] == "cervical" or not cell["has_number"], cell
    outcomes = [o for opt in data["options"] for o in opt["outcomes"] if o["has_number"]]
    assert all(outcome["study_region"] == "cervical" for outcome in outcomes)
    assert all(opt["cost_ranges"] == [] for opt in data["options"])
    assert "myelopathy" in data["region_note"]["text"]


def test_options_table_for_the_neck_has_neck_numbers_and_none_from_the_low_back() -> None:
    result = runner.invoke(app, ["options", "--region", "cervical"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert "24 of 100 after surgery from the back" in result.stdout
    assert "48 of 100 after surgery from the front (comparison)" in result.stdout
    # Figures that appear only in low-back studies must not leak into the neck's comparison.
    for lumbar_figure in ("54 of 100", "44 of 100", "$11,405", "4.1 days", "82 of 100", "169"):
        assert lumbar_figure not in result.stdout, lumbar_figure


def test_unknown_region_is_one_error_line_with_allowed_values() -> None:
    result = runner.invoke(app, ["options", "--region", "sacral"])
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "--region" in lines[0]
    assert "lumbar, cervical, thoracic" in lines[0]


def test_costs_json_total_with_companions_and_nights() -> None:
    data = run_json(
        "costs",
        "--option",
        "stem_cell_injection",
        "--country",
        "mexico",
        "--travel-cost",
        "650",
        "--companions",
        "1",
        "--nights",
        "4",
        "--nightly-cost",
        "90",
        "--procedures",
        "2",
    )
    assert data["travel"]["amount"] == 1660.0
    [mexico] = data["costs"]
    assert (mexico["total"]["low"], mexico["total"]["high"]) == (7660.0, 37660.0)
    assert mexico["total"]["marketing_only"] is True
    assert data["disclaimer"] == load_knowledge().text("disclaimer")


def test_costs_table_says_travel_is_excluded_without_user_figures() -> None:
    result = runner.invoke(app, ["costs", "--option", "epidural_steroid"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert "excludes travel and lodging" in result.stdout
    assert "Total: $600 to $2,000+" in result.stdout
    assert "For education only" in result.stdout


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["--travel-cost", "-5"], "--travel-cost"),
        (["--travel-cost", "abc"], "--travel-cost"),
        (["--nightly-cost", "-1", "--nights", "2"], "--nightly-cost"),
        (["--companions", "-2"], "--companions"),
        (["--companions", "two"], "--companions"),
        (["--nights", "-1", "--nightly-cost", "80"], "--nights"),
        (["--nights", "3"], "--nightly-cost"),
        (["--procedures", "0"], "--procedures"),
        (["--travel-cost", "nan"], "--travel-cost"),
    ],
)
def test_bad_numbers_exit_2_naming_the_option(args: list[str], option: str) -> None:
    result = runner.invoke(app, ["costs", *args])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert option in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_unknown_country_lists_allowed_countries() -> None:
    result = runner.invoke(app, ["costs", "--country", "narnia"])
    assert result.exit_code == 2
    assert "--country" in result.stderr
    assert "usa, mexico, colombia, turkey, panama" in result.stderr


def test_other_currencies_are_refused_naming_usd() -> None:
    result = runner.invoke(app, ["costs", "--currency", "EUR"])
    assert result.exit_code == 2
    assert "--currency" in result.stderr
    assert "USD" in result.stderr


def test_options_table_shows_certainty_in_words_and_json_keeps_the_codes() -> None:
    result = runner.invoke(app, ["options"])
    assert result.exit_code == 0, result.stderr
    assert "Certainty: No data" in result.stdout
    assert "Very low certainty:" in result.stdout
    for code in ("no_data", "very_low"):
        assert code not in result.stdout
    certainties = {
        outcome["certainty"]
        for option in run_json("options")["options"]
        for outcome in option["outcomes"]
    }
    assert "no_data" in certainties
