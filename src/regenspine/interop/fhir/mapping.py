"""The FHIR R4 vocabulary of the registry: code systems, extensions, codes and the id scheme.

Resource ids come from registry ids, so exporting the same registry twice gives the same files:

- Patient/<registry key> (random, 164.514(c)), Condition/episode-<episode id>;
- Procedure/proc-<id> is the image-guided injection, the procedure the registry counts; its
  steps Procedure/proc-<id>-harvest and proc-<id>-processing point at it with `partOf`; a later
  treatment (decompression, another injection...) is Procedure/intervention-<id>;
- CarePlan/plan-<procedure id> (the follow-up schedule), Encounter/visit-<follow-up id>;
- QuestionnaireResponse/answers-<assessment id>, Observation/score-<assessment id>;
- AdverseEvent/ae-<adverse event id>.

What FHIR R4 has no element for travels in extensions under `BASE/StructureDefinition/`: body
site, levels and targets are `bodySite` codings; image guidance, cell source, volumes, cell
counts, lot and product are extensions on the step they belong to. Codes with a published code
system use it (ICD-10-CM, SNOMED CT, LOINC, NCI Thesaurus, HL7 terminology); everything else uses
a local code system under `BASE/CodeSystem/`. `BASE` is on the reserved `.example` domain: these
canonical URLs name the registry's own vocabulary and are not meant to resolve.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from regenspine.care import AdverseEventOutcome, CtcaeGrade, SeriousCriterion

Json = dict[str, Any]

BASE = "https://regenspine.example/fhir"

# Published code systems (canonical URIs from the FHIR specification and HL7 terminology).
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
SNOMED = "http://snomed.info/sct"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
# HL7 THO CodeSystem v3-nciThesaurus: build.fhir.org/ig/HL7/UTG/CodeSystem-v3-nciThesaurus.html
NCI_THESAURUS = "http://ncicb.nci.nih.gov/xml/owl/EVS/Thesaurus.owl"
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONDITION_VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
DATA_ABSENT_REASON = "http://terminology.hl7.org/CodeSystem/data-absent-reason"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
IDENTIFIER_TYPE = "http://terminology.hl7.org/CodeSystem/v2-0203"
# hl7.org/fhir/R4/codesystem-adverse-event-{seriousness,severity,outcome}.html
AE_SERIOUSNESS = "http://terminology.hl7.org/CodeSystem/adverse-event-seriousness"
AE_SEVERITY = "http://terminology.hl7.org/CodeSystem/adverse-event-severity"
AE_OUTCOME = "http://terminology.hl7.org/CodeSystem/adverse-event-outcome"

# Identifier systems of the registry.
REGISTRY_KEY_SYSTEM = f"{BASE}/sid/registry-key"
MRN_SYSTEM = f"{BASE}/sid/mrn"


def code_system(name: str) -> str:
    """The canonical URL of one of the registry's local code systems."""
    return f"{BASE}/CodeSystem/{name}"


def extension_url(name: str) -> str:
    """The canonical URL of one of the registry's extensions."""
    return f"{BASE}/StructureDefinition/{name}"


INSTRUMENT = code_system("instrument")
SUBSCALE = code_system("instrument-subscale")
TIMEPOINT = code_system("timepoint")
PROCEDURE_STEP = code_system("procedure-step")
SPINAL_REGION = code_system("spinal-region")
SPINAL_LEVEL = code_system("spinal-level")
INJECTION_TARGET = code_system("injection-target")
EPISODE_SEVERITY = code_system("stenosis-severity")
INTERVENTION_KIND = code_system("intervention-kind")
CONDITION = code_system("condition")
AE_CATEGORY = code_system("adverse-event-category")
CTCAE_GRADE = code_system("ctcae-grade")
RELATEDNESS = code_system("relatedness")
SERIOUS_CRITERION = code_system("seriousness-criterion")
RECORD_TAG = code_system("record-tag")
QUESTIONNAIRE_BASE = f"{BASE}/Questionnaire/"

