"""Reading grade: the harness on worked examples, and the knowledge base's passages per area."""

from __future__ import annotations

import nltk
import pytest
from tests.factories.readability import exceeded, readability_goal

from regenspine.knowledge.passages import AREAS, knowledge_base_grade, passages_of, patient_passages
from regenspine.knowledge.readability import (
    Passage,
    reading_grade,
    report_lines,
    sentence_lengths,
    strings_under,
    summarise,
)


def test_a_short_plain_sentence_has_the_grade_the_formula_gives() -> None:
    # 6 words, 1 sentence, 6 syllables: 0.39 * 6 + 11.8 * 1 - 15.59 = -1.45.
    assert reading_grade("The cat sat on the mat.") == pytest.approx(-1.45, abs=0.06)


def test_long_words_and_long_sentences_raise_the_grade() -> None:
    plain = "You may get a shot in the back. It can ease the pain for a while."
    dense = (
        "Epidural corticosteroid administration may provide temporary symptomatic amelioration "
        "of radicular discomfort, although randomised evidence demonstrates negligible benefit."
    )
    assert reading_grade(plain) < 4 < 12 < reading_grade(dense)


def test_sentence_lengths_count_words_and_keep_decimals_whole() -> None:
    assert sentence_lengths("One two three. Four five! Is it 2.5 mg? Yes.") == [3, 2, 4, 1]
    assert sentence_lengths("") == []


def test_placeholders_read_as_numbers() -> None:
    assert sentence_lengths("In this registry {per_100} of 100 people improved.") == [8]


def test_measuring_never_downloads_a_word_list(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_network(*args: object, **kwargs: object) -> bool:
        raise AssertionError("nltk.download was called")

    def not_installed(*args: object, **kwargs: object) -> object:
        raise LookupError("no NLTK corpus here")

    monkeypatch.setattr(nltk, "download", no_network)
    monkeypatch.setattr(nltk.data, "find", not_installed)
    # A word no other test measures, so the syllable counter cannot answer from its cache.
    assert reading_grade("Zygomorphic flowers bloom.") > 0


def test_a_summary_gives_median_share_highest_and_worst_first() -> None:
    passages = [
        Passage(area="a", place="easy", text="The cat sat on the mat. The dog ran."),
        Passage(area="a", place="mid", text="You can ask your spine doctor about the shot."),
        Passage(
            area="a",
            place="hard",
            text="Investigational regenerative biologics necessitate premarket authorization.",
        ),
    ]
    summary = summarise(passages, worst=2)
    assert summary.count == 3
    assert summary.median == reading_grade(passages[1].text)
    assert summary.share_above_8 == pytest.approx(1 / 3, abs=0.001)
    assert summary.highest == reading_grade(passages[2].text)
    assert [m.place for m in summary.worst] == ["hard", "mid"]
    assert summary.longest_sentence == 9
    assert "3 passages" in report_lines(summary)[0]


def test_an_empty_summary_is_zero() -> None:
    assert summarise([]).count == 0


def test_strings_under_names_each_place_by_id() -> None:
    tree = {"items": [{"id": "walk", "why": "Because.", "sources": ["x"]}], "intro": "Hello."}
    found = strings_under(tree, frozenset({"why", "intro"}))
    assert found == [("items[0][walk].why", "Because."), ("intro", "Hello.")]


def test_every_area_has_passages_and_every_passage_a_place() -> None:
    for area in AREAS:
        assert passages_of(area), area
    places = [(p.area, p.place) for p in patient_passages()]
    assert len(places) == len(set(places))
    # Clinic-only texts are not patient passages.
    assert not any("care/" in p.place or "instruments/" in p.place for p in patient_passages())


@pytest.mark.parametrize("area", AREAS)
def test_area_meets_the_goal_or_its_ceiling(area: str) -> None:
    recorded = readability_goal()
    limits = recorded["area_ceilings"].get(area) or recorded["goal"]
    summary = summarise(passages_of(area))
    problems = exceeded(summary, limits)
    assert not problems, "\n".join([f"{area}: " + "; ".join(problems), *report_lines(summary)])


def test_areas_at_the_goal_hold_no_ceiling() -> None:
    recorded = readability_goal()
    goal = recorded["goal"]
    for area in recorded["area_ceilings"]:
        assert exceeded(summarise(passages_of(area)), goal), f"{area} meets the goal: drop it"


def test_the_about_figures_are_the_whole_knowledge_base() -> None:
    measured = knowledge_base_grade()
    whole = summarise(patient_passages(), worst=0)
    assert (measured.median, measured.share_above_8, measured.count) == (
        whole.median,
        whole.share_above_8,
        whole.count,
    )
    assert knowledge_base_grade() is measured
