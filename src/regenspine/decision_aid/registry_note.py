"""The registry line beside the published evidence for the stem cell option.

The registry service (`analytics/similar_patients.py`) counts how real patients like the person
(same region and severity, treated with a stem cell injection) did at 12 months and hands the
counts over as a `RegistryOutcome`; this module turns them into what the faces show, with the
labels and caveat from texts.yaml. It does no I/O: a face without a registry simply passes none.

Below the minimum number of patients the line says so and shows how many there are, never a rate.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import get_args

from pydantic import Field, model_validator

from regenspine.decision_aid.natural_frequencies import (
    IconArray,
    icon_array,
    share_from_counts,
    share_of_hundred,
    whole_people,
)
from regenspine.decision_aid.option_content import OutcomeKind, Region
from regenspine.decision_aid.profile import Severity
from regenspine.errors import InvalidInput
from regenspine.knowledge import load_knowledge
from regenspine.knowledge.loader import require_sources
from regenspine.knowledge.schema import StrictModel

# The option the registry's procedures are: every registry procedure is a stem cell injection.
REGISTRY_OPTION = "stem_cell_injection"
TEXT_KEY = "registry_similar"
SEVERITIES: tuple[str, ...] = get_args(Severity)


class RegistryOutcome(StrictModel):
    """How real registry patients like the person did at 12 months, as counted by the registry.

    `responders` and `ci` (a proportion from 0 to 1) are given only from `minimum` patients on.
    """

    region: Region
    severity: Severity
    instrument: str
    instrument_name: str
    percent_of_baseline: float = Field(gt=0, le=100)
    rule_sources: tuple[str, ...] = Field(min_length=1)
    rule_assumption: str | None = None
    n: int = Field(ge=0)
    minimum: int = Field(ge=1)
    responders: int | None = Field(default=None, ge=0)
    ci: tuple[float, float] | None = None
    synthetic_left_out: int = Field(default=0, ge=0)
    as_of: dt.date

    @property
    def enough(self) -> bool:
        """Whether there are enough patients to show a number."""
        return self.n >= self.minimum

    @model_validator(mode="after")
    def _number_only_when_enough(self) -> RegistryOutcome:
        given = self.responders is not None and self.ci is not None
        if given != self.enough:
            raise ValueError("responders and ci are given exactly when n reaches the minimum")
        if self.responders is not None and self.responders > self.n:
            raise ValueError("responders cannot exceed n")
        if self.ci is not None and not 0 <= self.ci[0] <= self.ci[1] <= 1:
            raise ValueError("ci must be two proportions from 0 to 1, low first")
        return self


class RegistryNote(StrictModel):
    """The registry line as the faces show it, labelled as this clinic's observational data."""

    label: str
    headline: str
    enough: bool
    n: int
    minimum: int
    per_100: int | None
    ci_per_100: tuple[int, int] | None
    icon_array: IconArray | None
    who: str
    caveat: str
    rule_assumption: str | None
    synthetic_note: str | None
    as_of: dt.date
    sources: tuple[str, ...]


def parse_severity(value: str) -> Severity:
    """The severity named by `value`, or InvalidInput naming the allowed severities."""
    candidate = value.strip().lower()
    for severity in get_args(Severity):
        if candidate == severity:
            chosen: Severity = severity
            return chosen
    raise InvalidInput("severity", f"unknown severity {value[:40]!r}", list(SEVERITIES))


def _text(key: str, **values: object) -> str:
    template = " ".join(load_knowledge().text(f"{TEXT_KEY}_{key}").split())
    return template.format(**values)


def _per_100(proportion: float) -> int:
    """A proportion as whole people of 100, rounded as every other number of the aid."""
    return whole_people(share_of_hundred(Decimal(str(proportion)) * 100))


def registry_note(outcome: RegistryOutcome) -> RegistryNote:
    """The labelled registry line for the options comparison and the summary."""
    own_sources = _text("sources").split()
    require_sources(own_sources, f"texts.yaml: {TEXT_KEY}_sources")
    require_sources(outcome.rule_sources, f"responder rule of {outcome.instrument}")
    per_100 = ci_per_100 = drawn = None
    if outcome.responders is not None and outcome.ci is not None:
        share = share_from_counts(outcome.responders, outcome.n)
        per_100 = whole_people(share)
        ci_per_100 = (_per_100(outcome.ci[0]), _per_100(outcome.ci[1]))
        drawn = icon_array([(OutcomeKind.improved.value, _text("improved"), share)], _text("rest"))
        headline = _text(
            "result", per_100=per_100, n=outcome.n, low=ci_per_100[0], high=ci_per_100[1]
        )
    else:
        headline = _text("not_enough", n=outcome.n, minimum=outcome.minimum)
    synthetic = outcome.synthetic_left_out
    return RegistryNote(
        label=_text("label"),
        headline=headline,
        enough=outcome.enough,
        n=outcome.n,
        minimum=outcome.minimum,
        per_100=per_100,
        ci_per_100=ci_per_100,
        icon_array=drawn,
        who=_text(
            "who",
            region=outcome.region.value,
            severity=outcome.severity,
            instrument=outcome.instrument_name,
            percent=f"{outcome.percent_of_baseline:g}",
        ),
        caveat=_text("caveat"),
        rule_assumption=outcome.rule_assumption,
        synthetic_note=_text("synthetic", count=f"{synthetic:,}") if synthetic else None,
        as_of=outcome.as_of,
        sources=tuple(dict.fromkeys([*own_sources, *outcome.rule_sources])),
    )
