"""The patient profile the screening reads: typed, closed vocabularies, every field validated."""

from __future__ import annotations

from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, model_validator

from regenspine.care.procedure import StenosisRegion
from regenspine.input_problems import FieldProblem, parse_as

Region = StenosisRegion
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


# The yes-or-no findings of a scan report the screening reads.
FINDINGS = ("disc_bulge", "ligamentum_flavum_hypertrophy", "facet_arthropathy", "instability")


class ImagingFindings(_Closed):
    """What the MRI or CT report says narrows the canal."""

    # False: the person does not know what the report says; the findings below are then unknown,
    # and the screening checks that read them are not made (it says so instead).
    known: bool = True
    disc_bulge: bool
    ligamentum_flavum_hypertrophy: bool
    facet_arthropathy: bool
    # None: the person does not know (most scan reports do not give a share). Shown, never
    # scored: no study sets a share of bone above which injections stop being an option.
    bony_compression_percent: float | None = Field(default=None, ge=0, le=100)
    instability: bool

    @model_validator(mode="after")
    def _unknown_report_has_no_findings(self) -> ImagingFindings:
        ticked = [name for name in FINDINGS if getattr(self, name)]
        if not self.known and (ticked or self.bony_compression_percent is not None):
            raise FieldProblem(
                (ticked[0] if ticked else "bony_compression_percent",),
                "is given although the report is marked as not known",
                "either the report's findings or that it is not known, not both",
            )
        return self

    @property
    def has_soft_tissue_contributor(self) -> bool:
        """Whether a disc, ligament or facet joint (not only bone) narrows the canal."""
        return self.disc_bulge or self.ligamentum_flavum_hypertrophy or self.facet_arthropathy


class PatientProfile(_Closed):
    """One person's answers to the screening questions."""

    age: int = Field(ge=18, le=120)
    region: Region
    # None: the person does not know how severe the narrowing is.
    severity: Severity | None
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
    return parse_as(PatientProfile, data, whole="profile")
