"""Clinic-claims checker: warning signs in a clinic's web text or offer, each with its sources.

The rules live in knowledge/data/claim_patterns.yaml; this module only applies them.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from itertools import islice

from pydantic import BaseModel, Field, computed_field, field_validator, model_validator

from regenspine.decision_aid.claim_sentences import sentence_spans
from regenspine.errors import InvalidInput
from regenspine.knowledge import load_knowledge
from regenspine.knowledge.loader import read_data, require_sources
from regenspine.knowledge.schema import StrictModel

# Issue 15: a paste is capped so that it is answered in well under a second.
MAX_TEXT_LENGTH = 100_000
EXCERPT_LENGTH = 200
# Each warning sign is shown once, with its count and at most this many quotes.
MAX_EXAMPLES = 3
# A pattern met this often in one sentence, excused every time, is not read further there.
MAX_TRIES_PER_SENTENCE = 20
# How far an excuse (negation, hedging) may reach past the window it must start in.
EXCUSE_REACH = 200
MARK_OPEN, MARK_CLOSE = "«", "»"
TEXT_ALLOWED = "the text of a clinic's web page or offer (1 to 100,000 characters)"
__all__ = [
    "MAX_TEXT_LENGTH",
    "ClaimCheck",
    "ClaimFlag",
    "ClaimQuote",
    "check_claims",
    "load_claim_rulebook",
    "sentence_spans",
]


class Severity(StrEnum):
    """How much a warning sign should weigh in a reader's judgement."""

    high = "high"
    medium = "medium"
    low = "low"


@cache
def _regex(pattern: str) -> re.Pattern[str]:
    """Compile a rule pattern once per process; all rule patterns ignore case."""
    return re.compile(pattern, re.IGNORECASE)


class _Rule(StrictModel):
    id: str = Field(pattern=r"^R\d+$")
    slug: str = Field(pattern=r"^[a-z0-9-]+$")
    category: str
    severity: Severity
    why: str = Field(min_length=20)
    sources: tuple[str, ...] = Field(min_length=1)


def _compiled(patterns: tuple[str, ...]) -> tuple[str, ...]:
    for pattern in patterns:
        try:
            _regex(pattern)
        except re.error as error:
            problem = f"pattern {pattern!r} is not a valid regular expression: {error}"
            raise ValueError(problem) from error
    return patterns


class ClaimRule(_Rule):
    """A content rule: patterns that flag a claim, with the context that confirms or excuses it."""

    patterns: tuple[str, ...] = ()
    paired_patterns: tuple[str, ...] = ()
    requires_nearby: tuple[str, ...] = ()
    nearby_window: int = Field(default=0, ge=0)
    unless_nearby: tuple[str, ...] = ()
    unless_window: int | None = Field(default=None, ge=0)

    _check_patterns = field_validator(
        "patterns", "paired_patterns", "requires_nearby", "unless_nearby"
    )(_compiled)

    @model_validator(mode="after")
    def _has_triggers(self) -> ClaimRule:
        if not (self.patterns or self.paired_patterns):
            raise ValueError(f"rule {self.id} has neither patterns nor paired_patterns")
        if self.paired_patterns and not self.requires_nearby:
            raise ValueError(f"rule {self.id} has paired_patterns but no requires_nearby")
        return self


class ConditionTerm(StrictModel):
    """A disease unrelated to the spine, as clinics name it."""

    label: str
    pattern: str

    _check_pattern = field_validator("pattern")(lambda value: _compiled((value,))[0])


class ManyConditionsRule(_Rule):
    """Flags one product offered for `threshold` unrelated diseases, or for a count of them."""

    threshold: int = Field(ge=2)
    conditions: tuple[ConditionTerm, ...] = Field(min_length=2)
    count_patterns: tuple[str, ...] = ()
    count_unless_nearby: tuple[str, ...] = ()

    _check_patterns = field_validator("count_patterns", "count_unless_nearby")(_compiled)


class MissingStatementRule(_Rule):
    """Flags text that never says something an honest offer should say."""

    present_if_any: tuple[str, ...] = Field(min_length=1)

    _check_patterns = field_validator("present_if_any")(_compiled)


