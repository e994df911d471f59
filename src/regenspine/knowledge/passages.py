"""Every patient-facing passage of the knowledge base, with where it comes from.

These are the texts the public pages, the CLI's patient commands and the printed summary show.
Clinic-only texts (knowledge/data/care/, the instruments' item labels) are not patient passages,
and neither is a fact's or conflict's `detail`: that is the precise wording kept behind a
"More detail" disclosure, which the reader opens by choice.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

from regenspine.knowledge.loader import load_knowledge, read_data
from regenspine.knowledge.readability import Passage, strings_under, summarise
from regenspine.knowledge.schema import StrictModel

# Fewer words than this is a label or a heading (a scale point, a button): the Flesch-Kincaid
# formula was fitted on running prose and gives meaningless grades for a handful of words.
MIN_WORDS = 6
# Per data file outside facts/ and conflicts/: the keys whose strings a person reads.
TEXT_KEYS: dict[str, tuple[str, frozenset[str]]] = {
    "values": ("values.yaml", frozenset({"label", "question", "why", "if_no", "no_conflict",
               "conflict_likely", "mismatch_note", "not_a_recommendation", "unsure_label"})),
    "clinic_questions": ("clinic_questions.yaml", frozenset({"intro", "title", "question", "why"})),
    "claims": ("claim_patterns.yaml", frozenset({"category", "why", "note"})),
    "options": ("options.yaml", frozenset({"meaning", "rounding_rule", "text", "name", "measure",
                "time_frame", "group", "design", "note", "label", "rest_label"})),
    "costs": ("costs.yaml", frozenset({"name", "text", "what", "note", "abroad_unnamed",
              "abroad_any", "no_published_price", "fallback_total", "marketing_only",
              "travel_excluded", "travel_not_at_home"})),
    "red_flags": ("red_flags.yaml", frozenset({"label", "why"})),
    "recovery": ("recovery.yaml", frozenset({"label", "title", "text", "reason", "assumption",
                 "caution", "sign", "why", "call_clinic_today", "emergency"})),
    "screening": ("screening.yaml", frozenset({"basis", "text", "headline"})),
    "pictures": ("pictures.yaml", frozenset({"caption", "alt"})),
}  # fmt: skip
# Texts that are not prose: a date and the source ids behind the registry texts.
NOT_PROSE_TEXTS = ("evidence_last_reviewed",)
AREAS = ("facts", "conflicts", "texts", *TEXT_KEYS)


def _is_passage(text: str) -> bool:
    return len(text.split()) >= MIN_WORDS


def knowledge_passages() -> list[Passage]:
    """Fact statements, conflict titles, positions and assessments, and the fixed texts."""
    knowledge = load_knowledge()
    found = [Passage(area="facts", place=fact.id, text=fact.statement) for fact in knowledge.facts]
    for conflict in knowledge.conflicts:
        found.append(Passage(area="conflicts", place=f"{conflict.id}.title", text=conflict.title))
        found += [
            Passage(area="conflicts", place=f"{conflict.id}.positions[{n}]", text=position.claim)
            for n, position in enumerate(conflict.positions)
        ]
        found.append(
            Passage(area="conflicts", place=f"{conflict.id}.assessment", text=conflict.assessment)
        )
    found += [
        Passage(area="texts", place=key, text=text)
        for key, text in knowledge.texts.items()
        if key not in NOT_PROSE_TEXTS and not key.endswith("_sources")
    ]
    return found


def data_file_passages(area: str) -> list[Passage]:
    """The passages of one data file outside facts/ and conflicts/ (see TEXT_KEYS)."""
    path, keys = TEXT_KEYS[area]
    return [
        Passage(area=area, place=f"{path}:{place}", text=text)
        for place, text in strings_under(read_data(path), keys)
    ]


@cache
def patient_passages() -> tuple[Passage, ...]:
    """Every patient-facing passage of the knowledge base (labels of a few words left out)."""
    found = knowledge_passages()
    for area in TEXT_KEYS:
        found += data_file_passages(area)
    return tuple(passage for passage in found if _is_passage(passage.text))


def passages_of(area: str) -> tuple[Passage, ...]:
    """The patient passages of one area (facts, conflicts, texts, values, options ...)."""
    return tuple(passage for passage in patient_passages() if passage.area == area)


class MeasuredGrade(StrictModel):
    """The figures the About page reports, with the day they were measured."""

    median: float
    share_above_8: float
    count: int
    measured_on: dt.date


@cache
def knowledge_base_grade() -> MeasuredGrade:
    """Reading grade of all patient passages of the knowledge base (measured once a process)."""
    summary = summarise(patient_passages(), worst=0)
    return MeasuredGrade(
        median=summary.median,
        share_above_8=summary.share_above_8,
        count=summary.count,
        measured_on=dt.date.today(),
    )
