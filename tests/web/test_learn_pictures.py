"""The Learn pages' pictures: served as SVG, drawn to scale without styles or scripts, and shown
on their topic with alt text and a sourced caption."""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from regenspine.knowledge import load_knowledge
from regenspine.knowledge.pictures import Panel, Picture, load_pictures, picture_sources
from regenspine.web.app import STATIC_DIR

SVG = "{http://www.w3.org/2000/svg}"
IMG_DIR = Path(STATIC_DIR) / "img"
PANELS = [(picture, panel) for picture in load_pictures() for panel in picture.panels]


def _drawing(client: TestClient, panel: Panel) -> ET.Element:
    response = client.get(f"/static/img/{panel.file}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/svg+xml"
    # The project's own files, read in a test: no untrusted XML reaches the parser.
    return ET.fromstring(response.content)  # noqa: S314


def _section(page: str, topic_id: str) -> str:
    return page.split(f'<section id="topic-{topic_id}"', 1)[1].split("</section>", 1)[0]


def _group_page(client: TestClient, picture: Picture) -> str:
    group = load_knowledge().topic(picture.topic).group
    return client.get(f"/learn/{group}").text


@pytest.mark.parametrize(("picture", "panel"), PANELS, ids=[p.file for _, p in PANELS])
def test_each_drawing_is_served_as_svg_that_scales(
    client: TestClient, picture: Picture, panel: Panel
) -> None:
    root = _drawing(client, panel)
    assert root.tag == f"{SVG}svg"
    _, _, width, height = (float(n) for n in root.attrib["viewBox"].split())
    assert width > 0
    assert height > 0
    # A fixed size would stop the drawing shrinking to a 390 px phone.
    assert not {"width", "height"} & set(root.attrib)
    assert [node.text for node in root.iter(f"{SVG}text") if node.text], "labels are real text"


@pytest.mark.parametrize(("picture", "panel"), PANELS, ids=[p.file for _, p in PANELS])
def test_each_drawing_needs_nothing_the_security_policy_forbids(
    client: TestClient, picture: Picture, panel: Panel
) -> None:
    root = _drawing(client, panel)
    tags = {node.tag.removeprefix(SVG) for node in root.iter()}
    assert not tags & {"style", "script", "foreignObject", "image", "use"}
    for node in root.iter():
        assert not any(name == "style" or name.startswith("on") for name in node.attrib)
        assert not any("url(" in value or "http" in value for value in node.attrib.values())
    assert (IMG_DIR / panel.file).stat().st_size < 10_000, "a small file"


@pytest.mark.parametrize("picture", load_pictures(), ids=lambda p: p.id)
def test_each_picture_shows_on_its_topic_with_alt_text_and_sourced_caption(
    client: TestClient, picture: Picture
) -> None:
    section = _section(_group_page(client, picture), picture.topic)
    figure = section.split(f'<figure class="picture" id="picture-{picture.id}">', 1)[1]
    figure = figure.split("</figure>", 1)[0]
    images = re.findall(r'<img src="/static/img/([^"]+)" alt="([^"]+)"', figure)
    assert images == [(panel.file, html.escape(panel.alt)) for panel in picture.panels]
    caption = figure.split("<figcaption>", 1)[1]
    assert html.escape(picture.caption) in caption
    for source_id in picture_sources(picture):
        assert f'href="#source-{source_id}"' in caption
    # The figure comes before the topic's facts: people look before they read.
    assert section.index("<figure") < section.index('<div class="fact')


def test_a_picture_of_sellers_claims_says_so_and_the_others_do_not(client: TestClient) -> None:
    page = client.get("/learn/procedure").text
    figure = page.split('id="picture-procedure_steps"', 1)[1].split("</figure>", 1)[0]
    assert '<span class="tag tag-claim">What clinics that sell it describe</span>' in figure
    condition = client.get("/learn/condition").text
    for picture_id in ("spine_regions", "canal_narrowing"):
        figure = condition.split(f'id="picture-{picture_id}"', 1)[1].split("</figure>", 1)[0]
        assert "tag-claim" not in figure


def test_every_drawing_in_the_folder_is_shown_and_its_licence_noted() -> None:
    drawn = sorted(path.name for path in IMG_DIR.glob("*.svg"))
    assert drawn == sorted(panel.file for _, panel in PANELS)
    readme = (IMG_DIR / "README.md").read_text(encoding="utf-8")
    assert "project's own work" in readme
    for name in drawn:
        assert f"`{name}`" in readme


def test_a_drawing_that_does_not_exist_is_a_plain_404(client: TestClient) -> None:
    response = client.get("/static/img/no-such-picture.svg")
    assert response.status_code == 404
    assert "Traceback" not in response.text
