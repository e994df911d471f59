"""Values clarification: what matters to the person, the SURE check and where they are leaning.

The value items, which options line up with each (and why, with sources), the SURE questions and
their scoring texts live in knowledge/data/values.yaml. The options themselves (ids, titles) come
from the option comparison, so the leaning choices are always the options it compares + "unsure".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

from pydantic import Field

from regenspine.decision_aid.option_content import load_options_content
from regenspine.errors import InvalidInput, KnowledgeBaseError
from regenspine.knowledge import load_knowledge
from regenspine.knowledge.loader import load_model, require_sources
from regenspine.knowledge.schema import StrictModel

UNSURE = "unsure"
ANSWER_KEYS = ("ratings", "sure", "leaning")


class ScalePoint(StrictModel):
    """One point of the importance scale (0 = not important .. 4 = very important)."""

    value: int
    label: str


class ValueItem(StrictModel):
    """Something that may matter to the person, and the options that line up with it."""

    id: str = Field(pattern=r"^[a-z_]+$")
    label: str
    question: str
    lines_up_with: tuple[str, ...] = Field(min_length=1)
    why: str
    sources: tuple[str, ...] = Field(min_length=1)


class SureItem(StrictModel):
    """One yes/no question of the SURE test, and what may help when the answer is no."""

    id: str = Field(pattern=r"^[a-z_]+$")
    letter: str
    question: str
    if_no: str


class SureTexts(StrictModel):
    """The SURE questions, their sources and the two result messages."""

    sources: tuple[str, ...] = Field(min_length=1)
    items: tuple[SureItem, ...] = Field(min_length=4, max_length=4)
    no_conflict: str
    conflict_likely: str


class LeaningTexts(StrictModel):
    """The leaning question and the notes shown beside the answer."""

    question: str
    unsure_label: str
    mismatch_note: str
    not_a_recommendation: str


class ValuesCatalogue(StrictModel):
    """Everything in data/values.yaml, validated."""

    scale: tuple[ScalePoint, ...] = Field(min_length=2)
    matters_most_from: int
    items: tuple[ValueItem, ...] = Field(min_length=1)
    sure: SureTexts
    leaning: LeaningTexts

    @property
    def highest(self) -> int:
        """The top of the importance scale."""
        return max(point.value for point in self.scale)

    def scale_label(self, value: int) -> str:
        """The words for one point of the scale."""
        return {point.value: point.label for point in self.scale}[value]


def option_titles() -> dict[str, str]:
    """The compared options in display order, id -> name (from the option comparison)."""
    return {option.id: option.name for option in load_options_content().options}


@cache
def load_values_catalogue() -> ValuesCatalogue:
    """The value items and SURE texts, with sources and option ids checked."""
    catalogue = load_model("values.yaml", ValuesCatalogue)
    known_options = option_titles()
    for item in catalogue.items:
        require_sources(item.sources, f"value item {item.id}")
        unknown = sorted(set(item.lines_up_with) - set(known_options))
        if unknown:
            raise KnowledgeBaseError(f"value item {item.id}: unknown options {unknown}")
    require_sources(catalogue.sure.sources, "SURE test")
    return catalogue


def leaning_choices() -> dict[str, str]:
    """Allowed leaning answers: every compared option (id -> title), then "unsure"."""
    return {**option_titles(), UNSURE: load_values_catalogue().leaning.unsure_label}


class ValuesAnswers(StrictModel):
    """One person's answers: a rating per value item, four SURE answers and a leaning."""

    ratings: dict[str, int]
    sure: dict[str, bool]
    leaning: str


def parse_values_answers(data: Any) -> ValuesAnswers:
    """Validate decoded JSON answers, or raise InvalidInput naming the field and allowed values."""
    catalogue = load_values_catalogue()
    if not isinstance(data, Mapping):
        raise InvalidInput("answers", "must be a JSON object", ANSWER_KEYS)
    for key in data:
        if key not in ANSWER_KEYS:
            raise InvalidInput(str(key), "unknown key", ANSWER_KEYS)
    ratings = _checked_mapping(
        data, "ratings", [item.id for item in catalogue.items], _is_rating, _scale_text(catalogue)
    )
    sure = _checked_mapping(
        data, "sure", [item.id for item in catalogue.sure.items], _is_yes_no, "true, false"
    )
    choices = leaning_choices()
    if "leaning" not in data:
        raise InvalidInput("leaning", "missing", choices)
    if not isinstance(data["leaning"], str) or data["leaning"] not in choices:
        raise InvalidInput("leaning", f"{data['leaning']!r} is not a choice", choices)
    return ValuesAnswers(ratings=ratings, sure=sure, leaning=data["leaning"])


def _is_rating(value: object) -> bool:
    # bool is an int in Python; a rating of `true` is a mistake, not a 1.
    catalogue = load_values_catalogue()
    return type(value) is int and any(point.value == value for point in catalogue.scale)


def _is_yes_no(value: object) -> bool:
    return isinstance(value, bool)


def _scale_text(catalogue: ValuesCatalogue) -> str:
    return ", ".join(str(point.value) for point in catalogue.scale)


def _checked_mapping(
    data: Mapping[str, Any],
    name: str,
    keys: list[str],
    is_valid: Callable[[object], bool],
    allowed_values: str,
) -> dict[str, Any]:
    """One answer group: an object with exactly `keys`, each value passing `is_valid`."""
    if name not in data:
        raise InvalidInput(name, "missing", keys)
    group = data[name]
    if not isinstance(group, Mapping):
        raise InvalidInput(name, "must be an object with one entry per question", keys)
    for key in group:
        if key not in keys:
            raise InvalidInput(f"{name}.{key}", "unknown question", keys)
    for key in keys:
        if key not in group:
            raise InvalidInput(f"{name}.{key}", "missing answer", allowed_values)
        if not is_valid(group[key]):
            raise InvalidInput(f"{name}.{key}", f"{group[key]!r} is not allowed", allowed_values)
    return {key: group[key] for key in keys}


