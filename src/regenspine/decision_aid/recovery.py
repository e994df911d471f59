"""The recovery plan after an injection: dated phases, the medicine window, warning signs and
follow-up visits, from data/recovery.yaml; plus an iCalendar export of the dates.

The urgent warning signs come from the red-flag rules (knowledge/red_flags.py), one per group,
with the same seek-urgent-care words, so the plan never sends an urgent sign to a clinic call.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Literal, get_args

from icalendar import Calendar, Event
from pydantic import Field

from regenspine.care.schedule import load_follow_up_plan
from regenspine.errors import KnowledgeBaseError
from regenspine.knowledge import EvidenceLevel, load_knowledge
from regenspine.knowledge.loader import load_model, require_sources
from regenspine.knowledge.red_flags import (
    RedFlagGroup,
    red_flag_groups,
    red_flags_in,
    seek_urgent_care_after_treatment,
)
from regenspine.knowledge.schema import StrictModel
from regenspine.knowledge.timing import MedicineWindowText, Offset

ONE_DAY = dt.timedelta(days=1)
WarningAction = Literal["call_clinic_today", "urgent_care"]
ClinicAction = Literal["call_clinic_today"]


class PhaseText(StrictModel):
    """One recovery phase as written in the data file."""

    id: str
    label: str
    title: str
    text: str
    start: Offset
    end: Offset
    evidence_level: EvidenceLevel
    sources: tuple[str, ...] = Field(min_length=1)


class WarningSign(StrictModel):
    """A symptom after the injection that needs a call to the clinic, or urgent care."""

    id: str
    sign: str
    why: str
    action: WarningAction
    sources: tuple[str, ...] = Field(min_length=1)


class ClinicWarningSign(WarningSign):
    """A sign written in recovery.yaml: only clinic calls; urgent signs are the red flags'."""

    action: ClinicAction


class AfterInjectionNote(StrictModel):
    """Why a red-flag group matters after an injection, with its sources."""

    why: str
    sources: tuple[str, ...] = Field(min_length=1)


class WarningSignAdvice(WarningSign):
    """A warning sign with what to do about it, in words."""

    action_text: str


class RecoveryTexts(StrictModel):
    """Everything in data/recovery.yaml, validated."""

    phases: tuple[PhaseText, ...] = Field(min_length=1)
    nsaid_window: MedicineWindowText
    actions: dict[ClinicAction, str]
    after_injection: dict[str, AfterInjectionNote]
    warning_signs: tuple[ClinicWarningSign, ...] = Field(min_length=1)


class DatedPhase(StrictModel):
    """A recovery phase placed on the calendar (first and last day both included)."""

    id: str
    label: str
    title: str
    text: str
    first_day: dt.date
    last_day: dt.date
    evidence_level: EvidenceLevel
    sources: tuple[str, ...]


class MedicineWindow(StrictModel):
    """The dated anti-inflammatory avoidance window, with its reason and its assumption."""

    title: str
    first_day: dt.date
    last_day: dt.date
    text: str
    reason: str
    assumption: str
    caution: str
    sources: tuple[str, ...]


class FollowUpVisit(StrictModel):
    """A follow-up visit with its due date."""

    id: str
    label: str
    due: dt.date
    purpose: str
    sources: tuple[str, ...]


class RecoveryPlan(StrictModel):
    """The whole dated plan for one procedure date, with the disclaimer."""

    procedure_date: dt.date
    phases: tuple[DatedPhase, ...]
    nsaid_window: MedicineWindow
    warning_signs: tuple[WarningSignAdvice, ...]
    follow_up_note: str
    follow_up_sources: tuple[str, ...]
    follow_up_visits: tuple[FollowUpVisit, ...]
    disclaimer: str


@cache
def load_recovery_texts() -> RecoveryTexts:
    """The recovery texts, validated, with every source id checked against the knowledge base."""
    texts = load_model("recovery.yaml", RecoveryTexts)
    cited = [
        *(s for phase in texts.phases for s in phase.sources),
        *texts.nsaid_window.sources,
        *(s for sign in texts.warning_signs for s in sign.sources),
        *(s for note in texts.after_injection.values() for s in note.sources),
    ]
    require_sources(cited, "recovery.yaml")
    missing = set(get_args(ClinicAction)) - set(texts.actions)
    if missing:
        raise KnowledgeBaseError(f"recovery.yaml: actions lacks {', '.join(sorted(missing))}")
    unknown = set(texts.after_injection) - {group.id for group in red_flag_groups()}
    if unknown:
        raise KnowledgeBaseError(
            f"recovery.yaml: unknown red-flag group {', '.join(sorted(unknown))}"
        )
    for sign in texts.warning_signs:
        if red_flags_in(sign.sign):
            # A red flag written as a clinic call would contradict the red-flag rules.
            raise KnowledgeBaseError(f"recovery.yaml: sign {sign.id} is a red flag, not a call")
    return texts


