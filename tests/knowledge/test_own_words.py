"""Patient text is in the product's own words: no run of 8 words copied from a seed text."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from regenspine.knowledge.passages import patient_passages

SEEDS = Path(__file__).parents[1] / "fixtures" / "seeds"
RUN = 8
# Passages in areas other developers are rewriting (options, red flags, recovery, screening)
# that still share a run of 8 words with a seed. A ratchet: the list may only shrink.
KNOWN_EXCEPTIONS: frozenset[tuple[str, str]] = frozenset()


def words(text: str) -> list[str]:
    """Lower-case words with punctuation removed (apostrophes and hyphens join)."""
    return re.findall(r"[a-z0-9]+", text.lower().replace("'", "").replace("\u2019", ""))


def runs(text: str) -> set[tuple[str, ...]]:
    """Every run of RUN consecutive words of a text."""
    found = words(text)
    return {tuple(found[i : i + RUN]) for i in range(len(found) - RUN + 1)}


@cache
def seed_runs() -> frozenset[tuple[str, ...]]:
    """Runs of 8 words in all seed texts."""
    collected: set[tuple[str, ...]] = set()
    for path in sorted(SEEDS.glob("*.txt")):
        collected |= runs(path.read_text(encoding="utf-8"))
    return frozenset(collected)


def copied() -> dict[tuple[str, str], str]:
    """(area, place) of each patient passage sharing a run with a seed, with the first run."""
    found: dict[tuple[str, str], str] = {}
    for passage in patient_passages():
        shared = sorted(runs(passage.text) & seed_runs())
        if shared:
            found[(passage.area, passage.place)] = " ".join(shared[0])
    return found


def test_runs_ignore_case_and_punctuation() -> None:
    assert runs("One, two. THREE four five six seven eight!") == {
        ("one", "two", "three", "four", "five", "six", "seven", "eight")
    }
    assert runs("too short to share a run") == set()


def test_the_seeds_are_read() -> None:
    assert len(seed_runs()) > 1000


def test_no_patient_passage_copies_eight_words_from_a_seed() -> None:
    unexpected = {key: run for key, run in copied().items() if key not in KNOWN_EXCEPTIONS}
    assert not unexpected, "\n".join(f"{a} {p}: '{run}'" for (a, p), run in unexpected.items())


def test_known_exceptions_still_copy_or_are_removed() -> None:
    stale = KNOWN_EXCEPTIONS - set(copied())
    assert not stale, f"now in own words, remove from KNOWN_EXCEPTIONS: {sorted(stale)}"
