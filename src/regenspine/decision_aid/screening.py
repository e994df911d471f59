"""Screening: red flags first, then signs that need a specialist soon, contraindications,
surgical questions, care tried, candidacy.

`screen_candidate` returns exactly one category, the first that applies in this order, and lists
every reason that applies (not only the deciding one), each with its patient text and sources.
Red flags come from the ticked list and from other answers that imply one (active cancer with
back pain, for example); their urgent messages are the red-flag groups' (knowledge/red_flags.py).
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from functools import cache

from pydantic import Field

from regenspine.decision_aid.profile import CONTRAINDICATIONS, RED_FLAG_IDS, PatientProfile
from regenspine.errors import KnowledgeBaseError
from regenspine.knowledge import load_knowledge
from regenspine.knowledge.loader import load_model, require_sources
from regenspine.knowledge.red_flags import UrgentMessage, load_red_flags, urgent_messages
from regenspine.knowledge.schema import StrictModel


class ScreeningCategory(StrEnum):
    """The screening outcomes, in the order they take precedence."""

    urgent_care = "urgent_care"
    specialist_soon = "specialist_soon"
    not_suitable = "not_suitable"
    surgical_evaluation = "surgical_evaluation"
    conservative_care_first = "conservative_care_first"
    candidate = "candidate"


PRECEDENCE: tuple[ScreeningCategory, ...] = tuple(ScreeningCategory)

CANDIDATE_CODES = (
    "candidate.mild_or_moderate",
    "candidate.soft_tissue_contributors",
    "candidate.conservative_care_tried",
    "candidate.health_not_poor",
)
SURGICAL_CODES = (
    "severe_stenosis",
    "instability",
    "thoracic_region",
    "no_soft_tissue_contributor",
)
# Answers other than the ticked red flags that imply one: (reason code, red flag id).
IMPLIED_RED_FLAGS = (
    ("implied.active_cancer_with_back_pain", "cancer_history_with_new_pain"),
    ("implied.active_infection_with_back_pain", "fever_with_back_pain"),
    ("implied.weakness_worsening", "progressive_leg_weakness"),
    ("implied.myelopathy_signs_worsening", "worsening_myelopathy"),
)
MYELOPATHY_SIGNS = frozenset({"balance_problems", "hand_clumsiness"})
# Every reason code a rule can emit (ticked red flags excepted: their text is red_flags.yaml's).
REASON_CODES = (
    *(code for code, _ in IMPLIED_RED_FLAGS),
    "cervical_myelopathy_signs",
    *(f"contraindication.{name}" for name in CONTRAINDICATIONS),
    "general_health_poor",
    *SURGICAL_CODES,
    "conservative_care_short",
    *CANDIDATE_CODES,
)
THRESHOLD_NAMES = ("conservative_care_weeks",)
# Questions a person may answer "I don't know", and the candidate reasons each leaves unproven.
UNKNOWN_CODES = ("unknown.severity", "unknown.imaging", "unknown.bony_compression_percent")
UNPROVEN_BY = {
    "unknown.severity": "candidate.mild_or_moderate",
    "unknown.imaging": "candidate.soft_tissue_contributors",
}


class ScreeningReason(StrictModel):
    """One finding that applies to this person, the category it points to, and its sources."""

    code: str
    category: ScreeningCategory
    text: str
    sources: tuple[str, ...] = Field(min_length=1)


class NextStep(StrictModel):
    """Something the person can do next; clinical statements among them carry sources."""

    text: str
    sources: tuple[str, ...] = ()


class AnswerNote(StrictModel):
    """What an "I don't know" answer means for the result, and what to ask; with sources."""

    code: str
    text: str
    sources: tuple[str, ...] = Field(min_length=1)


class ScreeningResult(StrictModel):
    """The one category that applies, why, what to do next, and the disclaimer."""

    category: ScreeningCategory
    headline: str
    headline_sources: tuple[str, ...]
    reasons: tuple[ScreeningReason, ...]
    next_steps: tuple[NextStep, ...]
    disclaimer: str
    # One message per cause of the red flags found (empty unless the category is urgent care).
    urgent_messages: tuple[UrgentMessage, ...] = ()
    # What each "I don't know" answer means for this result.
    unknown_answers: tuple[AnswerNote, ...] = ()


class Threshold(StrictModel):
    """A number a rule uses, with why it was chosen and where the idea comes from."""

    value: float
    basis: str
    sources: tuple[str, ...] = Field(min_length=1)


class CategoryText(StrictModel):
    """A category's headline (urgent care takes texts.yaml `urgent_care`) and next steps."""

    headline: str | None = None
    sources: tuple[str, ...] = ()
    next_steps: tuple[NextStep, ...] = ()


