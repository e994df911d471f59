"""The printable summary: content, order, icon arrays and sources, read back from the HTML."""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser
from typing import Any

import pytest
from tests.factories.profiles import candidate_profile

from regenspine.decision_aid.options import compare_options
from regenspine.decision_aid.profile import PatientProfile, parse_profile
from regenspine.decision_aid.summary import build_summary
from regenspine.decision_aid.values import parse_values_answers
from regenspine.documents.icon_arrays import SHAPES, icon_cells
from regenspine.documents.summary_page import render_summary_html
from regenspine.knowledge import load_knowledge

PREPARED = dt.date(2026, 12, 1)


def profile(**changes: Any) -> PatientProfile:
    return parse_profile(candidate_profile(**changes))


VALUES = {
    "ratings": {
        "leg_pain_relief": 4,
        "walking_distance": 3,
        "avoiding_surgery": 4,
        "low_risk": 3,
        "short_recovery": 2,
        "low_cost": 1,
        "evidence_certainty": 3,
    },
    "sure": {
        "sure_of_myself": False,
        "understand_information": True,
        "risk_benefit_ratio": True,
        "encouragement": True,
    },
    "leaning": "epidural_steroid",
}


class Page(HTMLParser):
    """Collects section order, element texts by id, icon-array cell counts and all text."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.sections: list[str] = []
        self.arrays: list[int] = []
        self.rows: list[str] = []
        self.scripts = 0
        self.links: list[str] = []
        self.texts: list[str] = []
        self.by_id: dict[str, list[str]] = {}
        self._open_ids: list[tuple[str, str]] = []
        self._in_array = False
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        classes = (attributes.get("class") or "").split()
        if tag in {"section", "header", "footer"}:
            self.sections.append(attributes.get("id") or tag)
        if tag == "svg" and "icon-array" in classes:
            self.arrays.append(0)
            self._in_array = True
        if "cell" in classes and self._in_array:
            self.arrays[-1] += 1
        if tag == "tr" and "option" in classes:
            self.rows.append(attributes.get("id") or "")
        if tag == "script":
            self.scripts += 1
        if tag in {"link", "img"} or attributes.get("src"):
            self.links.append(tag)
        if attributes.get("id"):
            self._open_ids.append((tag, str(attributes["id"])))
            self.by_id[str(attributes["id"])] = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "svg":
            self._in_array = False
        if self._open_ids and self._open_ids[-1][0] == tag:
            self._open_ids.pop()

    def handle_data(self, data: str) -> None:
        self.texts.append(data)
        for _, open_id in self._open_ids:
            self.by_id[open_id].append(data)

    def text(self, element_id: str | None = None) -> str:
        parts = self.texts if element_id is None else self.by_id[element_id]
        return " ".join(" ".join(parts).split())


def page_for(**changes: Any) -> Page:
    values = changes.pop("values", None)
    summary = build_summary(profile(**changes), values, prepared_on=PREPARED)
    return Page(render_summary_html(summary))


def test_full_page_has_every_section_in_order() -> None:
    page = page_for(values=parse_values_answers(VALUES))
    assert page.sections == [
        "header",
        "screening",
        "options",
        "costs",
        "values",
        "questions",
        "sources",
        "footer",
    ]
    assert page.scripts == 0
    assert page.links == []


def test_disclaimer_last_reviewed_update_policy_and_funding_are_printed() -> None:
    knowledge = load_knowledge()
    page = page_for()
    assert page.text("disclaimer") == " ".join(knowledge.text("disclaimer").split())
    assert page.text("last-reviewed") == knowledge.text("evidence_last_reviewed")
    text = page.text()
    assert " ".join(knowledge.text("update_policy").split()) in text
    assert " ".join(knowledge.text("funding").split()) in text
    assert "Prepared 2026-12-01" in text


def test_each_option_has_one_icon_array_of_exactly_100_cells() -> None:
    page = page_for()
    option_ids = [option.id for option in compare_options("lumbar").options]
    assert page.rows == [f"option-{oid}" for oid in option_ids]
    assert page.arrays == [100] * len(option_ids)


def test_icon_array_legend_states_counts_in_words() -> None:
    text = page_for().text("option-stem_cell_injection")
    assert "44 of 100 had at least half their pain relieved" in text
    assert "does not apply directly" in text
    assert "There is no number for how many people with spinal stenosis" in text


def test_icon_cells_fill_rows_from_the_bottom_and_shapes_are_distinct() -> None:
    arm = compare_options("lumbar").options[0].outcomes[0].arms[0]
    cells = icon_cells(arm.icon_array)
    assert len(cells) == 100
    assert (cells[0].column, cells[0].row) == (0, 9)
    assert (cells[99].column, cells[99].row) == (9, 0)
    drawn = {(shape.shape, shape.filled) for shape in SHAPES.values()}
    assert len(drawn) == len(SHAPES)


def test_values_leaning_and_sure_are_shown() -> None:
    page = page_for(values=parse_values_answers(VALUES))
    assert page.text("leaning") == "Leaning now: Epidural steroid injection"
    text = page.text("values")
    assert "SURE check: 3 of 4 yes." in text
    assert "Relief of leg pain, numbness or cramping 4 (Very important)" in text


def test_without_values_the_page_says_how_to_add_them() -> None:
    text = page_for().text("values")
    assert "regenspine values --out values.json" in text


def test_sources_list_every_cited_id_with_title_and_location() -> None:
    summary = build_summary(profile(), parse_values_answers(VALUES), prepared_on=PREPARED)
    page = Page(render_summary_html(summary))
    listed = {item.id for item in summary.sources}
    assert {"legare-2010-sure-test", "levi-2025-bmc-rct", "seed-004"} <= listed
    knowledge = load_knowledge()
    for source_id in ("legare-2010-sure-test", "seed-004"):
        source = knowledge.source(source_id)
        entry = page.text(f"source-{source_id}")
        assert source.title in entry
        assert (source.seed_file or str(source.url)) in entry


def test_red_flag_profile_puts_urgent_box_first_and_leaves_out_treatment() -> None:
    page = page_for(
        red_flags=["new_bladder_dysfunction"],
        contraindications=["pregnancy"],
        values=parse_values_answers(VALUES),
    )
    assert page.sections[0] == "urgent"
    assert page.sections == ["urgent", "header", "screening", "sources", "footer"]
    assert page.arrays == []
    urgent = page.text("urgent")
    assert " ".join(load_knowledge().text("urgent_care").split()) in urgent
    assert "bladder" in urgent
    # Every reason is still listed in the screening section, the contraindication too.
    assert "pregnan" in page.text("screening").lower()
    assert "left out" in page.text("left-out")
    assert "Leaning" not in page.text()


def test_the_urgent_box_names_the_cause_and_cites_its_sources() -> None:
    summary = build_summary(
        profile(contraindications=["active_infection"], symptoms=["back_pain"]),
        prepared_on=PREPARED,
    )
    assert summary.urgent is True
    (message,) = summary.screening.urgent_messages
    assert message.group == "spinal_infection"
    urgent = page_for(contraindications=["active_infection"], symptoms=["back_pain"]).text("urgent")
    assert message.text in urgent
    assert "cauda equina" not in urgent.lower()
    cited = {source.id for source in summary.sources}
    assert set(message.sources) <= cited


@pytest.mark.parametrize("region", ["cervical", "thoracic"])
def test_options_follow_the_profile_region(region: str) -> None:
    summary = build_summary(profile(region=region), prepared_on=PREPARED)
    assert summary.comparison is not None
    assert summary.comparison.region.value == region


def test_autoescape_keeps_markup_out_of_the_page() -> None:
    summary = build_summary(profile(), prepared_on=PREPARED)
    tampered = summary.model_copy(update={"disclaimer": "<script>alert(1)</script>"})
    html = render_summary_html(tampered)
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_the_common_rows_are_printed_as_one_table() -> None:
    page = page_for()
    improvement = page.text("row-improvement")
    assert "44 of 100 with cells; 56 of 100 with a sham shot (comparison)" in improvement
    assert "54 of 100 with a steroid shot; 56 of 100 with numbing medicine alone" in improvement
    for row in ("serious_harm", "another_procedure", "recovery", "cost"):
        assert page.text(f"row-{row}"), row


def test_the_neck_summary_shows_neck_numbers_and_no_low_back_number() -> None:
    page = page_for(region="cervical")
    assert "24 of 100 after surgery from the back" in page.text("row-serious_harm")
    for lumbar_figure in ("54 of 100", "44 of 100", "$11,405", "4.1 days"):
        assert lumbar_figure not in page.text("options"), lumbar_figure
