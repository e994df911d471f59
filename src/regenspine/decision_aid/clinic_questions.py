"""Questions to ask a clinic before a stem cell injection, grouped, each with why and sources."""

from __future__ import annotations

from functools import cache

from pydantic import Field

from regenspine.knowledge import load_knowledge
from regenspine.knowledge.loader import read_data, require_sources
from regenspine.knowledge.schema import StrictModel


class ClinicQuestion(StrictModel):
    """One question to put to a clinic, why the answer matters, and the sources behind it."""

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    question: str = Field(min_length=10)
    why: str = Field(min_length=10)
    sources: tuple[str, ...] = Field(min_length=1)


class QuestionGroup(StrictModel):
    """Questions on one subject, such as cell source or total cost."""

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    title: str
    questions: tuple[ClinicQuestion, ...] = Field(min_length=1)


class ClinicQuestionList(StrictModel):
    """All questions to ask a clinic, with an introduction and the disclaimer."""

    intro: str
    groups: tuple[QuestionGroup, ...] = Field(min_length=1)
    disclaimer: str = ""


@cache
def _question_data() -> ClinicQuestionList:
    data = ClinicQuestionList.model_validate(read_data("clinic_questions.yaml"))
    for group in data.groups:
        for question in group.questions:
            require_sources(question.sources, f"clinic question {group.id}.{question.id}")
    return data


def clinic_questions() -> ClinicQuestionList:
    """The questions to ask a clinic, validated and with every source checked, plus disclaimer."""
    return _question_data().model_copy(update={"disclaimer": load_knowledge().text("disclaimer")})
