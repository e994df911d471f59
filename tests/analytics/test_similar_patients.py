"""Registry numbers for people like the reader: counted in SQL, real patients only, from 30 on."""

from __future__ import annotations

import math
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from tests.factories.cases import (
    AS_OF,
    PROCEDURE_DAY,
    Case,
    add_cases,
    odi_case,
    report_of,
    responders_and_not,
    row,
)

from regenspine.analytics.similar_patients import (
    MAIN_INSTRUMENT,
    MIN_SIMILAR_PATIENTS,
    available_registry_outcome,
    configured_registry_outcome,
    registry_outcome,
)
from regenspine.care.schedule import questionnaires_for
from regenspine.config import Settings
from regenspine.decision_aid.registry_note import RegistryOutcome
from regenspine.errors import InvalidInput
from regenspine.registry.database import Registry
from regenspine.registry.models import Assessment, Episode, Procedure

Z = 1.959964  # standard normal quantile for 95%


def outcome_of(
    registry: Registry, region: str = "lumbar", severity: str = "moderate", as_of: date = AS_OF
) -> RegistryOutcome:
    """The registry numbers as a face asks for them."""
    with registry.engine.connect() as connection:
        return registry_outcome(connection, region, severity, as_of)


def test_the_threshold_is_the_issues_thirty() -> None:
    assert MIN_SIMILAR_PATIENTS == 30


def test_each_regions_main_instrument_is_asked_at_12_months() -> None:
    for region, instrument in MAIN_INSTRUMENT.items():
        assert instrument in questionnaires_for(region, "12m")


def test_29_real_similar_patients_are_not_enough_and_give_no_number(registry: Registry) -> None:
    add_cases(registry, responders_and_not(20, 9))
    outcome = outcome_of(registry)
    assert outcome.n == 29
    assert not outcome.enough
    assert outcome.responders is None
    assert outcome.ci is None


def test_30_real_similar_patients_give_a_rate_with_wilsons_interval(registry: Registry) -> None:
    add_cases(registry, responders_and_not(12, 18))
    outcome = outcome_of(registry)
    assert (outcome.n, outcome.responders) == (30, 12)
    # Wilson by hand: p = 0.4, n = 30.
    p, n = 0.4, 30
    centre = (p + Z * Z / (2 * n)) / (1 + Z * Z / n)
    half = Z * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n)) / (1 + Z * Z / n)
    assert outcome.ci == pytest.approx((centre - half, centre + half), abs=1e-6)
    assert outcome.ci == pytest.approx((0.2459, 0.5768), abs=1e-4)
    assert (outcome.instrument, outcome.percent_of_baseline) == ("odi", 30.0)
    assert outcome.rule_assumption is None


def test_synthetic_patients_never_count_even_a_thousand(registry: Registry) -> None:
    add_cases(registry, responders_and_not(1000, 0, synthetic=True))
    add_cases(registry, responders_and_not(10, 19))
    outcome = outcome_of(registry)
    assert outcome.n == 29
    assert outcome.responders is None
    assert outcome.synthetic_left_out == 1000


def test_other_severities_and_regions_are_not_similar(registry: Registry) -> None:
    add_cases(registry, responders_and_not(29, 0))
    add_cases(registry, responders_and_not(40, 0, severity="severe"))
    add_cases(registry, responders_and_not(40, 0, severity=None))
    add_cases(registry, responders_and_not(40, 0, region="thoracic"))
    outcome = outcome_of(registry)
    assert outcome.n == 29
    assert outcome.responders is None
    assert outcome_of(registry, severity="severe").responders == 40
    assert outcome_of(registry, region="thoracic").n == 40