class ClaimRulebook(StrictModel):
    """All claim rules, as read from claim_patterns.yaml."""

    ignore_sentences_matching: tuple[str, ...]
    note: str
    rules: tuple[ClaimRule, ...]
    many_conditions: ManyConditionsRule
    missing_statements: tuple[MissingStatementRule, ...]

    _check_patterns = field_validator("ignore_sentences_matching")(_compiled)


@cache
def load_claim_rulebook() -> ClaimRulebook:
    """The validated claim rules, with every cited source checked against the knowledge base."""
    rulebook = ClaimRulebook.model_validate(read_data("claim_patterns.yaml"))
    everything: list[_Rule] = [*rulebook.rules, rulebook.many_conditions]
    for rule in [*everything, *rulebook.missing_statements]:
        require_sources(rule.sources, f"claim rule {rule.id} ({rule.slug})")
    return rulebook


class ClaimQuote(BaseModel):
    """One place in the text where a warning sign was found, with the sentence around it."""

    matched: str
    start: int = Field(description="Offset of the match in the checked text.")
    end: int
    excerpt: str = Field(description="The sentence around the match, trimmed to about 200 chars.")
    excerpt_start: int = Field(description="Offset of the match in the excerpt.")
    excerpt_end: int

    @computed_field  # type: ignore[prop-decorator]
    @property
    def marked_excerpt(self) -> str:
        """The excerpt with the match between « and »."""
        return (
            self.excerpt[: self.excerpt_start]
            + MARK_OPEN
            + self.excerpt[self.excerpt_start : self.excerpt_end]
            + MARK_CLOSE
            + self.excerpt[self.excerpt_end :]
        )


class RuleOutcome(BaseModel):
    """What a rule that applied says: which rule, its kind, how serious, why, and sources."""

    rule_id: str
    slug: str
    category: str
    severity: Severity
    why: str
    sources: list[str]


class ClaimFlag(RuleOutcome):
    """One warning sign, once: why it matters, how often it was found and a few quotes."""

    count: int = Field(description="Sentences in which this warning sign was found.")
    examples: list[ClaimQuote] = Field(description="The first places found, at most three.")


class MissingStatement(RuleOutcome):
    """Something the text never says although an honest offer would."""


class CitedSource(BaseModel):
    """A source cited by a finding, as shown under the results."""

    id: str
    title: str
    where: str


class ClaimCheck(BaseModel):
    """The result of checking one text: warning signs, missing statements and their sources."""

    flags: list[ClaimFlag] = Field(description="Each warning sign found, in order of first place.")
    missing: list[MissingStatement]
    counts: dict[str, int] = Field(description="Places found per rule id.")
    content_flags: int = Field(description="Places found for all warning signs together.")
    missing_count: int
    note: str
    sources: list[CitedSource]
    disclaimer: str


@dataclass(frozen=True)
class _Hit:
    """A rule's match in one sentence (offsets in the whole text)."""

    rule: _Rule
    span: tuple[int, int]
    start: int
    end: int
    matched: str


def _excused(rule: ClaimRule, text: str, context: tuple[int, int], start: int, end: int) -> bool:
    """Whether negation or hedging in text[context] near text[start:end] excuses the match."""
    low, high = context
    for pattern in rule.unless_nearby:
        regex = _regex(pattern)
        if rule.unless_window is None:
            if regex.search(text, low, high):
                return True
            continue
        # Negation and hedging come before (or overlap) the words they qualify, so only the
        # stretch just before the match is searched: a long sentence costs no more.
        first = max(low, start - rule.unless_window - EXCUSE_REACH)
        for excuse in regex.finditer(text, first, min(high, end + EXCUSE_REACH)):
            if excuse.start() < end and start - excuse.end() <= rule.unless_window:
                return True
    return False


def _paired_hit(rule: ClaimRule, text: str, span: tuple[int, int], start: int, end: int) -> bool:
    """Whether a paired pattern at text[start:end] has its required context and no excuse."""
    low, high = span
    if rule.nearby_window:
        low = max(0, min(low, start - rule.nearby_window))
        high = min(len(text), max(high, end + rule.nearby_window))
    if not any(_regex(pattern).search(text, low, high) for pattern in rule.requires_nearby):
        return False
    return not _excused(rule, text, (low, high), start, end)


