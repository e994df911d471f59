"""The summary prints on one page: rendered by a real Chromium to PDF and its pages counted."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from tests.support import candidate_profile

from regenspine.decision_aid.profile import parse_profile
from regenspine.decision_aid.summary import build_summary
from regenspine.decision_aid.values import parse_values_answers
from regenspine.documents.summary_page import render_summary_html

pytestmark = pytest.mark.browser

VALUES: dict[str, Any] = {
    "ratings": {
        "leg_pain_relief": 4,
        "walking_distance": 4,
        "avoiding_surgery": 3,
        "low_risk": 3,
        "short_recovery": 2,
        "low_cost": 2,
        "evidence_certainty": 4,
    },
    "sure": {
        "sure_of_myself": False,
        "understand_information": True,
        "risk_benefit_ratio": True,
        "encouragement": True,
    },
    "leaning": "conservative_care",
}


def _printed_pages(html: str, folder: Path, chromium: list[str]) -> int:
    page = folder / "summary.html"
    pdf = folder / "summary.pdf"
    page.write_text(html, encoding="utf-8")
    subprocess.run(
        [
            *chromium,
            f"--print-to-pdf={pdf}",
            "--no-pdf-header-footer",
            page.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf.read_bytes()))


@pytest.mark.parametrize("with_values", [True, False])
def test_summary_prints_on_exactly_one_letter_page(
    tmp_path: Path, headless_chromium: list[str], with_values: bool
) -> None:
    values = parse_values_answers(VALUES) if with_values else None
    summary = build_summary(
        parse_profile(candidate_profile()), values, prepared_on=dt.date(2026, 12, 1)
    )
    assert _printed_pages(render_summary_html(summary), tmp_path, headless_chromium) == 1