# Tags on `meta.tag`: made-up patients, and resources whose identifiers were removed.
SYNTHETIC_TAG = "synthetic"
DEIDENTIFIED_TAG = "deidentified"

# ICD-10-CM titles as CMS publishes them (public domain; lumbar M48.06 split into .061/.062 in
# FY2018, so M48.06 itself is not billable).
ICD10CM_TITLES = {
    "M48.061": "Spinal stenosis, lumbar region without neurogenic claudication",
    "M48.062": "Spinal stenosis, lumbar region with neurogenic claudication",
    "M48.02": "Spinal stenosis, cervical region",
}
# SNOMED CT 18347007, checked against two independent listings (VisualDx and a public code set);
# other regions stay uncoded because their SNOMED codes could not be confirmed the same way.
LUMBAR_STENOSIS_SNOMED = ("18347007", "Spinal stenosis of lumbar region")

# LOINC 72514-3 (loinc.org) is used by several independent FHIR sets; 97908-8 (ODI) and 82226-2
# (NDI) were seen only
# in the HL7 PACIO sample IG, so each such coding carries a `code-provenance` note saying so.
PAIN_SCORE_LOINC = ("72514-3", "Pain severity - 0-10 verbal numeric rating [Score] - Reported")
INSTRUMENT_LOINC: dict[str, tuple[str, str | None, str | None]] = {
    **dict.fromkeys(("nrs_back", "nrs_leg", "nrs_neck", "nrs_arm"), (*PAIN_SCORE_LOINC, None)),
    "odi": ("97908-8", None, "HL7 PACIO sample IG only; not checked against loinc.org"),
    "ndi": ("82226-2", None, "HL7 PACIO sample IG only; not checked against loinc.org"),
}

# ICH E2A seriousness criteria as NCI Thesaurus codes used by the HL7 adverse-event clinical
# research IG (hl7.org/fhir/uv/ae-research-ig); the two without a confirmed code stay local only.
SERIOUS_CRITERION_NCI: dict[SeriousCriterion, str] = {
    "death": "C48275",
    "life_threatening": "C84266",
    "hospitalization": "C83052",
    "disability": "C11338",
}
# CTCAE grades 1 to 3 are labelled mild, moderate and severe, which is what the HL7 severity
# codes say; grades 4 and 5 go beyond "severe" and keep the local grade code only.
GRADE_SEVERITY: dict[CtcaeGrade, str] = {1: "mild", 2: "moderate", 3: "severe"}
# Registry outcome -> HL7 adverse-event-outcome (a one-to-one match of meaning).
AE_OUTCOMES: dict[AdverseEventOutcome, str] = {
    "recovered": "resolved",
    "recovering": "recovering",
    "not_recovered": "ongoing",
    "recovered_with_sequelae": "resolvedWithSequelae",
    "fatal": "fatal",
    "unknown": "unknown",
}

# The FHIR resource types of an export, parents first: the order an import must follow.
RESOURCE_TYPES = (
    "Patient",
    "Condition",
    "Procedure",
    "CarePlan",
    "Encounter",
    "QuestionnaireResponse",
    "Observation",
    "AdverseEvent",
)

_REGISTRY_KEY = re.compile(r"^RS-[0-9A-Z]{1,13}$")
_NUMBERED_IDS = {
    "Condition": re.compile(r"^episode-([1-9][0-9]{0,17})$"),
    "Procedure": re.compile(r"^proc-([1-9][0-9]{0,17})(?:-(harvest|processing))?$"),
    "Intervention": re.compile(r"^intervention-([1-9][0-9]{0,17})$"),
    "CarePlan": re.compile(r"^plan-([1-9][0-9]{0,17})$"),
    "Encounter": re.compile(r"^visit-([1-9][0-9]{0,17})$"),
    "QuestionnaireResponse": re.compile(r"^answers-([1-9][0-9]{0,17})$"),
    "Observation": re.compile(r"^score-([1-9][0-9]{0,17})$"),
    "AdverseEvent": re.compile(r"^ae-([1-9][0-9]{0,17})$"),
}
ID_EXAMPLES = {
    "Patient": "RS-7F3K9Q2M",
    "Condition": "episode-5",
    "Procedure": "proc-12, proc-12-harvest, proc-12-processing or intervention-3",
    "CarePlan": "plan-12",
    "Encounter": "visit-40",
    "QuestionnaireResponse": "answers-7",
    "Observation": "score-7",
    "AdverseEvent": "ae-3",
}
ID_PREFIXES = {
    "Condition": "episode",
    "Procedure": "proc",
    "Intervention": "intervention",
    "CarePlan": "plan",
    "Encounter": "visit",
    "QuestionnaireResponse": "answers",
    "Observation": "score",
    "AdverseEvent": "ae",
}


