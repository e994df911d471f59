"""The patient profile the screening reads: typed, closed vocabularies, every field validated."""

from __future__ import annotations

from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from regenspine.errors import InvalidInput, invalid_input_from

Region = Literal["lumbar", "cervical", "thoracic"]
Severity = Literal["mild", "moderate", "severe"]
GeneralHealth = Literal["good", "fair", "poor"]
Symptom = Literal[
    "neurogenic_claudication",
    "leg_pain",
    "back_pain",
    "numbness",
    "weakness",
    "arm_pain",
    "balance_problems",
    "hand_clumsiness",
]
# The same ids as knowledge/data/red_flags.yaml (a test keeps the two in step).
RedFlagId = Literal[
    "saddle_anesthesia",
    "new_bladder_dysfunction",
    "new_bowel_dysfunction",
    "progressive_leg_weakness",
    "bilateral_leg_weakness",
    "new_sexual_dysfunction",
    "fever_with_back_pain",
    "cancer_history_with_new_pain",
    "unexplained_weight_loss",
    "worsening_myelopathy",
    "major_trauma",
]
# Symptoms that started or got worse in the last few weeks: fast change is what makes weakness,
# clumsy hands or poor balance urgent rather than routine.
WorseningSymptom = Literal["weakness", "numbness", "balance_problems", "hand_clumsiness"]
Contraindication = Literal[
    "active_infection",
    "active_cancer",
    "pregnancy",
    "bleeding_disorder",
    "anticoagulant_cannot_pause",
    "immunosuppressed",
]

RED_FLAG_IDS: tuple[str, ...] = get_args(RedFlagId)
CONTRAINDICATIONS: tuple[str, ...] = get_args(Contraindication)


class _Closed(BaseModel):
    # strict: JSON true/false and numbers only, so "yes" or "20" are refused rather than guessed.
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class ImagingFindings(_Closed):
    """What the MRI or CT report says narrows the canal."""

    disc_bulge: bool
    ligamentum_flavum_hypertrophy: bool
    facet_arthropathy: bool
    bony_compression_percent: float = Field(ge=0, le=100)
    instability: bool

    @property
    def has_soft_tissue_contributor(self) -> bool:
        """Whether a disc, ligament or facet joint (not only bone) narrows the canal."""
        return self.disc_bulge or self.ligamentum_flavum_hypertrophy or self.facet_arthropathy


class PatientProfile(_Closed):
    """One person's answers to the screening questions."""

    age: int = Field(ge=18, le=120)
    region: Region
    severity: Severity
    symptom_weeks: float = Field(ge=0)
    symptoms: list[Symptom]
    red_flags: list[RedFlagId]
    imaging: ImagingFindings
    conservative_care_weeks: float = Field(ge=0)
    contraindications: list[Contraindication]
    general_health: GeneralHealth
    # Optional, so profiles written before the field existed still load.
    worsening_symptoms: list[WorseningSymptom] = Field(default_factory=list)


def parse_profile(data: Any) -> PatientProfile:
    """Validate decoded JSON into a PatientProfile, or raise InvalidInput naming the field."""
    try:
        return PatientProfile.model_validate(data)
    except ValidationError as error:
        raise _invalid_input(error) from None


def _invalid_input(error: ValidationError) -> InvalidInput:
    first = error.errors(include_url=False)[0]
    location = tuple(first["loc"])
    field = _field_path(location)
    kind = first["type"]
    if kind == "extra_forbidden":
        return InvalidInput(field, "unknown key", _keys_at(location[:-1]))
    converted = invalid_input_from(error)
    if kind == "literal_error":
        return InvalidInput(field, f"unknown value {first['input']!r}", converted.allowed)
    if kind in ("model_type", "dict_type"):
        return InvalidInput(field, "must be a JSON object")
    if kind == "bool_type":
        return InvalidInput(field, converted.problem, ["true", "false"])
    return InvalidInput(field, converted.problem, converted.allowed or _range_of(location))


def _field_path(location: tuple[int | str, ...]) -> str:
    """`red_flags[1]`, `imaging.bony_compression_percent`; `profile` for the whole document."""
    path = ""
    for part in location:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "profile"


def _model_at(location: tuple[int | str, ...]) -> type[BaseModel]:
    return ImagingFindings if location[:1] == ("imaging",) else PatientProfile


def _keys_at(location: tuple[int | str, ...]) -> list[str]:
    return list(_model_at(location).model_fields)


def _range_of(location: tuple[int | str, ...]) -> str | None:
    """The allowed range of a numeric field, read from its constraints (e.g. `0 to 100`)."""
    if not location or not isinstance(location[-1], str):
        return None
    info = _model_at(location[:-1]).model_fields.get(location[-1])
    if info is None:
        return None
    low = high = None
    for rule in info.metadata:
        low = getattr(rule, "ge", low)
        high = getattr(rule, "le", high)
    if low is None:
        return None
    return f"{low:g} to {high:g}" if high is not None else f"{low:g} or more"
