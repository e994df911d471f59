"""The knowledge commands as a user runs them: facts, sources, conflicts, faq, the overview."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from regenspine.cli.app import app
from regenspine.knowledge import load_knowledge

runner = CliRunner()


def test_overview_shows_commands_counts_and_disclaimer() -> None:
    result = runner.invoke(app, [])
    assert result.exit_code == 0
    assert "regenspine faq" in result.stdout
    assert f"{len(load_knowledge().facts)} facts" in result.stdout
    assert "For education only" in result.stdout


def test_facts_json_filters_by_topic() -> None:
    result = runner.invoke(app, ["facts", "cell_sources", "--json"])
    assert result.exit_code == 0
    payload = json.loads(result.stdout)
    assert payload["disclaimer"] == load_knowledge().text("disclaimer")
    facts = payload["facts"]
    assert facts
    assert {fact["topic"] for fact in facts} == {"cell_sources"}
    assert all(fact["sources"] and fact["evidence_level"] for fact in facts)


def test_unknown_topic_exits_2_with_one_line_naming_field_and_allowed_values() -> None:
    result = runner.invoke(app, ["facts", "astrology"])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("error: topic: unknown topic 'astrology' (allowed: ")
    assert "cell_sources" in lines[0]


def test_sources_json_lists_the_five_seeds() -> None:
    result = runner.invoke(app, ["sources", "--json"])
    assert result.exit_code == 0
    seeds = [source for source in json.loads(result.stdout) if source["kind"] == "seed"]
    assert sorted(source["id"] for source in seeds) == [f"seed-00{n}" for n in range(5)]


def test_conflicts_json_records_both_sides_with_sources() -> None:
    result = runner.invoke(app, ["conflicts", "--json"])
    assert result.exit_code == 0
    conflicts = json.loads(result.stdout)["conflicts"]
    assert len(conflicts) >= 6
    assert {"seeds", "seeds_and_evidence"} <= {conflict["between"] for conflict in conflicts}
    for conflict in conflicts:
        assert len(conflict["positions"]) >= 2
        assert all(position["sources"] for position in conflict["positions"])


def test_faq_json_has_the_documented_shape() -> None:
    result = runner.invoke(app, ["faq", "Is it covered by insurance?", "--json", "--top", "2"])
    assert result.exit_code == 0
    payload = json.loads(result.stdout)
    assert payload["question"] == "Is it covered by insurance?"
    assert payload["answers"][0]["topic"] == "insurance"
    assert {"topic", "answer", "sources", "evidence_level"} <= set(payload["answers"][0])
    assert payload["disclaimer"] == load_knowledge().text("disclaimer")


def test_faq_red_flag_prints_urgent_care_before_answers() -> None:
    result = runner.invoke(app, ["faq", "I suddenly cannot control my bladder"])
    assert result.exit_code == 0
    assert result.stdout.index("Seek urgent care") < result.stdout.index("1.")


def test_faq_out_of_domain_says_not_covered() -> None:
    result = runner.invoke(app, ["faq", "what is the capital of France"])
    assert result.exit_code == 0
    assert "outside what regenspine" in result.stdout
    assert "For education only" in result.stdout


def test_faq_empty_question_exits_2() -> None:
    result = runner.invoke(app, ["faq", "  "])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: question: is empty")


def test_facts_print_the_detail_under_the_plain_statement() -> None:
    result = CliRunner().invoke(app, ["facts", "conservative_care", "--json"])
    chosen = {f["id"]: f for f in json.loads(result.stdout)["facts"]}
    assert chosen["conservative_care.what_it_is"]["detail"].startswith("Conservative care means")
    text = CliRunner().invoke(app, ["facts", "conservative_care"]).stdout
    assert "More detail:" in " ".join(text.split())


def test_faq_prints_the_best_answer_first_and_the_others_under_more_answers() -> None:
    result = runner.invoke(app, ["faq", "How long until I feel better?"])
    assert result.exit_code == 0
    out = " ".join(result.stdout.split())
    best = out.index("Best answer 1. When results might show")
    assert best < out.index("More answers 2. ")
