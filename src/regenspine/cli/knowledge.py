"""Knowledge-base commands: facts, sources, conflicts and cited answers to questions."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from regenspine.cli.output import console, print_json
from regenspine.errors import InvalidInput
from regenspine.knowledge import load_knowledge

commands = typer.Typer()

JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


@commands.command()
def facts(
    topic: Annotated[str | None, typer.Argument(help="Only facts on this topic id.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """List the curated facts, each with its sources and evidence level."""
    knowledge = load_knowledge()
    topic_ids = [item.id for item in knowledge.topics]
    if topic is not None and topic not in topic_ids:
        raise InvalidInput("topic", f"unknown topic {topic!r}", topic_ids)
    chosen = [fact for fact in knowledge.facts if topic is None or fact.topic == topic]
    if as_json:
        print_json([fact.model_dump(mode="json", exclude={"keywords"}) for fact in chosen])
        return
    table = Table("id", "statement", "evidence", "sources", show_lines=True)
    for fact in chosen:
        label = fact.evidence_level.value + (" (claim)" if fact.is_claim else "")
        table.add_row(fact.id, fact.statement, label, ", ".join(fact.sources))
    console().print(table)


@commands.command()
def sources(as_json: JsonFlag = False) -> None:
    """List every source the knowledge base cites."""
    knowledge = load_knowledge()
    if as_json:
        print_json([source.model_dump(mode="json") for source in knowledge.sources])
        return
    table = Table("id", "kind", "title", "where")
    for source in knowledge.sources:
        where = source.seed_file or (str(source.url) if source.url else f"doi:{source.doi}")
        table.add_row(source.id, source.kind, source.title, where)
    console().print(table)


@commands.command()
def conflicts(as_json: JsonFlag = False) -> None:
    """List where sources disagree, each side with its sources, and what the evidence says."""
    knowledge = load_knowledge()
    if as_json:
        print_json([conflict.model_dump(mode="json") for conflict in knowledge.conflicts])
        return
    out = console()
    for conflict in knowledge.conflicts:
        out.print(f"[bold]{conflict.title}[/bold]  ({conflict.id}, {conflict.between})")
        for position in conflict.positions:
            cited = ", ".join(position.sources)
            out.print(f"  - {position.claim} [{position.evidence_level.value}; {cited}]")
        out.print(f"  Evidence: {conflict.assessment} [{', '.join(conflict.assessment_sources)}]")
        out.print()
