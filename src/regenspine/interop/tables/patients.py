"""Export tables of who is in the registry: patients, episodes, consents and screenings."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, get_args

from sqlalchemy import Connection, func, select

from regenspine.decision_aid.profile import (
    CONTRAINDICATIONS,
    RED_FLAG_IDS,
    GeneralHealth,
    Region,
    Severity,
    Symptom,
)
from regenspine.decision_aid.screening import ScreeningCategory
from regenspine.interop.deidentify import OLDEST_REPORTED_AGE, reported_birth_year, zip3
from regenspine.interop.release import ExportContext
from regenspine.interop.tables.tidy import (
    EPISODE,
    PATIENT_KEY,
    SYNTHETIC,
    Column,
    ExportTable,
    Values,
    date_column,
    days_column,
    episode_frame,
    episode_values,
    fields,
    frame_columns,
    stream,
)
from regenspine.registry.models import (
    CONSENT_KINDS,
    REGIONS,
    SEVERITIES,
    SEXES,
    Consent,
    Episode,
    Patient,
    PatientIdentity,
    Screening,
)
from regenspine.registry.models.patients import EPISODE_STATUSES

ICD10_PATTERN = r"[A-Z][0-9]{2}(\.[0-9A-Z]{1,4})?"
SITE_PATTERN = r"[a-z0-9][a-z0-9_-]{0,39}"
IMAGING_FLAGS = ("disc_bulge", "ligamentum_flavum_hypertrophy", "facet_arthropathy", "instability")


def _identified(name: str, kind: Any, meaning: str) -> Column:
    """A column that identifies the person: identified exports only, flagged as an identifier."""
    return Column(name, kind, meaning, privacy="identified", identifier=True)


PATIENT_COLUMNS = (
    PATIENT_KEY,
    Column("site", "code", "Registry site the patient belongs to.", pattern=SITE_PATTERN),
    Column("sex", "category", "Sex as recorded.", SEXES),
    _identified("name", "text", "Full name."),
    _identified("birth_date", "date", "Date of birth."),
    Column(
        "birth_year",
        "integer",
        "Year of birth; empty when it would show an age over 89 on the day of the export.",
        privacy="deidentified",
    ),
    _identified("zip", "code", "ZIP code."),
    Column(
        "zip3",
        "code",
        "First three ZIP digits; 000 where that three-digit area has 20,000 people or fewer.",
        pattern=r"[0-9]{3}",
        privacy="deidentified",
    ),
    _identified("email", "text", "E-mail address."),
    _identified("phone", "text", "Telephone number."),
    _identified("mrn", "text", "Medical record number."),
    SYNTHETIC,
)


def _patient_rows(connection: Connection, context: ExportContext) -> Iterator[Values]:
    identity = ("sex", "name", "birth_date", "zip", "email", "phone", "mrn")
    statement = (
        select(
            Patient.id,
            Patient.registry_key,
            Patient.site,
            Patient.synthetic,
            *fields(PatientIdentity, *identity),
        )
        .outerjoin(PatientIdentity, PatientIdentity.patient_id == Patient.id)
        .order_by(Patient.id)
    )
    for row in stream(connection, statement):
        born = row.birth_date
        yield {name: getattr(row, name) for name in identity} | {
            "patient_key": row.registry_key,
            "site": row.site,
            "synthetic": row.synthetic,
            "birth_year": reported_birth_year(born, context.as_of) if born else None,
            "zip3": zip3(row.zip),
            "_order": (row.id,),
        }


EPISODE_COLUMNS = (
    PATIENT_KEY,
    EPISODE,
    Column("region", "category", "Region of the spine treated in this episode.", REGIONS),
    Column("severity", "category", "Stenosis severity as recorded.", SEVERITIES),
    Column("diagnosis_code", "code", "ICD-10-CM diagnosis code.", pattern=ICD10_PATTERN),
    Column("status", "category", "Whether the episode is still open.", EPISODE_STATUSES),
    date_column("index_date", "Date of the index procedure (the episode's first)"),
    Column("index_year", "integer", "Year of the index procedure; empty without a procedure."),
    Column(
        "age_at_index",
        "integer",
        "Age in whole years on the day of the index procedure.",
        privacy="identified",
    ),
    Column(
        "age_at_index",
        "age",
        "Age on the day of the index procedure; ages over 89 are reported as 90+.",
        privacy="deidentified",
    ),
    Column("procedures", "integer", "Number of procedures in the episode.", minimum=0),
    date_column("started_on", "Day the episode started"),
    days_column("started_day", "Start of the episode"),
    date_column("closed_on", "Day the episode was closed"),
    days_column("closed_day", "Closing of the episode"),
    _identified("note", "notes", "Free-text note on the episode."),
    SYNTHETIC,
)


def _episode_rows(connection: Connection, context: ExportContext) -> Iterator[Values]:
    frame = episode_frame()
    kept = ("region", "severity", "diagnosis_code", "status", "started_on", "closed_on", "note")
    statement = (
        select(
            *frame_columns(frame), frame.c.procedures, frame.c.birth_date, *fields(Episode, *kept)
        )
        .join(Episode, Episode.id == frame.c.episode_id)
        .order_by(frame.c.patient_id, frame.c.episode_number)
    )
    for row in stream(connection, statement):
        index = row.index_date
        yield (
            episode_values(row)
            | {name: getattr(row, name) for name in kept}
            | {
                "index_date": index,
                "index_year": index.year if index else None,
                "age_at_index": context.age(row.birth_date, index),
                "procedures": row.procedures,
                "started_day": context.day(index, row.started_on),
                "closed_day": context.day(index, row.closed_on),
            }
        )


CONSENT_COLUMNS = (
    PATIENT_KEY,
    EPISODE,
    Column("consent", "key", "Consent number within the episode, in the order recorded."),
    Column("kind", "category", "What the consent covers.", CONSENT_KINDS),
    Column("given", "boolean", "true when consent was given, false when refused."),
    days_column("days_from_procedure", "Day the consent was recorded"),
    date_column("recorded_on", "Day the consent was recorded"),
    days_column("withdrawn_day", "Day the consent was withdrawn"),
    date_column("withdrawn_on", "Day the consent was withdrawn"),
    _identified("form_version", "text", "Consent form version as typed."),
    SYNTHETIC,
)


def _consent_rows(connection: Connection, context: ExportContext) -> Iterator[Values]:
    frame = episode_frame()
    number = func.row_number().over(
        partition_by=Consent.episode_id, order_by=(Consent.recorded_on, Consent.id)
    )
    kept = ("kind", "given", "recorded_on", "withdrawn_on", "form_version")
    statement = (
        select(*frame_columns(frame), *fields(Consent, *kept), number.label("number"))
        .join(Consent, Consent.episode_id == frame.c.episode_id)
        .order_by(frame.c.patient_id, frame.c.episode_number, Consent.recorded_on, Consent.id)
    )
    for row in stream(connection, statement):
        index = row.index_date
        yield (
            episode_values(row)
            | {name: getattr(row, name) for name in kept}
            | {
                "consent": row.number,
                "days_from_procedure": context.day(index, row.recorded_on),
                "withdrawn_day": context.day(index, row.withdrawn_on),
            }
        )


def _flag(name: str, meaning: str) -> Column:
    return Column(name, "boolean", meaning)


SCREENING_COLUMNS = (
    PATIENT_KEY,
    EPISODE,
    Column("screening", "key", "Screening number within the episode, in the order recorded."),
    days_column("days_from_procedure", "Day of the screening"),
    date_column("screened_on", "Day of the screening"),
    Column(
        "category",
        "category",
        "Result of the decision-aid screening.",
        tuple(category.value for category in ScreeningCategory),
    ),
    Column("age", "integer", "Age entered in the screening profile.", privacy="identified"),
    Column(
        "age",
        "age",
        "Age entered in the screening profile; over 89 is reported as 90+.",
        privacy="deidentified",
    ),
    Column("region", "category", "Region entered in the profile.", get_args(Region)),
    Column("severity", "category", "Severity entered in the profile.", get_args(Severity)),
    Column("symptom_weeks", "number", "Weeks with symptoms.", minimum=0),
    Column("conservative_care_weeks", "number", "Weeks of conservative care tried.", minimum=0),
    Column("general_health", "category", "General health.", get_args(GeneralHealth)),
    Column("symptoms", "categories", "Symptoms ticked.", get_args(Symptom)),
    Column("red_flags", "categories", "Red flags ticked.", RED_FLAG_IDS),
    Column("contraindications", "categories", "Contraindications ticked.", CONTRAINDICATIONS),
    _flag("disc_bulge", "Imaging shows a disc bulge."),
    _flag("ligamentum_flavum_hypertrophy", "Imaging shows a thickened ligamentum flavum."),
    _flag("facet_arthropathy", "Imaging shows facet joint arthropathy."),
    Column(
        "bony_compression_percent",
        "number",
        "Share of the narrowing caused by bone, in percent.",
        minimum=0,
        maximum=100,
    ),
    _flag("instability", "Imaging shows instability."),
    SYNTHETIC,
)


def _screening_rows(connection: Connection, context: ExportContext) -> Iterator[Values]:
    frame = episode_frame()
    number = func.row_number().over(
        partition_by=Screening.episode_id, order_by=(Screening.screened_on, Screening.id)
    )
    statement = (
        select(
            *frame_columns(frame),
            *fields(Screening, "screened_on", "category", "profile"),
            number.label("number"),
        )
        .join(Screening, Screening.episode_id == frame.c.episode_id)
        .order_by(frame.c.patient_id, frame.c.episode_number, Screening.screened_on, Screening.id)
    )
    for row in stream(connection, statement):
        yield (
            episode_values(row)
            | {
                "screening": row.number,
                "days_from_procedure": context.day(row.index_date, row.screened_on),
                "screened_on": row.screened_on,
                "category": row.category,
            }
            | _profile_values(row.profile, context)
        )


def _profile_values(profile: object, context: ExportContext) -> Values:
    """The profile's fields by name (a de-identified export then keeps only well-formed ones)."""
    if not isinstance(profile, dict):
        return {}
    imaging = profile.get("imaging")
    imaging = imaging if isinstance(imaging, dict) else {}
    names = (
        "region",
        "severity",
        "symptom_weeks",
        "conservative_care_weeks",
        "general_health",
        "symptoms",
        "red_flags",
        "contraindications",
    )
    values: Values = {name: profile.get(name) for name in names}
    values |= {name: imaging.get(name) for name in IMAGING_FLAGS}
    values["bony_compression_percent"] = imaging.get("bony_compression_percent")
    values["age"] = _profile_age(profile.get("age"), context)
    return values


def _profile_age(age: object, context: ExportContext) -> object:
    if context.identified or not isinstance(age, int) or isinstance(age, bool):
        return age
    return "90+" if age > OLDEST_REPORTED_AGE else str(age)


PATIENTS = ExportTable("patients", "One row per patient.", PATIENT_COLUMNS, _patient_rows)
EPISODES = ExportTable(
    "episodes",
    "One row per episode of care, with its index procedure.",
    EPISODE_COLUMNS,
    _episode_rows,
)
CONSENTS = ExportTable("consents", "One row per consent decision.", CONSENT_COLUMNS, _consent_rows)
SCREENINGS = ExportTable(
    "screenings",
    "One row per decision-aid screening, with the profile it read.",
    SCREENING_COLUMNS,
    _screening_rows,
)