def urgent_warning_signs() -> tuple[WarningSignAdvice, ...]:
    """One urgent sign per red-flag group, in the red-flag rules' own words and action."""
    notes = load_recovery_texts().after_injection
    return tuple(_urgent_sign(group, notes.get(group.id)) for group in red_flag_groups())


def _urgent_sign(group: RedFlagGroup, note: AfterInjectionNote | None) -> WarningSignAdvice:
    why = group.may_be if note is None else f"{group.may_be} {note.why}"
    sources = group.sources if note is None else (*group.sources, *note.sources)
    return WarningSignAdvice(
        id=group.id,
        sign=" ".join(group.warning_sign.split()),
        why=" ".join(why.split()),
        action="urgent_care",
        sources=tuple(dict.fromkeys(sources)),
        action_text=seek_urgent_care_after_treatment(),
    )


def build_recovery_plan(procedure_date: dt.date) -> RecoveryPlan:
    """Place the recovery phases, medicine window and follow-up visits on the calendar."""
    texts = load_recovery_texts()
    window = texts.nsaid_window
    follow_up = load_follow_up_plan()
    return RecoveryPlan(
        procedure_date=procedure_date,
        phases=tuple(
            DatedPhase(
                **phase.model_dump(exclude={"start", "end"}),
                first_day=phase.start.after(procedure_date),
                last_day=phase.end.after(procedure_date) - ONE_DAY,
            )
            for phase in texts.phases
        ),
        nsaid_window=MedicineWindow(
            **window.model_dump(exclude={"start", "end"}),
            first_day=window.start.after(procedure_date),
            last_day=window.end.after(procedure_date) - ONE_DAY,
        ),
        warning_signs=(
            *urgent_warning_signs(),
            *(
                WarningSignAdvice(**sign.model_dump(), action_text=texts.actions[sign.action])
                for sign in texts.warning_signs
            ),
        ),
        follow_up_note=follow_up.note,
        follow_up_sources=follow_up.sources,
        follow_up_visits=tuple(
            FollowUpVisit(
                id=timepoint.id,
                label=timepoint.label,
                due=timepoint.due_on(procedure_date),
                purpose=timepoint.purpose,
                sources=timepoint.sources,
            )
            for timepoint in follow_up.timepoints
            if timepoint.id != "baseline"
        ),
        disclaimer=load_knowledge().text("disclaimer"),
    )


def recovery_calendar(plan: RecoveryPlan, stamp: dt.datetime) -> bytes:
    """The plan as an iCalendar file: one all-day event per phase, window and visit."""
    calendar = Calendar()
    calendar.add("prodid", "-//regenspine//recovery plan//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Recovery plan (regenspine)")
    warnings = "\n".join(f"- {sign.sign}: {sign.action_text}" for sign in plan.warning_signs)
    for phase in plan.phases:
        text = f"{phase.text}\n\nWarning signs:\n{warnings}"
        event = _all_day_event(plan, f"phase-{phase.id}", phase.first_day, phase.last_day, stamp)
        event.add("summary", phase.title)
        event.add("description", _description(plan, text, phase.sources))
        calendar.add_component(event)
    window = plan.nsaid_window
    event = _all_day_event(plan, "nsaid-window", window.first_day, window.last_day, stamp)
    event.add("summary", window.title)
    text = f"{window.text}\n\n{window.reason}\n\n{window.assumption}\n\n{window.caution}"
    event.add("description", _description(plan, text, window.sources))
    calendar.add_component(event)
    for visit in plan.follow_up_visits:
        event = _all_day_event(plan, f"visit-{visit.id}", visit.due, visit.due, stamp)
        event.add("summary", f"Follow-up visit: {visit.label}")
        event.add("description", _description(plan, visit.purpose, visit.sources))
        calendar.add_component(event)
    return bytes(calendar.to_ical())


def _all_day_event(
    plan: RecoveryPlan, key: str, first_day: dt.date, last_day: dt.date, stamp: dt.datetime
) -> Event:
    event = Event()
    # Stable per procedure date and item, so re-importing an export updates instead of duplicating.
    event.add("uid", f"{plan.procedure_date.isoformat()}-{key}@regenspine")
    event.add("dtstamp", stamp)
    event.add("dtstart", first_day)
    event.add("dtend", last_day + ONE_DAY)  # an all-day DTEND is exclusive (RFC 5545)
    return event


def _description(plan: RecoveryPlan, text: str, sources: tuple[str, ...]) -> str:
    # A calendar is read by the patient: sources by their titles, never by their ids.
    knowledge = load_knowledge()
    titles = "\n".join(f"- {knowledge.source(source_id).title}" for source_id in sources)
    return f"{text}\n\nSources:\n{titles}\n\n{plan.disclaimer}"