class OptionRef(StrictModel):
    """An option named by id and title."""

    id: str
    title: str


class RatedValue(StrictModel):
    """One value item with the person's rating in numbers and words."""

    id: str
    label: str
    rating: int
    rating_label: str


class ValueMatch(StrictModel):
    """A value rated as mattering most, the options that line up with it, why, and sources."""

    id: str
    label: str
    rating: int
    lines_up_with: tuple[OptionRef, ...]
    why: str
    sources: tuple[str, ...]


class OptionAlignment(StrictModel):
    """An option and the values rated as mattering most that it lines up with."""

    option: OptionRef
    values: tuple[str, ...]


class SureAnswer(StrictModel):
    """One SURE question with the person's answer."""

    id: str
    letter: str
    question: str
    answer: bool
    if_no: str | None


class SureResult(StrictModel):
    """SURE score 0-4 (yes = 1); fewer than 4 means decisional conflict is likely."""

    score: int
    out_of: int
    conflict_likely: bool
    message: str
    answers: tuple[SureAnswer, ...]
    sources: tuple[str, ...]


class Leaning(StrictModel):
    """Where the person is leaning now, and whether it lines up with what matters most."""

    id: str
    title: str
    lines_up_with_values: tuple[str, ...]
    note: str | None


class ValuesResult(StrictModel):
    """Ratings, what lines up with what matters most, the SURE result, the leaning, disclaimer."""

    ratings: tuple[RatedValue, ...]
    matters_most: tuple[ValueMatch, ...]
    options_in_line: tuple[OptionAlignment, ...]
    not_a_recommendation: str
    sure: SureResult
    leaning: Leaning
    disclaimer: str


def clarify_values(answers: ValuesAnswers) -> ValuesResult:
    """Summarise what matters to the person, the options that line up, SURE and the leaning."""
    catalogue = load_values_catalogue()
    titles = option_titles()
    ratings = tuple(
        RatedValue(
            id=item.id,
            label=item.label,
            rating=answers.ratings[item.id],
            rating_label=catalogue.scale_label(answers.ratings[item.id]),
        )
        for item in catalogue.items
    )
    matters_most = _matters_most(catalogue, answers, titles)
    return ValuesResult(
        ratings=ratings,
        matters_most=matters_most,
        options_in_line=_options_in_line(matters_most, titles),
        not_a_recommendation=catalogue.leaning.not_a_recommendation,
        sure=score_sure(answers.sure),
        leaning=_leaning(catalogue, answers.leaning, matters_most),
        disclaimer=load_knowledge().text("disclaimer"),
    )


def _matters_most(
    catalogue: ValuesCatalogue, answers: ValuesAnswers, titles: dict[str, str]
) -> tuple[ValueMatch, ...]:
    """Values rated at or above the threshold, highest rating first, then in file order."""
    chosen = [
        item for item in catalogue.items if answers.ratings[item.id] >= catalogue.matters_most_from
    ]
    chosen.sort(key=lambda item: -answers.ratings[item.id])
    return tuple(
        ValueMatch(
            id=item.id,
            label=item.label,
            rating=answers.ratings[item.id],
            lines_up_with=tuple(OptionRef(id=oid, title=titles[oid]) for oid in item.lines_up_with),
            why=item.why,
            sources=item.sources,
        )
        for item in chosen
    )


def _options_in_line(
    matters_most: tuple[ValueMatch, ...], titles: dict[str, str]
) -> tuple[OptionAlignment, ...]:
    """Every option, in comparison order, with the top values it lines up with (maybe none)."""
    return tuple(
        OptionAlignment(
            option=OptionRef(id=oid, title=title),
            values=tuple(
                match.id for match in matters_most if oid in {ref.id for ref in match.lines_up_with}
            ),
        )
        for oid, title in titles.items()
    )


def score_sure(sure: Mapping[str, bool]) -> SureResult:
    """Score the SURE test: one point per yes; 4 of 4 = no decisional conflict (Légaré 2010)."""
    texts = load_values_catalogue().sure
    score = sum(1 for item in texts.items if sure[item.id])
    conflict = score < len(texts.items)
    return SureResult(
        score=score,
        out_of=len(texts.items),
        conflict_likely=conflict,
        message=texts.conflict_likely if conflict else texts.no_conflict,
        answers=tuple(
            SureAnswer(
                id=item.id,
                letter=item.letter,
                question=item.question,
                answer=sure[item.id],
                if_no=None if sure[item.id] else item.if_no,
            )
            for item in texts.items
        ),
        sources=texts.sources,
    )


def _leaning(
    catalogue: ValuesCatalogue, leaning: str, matters_most: tuple[ValueMatch, ...]
) -> Leaning:
    in_line = tuple(
        match.id for match in matters_most if leaning in {ref.id for ref in match.lines_up_with}
    )
    # Only a real option can be out of line with the values; "unsure" is always fine.
    mismatch = leaning != UNSURE and bool(matters_most) and not in_line
    return Leaning(
        id=leaning,
        title=leaning_choices()[leaning],
        lines_up_with_values=in_line,
        note=catalogue.leaning.mismatch_note if mismatch else None,
    )
