"""Pictures for the Learn pages: which drawing shows which topic, in words resting on facts.

A picture is data like a fact: its caption and alt texts are patient text, and the facts it
draws name the sources behind it. The drawings themselves are static files of the web face.
"""

from __future__ import annotations

from collections import Counter
from functools import cache

from pydantic import Field, TypeAdapter, ValidationError

from regenspine.errors import KnowledgeBaseError
from regenspine.knowledge.loader import load_knowledge, read_data
from regenspine.knowledge.schema import Identifier, KnowledgeBase, StrictModel

PICTURES_FILE = "pictures.yaml"


class Panel(StrictModel):
    """One drawing of a picture, with the words that stand in for it when it cannot be seen."""

    file: str = Field(pattern=r"^[a-z0-9-]+\.svg$")
    alt: str = Field(min_length=10, max_length=300)


class Picture(StrictModel):
    """A picture on a topic: one or more panels under one caption, drawn from named facts."""

    id: Identifier = Field(pattern=r"^[a-z0-9_]+$")
    topic: Identifier
    facts: tuple[Identifier, ...] = Field(min_length=1)
    caption: str = Field(min_length=10)
    panels: tuple[Panel, ...] = Field(min_length=1)


def picture_sources(picture: Picture) -> tuple[str, ...]:
    """The sources of the facts a picture draws, each once, in the order the facts cite them."""
    knowledge = load_knowledge()
    ids = [sid for fact_id in picture.facts for sid in knowledge.fact(fact_id).sources]
    return tuple(dict.fromkeys(ids))


def picture_shows_claims(picture: Picture) -> bool:
    """Whether any fact the picture draws is a seller's claim rather than an established fact."""
    knowledge = load_knowledge()
    return any(knowledge.fact(fact_id).is_claim for fact_id in picture.facts)


@cache
def load_pictures() -> tuple[Picture, ...]:
    """The validated pictures, in file order (read once per process)."""
    try:
        pictures = TypeAdapter(tuple[Picture, ...]).validate_python(read_data(PICTURES_FILE))
    except ValidationError as error:
        raise KnowledgeBaseError(f"{PICTURES_FILE} does not match its schema: {error}") from error
    problems = picture_problems(pictures, load_knowledge())
    if problems:
        raise KnowledgeBaseError(f"{PICTURES_FILE}: " + "; ".join(problems))
    return pictures


def pictures_on(topic_id: str) -> list[Picture]:
    """The pictures about one topic, in file order."""
    return [picture for picture in load_pictures() if picture.topic == topic_id]


def picture_problems(pictures: tuple[Picture, ...], knowledge: KnowledgeBase) -> list[str]:
    """Duplicate ids or files, unknown topics and unknown facts, as readable lines."""
    topic_ids = {topic.id for topic in knowledge.topics}
    fact_ids = {fact.id for fact in knowledge.facts}
    files = [panel.file for picture in pictures for panel in picture.panels]
    problems = [f"duplicate file {name}" for name, n in Counter(files).items() if n > 1]
    ids = Counter(picture.id for picture in pictures)
    problems += [f"duplicate picture id {name}" for name, n in ids.items() if n > 1]
    for picture in pictures:
        if picture.topic not in topic_ids:
            problems.append(f"picture {picture.id}: unknown topic {picture.topic}")
        unknown = [fact_id for fact_id in picture.facts if fact_id not in fact_ids]
        problems += [f"picture {picture.id}: unknown fact {fact_id}" for fact_id in unknown]
    return problems
