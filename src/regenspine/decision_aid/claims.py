"""Clinic-claims checker: warning signs in a clinic's web text or offer, each with its sources.

The rules live in knowledge/data/claim_patterns.yaml; this module only applies them.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from enum import StrEnum
from functools import cache

from pydantic import BaseModel, Field, computed_field, field_validator, model_validator

from regenspine.errors import InvalidInput
from regenspine.knowledge import load_knowledge
from regenspine.knowledge.loader import read_data, require_sources
from regenspine.knowledge.schema import StrictModel

MAX_TEXT_LENGTH = 500_000
EXCERPT_LENGTH = 200
MARK_OPEN, MARK_CLOSE = "«", "»"
TEXT_ALLOWED = "the text of a clinic's web page or offer (1 to 500,000 characters)"
# Tokens that end with a full stop without ending a sentence ("U.S. Food and Drug ...").
ABBREVIATIONS = frozenset(
    {"u.s.", "e.g.", "i.e.", "dr.", "vs.", "st.", "no.", "mr.", "mrs.", "etc."}
)
SENTENCE_BREAK = re.compile(r"[.!?]+[\"'\u201d\u2019)\]]*\s+|\s*\n+\s*")


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
    """Flags one product offered for at least `threshold` distinct unrelated diseases."""

    threshold: int = Field(ge=2)
    conditions: tuple[ConditionTerm, ...] = Field(min_length=2)


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


class ClaimFinding(BaseModel):
    """One warning sign found in the text, with the sentence it sits in."""

    rule_id: str
    slug: str
    category: str
    severity: Severity
    matched: str
    start: int = Field(description="Offset of the match in the checked text.")
    end: int
    excerpt: str = Field(description="The sentence around the match, trimmed to about 200 chars.")
    excerpt_start: int = Field(description="Offset of the match in the excerpt.")
    excerpt_end: int
    why: str
    sources: list[str]

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


class MissingStatement(BaseModel):
    """Something the text never says although an honest offer would."""

    rule_id: str
    slug: str
    category: str
    severity: Severity
    why: str
    sources: list[str]


class CitedSource(BaseModel):
    """A source cited by a finding, as shown under the results."""

    id: str
    title: str
    where: str


class ClaimCheck(BaseModel):
    """The result of checking one text: warning signs, missing statements and their sources."""

    findings: list[ClaimFinding]
    missing: list[MissingStatement]
    counts: dict[str, int] = Field(description="Warning signs per rule id.")
    content_flags: int
    missing_count: int
    note: str
    sources: list[CitedSource]
    disclaimer: str


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence or line of the text, without surrounding white space."""
    spans: list[tuple[int, int]] = []
    start = 0
    for boundary in SENTENCE_BREAK.finditer(text):
        if "\n" not in boundary.group() and not _ends_sentence(text, start, boundary):
            continue
        spans.append((start, boundary.end()))
        start = boundary.end()
    spans.append((start, len(text)))
    return [trimmed for span in spans if (trimmed := _strip(text, *span))[0] < trimmed[1]]


def _ends_sentence(text: str, start: int, boundary: re.Match[str]) -> bool:
    words = text[start : boundary.end()].split()
    last = words[-1].lower() if words else ""
    if last in ABBREVIATIONS or re.fullmatch(r"[a-z]\.", last):
        return False
    following = text[boundary.end() : boundary.end() + 1]
    return not following.islower()


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _excused(rule: ClaimRule, context: str, start: int, end: int) -> bool:
    """Whether negation or hedging near the match (offsets within the context) excuses it."""
    for pattern in rule.unless_nearby:
        for excuse in _regex(pattern).finditer(context):
            if rule.unless_window is None:
                return True
            # Negation and hedging come before (or overlap) the words they qualify.
            if excuse.start() < end and start - excuse.end() <= rule.unless_window:
                return True
    return False


def _paired_hit(rule: ClaimRule, text: str, span: tuple[int, int], start: int, end: int) -> bool:
    """Whether a paired pattern at text[start:end] has its required context and no excuse."""
    low, high = span
    if rule.nearby_window:
        low = max(0, min(low, start - rule.nearby_window))
        high = min(len(text), max(high, end + rule.nearby_window))
    context = text[low:high]
    if not any(_regex(pattern).search(context) for pattern in rule.requires_nearby):
        return False
    return not _excused(rule, context, start - low, end - low)


def _rule_hit(rule: ClaimRule, text: str, span: tuple[int, int]) -> re.Match[str] | None:
    """The first match of the rule in one sentence that is neither excused nor unconfirmed."""
    sentence = text[span[0] : span[1]]
    for pattern in rule.patterns:
        for match in _regex(pattern).finditer(sentence):
            if not _excused(rule, sentence, match.start(), match.end()):
                return match
    for pattern in rule.paired_patterns:
        for match in _regex(pattern).finditer(sentence):
            if _paired_hit(rule, text, span, span[0] + match.start(), span[0] + match.end()):
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


