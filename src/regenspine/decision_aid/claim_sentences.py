"""Sentences of a pasted clinic text, as (start, end) offsets, for the claims checker."""

from __future__ import annotations

import re

# Tokens that end with a full stop without ending a sentence ("U.S. Food and Drug ...").
ABBREVIATIONS = frozenset(
    {"u.s.", "e.g.", "i.e.", "dr.", "vs.", "st.", "no.", "mr.", "mrs.", "etc."}
)
SENTENCE_BREAK = re.compile(r"[.!?]+[\"'\u201d\u2019)\]]*\s+|\s*\n+\s*")
# A "sentence" longer than this is a pasted page without punctuation; it is cut at white space
# so that no rule ever scans more than this much text at once.
MAX_SENTENCE_LENGTH = 1_000
# Enough characters before a full stop to hold the longest abbreviation and the space before it.
LAST_WORD_WINDOW = 16


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
    trimmed = [_strip(text, *span) for span in spans]
    return [piece for span in trimmed if span[0] < span[1] for piece in _cut(text, span)]


def _ends_sentence(text: str, start: int, boundary: re.Match[str]) -> bool:
    # Only the last word matters, so only a few characters are read: a long text full of
    # "e.g." never makes this quadratic.
    low = max(start, boundary.start() - LAST_WORD_WINDOW)
    words = text[low : boundary.end()].split()
    cut_word = low > start and not text[low - 1].isspace() and len(words) == 1
    last = "" if cut_word or not words else words[-1].lower()
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


def _cut(text: str, span: tuple[int, int]) -> list[tuple[int, int]]:
    """The span in pieces of at most MAX_SENTENCE_LENGTH, cut at white space where there is any."""
    start, end = span
    pieces = []
    while end - start > MAX_SENTENCE_LENGTH:
        limit = start + MAX_SENTENCE_LENGTH
        space = text.rfind(" ", start + MAX_SENTENCE_LENGTH // 2, limit)
        cut = space if space > start else limit
        pieces.append(_strip(text, start, cut))
        start = _strip(text, cut, end)[0]
    pieces.append((start, end))
    return [piece for piece in pieces if piece[0] < piece[1]]
