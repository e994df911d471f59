"""Report figures drawn with matplotlib (Agg backend) and returned as inline SVG markup.

Each figure is a string that can be pasted into an HTML page: no files, no external requests.
Text stays text in the SVG (searchable, readable by screen readers), and the output is the same
for the same data.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from regenspine.analytics.outcomes import OutcomeRow
from regenspine.analytics.survival import SurvivalSummary
from regenspine.care.schedule import TIMEPOINT_IDS

LINE = "#1f4e79"
BAND = "#9dc3e6"
SVG_SETTINGS = {"svg.fonttype": "none", "svg.hashsalt": "regenspine-report"}


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _svg(figure: Any) -> str:
    plt = _pyplot()
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(figure)
    text = buffer.getvalue()
    # Inline SVG in HTML needs neither the XML declaration nor the DOCTYPE.
    return text[text.index("<svg") :]


def trajectory_svg(
    rows: Sequence[OutcomeRow],
    title: str,
    unit: str,
    scale: tuple[float, float | None] | None = None,
) -> str | None:
    """Mean score per timepoint with 95% intervals, the y-axis spanning the whole `scale` (from
    its lowest value only, when it has no highest); None when fewer than two timepoints have a
    reportable mean."""
    shown = [row for row in rows if row.mean is not None and row.mean_ci is not None]
    if len(shown) < 2:
        return None
    order = {timepoint: position for position, timepoint in enumerate(TIMEPOINT_IDS)}
    shown.sort(key=lambda row: order.get(row.timepoint, len(order)))
    plt = _pyplot()
    with plt.rc_context(SVG_SETTINGS):
        figure, axes = plt.subplots(figsize=(5.2, 2.8))
        positions = list(range(len(shown)))
        means = [row.mean for row in shown]
        below = [row.mean - row.mean_ci[0] for row in shown]  # type: ignore[index,operator]
        above = [row.mean_ci[1] - row.mean for row in shown]  # type: ignore[index,operator]
        axes.errorbar(
            positions, means, yerr=[below, above], color=LINE, marker="o", capsize=4, linewidth=1.6
        )
        labels = [f"{row.timepoint}\nn={row.n}" for row in shown]
        axes.set_xticks(positions, labels)
        if scale is not None:
            # The whole scale, not the data's range: a cropped axis makes 3 points of 100 look
            # like a cure.
            lowest, highest = scale
            if highest is None:
                axes.set_ylim(bottom=lowest)
            else:
                margin = (highest - lowest) * 0.03
                axes.set_ylim(lowest - margin, highest + margin)
        axes.set_ylabel(unit)
        axes.set_title(title, fontsize=10)
        axes.grid(axis="y", alpha=0.3)
        return _svg(figure)


def survival_svg(summary: SurvivalSummary) -> str | None:
    """The Kaplan-Meier curve of surgery-free survival with its 95% band; None without data."""
    if summary.note is not None or not summary.curve:
        return None
    plt = _pyplot()
    days = [point.day for point in summary.curve]
    months = [day / 30.4375 for day in days]  # average days per month, for the axis only
    with plt.rc_context(SVG_SETTINGS):
        figure, axes = plt.subplots(figsize=(5.2, 2.8))
        axes.fill_between(
            months,
            [point.low for point in summary.curve],
            [point.high for point in summary.curve],
            step="post",
            color=BAND,
            alpha=0.6,
            label="95% confidence band",
        )
        axes.step(
            months,
            [point.estimate for point in summary.curve],
            where="post",
            color=LINE,
            linewidth=1.6,
            label="without surgery",
        )
        axes.set_ylim(0, 1.02)
        axes.set_xlabel("months after the procedure")
        axes.set_ylabel("share without surgery")
        axes.set_title("Surgery-free survival (Kaplan-Meier)", fontsize=10)
        axes.legend(loc="lower left", fontsize=8)
        axes.grid(alpha=0.3)
        return _svg(figure)
