"""Reading grade of every public page and the printed summary, as a reader sees them."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from tests.factories.pages import PUBLIC_PAGES
from tests.factories.profiles import candidate_profile
from tests.factories.readability import exceeded, readability_goal
from tests.factories.visible_text import visible_blocks

from regenspine.knowledge import load_knowledge
from regenspine.knowledge.passages import MIN_WORDS
from regenspine.knowledge.readability import Passage, report_lines, summarise

# The disclaimer is the same fixed text on every page (also inside the About page's main part),
# so it is measured once as a knowledge-base text (texts.disclaimer), not on every page.
BOILERPLATE = (load_knowledge().text("disclaimer"),)


def page_passages(name: str, html: str) -> list[Passage]:
    """The visible text blocks of a page long enough to be prose."""
    return [
        Passage(area="page", place=name, text=block)
        for block in visible_blocks(html, BOILERPLATE)
        if len(block.split()) >= MIN_WORDS
    ]


def rendered(client: TestClient, name: str) -> str:
    """A public page by name, or the printed summary of a candidate's answers."""
    if name == "summary":
        return client.post("/summary", data={"profile": json.dumps(candidate_profile())}).text
    return client.get(PUBLIC_PAGES[name]).text


def test_visible_text_leaves_out_detail_citations_and_navigation() -> None:
    html = (
        "<nav><p>Home and more links here now</p></nav><main><p>Plain words a person reads "
        'first. <span class="cites">[1]</span></p><details class="more-detail"><summary>More '
        "detail</summary><p>Precise wording kept for later reading</p></details></main>"
    )
    assert visible_blocks(html) == ["Plain words a person reads first."]


@pytest.mark.parametrize("name", [*PUBLIC_PAGES, "summary"])
def test_page_meets_the_goal_or_its_ceiling(client: TestClient, name: str) -> None:
    recorded = readability_goal()
    limits = recorded["page_ceilings"].get(name) or recorded["goal"]
    summary = summarise(page_passages(name, rendered(client, name)))
    problems = exceeded(summary, limits)
    assert not problems, "\n".join([f"{name}: " + "; ".join(problems), *report_lines(summary)])


def test_a_fact_with_detail_shows_it_under_more_detail(client: TestClient) -> None:
    fact = load_knowledge().fact("conservative_care.delitto_pt_vs_surgery")
    assert fact.detail
    page = client.get("/learn/alternatives").text
    block = page.split('id="fact-conservative_care-delitto_pt_vs_surgery"')[1].split("</div>")[0]
    assert '<details class="more-detail"><summary>More detail</summary>' in block
    assert "decompression" in block.split("<details")[1]
    assert "decompression" not in block.split("<details")[0]
