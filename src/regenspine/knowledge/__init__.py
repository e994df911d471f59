"""Curated, sourced facts as data files with a typed loader; clinical statements start here."""

from regenspine.knowledge.loader import load_knowledge
from regenspine.knowledge.schema import (
    Conflict,
    EvidenceLevel,
    Fact,
    KnowledgeBase,
    Source,
    Topic,
)

__all__ = [
    "Conflict",
    "EvidenceLevel",
    "Fact",
    "KnowledgeBase",
    "Source",
    "Topic",
    "load_knowledge",
]
