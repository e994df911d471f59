"""Red-flag symptoms (urgent care first), loaded from data/red_flags.yaml."""

from __future__ import annotations

import re
from functools import cache

from pydantic import Field

from regenspine.knowledge.loader import read_data, require_sources
from regenspine.knowledge.schema import StrictModel


class RedFlag(StrictModel):
    """A symptom that overrides everything else: the answer is to seek urgent care."""

    id: str = Field(pattern=r"^[a-z_]+$")
    label: str
    why: str
    sources: tuple[str, ...] = Field(min_length=1)
    phrases: tuple[str, ...] = Field(min_length=1)

    def mentioned_in(self, text: str) -> bool:
        """Whether free text describes this symptom."""
        return any(re.search(rf"\b{phrase}", text, re.IGNORECASE) for phrase in self.phrases)


@cache
def load_red_flags() -> tuple[RedFlag, ...]:
    """All red flags, validated, with their sources checked against the knowledge base."""
    flags = tuple(RedFlag.model_validate(item) for item in read_data("red_flags.yaml"))
    for flag in flags:
        require_sources(flag.sources, f"red flag {flag.id}")
    return flags


def red_flags_in(text: str) -> list[RedFlag]:
    """The red flags a free-text question or note describes."""
    return [flag for flag in load_red_flags() if flag.mentioned_in(text)]
