"""The screening questionnaire as a web form: plain-language questions for each profile field,
and the reading of a submitted form into a `PatientProfile`.

The questions only name the choices the screening rules accept; what a symptom means is shown
from a knowledge-base fact (`hint_fact`), so clinical text stays in the knowledge base.
"""

from __future__ import annotations

from typing import Any, get_args

from starlette.datastructures import ImmutableMultiDict

from regenspine.decision_aid.profile import (
    CONTRAINDICATIONS,
    RED_FLAG_IDS,
    GeneralHealth,
    ImagingFindings,
    PatientProfile,
    Region,
    Severity,
    Symptom,
    WorseningSymptom,
    parse_profile,
)
from regenspine.errors import InvalidInput
from regenspine.web.forms.fields import (
    FieldReader,
    FormFields,
    InvalidForm,
    bounds,
    choice,
    number,
    picks,
    range_of,
    text,
    ticked,
    whole_number,
)
from regenspine.web.labels import Choice, choices_of

# Words for each value; the values and their order come from the profile's vocabularies.
REGION_CHOICES = choices_of(
    get_args(Region),
    {
        "lumbar": "Low back (lumbar)",
        "cervical": "Neck (cervical)",
        "thoracic": "Mid back (thoracic)",
    },
)
DONT_KNOW = "unknown"  # the form's value for "I don't know"; the profile holds None
SEVERITY_CHOICES = (
    *choices_of(get_args(Severity), {"mild": "Mild", "moderate": "Moderate", "severe": "Severe"}),
    Choice(DONT_KNOW, "I don't know"),
)
# The clinic form offers the same values; "not graded" is the clinician's word for unknown.
CLINIC_SEVERITY_CHOICES = (*SEVERITY_CHOICES[:-1], Choice(DONT_KNOW, "Not graded"))
SYMPTOM_CHOICES = choices_of(
    get_args(Symptom),
    {
        "neurogenic_claudication": (
            "Legs ache, cramp or feel heavy when walking or standing, better when sitting"
        ),
        "leg_pain": "Leg pain",
        "back_pain": "Back pain",
        "numbness": "Numbness or tingling",
        "weakness": "Weakness",
        "arm_pain": "Arm pain",
        "balance_problems": "Balance problems or unsteady walking",
        "hand_clumsiness": "Clumsy hands (dropping things, trouble with buttons)",
    },
    hints={"neurogenic_claudication": "symptoms.walking_pattern"},
)
# Fast change is what makes weakness, clumsy hands or poor balance urgent (screening rules).
WORSENING_CHOICES = (
    Choice("weakness", "Weakness"),
    Choice("numbness", "Numbness or tingling"),
    Choice("hand_clumsiness", "Clumsy hands"),
    Choice("balance_problems", "Balance or walking"),
)
IMAGING_CHOICES = (
    Choice("imaging.disc_bulge", "A bulging disc"),
    Choice("imaging.ligamentum_flavum_hypertrophy", "A thickened ligament (ligamentum flavum)"),
    Choice("imaging.facet_arthropathy", "Arthritis of the facet joints"),
    Choice("imaging.instability", "Instability: a vertebra that slips or moves too much"),
)
IMAGING_UNKNOWN = Choice("imaging.unknown", "I don't know what my scan report says")
SHARE_UNKNOWN = Choice("imaging.bony_compression_unknown", "I don't know")
CONTRAINDICATION_CHOICES = choices_of(
    CONTRAINDICATIONS,
    {
        "active_infection": "An infection now",
        "active_cancer": "Cancer now or recently treated",
        "pregnancy": "Pregnant, or planning to be",
        "bleeding_disorder": "A bleeding disorder",
        "anticoagulant_cannot_pause": "A blood thinner that cannot be paused",
        "immunosuppressed": "A weakened immune system, or medicines that suppress it",
    },
)
HEALTH_CHOICES = choices_of(
    get_args(GeneralHealth), {"good": "Good", "fair": "Fair", "poor": "Poor"}
)


def values_of(choices: tuple[Choice, ...]) -> list[str]:
    """The values a question offers, in form order."""
    return [item.value for item in choices]


# (lowest, highest) of each number question, read from the profile's own constraints.
NUMBER_BOUNDS = {
    "age": bounds(PatientProfile, "age"),
    "symptom_weeks": bounds(PatientProfile, "symptom_weeks"),
    "conservative_care_weeks": bounds(PatientProfile, "conservative_care_weeks"),
    "imaging.bony_compression_percent": bounds(ImagingFindings, "bony_compression_percent"),
}
NUMBER_FIELDS = {
    "age": range_of(PatientProfile, "age"),
    "symptom_weeks": range_of(PatientProfile, "symptom_weeks"),
    "conservative_care_weeks": range_of(PatientProfile, "conservative_care_weeks"),
    "imaging.bony_compression_percent": range_of(ImagingFindings, "bony_compression_percent"),
}


