"""The summary as one self-contained printable HTML page (Jinja2, autoescaped, no scripts).

Every face (the CLI's `summary --out` and the web page's download) prints this very page; it only
reads its packaged template and returns a string.
"""

from __future__ import annotations

from functools import cache

from jinja2 import Environment

from regenspine.decision_aid.options import ArmResult, OptionResult, OutcomeResult
from regenspine.decision_aid.summary import Summary
from regenspine.documents.formatting import money
from regenspine.documents.icon_arrays import GRID, SHAPES, icon_cells, shape_of
from regenspine.documents.templating import template_environment


def headline_arm(option: OptionResult) -> tuple[OutcomeResult, ArmResult] | None:
    """The first outcome with numbers and its own-option group: the one drawn as icons."""
    for outcome in option.outcomes:
        for arm in outcome.arms:
            if arm.this_option:
                return outcome, arm
    return None


@cache
def _environment() -> Environment:
    environment = template_environment("regenspine.documents")
    environment.globals.update(
        icon_cells=icon_cells, shape_of=shape_of, headline_arm=headline_arm, shapes=SHAPES
    )
    environment.filters["money"] = money
    return environment


def render_summary_html(summary: Summary) -> str:
    """The whole printable page as one HTML string (all CSS inline, no scripts, works offline)."""
    return _environment().get_template("summary.html.j2").render(summary=summary, grid=GRID)
