"""`check-claims` and `clinic-questions` as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from regenspine.cli.app import app
from regenspine.knowledge import load_knowledge

runner = CliRunner()
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SEED_004 = next((FIXTURES / "seeds").glob("004_*.txt"))
BALANCED = FIXTURES / "clinic_texts" / "balanced_clinic_page.txt"


def _flat(output: str) -> str:
    """Human output with rich's line wrapping undone."""
    return " ".join(output.split())


def test_check_claims_json_from_a_file_lists_findings_with_marked_excerpts() -> None:
    result = runner.invoke(app, ["check-claims", str(SEED_004), "--json"])
    assert result.exit_code == 0
    payload = json.loads(result.stdout)
    assert payload["disclaimer"] == load_knowledge().text("disclaimer")
    assert payload["content_flags"] == sum(flag["count"] for flag in payload["flags"]) == 22
    assert "There is «no risk» of rejection or allergic reaction." in {
        quote["marked_excerpt"] for flag in payload["flags"] for quote in flag["examples"]
    }
    assert [item["slug"] for item in payload["missing"]] == ["missing-investigational-status"]
    assert {source["id"] for source in payload["sources"]} >= {"fda-2021-consumer-info"}


def test_check_claims_reads_standard_input_and_prints_human_output() -> None:
    text = "Our laboratory is FDA registered and there is zero risk."
    result = runner.invoke(app, ["check-claims", "-"], input=text)
    assert result.exit_code == 0
    out = _flat(result.stdout)
    assert "Claims that the FDA approved it, or that it is registered or exempt" in out
    assert "Claims of no risk or complete safety" in out
    assert "Our laboratory is FDA registered" in out
    assert "Says nothing about risks" in out
    assert "2 warning sign(s) in the text and 3 missing statement(s)." in out
    assert "For education only" in out


def test_balanced_text_is_reported_clean_with_the_caveat() -> None:
    result = runner.invoke(app, ["check-claims", str(BALANCED)])
    assert result.exit_code == 0
    out = _flat(result.stdout)
    assert "0 warning sign(s) in the text and 0 missing statement(s)." in out
    assert "A clean result does not prove" in out
    assert "Why it matters" not in out


@pytest.mark.parametrize(
    ("arguments", "stdin", "message"),
    [
        (
            ["check-claims", "/no/such/clinic.txt"],
            None,
            "error: FILE: /no/such/clinic.txt does not exist",
        ),
        (["check-claims", "-"], "  \n", "error: text: is empty"),
    ],
)
def test_bad_input_exits_2_with_one_stderr_line(
    arguments: list[str], stdin: str | None, message: str
) -> None:
    result = runner.invoke(app, arguments, input=stdin)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(message)
    assert "(allowed: " in lines[0]
    assert result.stdout == ""


def test_a_file_or_input_over_the_cap_is_refused_naming_the_file_and_the_limit(
    tmp_path: Path,
) -> None:
    long_file = tmp_path / "offer.txt"
    long_file.write_text("Our cells cure stenosis. " * 4_001, encoding="utf-8")
    for arguments, stdin, where in (
        (["check-claims", str(long_file)], None, str(long_file)),
        (["check-claims", "-"], long_file.read_text(encoding="utf-8"), "standard input"),
    ):
        result = runner.invoke(app, arguments, input=stdin)
        assert result.exit_code == 2
        [line] = result.stderr.strip().splitlines()
        assert line.startswith(
            f"error: FILE: {where} has more than the limit of 100,000 characters (allowed: "
        )
        assert result.stdout == ""


def test_a_repeated_sign_is_printed_once_with_its_count() -> None:
    text = "Our cells cure stenosis. " * 30
    result = runner.invoke(app, ["check-claims", "-"], input=text)
    out = _flat(result.stdout)
    assert out.count("Claims to cure or reverse the condition") == 1
    assert "found 30 times, the first 3 quoted" in out
    assert out.count("“Our cells cure stenosis.”") == 3


def test_folder_and_binary_file_are_refused(tmp_path: Path) -> None:
    binary = tmp_path / "offer.pdf"
    binary.write_bytes(b"%PDF-1.4\xff\xfe\x00\x81")
    for target, problem in ((tmp_path, "is a folder"), (binary, "is not UTF-8 text")):
        result = runner.invoke(app, ["check-claims", str(target)])
        assert result.exit_code == 2
        assert problem in result.stderr


def test_clinic_questions_json_has_groups_questions_sources_and_disclaimer() -> None:
    result = runner.invoke(app, ["clinic-questions", "--json"])
    assert result.exit_code == 0
    payload = json.loads(result.stdout)
    assert payload["disclaimer"] == load_knowledge().text("disclaimer")
    titles = [group["title"] for group in payload["groups"]]
    assert "Cell source and cell count" in titles
    assert "Total cost" in titles
    assert all(q["sources"] for group in payload["groups"] for q in group["questions"])


def test_clinic_questions_human_output_numbers_questions_and_shows_why() -> None:
    result = runner.invoke(app, ["clinic-questions"])
    assert result.exit_code == 0
    out = _flat(result.stdout)
    assert "Adverse-event reporting" in out
    assert "1. Is this a standard treatment for spinal stenosis" in out
    assert "through MedWatch" in out
    assert "Why:" in out
    assert "For education only" in out
