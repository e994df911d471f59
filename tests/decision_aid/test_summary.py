"""The printable summary: content, order, skipped steps, comparison groups, the person's own costs
and numbered sources, read back from the HTML."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from typing import Any

import pytest
from tests.factories.profiles import VALUES, candidate_profile, registry_outcome

from regenspine.decision_aid.costs import cost_query
from regenspine.decision_aid.options import compare_options
from regenspine.decision_aid.profile import PatientProfile, parse_profile
from regenspine.decision_aid.summary import Summary, build_summary
from regenspine.decision_aid.values import parse_values_answers
from regenspine.documents.icon_arrays import SHAPES, icon_cells
from regenspine.documents.summary_page import render_summary_html
from regenspine.errors import InvalidInput
from regenspine.knowledge import load_knowledge

PREPARED = dt.date(2026, 12, 1)
# A person's own figures: $900 travel each for two people, six nights at $150 = $2,700.
MY_COSTS = {"travel_cost": "900", "companions": 1, "nights": 6, "nightly_cost": "150"}
ALL_STEPS = ("Check for urgent symptoms", "Is this for me", "Costs", "What matters to me")


def profile(**changes: Any) -> PatientProfile:
    return parse_profile(candidate_profile(**changes))


class Page(HTMLParser):
    """Section order, texts by element id, scripts and outside links, and the visible text."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.sections: list[str] = []
        self.scripts = 0
        self.links: list[str] = []
        self.texts: list[str] = []
        self.by_id: dict[str, list[str]] = {}
        self._open_ids: list[tuple[str, str]] = []
        self._in_style = False
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag in {"section", "header", "footer"}:
            self.sections.append(attributes.get("id") or tag)
        if tag == "script":
            self.scripts += 1
        if tag in {"link", "img"} or attributes.get("src"):
            self.links.append(tag)
        self._in_style = tag == "style"
        if attributes.get("id"):
            self._open_ids.append((tag, str(attributes["id"])))
            self.by_id[str(attributes["id"])] = []

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False
        if self._open_ids and self._open_ids[-1][0] == tag:
            self._open_ids.pop()

    def handle_data(self, data: str) -> None:
        if self._in_style:
            return
        self.texts.append(data)
        for _, open_id in self._open_ids:
            self.by_id[open_id].append(data)

    def text(self, element_id: str | None = None) -> str:
        parts = self.texts if element_id is None else self.by_id[element_id]
        return " ".join(" ".join(parts).split())


def full_summary(**changes: Any) -> Summary:
    """Every step answered: warning signs checked, screening, the person's costs and values."""
    arguments: dict[str, Any] = {
        "values": parse_values_answers(VALUES),
        "prepared_on": PREPARED,
        "costs": cost_query(**MY_COSTS),
        "red_flags_checked": True,
    }
    arguments.update(changes)
    return build_summary(arguments.pop("profile", profile()), **arguments)


def page_of(summary: Summary) -> Page:
    return Page(render_summary_html(summary))


