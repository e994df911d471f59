"""The summary prints on one page: rendered by a real Chromium to PDF and its pages counted."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from tests.factories.browser import printed_pages
from tests.factories.profiles import VALUES, candidate_profile

from regenspine.decision_aid.profile import parse_profile
from regenspine.decision_aid.summary import build_summary
from regenspine.decision_aid.values import parse_values_answers
from regenspine.documents.summary_page import render_summary_html

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("with_values", [True, False])
def test_summary_prints_on_exactly_one_letter_page(
    tmp_path: Path, headless_chromium: list[str], with_values: bool
) -> None:
    values = parse_values_answers(VALUES) if with_values else None
    summary = build_summary(
        parse_profile(candidate_profile()), values, prepared_on=dt.date(2026, 12, 1)
    )
    assert printed_pages(render_summary_html(summary), tmp_path, headless_chromium) == 1
