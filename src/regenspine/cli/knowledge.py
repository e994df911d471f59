"""Knowledge-base commands: facts, sources, conflicts and cited answers to questions."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table

from regenspine.cli.kept_faq_index import kept_faq_index
from regenspine.cli.output import JsonFlag, cited, console, print_json
from regenspine.decision_aid.faq import answer_question
from regenspine.errors import InvalidInput
from regenspine.knowledge import load_knowledge

commands = typer.Typer()


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
        facts_json = [fact.model_dump(mode="json", exclude={"keywords"}) for fact in chosen]
        print_json({"facts": facts_json, "disclaimer": knowledge.text("disclaimer")})
        return
    table = Table("id", "statement", "evidence", "sources", show_lines=True)
    for fact in chosen:
        label = fact.evidence_level.value + (" (claim)" if fact.is_claim else "")
        table.add_row(
            fact.id, with_detail(fact.statement, fact.detail), label, ", ".join(fact.sources)
        )
    out = console()
    out.print(table)
    out.print(f"[italic]{knowledge.text('disclaimer')}[/italic]")


def with_detail(plain: str, detail: str | None) -> str:
    """The plain text, and the precise wording indented under it as "More detail"."""
    if not detail:
        return escape(plain)
    return f"{escape(plain)}\n\n  [dim]More detail: {escape(detail)}[/dim]"


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
        conflicts_json = [conflict.model_dump(mode="json") for conflict in knowledge.conflicts]
        print_json({"conflicts": conflicts_json, "disclaimer": knowledge.text("disclaimer")})
        return
    out = console()
    for conflict in knowledge.conflicts:
        out.print(f"[bold]{conflict.title}[/bold]  ({conflict.id}, {conflict.between})")
        for position in conflict.positions:
            cited = ", ".join(position.sources)
            claim = with_detail(position.claim, position.detail)
            out.print(f"  - {claim} \\[{position.evidence_level.value}; {cited}]")
        assessment = with_detail(conflict.assessment, conflict.detail)
        out.print(f"  Evidence: {assessment} \\[{', '.join(conflict.assessment_sources)}]")
        out.print()
    out.print(f"[italic]{knowledge.text('disclaimer')}[/italic]")


@commands.command()
def faq(
    question: Annotated[str, typer.Argument(help="Your question, in your own words.")],
    top: Annotated[int, typer.Option("--top", help="How many answers (1-10).")] = 3,
    as_json: JsonFlag = False,
) -> None:
    """Answer a question from the knowledge base, best first, each answer with its sources."""
    result = answer_question(question, top=top, index=kept_faq_index())
    if as_json:
        print_json(result)
        return
    out = console()
    if result.urgent_care:
        # The shared rule first, then what the symptoms found may mean and why not to wait.
        reasons = [
            f"{escape(m.title)}: {escape(m.text)} {cited(m.sources)}"
            for m in result.urgent_messages
        ]
        body = "\n\n".join([escape(result.urgent_care), *reasons])
        out.print(Panel(body, title="Seek urgent care", border_style="red bold"))
    if result.note:
        out.print(result.note)
    for number, answer in enumerate(result.answers, start=1):
        if number in (1, 2):
            # The direct answer to the question first; the others below it.
            out.print(f"[bold underline]{'Best answer' if number == 1 else 'More answers'}[/]")
        claim_note = ", a claim, not established fact" if answer.is_claim else ""
        label = answer.evidence_level + claim_note
        out.print(f"[bold]{number}. {answer.topic_title}[/bold]  [dim]({label})[/dim]")
        out.print(with_detail(answer.answer, answer.detail))
        for source in answer.sources:
            out.print(f"   [dim]source: {source.title} ({source.where})[/dim]")
        out.print()
    out.print(f"[italic]{result.disclaimer}[/italic]")