def test_the_rule_is_the_reports_exactly_30_percent_counts(registry: Registry) -> None:
    # 50 -> 35 is exactly 30% (a responder), 50 -> 36 is not; baseline 0 cannot improve and
    # is left out, as are patients without a 12-month or a baseline score.
    cases = [odi_case(50, 35) for _ in range(15)] + [odi_case(50, 36) for _ in range(15)]
    cases += [odi_case(0, 10), odi_case(40, None), odi_case(None, 20)]
    add_cases(registry, cases)
    outcome = outcome_of(registry)
    assert (outcome.n, outcome.responders) == (30, 15)
    report = report_of(registry, severity="moderate", region="lumbar")
    reported = row(report, "odi", "12m")
    assert (reported.responders, reported.responder_n) == (outcome.responders, outcome.n)


def test_neck_patients_use_the_ndi_with_the_borrowed_threshold_labelled(
    registry: Registry,
) -> None:
    neck = [Case(scores={"ndi": {"baseline": 30, "12m": 15}}, region="cervical")] * 31
    add_cases(registry, neck)
    outcome = outcome_of(registry, region="cervical")
    assert (outcome.instrument, outcome.n, outcome.responders) == ("ndi", 31, 31)
    assert outcome.rule_assumption is not None
    assert "assumption" in outcome.rule_assumption


def test_only_answers_by_the_as_of_day_count(registry: Registry) -> None:
    add_cases(registry, responders_and_not(30, 0))
    twelve_months = PROCEDURE_DAY + timedelta(days=365)
    assert outcome_of(registry, as_of=twelve_months - timedelta(days=30)).n == 0
    assert outcome_of(registry, as_of=AS_OF).n == 30


def test_a_patient_with_two_similar_episodes_counts_once(registry: Registry) -> None:
    add_cases(registry, responders_and_not(30, 0))
    with registry.transaction() as session:
        first = session.scalars(select(Episode).order_by(Episode.id)).first()
        assert first is not None
        again = Episode(
            patient_id=first.patient_id, region="lumbar", severity="moderate", started_on=AS_OF
        )
        session.add(again)
        session.flush()
        session.add(
            Procedure(
                episode_id=again.id,
                performed_on=AS_OF - timedelta(days=400),
                cell_source="adipose",
                region="lumbar",
                levels=["L3-L4"],
                image_guidance="fluoroscopy",
                operator="Dr Test",
            )
        )
        for timepoint, score in (("baseline", 40.0), ("12m", 39.0)):
            session.add(
                Assessment(
                    episode_id=again.id,
                    instrument="odi",
                    timepoint=timepoint,
                    assessed_on=AS_OF - timedelta(days=1),
                    answers=[],
                    score=score,
                    answered=10,
                )
            )
    # Both episodes are treated and similar; the patient counts once, with the first episode.
    outcome = outcome_of(registry)
    assert (outcome.n, outcome.responders) == (30, 30)


@pytest.mark.parametrize(
    ("field", "values"), [("region", ("neck", "moderate")), ("severity", ("lumbar", "worst"))]
)
def test_bad_region_or_severity_names_the_field(
    registry: Registry, field: str, values: tuple[str, str]
) -> None:
    with pytest.raises(InvalidInput) as caught:
        outcome_of(registry, *values)
    assert caught.value.field == field
    assert caught.value.allowed


def test_no_database_file_means_no_numbers_and_no_file_created(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "nothing-here")
    assert configured_registry_outcome(settings, "lumbar", "moderate", AS_OF) is None
    assert not (tmp_path / "nothing-here").exists()


def test_a_database_without_registry_tables_gives_no_numbers(tmp_path: Path) -> None:
    empty = Registry(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    try:
        assert available_registry_outcome(empty, "lumbar", "moderate", AS_OF) is None
    finally:
        empty.dispose()


def test_the_configured_database_is_read_when_migrated(registry: Registry) -> None:
    add_cases(registry, responders_and_not(30, 0))
    settings = Settings(database_url=registry.url)
    outcome = configured_registry_outcome(settings, "lumbar", "moderate", AS_OF)
    assert outcome is not None
    assert outcome.responders == 30
