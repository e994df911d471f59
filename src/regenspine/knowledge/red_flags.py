"""Red-flag symptoms (urgent care first), loaded from data/red_flags.yaml.

This module is the one source of truth for what is urgent: the flags, the groups they belong to
(cauda equina, spinal infection, cancer spread, fracture, worsening weakness), each group's
urgent message, and the single "seek urgent care" rule every message repeats word for word.
Free text is matched with transparent rules (regular expressions and small word lists in the
data file), after typed shortcuts are spelled out and simple negations ("no fever") are set aside.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache, cached_property

from pydantic import Field

from regenspine.errors import KnowledgeBaseError
from regenspine.knowledge.loader import load_knowledge, load_model, require_sources
from regenspine.knowledge.schema import StrictModel

WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
# Sentence ends and contrast words close the reach of a negation ("no fever, but I wet myself").
CLAUSE_BREAK = re.compile(r"[.!?;:\n]+|\bbut\b|\bhowever\b|\balthough\b|\bthough\b")


class RedFlagGroup(StrictModel):
    """Flags with one likely cause, and the urgent message that names it."""

    id: str = Field(pattern=r"^[a-z_]+$")
    faq_fact: str
    title: str
    may_be: str
    why_now: str
    warning_sign: str
    sources: tuple[str, ...] = Field(min_length=1)


class RedFlag(StrictModel):
    """A symptom that overrides everything else: the answer is to seek urgent care."""

    id: str = Field(pattern=r"^[a-z_]+$")
    group: str
    label: str
    why: str
    sources: tuple[str, ...] = Field(min_length=1)
    phrases: tuple[str, ...] = Field(min_length=1)
    unless: tuple[str, ...] = Field(default=(), alias="except")
    requires: tuple[str, ...] = ()

    @cached_property
    def _patterns(self) -> tuple[re.Pattern[str], ...]:
        return tuple(re.compile(rf"\b{phrase}", re.IGNORECASE) for phrase in self.phrases)

    def mentioned_in(self, text: str) -> bool:
        """Whether free text describes this symptom (negations and look-alikes set aside)."""
        return self.id in {flag.id for flag in red_flags_in(text)}


class UrgentMessage(StrictModel):
    """What a group of flags may mean, what to do now, and why not to wait."""

    group: str
    title: str
    text: str
    sources: tuple[str, ...]


class RedFlagRules(StrictModel):
    """Everything in data/red_flags.yaml, validated."""

    seek_urgent_care: str
    then_tell_clinic: str
    negations: frozenset[str]
    not_negated_before: frozenset[str]
    negation_reach: int = Field(ge=1, le=8)
    spellings: dict[str, str]
    groups: tuple[RedFlagGroup, ...] = Field(min_length=1)
    flags: tuple[RedFlag, ...] = Field(min_length=1)

    @cached_property
    def _spelling_pattern(self) -> re.Pattern[str]:
        keys = sorted(self.spellings, key=len, reverse=True)  # "can not" before "not"
        return re.compile(r"\b(" + "|".join(re.escape(key) for key in keys) + r")\b")

    def normalised(self, text: str) -> str:
        """Lower case, straight apostrophes, typed shortcuts and misspellings spelled out."""
        lowered = text.lower().replace("\u2019", "'").replace("\u2018", "'")
        lowered = re.sub(r"\s+", " ", lowered)
        return self._spelling_pattern.sub(lambda match: self.spellings[match.group(1)], lowered)

    def is_negated(self, before: str) -> bool:
        """Whether the words just before a symptom deny it ("no", "not", "without any")."""
        words = WORD.findall(before)[-self.negation_reach :]
        for position, word in enumerate(words):
            following = words[position + 1] if position + 1 < len(words) else ""
            if word in self.negations and following not in self.not_negated_before:
                return True
        return False


@cache
def load_red_flag_rules() -> RedFlagRules:
    """The red-flag rules, validated, with groups and sources checked against the knowledge base."""
    rules = load_model("red_flags.yaml", RedFlagRules)
    group_ids = [group.id for group in rules.groups]
    for flag in rules.flags:
        if flag.group not in group_ids:
            raise KnowledgeBaseError(f"red flag {flag.id}: unknown group {flag.group}")
        require_sources(flag.sources, f"red flag {flag.id}")
        for pattern in (*flag.phrases, *flag.unless, *flag.requires):
            _compile(pattern, flag.id)
    facts = {fact.id for fact in load_knowledge().facts}
    for group in rules.groups:
        require_sources(group.sources, f"red flag group {group.id}")
        if group.faq_fact not in facts:
            raise KnowledgeBaseError(f"red flag group {group.id}: unknown fact {group.faq_fact}")
        if not any(flag.group == group.id for flag in rules.flags):
            raise KnowledgeBaseError(f"red flag group {group.id} has no flags")
    return rules


def _compile(pattern: str, flag_id: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern)
    except re.error as error:
        raise KnowledgeBaseError(f"red flag {flag_id}: bad pattern {pattern!r} ({error})") from None


def load_red_flags() -> tuple[RedFlag, ...]:
    """All red flags, in the knowledge base's order."""
    return load_red_flag_rules().flags