class ReasonText(StrictModel):
    """The patient text behind one reason code."""

    category: ScreeningCategory
    text: str
    sources: tuple[str, ...] = Field(min_length=1)


class NoteText(StrictModel):
    """The patient text behind one "I don't know" answer."""

    text: str
    sources: tuple[str, ...] = Field(min_length=1)


class ScreeningTexts(StrictModel):
    """Everything in data/screening.yaml, validated."""

    thresholds: dict[str, Threshold]
    categories: dict[ScreeningCategory, CategoryText]
    reasons: dict[str, ReasonText]
    unknown_answers: dict[str, NoteText]

    def reason(self, code: str) -> ScreeningReason:
        """The reason with this code, its text filled with the thresholds."""
        entry = self.reasons[code]
        values = {name: f"{item.value:g}" for name, item in self.thresholds.items()}
        return ScreeningReason(
            code=code,
            category=entry.category,
            text=entry.text.format(**values),
            sources=entry.sources,
        )


@cache
def load_screening_texts() -> ScreeningTexts:
    """The screening texts, validated, with every source id checked against the knowledge base."""
    texts = load_model("screening.yaml", ScreeningTexts)
    for code, entry in texts.reasons.items():
        require_sources(entry.sources, f"screening reason {code}")
    for category, item in texts.categories.items():
        cited = [*item.sources, *(s for step in item.next_steps for s in step.sources)]
        require_sources(cited, f"screening category {category}")
    for code, note in texts.unknown_answers.items():
        require_sources(note.sources, f"screening unknown answer {code}")
    for name, limit in texts.thresholds.items():
        require_sources(limit.sources, f"screening threshold {name}")
    missing = sorted(set(REASON_CODES) - set(texts.reasons))
    missing += sorted(set(THRESHOLD_NAMES) - set(texts.thresholds))
    missing += sorted(set(UNKNOWN_CODES) - set(texts.unknown_answers))
    missing += [c for c in ScreeningCategory if c not in texts.categories]
    if missing:
        raise KnowledgeBaseError(f"screening.yaml lacks {', '.join(missing)}")
    return texts


def threshold(name: str) -> float:
    """The value of a screening threshold (e.g. `conservative_care_weeks`)."""
    return load_screening_texts().thresholds[name].value


def _ticked_red_flag_reasons(profile: PatientProfile) -> list[ScreeningReason]:
    flags = {flag.id: flag for flag in load_red_flags()}
    return [
        ScreeningReason(
            code=f"red_flag.{flag_id}",
            category=ScreeningCategory.urgent_care,
            text=f"{flags[flag_id].label}. {flags[flag_id].why}",
            sources=flags[flag_id].sources,
        )
        for flag_id in RED_FLAG_IDS  # canonical order; duplicates in the input collapse
        if flag_id in profile.red_flags
    ]


def implied_red_flags(profile: PatientProfile) -> list[tuple[str, str]]:
    """(reason code, red flag id) for red flags that other answers imply but were not ticked."""
    symptoms, worsening = set(profile.symptoms), set(profile.worsening_symptoms)
    back_pain = "back_pain" in symptoms
    applies = {
        # The profile cannot tell new back pain from old, so any back pain with active cancer
        # or infection is treated as the red flag (NICE NG59, NG234: rule out spread, infection).
        "implied.active_cancer_with_back_pain": back_pain
        and "active_cancer" in profile.contraindications,
        "implied.active_infection_with_back_pain": back_pain
        and "active_infection" in profile.contraindications,
        "implied.weakness_worsening": "weakness" in worsening,
        "implied.myelopathy_signs_worsening": profile.region == "cervical"
        and bool(MYELOPATHY_SIGNS & worsening),
    }
    return [
        (code, flag_id)
        for code, flag_id in IMPLIED_RED_FLAGS
        if applies[code] and flag_id not in profile.red_flags
    ]


