"""Adverse events of synthetic patients, validated and judged serious by the real care rules.

Each kind of harm has a chance per procedure; when it happens, the report goes through
`care.parse_adverse_event` (so it keeps every consistency rule) and `care.assess_adverse_event`
decides whether it is serious, exactly as for a clinic's report.

Chances are THIS TOOL'S ASSUMPTION unless a comment names a source.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from regenspine.care import (
    AdverseEventSite,
    CtcaeGrade,
    Relatedness,
    SeriousCriterion,
    assess_adverse_event,
    parse_adverse_event,
)
from regenspine.registry.rows import adverse_event_columns
from regenspine.synthetic.procedures import SyntheticProcedure
from regenspine.synthetic.rows import IdCounters, RowBatch, at_noon


@dataclass(frozen=True)
class HarmPattern:
    """One kind of adverse event, how often it follows a procedure, and its course."""

    chance: float
    description: str
    category: str
    site: AdverseEventSite
    grade: CtcaeGrade
    relatedness: Relatedness
    onset_days: tuple[int, int]  # days after the procedure
    lasting_days: tuple[int, int]
    serious_criteria: tuple[SeriousCriterion, ...] = ()
    only_for: str | None = None  # "autologous", "allogeneic" or an injection target

    def applies_to(self, procedure: SyntheticProcedure) -> bool:
        """Whether this harm can follow the procedure (no harvest-site harm without a harvest)."""
        if self.only_for is None:
            return True
        if self.only_for == "autologous":
            return procedure.cell_source != "allogeneic"
        if self.only_for == "allogeneic":
            return procedure.cell_source == "allogeneic"
        return self.only_for in procedure.targets


# Mild events total about 6% of procedures, as in the lumbar platelet-lysate series (29 of 470,
# 6.3%; J Exp Orthop 2017, doi:10.1186/s40634-017-0113-5). Infection shows about two weeks after a
# spinal injection (spinee-2012-epidural-abscess-case). Serious events are rare.
HARM_PATTERNS = (
    HarmPattern(
        chance=0.035,
        description="Pain at the injection site",
        category="pain",
        site="injection",
        grade=1,
        relatedness="probable",
        onset_days=(0, 2),
        lasting_days=(2, 10),
    ),
    HarmPattern(
        chance=0.02,
        description="Pain at the harvest site",
        category="pain",
        site="harvest",
        grade=1,
        relatedness="probable",
        onset_days=(0, 1),
        lasting_days=(2, 14),
        only_for="autologous",
    ),
    HarmPattern(
        chance=0.008,
        description="Bruising at the harvest site",
        category="bleeding",
        site="harvest",
        grade=1,
        relatedness="definite",
        onset_days=(0, 1),
        lasting_days=(3, 14),
        only_for="autologous",
    ),
    HarmPattern(
        chance=0.005,
        description="Short-lived numbness",
        category="neurological",
        site="injection",
        grade=1,
        relatedness="possible",
        onset_days=(0, 3),
        lasting_days=(1, 7),
    ),
    HarmPattern(
        chance=0.004,
        description="Headache after a dural puncture",
        category="dural_puncture_headache",
        site="injection",
        grade=2,
        relatedness="probable",
        onset_days=(1, 3),
        lasting_days=(3, 10),
        only_for="epidural",
    ),
    HarmPattern(
        chance=0.003,
        description="Itchy rash after the injection",
        category="allergic",
        site="systemic",
        grade=1,
        relatedness="possible",
        onset_days=(0, 1),
        lasting_days=(1, 5),
        only_for="allogeneic",
    ),
    HarmPattern(
        chance=0.0015,
        description="Infection at the injection site, treated in hospital",
        category="infection",
        site="injection",
        grade=3,
        relatedness="probable",
        onset_days=(7, 21),
        lasting_days=(14, 42),
        serious_criteria=("hospitalization",),
    ),
    HarmPattern(
        chance=0.003,
        description="Hospital stay for an unrelated illness",
        category="other",
        site="systemic",
        grade=3,
        relatedness="unrelated",
        onset_days=(30, 365),
        lasting_days=(3, 21),
        serious_criteria=("hospitalization",),
    ),
)


def add_adverse_events(
    rng: random.Random,
    ids: IdCounters,
    batch: RowBatch,
    episode_id: int,
    procedure: SyntheticProcedure,
    as_of: date,
) -> None:
    """Queue the harms that followed a procedure and began by `as_of`."""
    for pattern in HARM_PATTERNS:
        if rng.random() >= pattern.chance or not pattern.applies_to(procedure):
            continue
        onset_on = procedure.performed_on + timedelta(days=rng.randint(*pattern.onset_days))
        if onset_on > as_of:
            continue
        resolved_on = onset_on + timedelta(days=rng.randint(*pattern.lasting_days))
        report = parse_adverse_event(
            _report(pattern, onset_on, resolved_on if resolved_on <= as_of else None)
        )
        assessment = assess_adverse_event(report)
        columns = adverse_event_columns(
            report, assessment, episode_id=episode_id, procedure_id=procedure.procedure_id
        )
        batch.add(
            "adverse_event",
            {"id": ids.take("adverse_event"), "recorded_at": at_noon(onset_on), **columns},
        )


def _report(pattern: HarmPattern, onset_on: date, resolved_on: date | None) -> dict[str, Any]:
    """The clinic's report; an event still going on at the as-of day is `recovering`."""
    return {
        "description": pattern.description,
        "category": pattern.category,
        "site": pattern.site,
        "grade": pattern.grade,
        "serious_criteria": list(pattern.serious_criteria),
        "relatedness": pattern.relatedness,
        "onset_on": onset_on,
        "resolved_on": resolved_on,
        "outcome": "recovered" if resolved_on is not None else "recovering",
    }