def red_flag_groups() -> tuple[RedFlagGroup, ...]:
    """The groups of red flags by likely cause, in the knowledge base's order."""
    return load_red_flag_rules().groups


def red_flags_in(text: str) -> list[RedFlag]:
    """The red flags a free-text question or note describes, in the knowledge base's order."""
    rules = load_red_flag_rules()
    normalised = rules.normalised(text)
    clauses = [clause for clause in CLAUSE_BREAK.split(normalised) if clause.strip()]
    return [flag for flag in rules.flags if _described(flag, normalised, clauses, rules)]


def _described(flag: RedFlag, whole: str, clauses: list[str], rules: RedFlagRules) -> bool:
    if flag.requires and not any(re.search(rf"\b{need}", whole) for need in flag.requires):
        return False
    return any(_clause_describes(flag, clause, rules) for clause in clauses)


def _clause_describes(flag: RedFlag, clause: str, rules: RedFlagRules) -> bool:
    if any(re.search(rf"\b{look_alike}", clause) for look_alike in flag.unless):
        return False
    return any(
        not rules.is_negated(clause[: match.start()])
        for pattern in flag._patterns
        for match in pattern.finditer(clause)
    )


def urgent_message(group: RedFlagGroup) -> UrgentMessage:
    """A group's message: what it may be, the one seek-urgent-care rule, and why not to wait."""
    rule = load_red_flag_rules().seek_urgent_care
    return UrgentMessage(
        group=group.id,
        title=group.title,
        text=" ".join(f"{group.may_be.strip()} {rule} {group.why_now.strip()}".split()),
        sources=group.sources,
    )


def urgent_messages(flag_ids: Iterable[str]) -> tuple[UrgentMessage, ...]:
    """The urgent message of each group the given flags belong to, in group order."""
    rules = load_red_flag_rules()
    wanted = set(flag_ids)
    unknown = wanted - {flag.id for flag in rules.flags}
    if unknown:
        raise KnowledgeBaseError(f"unknown red flag(s): {', '.join(sorted(unknown))}")
    found = {flag.group for flag in rules.flags if flag.id in wanted}
    return tuple(urgent_message(group) for group in rules.groups if group.id in found)


def seek_urgent_care() -> str:
    """The one rule for every urgent sign: where to go now."""
    return load_red_flag_rules().seek_urgent_care


def seek_urgent_care_after_treatment() -> str:
    """The same rule for someone already treated: go now, then tell the clinic."""
    rules = load_red_flag_rules()
    return f"{rules.seek_urgent_care} {rules.then_tell_clinic}"
