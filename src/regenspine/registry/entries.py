"""What a clinic enters for the registry's own entities: patients, episodes, consents, treatments.

Care records (procedures, medicines, adverse events) are validated by `regenspine.care`; these
are the entries only the registry knows. Each is checked here once, whichever face or file it
comes from (a form, the JSON API, a FHIR import, the synthetic generator).
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field, StrictBool, field_validator, model_validator

from regenspine.care.procedure import StenosisRegion
from regenspine.decision_aid.profile import Severity
from regenspine.registry.models import ConsentKind, InterventionKind, Sex

IDENTIFYING_FIELDS = ("name", "birth_date", "sex", "zip", "email", "phone", "mrn")
# A registry site code, for patients entered with or without their identity.
SITE_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,39}$"


class PatientInput(BaseModel):
    """A new patient as entered: the identifying fields plus the registry site."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=200)
    birth_date: date
    sex: Sex
    zip: str | None = Field(default=None, pattern=r"^[0-9]{5}(-[0-9]{4})?$")
    email: str | None = Field(default=None, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    phone: str | None = Field(default=None, pattern=r"^\+?[0-9 ()./-]{6,40}$")
    mrn: str | None = Field(default=None, min_length=1, max_length=40)
    site: str = Field(default="main", pattern=SITE_PATTERN)
    synthetic: StrictBool = False

    @field_validator("birth_date")
    @classmethod
    def _plausible_birth_date(cls, value: date) -> date:
        if value > date.today():
            raise ValueError("must not be in the future")
        if value.year < 1900:
            raise ValueError("must be in 1900 or later")
        return value


class EpisodeInput(BaseModel):
    """A new episode of care for a registered patient."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    region: StenosisRegion
    severity: Severity | None = None
    # ICD-10-CM shape, e.g. M48.062 (lumbar stenosis with neurogenic claudication).
    diagnosis_code: str | None = Field(default=None, pattern=r"^[A-Z][0-9]{2}(\.[0-9A-Z]{1,4})?$")
    started_on: date
    note: str | None = Field(default=None, max_length=2000)


class ConsentInput(BaseModel):
    """A consent decision as recorded on the form."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    kind: ConsentKind
    given: bool
    recorded_on: date
    form_version: str | None = Field(default=None, max_length=40)
    withdrawn_on: date | None = None

    @model_validator(mode="after")
    def _withdrawal_after_consent(self) -> ConsentInput:
        if self.withdrawn_on is not None and self.withdrawn_on < self.recorded_on:
            raise ValueError("withdrawn_on must not be before recorded_on")
        return self


class InterventionInput(BaseModel):
    """A later treatment of the same condition."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    performed_on: date
    kind: InterventionKind
    description: str | None = Field(default=None, max_length=2000)
