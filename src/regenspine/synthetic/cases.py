"""Who a synthetic patient is: obviously fake identity, episode, screening, consents, course.

Identifiers are plainly fake ("Synthetic Patient 00042", MRN SYN-00042, an example.org address,
no phone or ZIP code), and every patient row carries `synthetic = True`. The screening runs the
real decision-aid `screen_candidate` on a generated profile and is stored as the registry stores
a clinic's screening.

Numbers are THIS TOOL'S ASSUMPTION unless a comment names a source.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any

from regenspine.care import FollowUpVisit, StenosisRegion, follow_up_schedule
from regenspine.decision_aid.profile import GeneralHealth, Severity, Symptom, parse_profile
from regenspine.decision_aid.screening import screen_candidate
from regenspine.registry.entries import ConsentInput, EpisodeInput, PatientInput
from regenspine.registry.models import ConsentKind
from regenspine.registry.rows import (
    consent_columns,
    episode_columns,
    identity_columns,
    patient_columns,
    screening_columns,
)
from regenspine.synthetic.answers import Course, Weighted, clamp
from regenspine.synthetic.rows import IdCounters, RowBatch, synthetic_registry_key

# Procedures spread evenly over the three years before the as-of day, so that some patients
# have finished 24 months of follow-up and others are still due visits.
ENROLMENT_DAYS = 3 * 365
LUMBAR_SHARE = 0.85
# Age at the procedure: stenosis is mostly a condition of later life; the fusion trial enrolled
# people aged 50 to 80 (forsth-2016-sss). Mean and spread are assumed.
AGE_MEAN, AGE_SD, AGE_RANGE = 64.0, 10.0, (30, 90)
FEMALE_SHARE = 0.5
# Baseline disability: NORspine reports a mean baseline ODI of 43.0 (SD 17.3) for lumbar
# patients (norspine-nd-registry-report); the NDI of neck patients is assumed to match.
BASELINE_MEAN, BASELINE_SD = 43.0, 17.3
# Share of baseline disability gone once the effect has built up: modest on average with a wide
# spread, so that many patients do not respond. Invented for demonstration: no success rate of
# cell therapy for stenosis is established, and these data must never be read as one.
RESPONSE_MEAN, RESPONSE_SD, SEVERE_RESPONSE_MEAN = 0.28, 0.30, 0.20
DIAGNOSIS_CODES: dict[StenosisRegion, tuple[str, str]] = {
    "lumbar": ("M48.062", "M48.061"),
    "cervical": ("M48.02", "M48.02"),
}
SYMPTOMS: dict[StenosisRegion, dict[Symptom, float]] = {
    "lumbar": {
        "neurogenic_claudication": 0.8,
        "leg_pain": 0.85,
        "back_pain": 0.7,
        "numbness": 0.4,
        "weakness": 0.15,
        "balance_problems": 0.1,
    },
    "cervical": {
        "arm_pain": 0.8,
        "numbness": 0.6,
        "hand_clumsiness": 0.15,
        "weakness": 0.2,
        "balance_problems": 0.1,
    },
}
CONSENTS: dict[ConsentKind, float] = {
    "treatment": 1.0,
    "registry": 1.0,
    "research_use": 0.9,
    "contact": 0.8,
}
CONSENT_FORM = "synthetic-1"
GENERAL_HEALTH_WEIGHTS: dict[GeneralHealth, float] = {"good": 60, "fair": 35, "poor": 5}
GENERAL_HEALTH = Weighted.by_weight(GENERAL_HEALTH_WEIGHTS)


@dataclass(frozen=True)
class RunPlan:
    """What every patient of one run shares: the as-of day and the sites with their sizes."""

    as_of: date
    sites: Weighted

    @classmethod
    def for_sites(cls, as_of: date, count: int) -> RunPlan:
        """Sites `site-1` to `site-K`; earlier sites are larger, as registries' sites differ."""
        sites = [f"site-{number}" for number in range(1, count + 1)]
        weights = [1 / number**0.6 for number in range(1, count + 1)]
        return cls(as_of=as_of, sites=Weighted.of(sites, weights))


@dataclass(frozen=True)
class Enrolment:
    """A registered synthetic patient with an open or finished episode, before the procedure."""

    patient_id: int
    episode_id: int
    site: str
    region: StenosisRegion
    severity: Severity
    started_on: date
    performed_on: date
    course: Course


@lru_cache(maxsize=8192)
def visit_schedule(performed_on: date) -> tuple[FollowUpVisit, ...]:
    """The registry's follow-up schedule for a procedure day (cached: few distinct days)."""
    return follow_up_schedule(performed_on)


def enrol_patient(rng: random.Random, ids: IdCounters, batch: RowBatch, plan: RunPlan) -> Enrolment:
    """Queue a patient, the identity, an episode, a screening and consents."""
    performed_on = plan.as_of - timedelta(days=rng.randint(1, ENROLMENT_DAYS))
    started_on = performed_on - timedelta(days=rng.randint(14, 56))
    site = plan.sites.draw(rng)
    region: StenosisRegion = "lumbar" if rng.random() < LUMBAR_SHARE else "cervical"
    course = draw_course(rng, region)
    severity = _severity(rng, course.baseline_disability)
    born = _birth_date(rng, performed_on)
    patient_id = ids.take("patient")
    _add_patient(batch, rng, patient_id, site, born, started_on)
    enrolment = Enrolment(
        patient_id, ids.take("episode"), site, region, severity, started_on, performed_on, course
    )
    _add_episode(batch, rng, enrolment, plan.as_of)
    profile = _profile(rng, _age_on(born, started_on), region, severity)
    _add_screening(batch, ids, enrolment.episode_id, started_on, profile)
    _add_consents(batch, ids, rng, enrolment.episode_id, started_on)
    return enrolment


