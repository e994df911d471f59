"""Questions to ask a clinic: every subject the issue asks for is covered, with sources."""

from __future__ import annotations

from regenspine.decision_aid.clinic_questions import clinic_questions
from regenspine.knowledge import load_knowledge


def test_questions_cover_every_required_subject() -> None:
    groups = {group.id: group for group in clinic_questions().groups}
    assert set(groups) == {
        "evidence",
        "cells",
        "procedure",
        "safety",
        "aftercare",
        "reporting",
        "regulation",
        "cost",
        "alternatives",
    }
    text = " ".join(question.question for group in groups.values() for question in group.questions)
    for needed in ("TNC", "CFU-F", "CD34+", "X-ray", "sterility", "MedWatch", "IND", "boosters"):
        assert needed in text, needed


def test_every_question_says_why_and_cites_resolving_sources() -> None:
    known = {source.id for source in load_knowledge().sources}
    questions = [q for group in clinic_questions().groups for q in group.questions]
    assert len({question.id for question in questions}) == len(questions)
    for question in questions:
        assert question.why
        assert question.sources
        assert set(question.sources) <= known, question.id


def test_question_list_carries_the_disclaimer() -> None:
    assert clinic_questions().disclaimer == load_knowledge().text("disclaimer")