def _rule_hit(rule: ClaimRule, text: str, span: tuple[int, int]) -> re.Match[str] | None:
    """The first match of the rule in one sentence that is neither excused nor unconfirmed."""
    low, high = span
    for pattern in rule.patterns:
        for match in islice(_regex(pattern).finditer(text, low, high), MAX_TRIES_PER_SENTENCE):
            if not _excused(rule, text, span, match.start(), match.end()):
                return match
    for pattern in rule.paired_patterns:
        for match in islice(_regex(pattern).finditer(text, low, high), MAX_TRIES_PER_SENTENCE):
            if _paired_hit(rule, text, span, match.start(), match.end()):
                return match
    return None


def _excerpt(text: str, span: tuple[int, int], start: int, end: int) -> tuple[str, int, int]:
    """The sentence around text[start:end], trimmed around the match; match offsets in it."""
    low, high = span
    if high - low > EXCERPT_LENGTH:
        slack = max(0, EXCERPT_LENGTH - (end - start)) // 2
        low = max(span[0], start - slack)
        high = min(span[1], max(end, low + EXCERPT_LENGTH))
        low = max(span[0], min(low, high - EXCERPT_LENGTH, start))
    prefix = "…" if low > span[0] else ""
    suffix = "…" if high < span[1] else ""
    excerpt = prefix + text[low:high] + suffix
    return excerpt, start - low + len(prefix), end - low + len(prefix)


def _quote(text: str, hit: _Hit) -> ClaimQuote:
    excerpt, excerpt_start, excerpt_end = _excerpt(text, hit.span, hit.start, hit.end)
    return ClaimQuote(
        matched=hit.matched,
        start=hit.start,
        end=hit.end,
        excerpt=excerpt,
        excerpt_start=excerpt_start,
        excerpt_end=excerpt_end,
    )


def _candidates(patterns: tuple[str, ...], text: str, spans: list[tuple[int, int]]) -> list[int]:
    """Indices of the spans that any match of the patterns in the whole text overlaps.

    Each pattern reads the text once; only the sentences it touches are then checked one by
    one, so a long paste costs a scan per pattern instead of a search per pattern and sentence.
    """
    starts = [span[0] for span in spans]
    found: set[int] = set()
    for pattern in patterns:
        for match in _regex(pattern).finditer(text):
            first = bisect_right(starts, match.start()) - 1
            last = bisect_right(starts, max(match.start(), match.end() - 1)) - 1
            found.update(range(max(first, 0), last + 1))
    return sorted(found)


def _content_hits(
    rulebook: ClaimRulebook, text: str, spans: list[tuple[int, int]]
) -> Iterator[_Hit]:
    for rule in rulebook.rules:
        for index in _candidates(rule.patterns + rule.paired_patterns, text, spans):
            match = _rule_hit(rule, text, spans[index])
            if match is not None:
                yield _Hit(rule, spans[index], match.start(), match.end(), match.group())


def _many_conditions_hit(
    rule: ManyConditionsRule, text: str, spans: list[tuple[int, int]]
) -> _Hit | None:
    """One hit when the text offers the product for `threshold` or more unrelated diseases."""
    seen: dict[str, tuple[int, int]] = {}
    per_sentence: list[tuple[tuple[int, int], list[tuple[int, int]]]] = []
    patterns = tuple(condition.pattern for condition in rule.conditions)
    for index in _candidates(patterns, text, spans):
        span, hits = spans[index], []
        for condition in rule.conditions:
            match = _regex(condition.pattern).search(text, *span)
            if match is not None:
                hits.append((match.start(), match.end()))
                seen.setdefault(condition.label, hits[-1])
        if hits:
            per_sentence.append((span, hits))
    if len(seen) < rule.threshold:
        return _disease_count_hit(rule, text, spans)
    span, hits = max(per_sentence, key=lambda item: len(item[1]))
    start, end = min(hit[0] for hit in hits), max(hit[1] for hit in hits)
    return _Hit(rule, span, start, end, ", ".join(seen))


