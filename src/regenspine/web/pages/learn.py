"""Home, the Learn pages (facts by topic with sources, evidence levels and conflicts) and About."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from regenspine.errors import NotFound
from regenspine.knowledge import Conflict, Fact, Topic, load_knowledge
from regenspine.knowledge.passages import knowledge_base_grade
from regenspine.knowledge.pictures import (
    Picture,
    picture_shows_claims,
    picture_sources,
    pictures_on,
)
from regenspine.web.labels import EVIDENCE_LABELS, words
from regenspine.web.rendering import listed_source, render_fixed

router = APIRouter(include_in_schema=False)

GROUP_TITLES = {
    "condition": "The condition",
    "therapy": "Stem cell therapy",
    "procedure": "The procedure and recovery",
    "outcomes": "Results and risks",
    "costs": "Costs and insurance",
    "regulation": "Regulation and clinics",
    "alternatives": "Other treatments",
}


@dataclass(frozen=True)
class ShownPicture:
    """A picture as a page shows it: its panels, caption, sources and whether it draws claims."""

    picture: Picture
    sources: tuple[str, ...]
    is_claim: bool


@dataclass(frozen=True)
class TopicSection:
    """One topic with its pictures, its facts and the recorded disagreements about it."""

    topic: Topic
    facts: list[Fact]
    conflicts: list[Conflict]
    pictures: list[ShownPicture]


def shown_pictures(topic_id: str) -> list[ShownPicture]:
    """The pictures on one topic, each with the sources of the facts it draws."""
    return [
        ShownPicture(picture, picture_sources(picture), picture_shows_claims(picture))
        for picture in pictures_on(topic_id)
    ]


@dataclass(frozen=True)
class TopicGroup:
    """A group of topics shown on one Learn page."""

    id: str
    title: str
    topics: list[Topic]


def topic_groups() -> list[TopicGroup]:
    """The knowledge base's topic groups in file order, each with its topics."""
    grouped: dict[str, list[Topic]] = {}
    for topic in load_knowledge().topics:
        grouped.setdefault(topic.group, []).append(topic)
    return [
        TopicGroup(id=group, title=GROUP_TITLES.get(group, words(group)), topics=topics)
        for group, topics in grouped.items()
    ]


def topic_group(group_id: str) -> TopicGroup:
    """One topic group, or NotFound naming the groups there are."""
    groups = topic_groups()
    for group in groups:
        if group.id == group_id:
            return group
    # The Learn page lists the groups by title; their ids are only the pages' addresses.
    raise NotFound("There is no page of topics at this address.")


@router.get("/", response_class=HTMLResponse)
async def home(request: Request) -> HTMLResponse:
    """The start page: what the tool is for, the steps, and the topics to learn about."""
    return await render_fixed(request, "pages/home.html.j2", _with_groups)


@router.get("/learn", response_class=HTMLResponse)
async def learn_index(request: Request) -> HTMLResponse:
    """Every topic, grouped, with links to the pages that explain them."""
    return await render_fixed(request, "pages/learn_index.html.j2", _with_groups)


def _with_groups() -> dict[str, Any]:
    return {"groups": topic_groups()}


@router.get("/learn/{group_id}", response_class=HTMLResponse)
async def learn_group(request: Request, group_id: str) -> HTMLResponse:
    """The facts on each topic of one group, with sources, evidence levels and conflicts."""
    return await render_fixed(request, "pages/learn_group.html.j2", _group_context, group_id)


def _group_context(group_id: str) -> dict[str, Any]:
    """One Learn page's topics with their facts and conflicts; NotFound for an unknown group."""
    group = topic_group(group_id)
    knowledge = load_knowledge()
    sections = [
        TopicSection(
            topic=topic,
            facts=knowledge.facts_on(topic.id),
            conflicts=[item for item in knowledge.conflicts if item.topic == topic.id],
            pictures=shown_pictures(topic.id),
        )
        for topic in group.topics
    ]
    return {"group": group, "sections": sections, "groups": topic_groups()}


# The About page's fixed texts: the disclosure IPDAS asks of a decision aid (Elwyn et al.,
# BMJ 2006;333:417), each a key of knowledge/data/texts.yaml.
ABOUT_TEXTS = (
    "about_authors", "about_evidence_chosen", "about_evidence_rated", "funding",
    "about_conflicts", "update_policy", "about_not_done", "about_report_error",
    "about_no_contact",
)  # fmt: skip


@router.get("/about", response_class=HTMLResponse)
async def about(request: Request) -> HTMLResponse:
    """How the aid was made (authors, evidence, funding, review, reading level, what is not yet
    done, how to report an error) and every source the tool cites."""
    email = request.app.state.settings.report_error_email
    return await render_fixed(request, "pages/about.html.j2", _about_context, email)


def _about_context(report_error_email: str | None) -> dict[str, Any]:
    """The About page's context: the disclosure texts, the counts and every source."""
    knowledge = load_knowledge()
    return {
        **{key: knowledge.text(key) for key in ABOUT_TEXTS},
        "report_error_email": report_error_email,
        "fact_count": len(knowledge.facts),
        "topic_count": len(knowledge.topics),
        "conflict_count": len(knowledge.conflicts),
        "sources": [listed_source(n, s) for n, s in enumerate(knowledge.sources, start=1)],
        "evidence_levels": EVIDENCE_LABELS,
        # IPDAS asks a decision aid to report its reading level; measured once a process.
        "reading": knowledge_base_grade(),
    }