def resource_id(resource_type: str, number: int, step: str | None = None) -> str:
    """The stable id of a registry row as a resource, e.g. `proc-12` or `proc-12-harvest`."""
    text = f"{ID_PREFIXES[resource_type]}-{number}"
    return f"{text}-{step}" if step else text


def reference(resource_type: str, number: int | str, step: str | None = None) -> Json:
    """A literal reference such as `{"reference": "Condition/episode-5"}`."""
    target = number if isinstance(number, str) else resource_id(resource_type, number, step)
    return {"reference": f"{resource_type}/{target}"}


def parse_resource_id(resource_type: str, value: object) -> tuple[int, str | None] | None:
    """The registry id (and procedure step) behind a resource id, or None if it is not ours."""
    pattern = _NUMBERED_IDS[resource_type]
    match = pattern.match(value) if isinstance(value, str) else None
    if match is None:
        return None
    return int(match.group(1)), (match.group(2) if pattern.groups > 1 else None)


def is_registry_key(value: object) -> bool:
    """Whether a Patient id has the shape of a registry key."""
    return isinstance(value, str) and _REGISTRY_KEY.match(value) is not None


def coding(system: str, code: str, display: str | None = None) -> Json:
    """A Coding with an optional display."""
    found: Json = {"system": system, "code": code}
    if display:
        found["display"] = display
    return found


def concept(system: str, code: str, display: str | None = None, text: str | None = None) -> Json:
    """A CodeableConcept with one coding."""
    found: Json = {"coding": [coding(system, code, display)]}
    if text:
        found["text"] = text
    return found


def quantity(value: float, unit: str, ucum_code: str) -> Json:
    """A UCUM Quantity."""
    return {"value": value, "unit": unit, "system": UCUM, "code": ucum_code}


def extension(name: str, value_type: str, value: object) -> Json:
    """One of the registry's extensions, e.g. extension("cell-source", "valueCode", "adipose")."""
    return {"url": extension_url(name), value_type: value}


def days_from_index(days: int) -> Json:
    """The primitive extension that stands in for a date in a de-identified export."""
    return {"extension": [extension("days-from-index", "valueInteger", days)]}


def find_extensions(element: Mapping[str, Any], name: str) -> list[Json]:
    """Every extension of the element with the registry's extension `name`."""
    url = extension_url(name)
    return [item for item in element.get("extension", ()) if item.get("url") == url]


def extension_value(element: Mapping[str, Any], name: str, value_type: str) -> Any:
    """The value of the element's single extension `name`, or None when it is absent."""
    found = find_extensions(element, name)
    return found[0].get(value_type) if found else None


def find_code(concepts: Iterable[Mapping[str, Any]] | Mapping[str, Any] | None, system: str) -> Any:
    """The first code from `system` in a CodeableConcept (or a list of them), else None."""
    if concepts is None:
        return None
    listed = [concepts] if isinstance(concepts, Mapping) else list(concepts)
    for item in listed:
        for found in item.get("coding", ()):
            if found.get("system") == system:
                return found.get("code")
    return None


def has_tag(resource: Mapping[str, Any], code: str) -> bool:
    """Whether the resource's meta.tag holds the registry's record tag `code`."""
    tags = resource.get("meta", {}).get("tag", ())
    return any(tag.get("system") == RECORD_TAG and tag.get("code") == code for tag in tags)
