"""Trajectory figures span the instrument's whole scale, so small changes look small."""

from __future__ import annotations

import re

import pytest

from regenspine.analytics.outcomes import OutcomeRow
from regenspine.analytics.plots import trajectory_svg
from regenspine.documents.report_page import score_scale


def y_labels(svg: str) -> set[str]:
    """The numbers written as text in the figure (axis tick labels)."""
    return set(re.findall(r">\s*(-?[0-9.]+)\s*<", svg))


def score_rows(instrument_id: str, *means: float) -> list[OutcomeRow]:
    """Means at baseline, 3 and 12 months with narrow intervals."""
    return [
        OutcomeRow(
            instrument=instrument_id,
            measure="score",
            timepoint=timepoint,
            n=80,
            mean=mean,
            mean_ci=(mean - 2, mean + 2),
        )
        for timepoint, mean in zip(("baseline", "3m", "12m"), means, strict=True)
    ]


@pytest.mark.parametrize(
    ("instrument_id", "measure", "expected"),
    [
        ("odi", "score", (0.0, 100.0)),
        ("ndi", "score", (0.0, 100.0)),
        ("nrs_leg", "score", (0, 10)),
        ("pgic", "score", (1, 7)),
        ("zcq", "symptom_severity", (1, 5)),
        ("zcq", "physical_function", (1, 4)),
        # Measured quantities keep their floor only: the entry cap is no scale.
        ("walking_minutes", "score", (0, None)),
        ("walking_distance", "score", (0, None)),
        # The ZCQ has no single score, and the success rule is a rate.
        ("zcq", "score", None),
        ("zcq", "success_rule", None),
    ],
)
def test_score_scale(instrument_id: str, measure: str, expected: object) -> None:
    assert score_scale(instrument_id, measure) == expected


def test_a_small_change_is_drawn_on_the_whole_scale() -> None:
    cropped = trajectory_svg(score_rows("odi", 44, 41, 40), "ODI", "mean score")
    whole = trajectory_svg(score_rows("odi", 44, 41, 40), "ODI", "mean score", (0.0, 100.0))
    assert cropped is not None
    assert whole is not None
    assert not {"0", "100"} & y_labels(cropped)
    assert {"0", "100"} <= y_labels(whole)


def test_an_open_scale_starts_at_its_floor() -> None:
    rows = score_rows("walking_minutes", 310, 340, 360)
    svg = trajectory_svg(rows, "Walking", "mean minutes", (0, None))
    assert svg is not None
    labels = {float(label) for label in y_labels(svg)}
    assert 0 in labels
    assert max(labels) < 600