def test_full_page_has_every_section_in_order_and_no_script() -> None:
    page = page_of(full_summary())
    assert page.sections == [
        "header",
        "warning-signs",
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
    assert "I checked them. I have none of them." in page.text("warning-signs")


@pytest.mark.parametrize(
    ("changes", "skipped"),
    [
        ({}, ()),
        ({"red_flags_checked": False}, ("Check for urgent symptoms",)),
        ({"profile": None}, ("Is this for me",)),
        ({"costs": None}, ("Costs",)),
        ({"values": None}, ("What matters to me",)),
        ({"profile": None, "costs": None, "values": None, "red_flags_checked": False}, ALL_STEPS),
    ],
)
def test_skipped_steps_are_named_from_the_missing_answers(
    changes: dict[str, Any], skipped: tuple[str, ...]
) -> None:
    summary = full_summary(**changes)
    assert summary.skipped_steps == skipped
    page = page_of(summary)
    if skipped:
        assert page.sections[1] == "skipped"
        assert page.text("skipped").startswith(f"Steps I skipped: {'; '.join(skipped)}.")
    else:
        assert "skipped" not in page.sections


def test_without_the_red_flag_step_the_page_asks_the_doctor_to_check() -> None:
    text = page_of(full_summary(red_flags_checked=False)).text("warning-signs")
    assert "I did not go through this check. Please ask me about them." in text


def test_without_screening_the_page_says_it_cannot_tell_and_still_compares_low_back() -> None:
    summary = full_summary(profile=None)
    assert summary.screening is None
    assert summary.comparison is not None
    assert summary.comparison.region.value == "lumbar"
    page = page_of(summary)
    screening = page.text("screening")
    assert "Not checked" in screening
    assert "this summary cannot say if a stem cell shot fits my case" in screening
    assert "44 of 100 with cells; 56 of 100 with a sham shot (comparison)" in page.text("options")


def test_without_screening_a_region_can_be_chosen_but_not_a_registry_line() -> None:
    summary = full_summary(profile=None, region="cervical")
    assert summary.comparison is not None
    assert summary.comparison.region.value == "cervical"
    with pytest.raises(InvalidInput) as caught:
        full_summary(profile=None, region="sacral")
    assert caught.value.field == "region"
    # "People like you" needs the severity that only the screening gives.
    registry = registry_outcome(as_of=PREPARED)
    with pytest.raises(InvalidInput) as caught:
        full_summary(profile=None, registry=registry)
    assert caught.value.field == "registry"


def test_the_grid_prints_each_figure_beside_its_comparison_group_and_time() -> None:
    summary = full_summary()
    page = page_of(summary)
    stem_cells = page.text("option-stem_cell_injection")
    assert "44 of 100 with cells; 56 of 100 with a sham shot (comparison). When: 12 months." in (
        stem_cells
    )
    steroid = page.text("option-epidural_steroid")
    assert "54 of 100 with a steroid shot; 56 of 100 with numbing medicine alone" in steroid
    compared = 0
    for row in summary.grid:
        for cell in row.cells:
            if not any(not figure.this_option for figure in cell.figures):
                continue
            compared += 1
            text = page.text(f"option-{cell.option_id}")
            assert all(figure.text in text for figure in cell.figures), cell.measure
            assert f"When: {cell.time_frame}." in text
    assert compared >= 6
    assert [row.row.value for row in summary.grid] == [
        "improvement",
        "serious_harm",
        "another_procedure",
    ]


def test_costs_use_the_persons_own_travel_figures() -> None:
    summary = full_summary()
    assert summary.own_costs is True
    page = page_of(summary)
    figures = page.text("my-cost-figures")
    assert "Travel $900 each for 2 people, and 6 nights at $150: $2,700 in all." in figures
    # Lowest abroad $2,500 (Turkey) and highest $18,000 (Mexico), each plus $2,700 of travel;
    # at home no travel is added.
    row = page.text("cost-stem_cell_injection")
    assert "$1,150\N{EN DASH}$15,000" in row
    assert "$5,200\N{EN DASH}$20,700*" in row


def test_two_procedures_double_the_prices_but_not_the_travel() -> None:
    costs = cost_query(**MY_COSTS, procedures=2)
    row = page_of(full_summary(costs=costs)).text("cost-stem_cell_injection")
    assert "$2,300\N{EN DASH}$30,000" in row
    assert "$7,700\N{EN DASH}$38,700*" in row


def test_without_the_cost_step_the_published_prices_are_shown_and_it_says_so() -> None:
    summary = full_summary(costs=None)
    assert summary.own_costs is False
    page = page_of(summary)
    assert "I skipped the cost step." in page.text("my-cost-figures")
    assert "$2,500\N{EN DASH}$18,000*" in page.text("cost-stem_cell_injection")


def test_a_cost_range_cites_the_prices_that_set_its_ends() -> None:
    (line,) = [line for line in full_summary().cost_lines if line.option == "stem_cell_injection"]
    assert line.home is not None
    # $1,150 is Piuzzi's lowest knee-shot price and $15,000 the FTC case's highest; the court
    # record's $8,900 sits between them, so it is not cited for this range.
    assert line.home.sources == ("piuzzi-2018-knee-prices", "ftc-2018-booster-prices")
    assert "ninth-circuit-2024-cstc" not in line.sources


def test_sources_are_numbered_references_with_title_and_link() -> None:
    summary = full_summary()
    page = page_of(summary)
    assert [source.number for source in summary.sources] == list(range(1, len(summary.sources) + 1))
    knowledge = load_knowledge()
    for source in summary.sources:
        entry = page.text(f"source-{source.number}")
        assert entry.startswith(f"[{source.number}] {source.title}")
        known = knowledge.source(source.id)
        if known.doi:
            assert f"https://doi.org/{known.doi}" in entry
        elif known.url:
            assert str(known.url) in entry
        else:
            assert source.kind == "seed"
            assert "no web link" in entry
    # Every reference is cited on the page, and every citation has its reference.
    body = page.text().split("Sources [1]")[0]
    cited = {int(n) for group in re.findall(r"\[([\d, ]+)\]", body) for n in group.split(",")}
    assert cited == set(range(1, len(summary.sources) + 1))


def test_seed_texts_show_title_and_kind_never_their_file_or_id() -> None:
    summary = full_summary()
    text = page_of(summary).text()
    seeds = [source for source in summary.sources if source.kind == "seed"]
    assert seeds
    knowledge = load_knowledge()
    for source in seeds:
        assert source.link is None
        assert str(knowledge.source(source.id).seed_file) not in text
    for source in summary.sources:
        assert source.id not in text


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"profile": None, "costs": None, "values": None, "red_flags_checked": False},
        {"profile": profile(region="cervical")},
        {"profile": profile(contraindications=["pregnancy"])},
        {"profile": profile(conservative_care_weeks=2)},
        {"profile": profile(red_flags=["new_bladder_dysfunction"])},
    ],
)
def test_no_internal_codes_commands_or_file_names_show(changes: dict[str, Any]) -> None:
    # Links keep their own spelling; everything else is plain words.
    text = re.sub(r"https?://\S+", "", page_of(full_summary(**changes)).text())
    assert re.findall(r"\b\w+_\w+\b", text) == []
    assert not re.search(r"regenspine \w+ --|--(out|values)\b|`", text)
    assert ".txt" not in text
    assert not re.search(r"\bseed-\d+", text)


