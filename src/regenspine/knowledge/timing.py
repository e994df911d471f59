"""Time as the knowledge files write it: distances from a procedure date, and the medicine window.

Both the recovery plan (decision_aid) and the protocol checks and follow-up schedule (care) place
things on the calendar from the same data, so the shapes and the window live here, below both.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

from dateutil.relativedelta import relativedelta
from pydantic import ConfigDict, Field

from regenspine.knowledge.loader import load_model, require_sources
from regenspine.knowledge.schema import StrictModel

RECOVERY_FILE = "recovery.yaml"


class Offset(StrictModel):
    """A distance from the procedure date; months are calendar months."""

    days: int = Field(default=0, ge=0)
    weeks: int = Field(default=0, ge=0)
    months: int = Field(default=0, ge=0)

    def after(self, day: dt.date) -> dt.date:
        """The date this far after `day` (31 January + 1 month is the last day of February)."""
        moved: dt.date = day + relativedelta(months=self.months, weeks=self.weeks, days=self.days)
        return moved


class MedicineWindowText(StrictModel):
    """The anti-inflammatory (NSAID) avoidance window as written in the data file."""

    title: str
    start: Offset
    end: Offset
    text: str
    reason: str
    assumption: str
    caution: str
    sources: tuple[str, ...] = Field(min_length=1)


class _RecoveryWindow(StrictModel):
    """Only the medicine window of recovery.yaml; the recovery plan reads the rest."""

    model_config = ConfigDict(extra="ignore")

    nsaid_window: MedicineWindowText


@cache
def load_medicine_window() -> MedicineWindowText:
    """The NSAID avoidance window, validated, its sources checked against the knowledge base."""
    window = load_model(RECOVERY_FILE, _RecoveryWindow).nsaid_window
    require_sources(window.sources, RECOVERY_FILE)
    return window


def medicine_window_dates(performed_on: dt.date) -> tuple[dt.date, dt.date]:
    """The NSAID avoidance window after a procedure: its first day and the (excluded) end day."""
    window = load_medicine_window()
    return window.start.after(performed_on), window.end.after(performed_on)
