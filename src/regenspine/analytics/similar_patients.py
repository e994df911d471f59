"""Registry-informed numbers for the decision aid: how real patients like the person did.

"Like the person" means the same region and severity; every registry procedure is a stem cell
injection, so an episode with a procedure is a treated one. Each patient counts once (their
first such episode), with the region's main questionnaire answered before treatment and at 12
months; the responder test is the report's own relative rule (`responder_rule.relative_response`),
here evaluated in SQL. Synthetic patients never count: they are only tallied, so a demo can say
why it shows no number.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path

import pandas as pd
from sqlalchemy import Connection, and_, case, exists, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.orm import aliased

from regenspine.analytics.cohort import AnySelect, report_filters
from regenspine.analytics.estimates import wilson_interval
from regenspine.analytics.frames import BASELINE
from regenspine.analytics.outcomes import relative_rule
from regenspine.analytics.responder_rule import can_respond, relative_response
from regenspine.config import Settings
from regenspine.decision_aid.registry_note import RegistryOutcome
from regenspine.instruments.catalogue import instrument as instrument_info
from regenspine.registry.database import Registry
from regenspine.registry.migrate import current_revision, head_revision
from regenspine.registry.models import Assessment, Episode, Patient, Procedure

# Issue 6 §4: a registry number is shown only from 30 similar real patients on; below that the
# decision aid says there are not yet enough. A threshold of this tool, not a published one.
MIN_SIMILAR_PATIENTS = 30
TIMEPOINT = "12m"
# The region's main questionnaire: the ODI is the registries' main lumbar outcome at 12 months
# (NORspine) and the thoracic episodes' disability score here; the NDI is the neck's
# (questionnaire sets in knowledge/data/care/followup.yaml).
MAIN_INSTRUMENT: Mapping[str, str] = {"lumbar": "odi", "thoracic": "odi", "cervical": "ndi"}


def _similar_episodes(region: str, severity: str, instrument: str, as_of: date) -> AnySelect:
    """Treated episodes of this region and severity with the instrument at baseline and 12
    months by `as_of`, numbered per patient so that each patient counts once."""
    follow, base = aliased(Assessment), aliased(Assessment)
    treated = exists().where(Procedure.episode_id == Episode.id, Procedure.performed_on <= as_of)
    position = func.row_number().over(partition_by=Episode.patient_id, order_by=Episode.id)
    return (
        select(
            Patient.synthetic.label("synthetic"),
            base.score.label("baseline"),
            follow.score.label("value"),
            position.label("position"),
        )
        .select_from(Episode)
        .join(Patient, Patient.id == Episode.patient_id)
        .join(follow, follow.episode_id == Episode.id)
        .join(
            base,
            and_(
                base.episode_id == Episode.id,
                base.instrument == instrument,
                base.timepoint == BASELINE,
            ),
        )
        .where(
            Episode.region == region,
            Episode.severity == severity,
            treated,
            follow.instrument == instrument,
            follow.timepoint == TIMEPOINT,
            follow.assessed_on <= as_of,
            follow.score.is_not(None),
            base.score.is_not(None),
        )
    )


def _counts(
    connection: Connection, region: str, severity: str, instrument: str, as_of: date
) -> dict[bool, tuple[int, int]]:
    """Real (False) and synthetic (True) patients: (patients who could improve, responders)."""
    rows = _similar_episodes(region, severity, instrument, as_of).subquery("similar")
    percent = relative_rule(instrument).percent_of_baseline
    if percent is None:
        raise LookupError(f"no relative responder threshold for {instrument}")
    responder = relative_response(rows.c.baseline, rows.c.value, percent / 100)
    statement = (
        select(
            rows.c.synthetic,
            func.count().label("patients"),
            func.sum(case((responder, 1), else_=0)).label("responders"),
        )
        .where(rows.c.position == 1, can_respond(rows.c.baseline))
        .group_by(rows.c.synthetic)
    )
    found = connection.execute(statement).all()
    return {bool(synthetic): (int(n), int(hits or 0)) for synthetic, n, hits in found}


def registry_outcome(
    connection: Connection, region: str, severity: str, as_of: date
) -> RegistryOutcome:
    """How real registry patients like the person did at 12 months, counted in SQL."""
    checked = report_filters(region=region, severity=severity)
    chosen_region, chosen_severity = checked.region or region, checked.severity or severity
    instrument = MAIN_INSTRUMENT[chosen_region]
    counts = _counts(connection, chosen_region, chosen_severity, instrument, as_of)
    n, responders = counts.get(False, (0, 0))
    rule = relative_rule(instrument)
    enough = n >= MIN_SIMILAR_PATIENTS
    return RegistryOutcome.model_validate(
        {
            "region": chosen_region,
            "severity": chosen_severity,
            "instrument": instrument,
            "instrument_name": instrument_info(instrument).short_title,
            "percent_of_baseline": rule.percent_of_baseline,
            "rule_sources": rule.sources,
            "rule_assumption": rule.assumption,
            "n": n,
            "minimum": MIN_SIMILAR_PATIENTS,
            "responders": responders if enough else None,
            "ci": _wilson(responders, n) if enough else None,
            "synthetic_left_out": counts.get(True, (0, 0))[0],
            "as_of": as_of,
        }
    )


def _wilson(successes: int, n: int) -> tuple[float, float]:
    """Wilson's 95% interval, the report's own (`estimates.wilson_interval`)."""
    low, high = wilson_interval(pd.Series([successes]), pd.Series([n]))
    return float(low.iloc[0]), float(high.iloc[0])


def available_registry_outcome(
    registry: Registry, region: str, severity: str, as_of: date
) -> RegistryOutcome | None:
    """The registry numbers, or None when the database has no registry tables, is at another
    migration or cannot be reached: the decision aid then shows the published evidence alone."""
    try:
        if current_revision(registry.engine) != head_revision(registry.engine):
            return None
        with registry.engine.connect() as connection:
            return registry_outcome(connection, region, severity, as_of)
    except (OperationalError, ProgrammingError):
        return None


def configured_registry_outcome(
    settings: Settings, region: str, severity: str, as_of: date
) -> RegistryOutcome | None:
    """The registry numbers from the configured database, or None when there is none yet (an
    SQLite file that does not exist is left uncreated)."""
    url = settings.resolved_database_url()
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if not parsed.database or parsed.database == ":memory:":
            return None
        if not Path(parsed.database).is_file():
            return None
    registry = Registry(url)
    try:
        return available_registry_outcome(registry, region, severity, as_of)
    finally:
        registry.dispose()