def _specialist_codes(profile: PatientProfile) -> list[str]:
    signs = profile.region == "cervical" and bool(MYELOPATHY_SIGNS & set(profile.symptoms))
    return ["cervical_myelopathy_signs"] if signs else []


def _not_suitable_codes(profile: PatientProfile) -> list[str]:
    codes = [f"contraindication.{c}" for c in CONTRAINDICATIONS if c in profile.contraindications]
    if profile.general_health == "poor":
        codes.append("general_health_poor")
    return codes


def _surgical_codes(profile: PatientProfile) -> list[str]:
    imaging = profile.imaging
    # An unknown report is not read as "no findings": those checks are not made (unknown_codes).
    checks = (
        ("severe_stenosis", profile.severity == "severe"),
        ("instability", imaging.known and imaging.instability),
        ("thoracic_region", profile.region == "thoracic"),
        ("no_soft_tissue_contributor", imaging.known and not imaging.has_soft_tissue_contributor),
    )
    return [code for code, applies in checks if applies]


def _conservative_codes(profile: PatientProfile) -> list[str]:
    short = profile.conservative_care_weeks < threshold("conservative_care_weeks")
    return ["conservative_care_short"] if short else []


def unknown_codes(profile: PatientProfile) -> list[str]:
    """The "I don't know" answers in the profile, as the codes of the notes that explain them."""
    imaging = profile.imaging
    unknown = {
        "unknown.severity": profile.severity is None,
        "unknown.imaging": not imaging.known,
        "unknown.bony_compression_percent": imaging.known
        and imaging.bony_compression_percent is None,
    }
    return [code for code in UNKNOWN_CODES if unknown[code]]


_RULES: tuple[Callable[[PatientProfile], list[str]], ...] = (
    _specialist_codes,
    _not_suitable_codes,
    _surgical_codes,
    _conservative_codes,
)


def screen_candidate(profile: PatientProfile) -> ScreeningResult:
    """Screen one person: red flags first, then the other categories in order of precedence."""
    texts = load_screening_texts()
    implied = implied_red_flags(profile)
    reasons = _ticked_red_flag_reasons(profile) + [texts.reason(code) for code, _ in implied]
    for rule in _RULES:
        reasons += [texts.reason(code) for code in rule(profile)]
    unknown = unknown_codes(profile)
    if not reasons:
        # Candidate criteria are listed only when nothing else applies: they are what is left,
        # less those an "I don't know" answer leaves unproven (its note says so instead).
        unproven = {UNPROVEN_BY.get(code) for code in unknown}
        reasons = [texts.reason(code) for code in CANDIDATE_CODES if code not in unproven]
    category = reasons[0].category
    flag_ids = [*profile.red_flags, *(flag_id for _, flag_id in implied)]
    return ScreeningResult(
        category=category,
        headline=_headline(texts, category),
        headline_sources=texts.categories[category].sources,
        reasons=tuple(reasons),
        next_steps=texts.categories[category].next_steps,
        disclaimer=load_knowledge().text("disclaimer"),
        urgent_messages=urgent_messages(flag_ids),
        unknown_answers=tuple(
            AnswerNote(code=code, **texts.unknown_answers[code].model_dump()) for code in unknown
        ),
    )


def _headline(texts: ScreeningTexts, category: ScreeningCategory) -> str:
    if category is ScreeningCategory.urgent_care:
        return load_knowledge().text("urgent_care")
    headline = texts.categories[category].headline
    if headline is None:
        raise KnowledgeBaseError(f"screening.yaml: category {category} has no headline")
    return headline