def _number(reader: FieldReader, name: str, whole: bool = False) -> float:
    """A number question, also checked against the profile's bounds so all problems show at once."""
    before = len(reader.problems)
    allowed = NUMBER_FIELDS[name]

    def parse(form: FormFields, field: str) -> float:
        return whole_number(form, field, allowed) if whole else number(form, field, allowed)

    value = reader.read(parse, name, 0.0)
    low, high = NUMBER_BOUNDS[name]
    outside = (low is not None and value < low) or (high is not None and value > high)
    if len(reader.problems) == before and outside:
        reader.problems.append(InvalidInput(name, f"{value:g} is out of range", allowed))
    return value


def _imaging(reader: FieldReader) -> dict[str, Any]:
    findings: dict[str, Any] = {
        _finding(item): ticked(reader.form, item.value) for item in IMAGING_CHOICES
    }
    findings["known"] = not ticked(reader.form, IMAGING_UNKNOWN.value)
    # Left empty or "I don't know": most scan reports give no share, and the rules never use it.
    share = "imaging.bony_compression_percent"
    given = bool(text(reader.form, share)) and not ticked(reader.form, SHARE_UNKNOWN.value)
    findings["bony_compression_percent"] = _number(reader, share) if given else None
    return findings


def _severity(reader: FieldReader) -> str | None:
    answer = reader.read(lambda f, n: choice(f, n, values_of(SEVERITY_CHOICES)), "severity", "")
    return None if answer == DONT_KNOW else answer


def _known(reader: FieldReader, name: str, allowed: tuple[str, ...]) -> list[str]:
    """Ticked values of a checkbox group; an unknown one is a problem naming the allowed values."""
    chosen = picks(reader.form, name)
    for value in chosen:
        if value not in allowed:
            reader.problems.append(InvalidInput(name, f"unknown value {value[:40]!r}", allowed))
    return [value for value in chosen if value in allowed]


def profile_answers(form: FormFields) -> dict[str, Any]:
    """The submitted form as profile JSON, or InvalidForm listing every field's problem."""
    reader = FieldReader(form)
    answers: dict[str, Any] = {
        "age": _number(reader, "age", whole=True),
        "region": reader.read(lambda f, n: choice(f, n, values_of(REGION_CHOICES)), "region", ""),
        "severity": _severity(reader),
        "symptom_weeks": _number(reader, "symptom_weeks"),
        "symptoms": _known(reader, "symptoms", get_args(Symptom)),
        "worsening_symptoms": _known(reader, "worsening_symptoms", get_args(WorseningSymptom)),
        "red_flags": _known(reader, "red_flags", RED_FLAG_IDS),
        "imaging": _imaging(reader),
        "conservative_care_weeks": _number(reader, "conservative_care_weeks"),
        "contraindications": _known(reader, "contraindications", CONTRAINDICATIONS),
        "general_health": reader.read(
            lambda f, n: choice(f, n, values_of(HEALTH_CHOICES)), "general_health", ""
        ),
    }
    reader.raise_problems()
    return answers


def profile_from_form(form: FormFields) -> PatientProfile:
    """A validated profile from the submitted form; the profile itself has the last word."""
    answers = profile_answers(form)
    try:
        return parse_profile(answers)
    except InvalidInput as problem:
        raise InvalidForm([problem]) from None


def form_of_profile(profile: PatientProfile) -> FormFields:
    """The form fields that would give this profile: to show saved answers in the form again."""
    imaging = profile.imaging
    pairs: list[tuple[str, object]] = [
        ("age", str(profile.age)),
        ("region", profile.region),
        ("severity", profile.severity or DONT_KNOW),
        ("symptom_weeks", f"{profile.symptom_weeks:g}"),
        ("conservative_care_weeks", f"{profile.conservative_care_weeks:g}"),
        ("general_health", profile.general_health),
    ]
    for name in ("symptoms", "worsening_symptoms", "red_flags", "contraindications"):
        pairs += [(name, value) for value in getattr(profile, name)]
    pairs += [(item.value, "yes") for item in IMAGING_CHOICES if getattr(imaging, _finding(item))]
    if not imaging.known:
        pairs.append((IMAGING_UNKNOWN.value, "yes"))
    elif imaging.bony_compression_percent is None:
        pairs.append((SHARE_UNKNOWN.value, "yes"))
    else:
        pairs.append(("imaging.bony_compression_percent", f"{imaging.bony_compression_percent:g}"))
    return ImmutableMultiDict(pairs)


def _finding(choice: Choice) -> str:
    return choice.value.removeprefix("imaging.")
