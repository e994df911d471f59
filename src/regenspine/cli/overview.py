"""What `regenspine` with no command (and `make run`, before the web app) shows."""

from __future__ import annotations

from rich.console import Console
from rich.panel import Panel
from rich.table import Table

from regenspine.knowledge import load_knowledge

COMMANDS = (
    ("regenspine screen PROFILE.json", "red flags first, then candidacy, with every reason"),
    ("regenspine options [--region lumbar]", "the options side by side, x of 100 people"),
    ("regenspine costs [--country mexico]", "price ranges at home and abroad, with your travel"),
    ("regenspine check-claims FILE", "warning signs in a clinic's marketing text"),
    ("regenspine clinic-questions", "what to ask a clinic before you pay"),
    ("regenspine recovery --procedure-date D", "a dated recovery plan, with an .ics calendar"),
    ("regenspine values / summary", "what matters to you, and a one-page summary to print"),
    ('regenspine faq "QUESTION"', "cited answers from the knowledge base"),
    ("regenspine facts | conflicts | sources", "the knowledge base itself"),
    ("regenspine score odi --answers ...", "score a questionnaire (ODI, NDI, ZCQ, NRS, ...)"),
    ("regenspine db upgrade / users add", "set up the registry database and its users"),
    ("regenspine patients | episodes | procedures", "the registry: patients through treatment"),
    ("regenspine followups due / assess", "follow-up visits and questionnaires"),
    ("regenspine adverse-events | interventions", "harms and later surgery"),
)


def show_overview(out: Console) -> None:
    """Print the product summary, knowledge-base size, the main commands and the disclaimer."""
    knowledge = load_knowledge()
    out.print(
        Panel.fit(
            "[bold]regenspine[/bold]: an evidence-based decision aid and outcomes registry for "
            "stem cell therapy of spinal stenosis.",
        )
    )
    out.print(
        f"Knowledge base: {len(knowledge.facts)} facts on {len(knowledge.topics)} topics from "
        f"{len(knowledge.sources)} sources, {len(knowledge.conflicts)} recorded conflicts; "
        f"evidence last reviewed {knowledge.text('evidence_last_reviewed')}."
    )
    out.print()
    commands = Table.grid(padding=(0, 2))
    for command, purpose in COMMANDS:
        commands.add_row(f"[cyan]{command}[/cyan]", purpose)
    out.print(commands)
    out.print("Every command has --help; most take --json. `regenspine --help` lists them all.")
    out.print()
    out.print(f"[italic]{knowledge.text('disclaimer')}[/italic]")