def _disease_count_hit(
    rule: ManyConditionsRule, text: str, spans: list[tuple[int, int]]
) -> _Hit | None:
    """The first claim to treat a large number of diseases ("over 50 conditions")."""
    for index in _candidates(rule.count_patterns, text, spans):
        span = spans[index]
        for pattern in rule.count_patterns:
            match = _regex(pattern).search(text, *span)
            if match is None:
                continue
            excuses = (_regex(excuse).search(text, *span) for excuse in rule.count_unless_nearby)
            if not any(excuses):
                return _Hit(rule, span, match.start(), match.end(), match.group())
    return None


def _missing_statements(
    rulebook: ClaimRulebook, text: str, spans: list[tuple[int, int]], flagged: set[tuple[int, int]]
) -> list[MissingStatement]:
    """R13: statements absent from every sentence that no content rule flagged."""
    unflagged = "\n".join(text[start:end] for start, end in spans if (start, end) not in flagged)
    return [
        MissingStatement(
            rule_id=rule.id,
            slug=rule.slug,
            category=rule.category,
            severity=rule.severity,
            why=rule.why,
            sources=list(rule.sources),
        )
        for rule in rulebook.missing_statements
        if not any(_regex(pattern).search(unflagged) for pattern in rule.present_if_any)
    ]


def _flags(text: str, hits: list[_Hit]) -> list[ClaimFlag]:
    """One flag per rule, in the order the rules are first found, with the first quotes."""
    grouped: dict[str, list[_Hit]] = {}
    for hit in sorted(hits, key=lambda hit: (hit.start, hit.rule.id)):
        grouped.setdefault(hit.rule.id, []).append(hit)
    return [
        ClaimFlag(
            rule_id=found[0].rule.id,
            slug=found[0].rule.slug,
            category=found[0].rule.category,
            severity=found[0].rule.severity,
            why=found[0].rule.why,
            sources=list(found[0].rule.sources),
            count=len(found),
            examples=[_quote(text, hit) for hit in found[:MAX_EXAMPLES]],
        )
        for found in grouped.values()
    ]


def _cited(flags: list[ClaimFlag], missing: list[MissingStatement]) -> list[CitedSource]:
    knowledge = load_knowledge()
    cited_lists = [item.sources for item in flags] + [item.sources for item in missing]
    ids = dict.fromkeys(sid for sources in cited_lists for sid in sources)
    cited = []
    for source_id in ids:
        source = knowledge.source(source_id)
        where = source.seed_file or (str(source.url) if source.url else f"doi:{source.doi}")
        cited.append(CitedSource(id=source.id, title=source.title, where=where))
    return cited


def _checkable(
    text: str, spans: list[tuple[int, int]], rulebook: ClaimRulebook
) -> list[tuple[int, int]]:
    """Sentences a content rule may flag: neutral questions and warnings are left out."""
    ignore = [_regex(pattern) for pattern in rulebook.ignore_sentences_matching]
    return [
        span
        for span in spans
        if not any(pattern.search(text[span[0] : span[1]]) for pattern in ignore)
    ]


def _check_length(text: str) -> None:
    if not text.strip():
        raise InvalidInput("text", "is empty", TEXT_ALLOWED)
    if len(text) > MAX_TEXT_LENGTH:
        problem = f"has {len(text):,} characters, more than the limit of {MAX_TEXT_LENGTH:,}"
        raise InvalidInput("text", problem, TEXT_ALLOWED)


def check_claims(text: str) -> ClaimCheck:
    """Check a clinic's web text or offer for warning signs and for missing statements."""
    _check_length(text)
    rulebook = load_claim_rulebook()
    all_spans = sentence_spans(text)
    spans = _checkable(text, all_spans, rulebook)
    hits = list(_content_hits(rulebook, text, spans))
    many = _many_conditions_hit(rulebook.many_conditions, text, spans)
    if many is not None:
        hits.append(many)
    missing = _missing_statements(rulebook, text, all_spans, {hit.span for hit in hits})
    flags = _flags(text, hits)
    counts = Counter([hit.rule.id for hit in hits] + [item.rule_id for item in missing])
    return ClaimCheck(
        flags=flags,
        missing=missing,
        counts=dict(sorted(counts.items(), key=lambda item: int(item[0][1:]))),
        content_flags=len(hits),
        missing_count=len(missing),
        note=rulebook.note.format(content=len(hits), missing=len(missing)),
        sources=_cited(flags, missing),
        disclaimer=load_knowledge().text("disclaimer"),
    )
