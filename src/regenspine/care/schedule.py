"""The registry's follow-up schedule: timepoints, dated visit windows and where each visit stands.

Timepoints and windows live in data/care/followup.yaml (the windows are this tool's assumption).
A visit's status on a given day follows one rule, in this order:

- done: the visit was recorded, whatever the date;
- upcoming: its window has not opened yet;
- due: the window is open and the target date has not passed (window_opens <= today <= due_on);
- overdue: the target date has passed but the window is still open (due_on < today <= closes);
- missed: the window closed without the visit.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

from regenspine.care.procedure import StenosisRegion
from regenspine.errors import InvalidInput, KnowledgeBaseError, shown
from regenspine.knowledge.loader import load_model, require_sources
from regenspine.knowledge.schema import StrictModel
from regenspine.knowledge.timing import Offset

FOLLOWUP_FILE = "care/followup.yaml"
TimepointId = Literal["baseline", "2w", "6w", "3m", "6m", "12m", "24m"]
TIMEPOINT_IDS: tuple[str, ...] = get_args(TimepointId)
VisitStatus = Literal["done", "upcoming", "due", "overdue", "missed"]
# Ten years: far beyond the last visit, small enough to refuse a typo such as 30000.
MAX_WITHIN_DAYS = 3650
WITHIN_PATTERN = re.compile(r"^([0-9]+) *([dw]?)$")
WITHIN_ALLOWED = f"a whole number of days from 0 to {MAX_WITHIN_DAYS}, such as 30, 14d or 2w"


class Timepoint(StrictModel):
    """One follow-up timepoint: its target distance from the procedure and its window in days."""

    id: TimepointId
    label: str
    offset: Offset
    window_before_days: int = Field(ge=0)
    window_after_days: int = Field(ge=0)
    purpose: str
    sources: tuple[str, ...] = Field(min_length=1)

    def due_on(self, performed_on: dt.date) -> dt.date:
        """The target date of this timepoint for a procedure on `performed_on`."""
        return self.offset.after(performed_on)


class QuestionnaireSets(StrictModel):
    """Which instruments a visit asks for, by the region of the episode."""

    sources: tuple[str, ...] = Field(min_length=1)
    by_region: dict[StenosisRegion, tuple[str, ...]]
    after_treatment_only: tuple[str, ...]


class FollowUpPlan(StrictModel):
    """Everything in data/care/followup.yaml, validated."""

    note: str
    window_assumption: str
    sources: tuple[str, ...] = Field(min_length=1)
    questionnaires: QuestionnaireSets
    timepoints: tuple[Timepoint, ...] = Field(min_length=1)


class FollowUpVisit(BaseModel):
    """One dated visit: the target date and the window in which the visit still counts."""

    model_config = ConfigDict(frozen=True)

    timepoint: str
    label: str
    due_on: dt.date
    window_opens: dt.date
    window_closes: dt.date


@cache
def load_follow_up_plan() -> FollowUpPlan:
    """The follow-up plan, validated: the expected timepoints in order, every source resolving."""
    plan = load_model(FOLLOWUP_FILE, FollowUpPlan)
    ids = tuple(timepoint.id for timepoint in plan.timepoints)
    if ids != TIMEPOINT_IDS:
        raise KnowledgeBaseError(
            f"{FOLLOWUP_FILE}: timepoints must be {', '.join(TIMEPOINT_IDS)} in this order"
        )
    cited = [
        *plan.sources,
        *plan.questionnaires.sources,
        *(s for timepoint in plan.timepoints for s in timepoint.sources),
    ]
    require_sources(cited, FOLLOWUP_FILE)
    return plan


def timepoints() -> tuple[Timepoint, ...]:
    """The follow-up timepoints, baseline first."""
    return load_follow_up_plan().timepoints


def questionnaires_for(region: str, timepoint: str) -> tuple[str, ...]:
    """The instrument ids a visit asks for: the region's set, plus change-after-treatment ones."""
    sets = load_follow_up_plan().questionnaires
    if region not in sets.by_region:
        raise InvalidInput("region", f"unknown region {region!r}", sorted(sets.by_region))
    chosen = sets.by_region[region]
    if parse_timepoint(timepoint) == "baseline":
        return chosen
    return (*chosen, *sets.after_treatment_only)


def timepoint_ids() -> tuple[str, ...]:
    """The timepoint ids, baseline first: baseline, 2w, 6w, 3m, 6m, 12m, 24m."""
    return TIMEPOINT_IDS


def parse_timepoint(text: str) -> str:
    """The timepoint id written in `text` (case and surrounding spaces ignored)."""
    candidate = text.strip().lower()
    if candidate not in TIMEPOINT_IDS:
        raise InvalidInput("timepoint", f"unknown timepoint {text!r}", TIMEPOINT_IDS)
    return candidate


def follow_up_schedule(performed_on: dt.date) -> tuple[FollowUpVisit, ...]:
    """Every follow-up visit of a procedure on `performed_on`, with its dated window."""
    visits = []
    for timepoint in timepoints():
        due_on = timepoint.due_on(performed_on)
        visits.append(
            FollowUpVisit(
                timepoint=timepoint.id,
                label=timepoint.label,
                due_on=due_on,
                window_opens=due_on - dt.timedelta(days=timepoint.window_before_days),
                window_closes=due_on + dt.timedelta(days=timepoint.window_after_days),
            )
        )
    return tuple(visits)


def visit_status(visit: FollowUpVisit, today: dt.date, done: bool) -> VisitStatus:
    """Where a visit stands on `today`: done, upcoming, due, overdue or missed (module rule)."""
    if done:
        return "done"
    if today < visit.window_opens:
        return "upcoming"
    if today <= visit.due_on:
        return "due"
    if today <= visit.window_closes:
        return "overdue"
    return "missed"


def parse_within(text: str) -> int:
    """A horizon in days from `30`, `14d` or `2w`, between 0 and 3650 days."""
    match = WITHIN_PATTERN.match(text.strip().lower())
    if match is None:
        raise InvalidInput(
            "within", f"cannot read {shown(text)} as a number of days", WITHIN_ALLOWED
        )
    number, unit = match.groups()
    days = int(number) * (7 if unit == "w" else 1)
    if days > MAX_WITHIN_DAYS:
        raise InvalidInput("within", f"{days} days is too far ahead", WITHIN_ALLOWED)
    return days