def test_values_leaning_and_sure_are_shown() -> None:
    page = page_of(full_summary())
    assert page.text("leaning") == "Leaning now: Conservative care, or wait and see"
    sure = page.text("sure")
    assert sure.startswith("SURE check: 3 of 4 yes.")
    assert "I said no to: “Do you feel sure which choice is best for you?”" in sure
    assert "Very important to me: Relief of leg pain" in page.text("ratings")


def test_without_values_the_page_says_the_step_was_skipped_and_names_no_command() -> None:
    text = page_of(full_summary(values=None)).text("values")
    assert "I skipped this step" in text
    assert "regenspine" not in text


def test_disclaimer_and_last_reviewed_are_printed() -> None:
    knowledge = load_knowledge()
    page = page_of(full_summary())
    assert page.text("disclaimer") == " ".join(knowledge.text("disclaimer").split())
    assert page.text("last-reviewed") == knowledge.text("evidence_last_reviewed")
    text = page.text()
    assert " ".join(knowledge.text("update_policy").split()) in text
    assert " ".join(knowledge.text("funding").split()) in text
    assert "Prepared 2026-12-01" in text


def test_the_web_adds_its_print_button_script_and_nothing_else() -> None:
    html = render_summary_html(full_summary(), print_script="/static/js/print.js")
    page = Page(html)
    assert page.scripts == 1
    assert '<button type="button" class="print-button" data-print>' in html
    assert '<script src="/static/js/print.js" defer></script>' in html
    assert "Ctrl+P" in page.text()


def test_red_flag_profile_puts_urgent_box_first_and_leaves_out_treatment() -> None:
    summary = full_summary(
        profile=profile(red_flags=["new_bladder_dysfunction"], contraindications=["pregnancy"])
    )
    assert summary.skipped_steps == ()
    page = page_of(summary)
    assert page.sections == ["urgent", "header", "screening", "sources", "footer"]
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
    assert summary.screening is not None
    (message,) = summary.screening.urgent_messages
    assert message.group == "spinal_infection"
    urgent = page_of(summary).text("urgent")
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


def test_the_neck_summary_shows_neck_numbers_and_no_low_back_number() -> None:
    page = page_of(full_summary(profile=profile(region="cervical")))
    options = page.text("options")
    assert "24 of 100 after surgery from the back" in options
    for lumbar_figure in ("54 of 100", "44 of 100", "$11,405", "4.1 days"):
        assert lumbar_figure not in options, lumbar_figure


def test_icon_cells_fill_rows_from_the_bottom_and_shapes_are_distinct() -> None:
    arm = compare_options("lumbar").options[0].outcomes[0].arms[0]
    cells = icon_cells(arm.icon_array)
    assert len(cells) == 100
    assert (cells[0].column, cells[0].row) == (0, 9)
    assert (cells[99].column, cells[99].row) == (9, 0)
    drawn = {(shape.shape, shape.filled) for shape in SHAPES.values()}
    assert len(drawn) == len(SHAPES)


def test_a_chosen_country_gets_its_own_column_with_the_travel_added() -> None:
    costs = cost_query(country="mexico", travel_cost="300", nights=2, nightly_cost="80")
    page = page_of(full_summary(costs=costs))
    assert "$460 in all. Added to the prices below." in page.text("my-cost-figures")
    assert "In Mexico" in page.text("costs")
    assert "At home" not in page.text("costs")
    # Mexico's lowest and highest one-shot prices, $3,000 and $18,000, plus $460.
    assert "$3,460\N{EN DASH}$18,460*" in page.text("cost-stem_cell_injection")