def _add_episode(batch: RowBatch, rng: random.Random, enrolment: Enrolment, as_of: date) -> None:
    """The episode closes when the last follow-up window has closed by the as-of day."""
    last_visit = visit_schedule(enrolment.performed_on)[-1]
    finished = last_visit.window_closes < as_of
    entered = EpisodeInput(
        region=enrolment.region,
        severity=enrolment.severity,
        diagnosis_code=_diagnosis(rng, enrolment.region),
        started_on=enrolment.started_on,
    )
    columns = episode_columns(
        entered,
        patient_id=enrolment.patient_id,
        status="closed" if finished else "open",
        closed_on=last_visit.window_closes if finished else None,
    )
    batch.add("episode", {"id": enrolment.episode_id, **columns})


def draw_course(rng: random.Random, region: str) -> Course:
    """How disabled this patient is at baseline and how much better they will get."""
    baseline = clamp(rng.gauss(BASELINE_MEAN, BASELINE_SD), 4.0, 94.0)
    # The most disabled improve a little less on average (assumed).
    mean = SEVERE_RESPONSE_MEAN if baseline > 58 else RESPONSE_MEAN
    return Course(
        region=region,
        baseline_disability=baseline,
        response=clamp(rng.gauss(mean, RESPONSE_SD), -0.5, 0.95),
        item_offsets=tuple(rng.gauss(0, 0.5) for _ in range(12)),
        pain_offset=rng.gauss(0, 0.12),
        back_or_neck_pain=clamp(rng.gauss(5.5, 2.0), 0.0, 10.0),
        leg_or_arm_pain=clamp(rng.gauss(6.3, 1.8), 1.0, 10.0),
        walking_minutes=clamp(12 * 2.0 ** rng.gauss(0, 1.0), 0.0, 240.0),
    )


def _severity(rng: random.Random, baseline: float) -> Severity:
    """Imaging severity loosely follows disability; the two often disagree in practice."""
    rated = baseline + rng.gauss(0, 8)
    return "mild" if rated < 28 else "severe" if rated > 58 else "moderate"


def _birth_date(rng: random.Random, performed_on: date) -> date:
    age = clamp(rng.gauss(AGE_MEAN, AGE_SD), *AGE_RANGE)
    return performed_on - timedelta(days=int(age * 365.25))


def _age_on(born: date, day: date) -> int:
    before_birthday = (day.month, day.day) < (born.month, born.day)
    return day.year - born.year - before_birthday


def _add_patient(
    batch: RowBatch, rng: random.Random, patient_id: int, site: str, born: date, started_on: date
) -> None:
    number = f"{patient_id:05d}"
    entered = PatientInput(
        name=f"Synthetic Patient {number}",
        birth_date=born,
        sex="female" if rng.random() < FEMALE_SHARE else "male",
        email=f"synthetic-{number}@example.org",
        mrn=f"SYN-{number}",
        site=site,
        synthetic=True,
    )
    columns = patient_columns(synthetic_registry_key(patient_id), site=site, synthetic=True)
    created_at = datetime.combine(started_on, time(9, 0), tzinfo=UTC)
    batch.add("patient", {"id": patient_id, "created_at": created_at, **columns})
    batch.add("patient_identity", {"patient_id": patient_id, **identity_columns(entered)})


def _diagnosis(rng: random.Random, region: StenosisRegion) -> str:
    # ICD-10-CM M48.062 is lumbar stenosis with neurogenic claudication, M48.061 without.
    with_claudication, without = DIAGNOSIS_CODES[region]
    return with_claudication if rng.random() < 0.8 else without


def _profile(
    rng: random.Random, age: int, region: StenosisRegion, severity: Severity
) -> dict[str, Any]:
    """Screening answers of someone a clinic went on to treat: no red flag, no contraindication."""
    chances = SYMPTOMS[region]
    symptoms = [name for name, chance in chances.items() if rng.random() < chance]
    symptom_weeks = rng.randint(12, 260)
    return {
        "age": max(age, 18),
        "region": region,
        "severity": severity,
        "symptom_weeks": float(symptom_weeks),
        "symptoms": symptoms or [next(iter(chances))],
        "red_flags": [],
        "imaging": {
            "disc_bulge": rng.random() < 0.7,
            "ligamentum_flavum_hypertrophy": rng.random() < 0.65,
            "facet_arthropathy": rng.random() < 0.55,
            "bony_compression_percent": float(rng.randrange(0, 55, 5)),
            "instability": rng.random() < 0.05,
        },
        "conservative_care_weeks": float(rng.randint(6, min(symptom_weeks, 104))),
        "contraindications": [],
        "general_health": GENERAL_HEALTH.draw(rng),
    }


def _add_screening(
    batch: RowBatch, ids: IdCounters, episode_id: int, screened_on: date, profile: dict[str, Any]
) -> None:
    checked = parse_profile(profile)
    result = screen_candidate(checked)
    columns = screening_columns(checked, result, episode_id=episode_id, screened_on=screened_on)
    batch.add("screening", {"id": ids.take("screening"), **columns})


def _add_consents(
    batch: RowBatch, ids: IdCounters, rng: random.Random, episode_id: int, recorded_on: date
) -> None:
    for kind, chance in CONSENTS.items():
        entered = ConsentInput(
            kind=kind,
            given=rng.random() < chance,
            recorded_on=recorded_on,
            form_version=CONSENT_FORM,
        )
        columns = consent_columns(entered, episode_id=episode_id)
        batch.add("consent", {"id": ids.take("consent"), **columns})