def _finding(
    rule: _Rule, text: str, span: tuple[int, int], start: int, end: int, matched: str
) -> ClaimFinding:
    excerpt, excerpt_start, excerpt_end = _excerpt(text, span, start, end)
    return ClaimFinding(
        rule_id=rule.id,
        slug=rule.slug,
        category=rule.category,
        severity=rule.severity,
        matched=matched,
        start=start,
        end=end,
        excerpt=excerpt,
        excerpt_start=excerpt_start,
        excerpt_end=excerpt_end,
        why=rule.why,
        sources=list(rule.sources),
    )


def _content_findings(
    rulebook: ClaimRulebook, text: str, spans: list[tuple[int, int]]
) -> Iterator[ClaimFinding]:
    for span in spans:
        for rule in rulebook.rules:
            match = _rule_hit(rule, text, span)
            if match is not None:
                start, end = span[0] + match.start(), span[0] + match.end()
                yield _finding(rule, text, span, start, end, match.group())


def _many_conditions_finding(
    rule: ManyConditionsRule, text: str, spans: list[tuple[int, int]]
) -> ClaimFinding | None:
    """One finding when the text offers the product for `threshold` or more unrelated diseases."""
    seen: dict[str, tuple[int, int]] = {}
    per_sentence: list[tuple[tuple[int, int], list[tuple[int, int]]]] = []
    for span in spans:
        sentence = text[span[0] : span[1]]
        hits = []
        for condition in rule.conditions:
            match = _regex(condition.pattern).search(sentence)
            if match is not None:
                hits.append((span[0] + match.start(), span[0] + match.end()))
                seen.setdefault(condition.label, hits[-1])
        if hits:
            per_sentence.append((span, hits))
    if len(seen) < rule.threshold:
        return None
    span, hits = max(per_sentence, key=lambda item: len(item[1]))
    start, end = min(hit[0] for hit in hits), max(hit[1] for hit in hits)
    return _finding(rule, text, span, start, end, ", ".join(seen))


def _missing_statements(
    rulebook: ClaimRulebook, text: str, spans: list[tuple[int, int]], flagged: set[int]
) -> list[MissingStatement]:
    """R13: statements absent from every sentence that no content rule flagged."""
    unflagged = "\n".join(
        text[start:end] for index, (start, end) in enumerate(spans) if index not in flagged
    )
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


def _cited(findings: list[ClaimFinding], missing: list[MissingStatement]) -> list[CitedSource]:
    knowledge = load_knowledge()
    cited_lists = [item.sources for item in findings] + [item.sources for item in missing]
    ids = dict.fromkeys(sid for sources in cited_lists for sid in sources)
    cited = []
    for source_id in ids:
        source = knowledge.source(source_id)
        where = source.seed_file or (str(source.url) if source.url else f"doi:{source.doi}")
        cited.append(CitedSource(id=source.id, title=source.title, where=where))
    return cited


def _checkable(text: str, rulebook: ClaimRulebook) -> list[tuple[int, int]]:
    """Sentences a content rule may flag: neutral questions and warnings are left out."""
    ignore = [_regex(pattern) for pattern in rulebook.ignore_sentences_matching]
    return [
        span
        for span in sentence_spans(text)
        if not any(pattern.search(text[span[0] : span[1]]) for pattern in ignore)
    ]


def check_claims(text: str) -> ClaimCheck:
    """Check a clinic's web text or offer for warning signs and for missing statements."""
    if not text.strip():
        raise InvalidInput("text", "is empty", TEXT_ALLOWED)
    if len(text) > MAX_TEXT_LENGTH:
        raise InvalidInput("text", f"has {len(text):,} characters, too long", TEXT_ALLOWED)
    rulebook = load_claim_rulebook()
    spans = _checkable(text, rulebook)
    findings = list(_content_findings(rulebook, text, spans))
    many = _many_conditions_finding(rulebook.many_conditions, text, spans)
    if many is not None:
        findings.append(many)
    findings.sort(key=lambda finding: (finding.start, finding.rule_id))
    all_spans = sentence_spans(text)
    flagged = {
        index
        for index, (start, end) in enumerate(all_spans)
        for finding in findings
        if start <= finding.start < end
    }
    missing = _missing_statements(rulebook, text, all_spans, flagged)
    counts = Counter([item.rule_id for item in findings] + [item.rule_id for item in missing])
    return ClaimCheck(
        findings=findings,
        missing=missing,
        counts=dict(sorted(counts.items(), key=lambda item: int(item[0][1:]))),
        content_flags=len(findings),
        missing_count=len(missing),
        note=rulebook.note.format(content=len(findings), missing=len(missing)),
        sources=_cited(findings, missing),
        disclaimer=load_knowledge().text("disclaimer"),
    )
