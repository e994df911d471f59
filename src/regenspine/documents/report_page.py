"""The registry report as one self-contained HTML page (inline SVG figures, no scripts, no
external requests), and its content alone for the web dashboard (Jinja2, autoescaped).

Both render report_body.html.j2 from the same pieces, so the file and the page never diverge.
"""

from __future__ import annotations

import base64
from decimal import Decimal
from functools import cache
from itertools import groupby

from jinja2 import Environment
from markupsafe import Markup
from pydantic import BaseModel, ConfigDict

from regenspine.analytics.outcomes import SCORE, ZCQ_RULE, OutcomeRow
from regenspine.analytics.plots import survival_svg, trajectory_svg
from regenspine.analytics.report import RegistryReport
from regenspine.decision_aid.natural_frequencies import IconArray, icon_array
from regenspine.documents.icon_arrays import GRID, icon_cells, shape_of
from regenspine.documents.templating import template_environment
from regenspine.instruments.catalogue import instrument
from regenspine.knowledge import load_knowledge

ICON_TIMEPOINT = "12m"


class InstrumentSection(BaseModel):
    """One instrument's (or ZCQ subscale's) rows of the outcome table and its trajectory plot."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    title: str
    rows: list[OutcomeRow]
    figure: str | None
    digits: int


class ResponderIcons(BaseModel):
    """Responders at 12 months as 100 people, with the numbers behind them."""

    model_config = ConfigDict(frozen=True)

    title: str
    row: OutcomeRow
    icons: IconArray


def _title(row: OutcomeRow) -> str:
    name = instrument(row.instrument).title
    if row.measure == SCORE:
        return name
    if row.measure == ZCQ_RULE:
        return f"{name}: success rule"
    return f"{name}: {row.measure.replace('_', ' ')}"


def score_scale(instrument_id: str, measure: str) -> tuple[float, float | None] | None:
    """The lowest and highest value a score (or subscale) can take, from the instrument; no
    highest for a measured quantity (minutes, metres), whose cap only guards data entry."""
    found = instrument(instrument_id)
    if measure == SCORE and found.banding is not None:
        # Banded scores (ODI, NDI) are percentages from 0 to the top band's limit.
        return (0.0, found.banding.bands[-1].upper)
    if measure == SCORE and len(found.items) == 1:
        scale = found.items[0].scale
        return (scale.minimum, None if scale.unit else scale.maximum)
    subscale = next((part for part in found.subscales if part.id == measure), None)
    if subscale is None:
        return None
    # A subscale is the mean of its items, so it spans their answer scales.
    scales = [found.items[number - 1].scale for number in subscale.items]
    return (min(s.minimum for s in scales), max(s.maximum for s in scales))


def instrument_sections(report: RegistryReport) -> list[InstrumentSection]:
    """The outcome rows grouped by instrument and measure, each with its trajectory figure."""
    sections = []
    for (_, _), rows in groupby(report.outcomes, key=lambda row: (row.instrument, row.measure)):
        listed = list(rows)
        title = _title(listed[0])
        has_levels = any(row.mean is not None for row in listed)
        scale = score_scale(listed[0].instrument, listed[0].measure)
        figure = trajectory_svg(listed, title, "mean score", scale) if has_levels else None
        # Means get the decimals the instrument scores with, and at least one.
        digits = max(1, instrument(listed[0].instrument).decimals)
        sections.append(InstrumentSection(title=title, rows=listed, figure=figure, digits=digits))
    return sections


def responder_icons(report: RegistryReport) -> list[ResponderIcons]:
    """An icon array for every instrument with a responder rate at 12 months."""
    shown = []
    for row in report.outcomes:
        if row.timepoint != ICON_TIMEPOINT or row.responder_rate is None:
            continue
        share = Decimal(str(row.responder_rate)) * 100
        icons = icon_array([("improved", "improved meaningfully", share)], "did not")
        shown.append(ResponderIcons(title=_title(row), row=row, icons=icons))
    return shown


@cache
def _environment() -> Environment:
    environment = template_environment("regenspine.documents")
    environment.globals.update(icon_cells=icon_cells, shape_of=shape_of, grid=GRID)
    environment.filters["number"] = number
    environment.filters["percent"] = percent
    environment.filters["span"] = span
    environment.filters["svg_data_uri"] = svg_data_uri
    return environment


EN_DASH = "\N{EN DASH}"  # an empty table cell, as print tables write it


def number(value: float | None, digits: int = 1) -> str:
    """A number for a table cell, or an en dash when there is none."""
    return EN_DASH if value is None else f"{value:.{digits}f}"


def percent(value: float | None) -> str:
    """A proportion as a whole percentage, or an en dash."""
    return EN_DASH if value is None else f"{value * 100:.0f}%"


def span(bounds: tuple[float, float] | None, as_percent: bool = False, digits: int = 1) -> str:
    """A confidence interval as `low to high`, or an en dash."""
    if bounds is None:
        return EN_DASH
    if as_percent:
        return f"{percent(bounds[0])} to {percent(bounds[1])}"
    return f"{number(bounds[0], digits)} to {number(bounds[1], digits)}"


def svg_data_uri(svg: str) -> str:
    """An SVG figure as a data: address for an <img> (its own styles then stay inside it)."""
    encoded = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return f"data:image/svg+xml;base64,{encoded}"


def _content(report: RegistryReport, figures_as_images: bool) -> dict[str, object]:
    """What report_body.html.j2 shows: the report, its figures, tables and cited sources."""
    knowledge = load_knowledge()
    cited = {rule_source for rule in report.responder_rules for rule_source in rule.sources}
    cited |= set(report.caveat_sources)
    return {
        "report": report,
        "sections": instrument_sections(report),
        "icons": responder_icons(report),
        "survival_figure": survival_svg(report.survival),
        "sources": {source_id: knowledge.source(source_id) for source_id in sorted(cited)},
        "figures_as_images": figures_as_images,
    }


def render_report_html(report: RegistryReport) -> str:
    """The whole report as one HTML page."""
    template = _environment().get_template("report.html.j2")
    return template.render(_content(report, figures_as_images=False))


def render_report_body(report: RegistryReport, figures_as_images: bool = True) -> Markup:
    """The report's content without a page around it, for a page with its own header and
    footer; figures are <img> elements unless `figures_as_images` is False."""
    template = _environment().get_template("report_body.html.j2")
    # The template is autoescaped (documents/templating.py), so its output is safe HTML.
    return Markup(template.render(_content(report, figures_as_images)))  # noqa: S704
