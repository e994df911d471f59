"""The summary as one self-contained printable HTML page (Jinja2, autoescaped, one style block).

Every face (the CLI's `summary --out` and the web page's download) prints this very page; it only
reads its packaged template and returns a string. The web alone adds its print-button script.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from jinja2 import Environment

from regenspine.decision_aid.evidence_terms import CERTAINTY_LABELS, REGION_WORDS
from regenspine.decision_aid.screening import ScreeningCategory
from regenspine.decision_aid.summary import Summary
from regenspine.documents.formatting import money
from regenspine.documents.templating import template_environment

CATEGORY_TITLES: dict[ScreeningCategory, str] = {
    ScreeningCategory.urgent_care: "Seek urgent care",
    ScreeningCategory.specialist_soon: "See a spine specialist soon",
    ScreeningCategory.not_suitable: "Not suitable now",
    ScreeningCategory.surgical_evaluation: "A spine doctor's check first",
    ScreeningCategory.conservative_care_first: "Conservative care first",
    ScreeningCategory.candidate: "Candidate",
}


@cache
def _environment() -> Environment:
    environment = template_environment("regenspine.documents")
    environment.globals.update(
        category_title=CATEGORY_TITLES.__getitem__,
        certainty_words=CERTAINTY_LABELS.__getitem__,
        region_words=REGION_WORDS.__getitem__,
    )
    environment.filters["money"] = money
    return environment


@dataclass(frozen=True)
class StepLink:
    """One of the six steps as the web shows it above the summary (never printed)."""

    number: int
    title: str
    href: str
    done: bool
    current: bool


def render_summary_html(
    summary: Summary,
    print_script: str | None = None,
    steps: tuple[StepLink, ...] = (),
    links: tuple[tuple[str, str], ...] = (),
) -> str:
    """The whole printable page as one HTML string. The web adds its print-button script, the
    six steps with this one marked, and links (href, label) on from here; a file has none."""
    template = _environment().get_template("summary.html.j2")
    return template.render(summary=summary, print_script=print_script, steps=steps, links=links)
