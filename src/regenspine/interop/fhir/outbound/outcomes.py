"""Follow-up and outcome resources: the schedule (CarePlan), visits (Encounter), answers
(QuestionnaireResponse), scores (Observation), harms (AdverseEvent) and later treatments
(Procedure/intervention-<id>).

De-identification works as in `fhir_resources`: the `Disclosure` decides what each shows.
"""

from __future__ import annotations

from typing import Any

from regenspine.care.adverse_events import load_adverse_event_texts
from regenspine.instruments.catalogue import load_instruments
from regenspine.interop.fhir.mapping import (
    ACT_CODE,
    AE_CATEGORY,
    AE_OUTCOME,
    AE_OUTCOMES,
    AE_SERIOUSNESS,
    AE_SEVERITY,
    CTCAE_GRADE,
    DATA_ABSENT_REASON,
    GRADE_SEVERITY,
    INSTRUMENT,
    INSTRUMENT_LOINC,
    INTERVENTION_KIND,
    LOINC,
    NCI_THESAURUS,
    OBSERVATION_CATEGORY,
    QUESTIONNAIRE_BASE,
    RELATEDNESS,
    SERIOUS_CRITERION,
    SERIOUS_CRITERION_NCI,
    SUBSCALE,
    TIMEPOINT,
    Json,
    coding,
    concept,
    extension,
    quantity,
    reference,
    resource_id,
)
from regenspine.interop.fhir.outbound.resources import (
    Disclosure,
    add_extensions,
    new_resource,
    patient_reference,
)

SUSPECT_WITHOUT_PROCEDURE = "cell therapy (no procedure recorded with this event)"


def build_care_plan(row: Any, visits: list[Any], disclosure: Disclosure) -> Json:
    """A CarePlan: the procedure's follow-up schedule, one activity per visit window."""
    plan = new_resource("CarePlan", resource_id("CarePlan", row.id), disclosure)
    done = all(visit.completed_on is not None for visit in visits)
    plan["status"] = "completed" if done else "active"
    plan["intent"] = "plan"
    plan["subject"] = patient_reference(row)
    plan["addresses"] = [reference("Condition", row.episode_id)]
    plan["supportingInfo"] = [reference("Procedure", row.id)]
    plan["activity"] = [_activity(visit, disclosure) for visit in visits]
    return plan


def _activity(visit: Any, disclosure: Disclosure) -> Json:
    window: Json = {}
    disclosure.put_date(window, "start", visit.window_opens)
    disclosure.put_date(window, "end", visit.window_closes)
    detail = add_extensions({}, [disclosure.date_extension("due-on", visit.due_on)])
    detail["kind"] = "Appointment"
    detail["code"] = concept(TIMEPOINT, visit.timepoint)
    detail["status"] = "completed" if visit.completed_on else "scheduled"
    if window:
        detail["scheduledPeriod"] = window
    return {"outcomeReference": [reference("Encounter", visit.id)], "detail": detail}


def build_encounter(row: Any, disclosure: Disclosure) -> Json:
    """An Encounter: one follow-up visit, planned or finished on the day it was completed."""
    encounter = new_resource("Encounter", resource_id("Encounter", row.id), disclosure)
    encounter["status"] = "finished" if row.completed_on else "planned"
    encounter["class"] = coding(ACT_CODE, "AMB", "ambulatory")
    encounter["type"] = [concept(TIMEPOINT, row.timepoint)]
    encounter["subject"] = patient_reference(row)
    encounter["reasonReference"] = [reference("Condition", row.episode_id)]
    period: Json = {}
    disclosure.put_date(period, "start", row.completed_on)
    disclosure.put_date(period, "end", row.completed_on)
    if period:
        encounter["period"] = period
    return encounter


def _assessment_links(resource: Json, row: Any) -> None:
    add_extensions(
        resource,
        [
            extension("episode", "valueReference", reference("Condition", row.episode_id)),
            extension("timepoint", "valueCode", row.timepoint),
        ],
    )


def build_questionnaire_response(row: Any, disclosure: Disclosure) -> Json:
    """A QuestionnaireResponse: the answers as given, item by item (unanswered items empty)."""
    response = new_resource(
        "QuestionnaireResponse", resource_id("QuestionnaireResponse", row.id), disclosure
    )
    _assessment_links(response, row)
    response["questionnaire"] = QUESTIONNAIRE_BASE + row.instrument
    response["status"] = "completed"
    response["subject"] = patient_reference(row)
    if row.follow_up_id is not None:
        response["encounter"] = reference("Encounter", row.follow_up_id)
    disclosure.put_date(response, "authored", row.assessed_on)
    response["item"] = [
        {"linkId": str(number)}
        if answer is None
        else {"linkId": str(number), "answer": [{"valueInteger": answer}]}
        for number, answer in enumerate(row.answers, start=1)
    ]
    return response


def build_observation(row: Any, disclosure: Disclosure) -> Json:
    """An Observation: the instrument's score, and its subscales as components."""
    observation = new_resource("Observation", resource_id("Observation", row.id), disclosure)
    _assessment_links(observation, row)
    observation["status"] = "final"
    observation["category"] = [concept(OBSERVATION_CATEGORY, "survey")]
    observation["code"] = {"coding": _instrument_codings(row.instrument)}
    observation["subject"] = patient_reference(row)
    if row.follow_up_id is not None:
        observation["encounter"] = reference("Encounter", row.follow_up_id)
    disclosure.put_date(observation, "effectiveDateTime", row.assessed_on)
    if row.score is not None:
        observation["valueQuantity"] = _score(row.score)
    elif not row.subscales:
        observation["dataAbsentReason"] = concept(DATA_ABSENT_REASON, "unknown")
    if row.reason:
        observation["note"] = [{"text": row.reason}]
    observation["derivedFrom"] = [reference("QuestionnaireResponse", row.id)]
    if row.subscales:
        observation["component"] = _components(row.instrument, row.subscales)
    return observation


def _score(value: float) -> Json:
    return quantity(value, "score", "{score}")


def _instrument_codings(instrument_id: str) -> list[Json]:
    data = load_instruments().get(instrument_id)
    codings = [coding(INSTRUMENT, instrument_id, data.title if data else None)]
    if instrument_id in INSTRUMENT_LOINC:
        code, display, provenance = INSTRUMENT_LOINC[instrument_id]
        loinc = coding(LOINC, code, display)
        if provenance:
            loinc["extension"] = [extension("code-provenance", "valueString", provenance)]
        codings.append(loinc)
    return codings


def _components(instrument_id: str, subscales: dict[str, float | None]) -> list[Json]:
    # JSONB does not keep key order, so components follow the instrument's own subscale order.
    data = load_instruments().get(instrument_id)
    known = [subscale.id for subscale in data.subscales] if data else []
    ordered = [key for key in known if key in subscales] + sorted(set(subscales) - set(known))
    components = []
    for key in ordered:
        component: Json = {"code": concept(SUBSCALE, key)}
        value = subscales[key]
        if value is None:
            component["dataAbsentReason"] = concept(DATA_ABSENT_REASON, "unknown")
        else:
            component["valueQuantity"] = _score(value)
        components.append(component)
    return components


def build_adverse_event(row: Any, disclosure: Disclosure) -> Json:
    """An AdverseEvent: category, CTCAE grade, ICH E2A seriousness, outcome and relatedness."""
    texts = load_adverse_event_texts()
    event = new_resource("AdverseEvent", resource_id("AdverseEvent", row.id), disclosure)
    add_extensions(
        event,
        [
            extension("episode", "valueReference", reference("Condition", row.episode_id)),
            extension("adverse-event-site", "valueCode", row.site),
            *(_criterion(name) for name in row.serious_criteria),
            disclosure.date_extension("resolved-on", row.resolved_on),
        ],
    )
    event["actuality"] = "actual"
    label = texts.categories.levels.get(row.category)
    event["event"] = concept(AE_CATEGORY, row.category, label, disclosure.text(row.description))
    event["subject"] = patient_reference(row)
    disclosure.put_date(event, "date", row.onset_on)
    event["seriousness"] = concept(AE_SERIOUSNESS, "serious" if row.serious else "non-serious")
    grade = texts.grades.levels.get(row.grade)
    severity = [coding(CTCAE_GRADE, str(row.grade), grade.label if grade else None)]
    if row.grade in GRADE_SEVERITY:
        severity.append(coding(AE_SEVERITY, GRADE_SEVERITY[row.grade]))
    event["severity"] = {"coding": severity}
    event["outcome"] = concept(AE_OUTCOME, AE_OUTCOMES[row.outcome])
    event["suspectEntity"] = [_suspect(row)]
    return event


def _criterion(name: str) -> Json:
    label = load_adverse_event_texts().serious_criteria.levels[name].label
    codings = [coding(SERIOUS_CRITERION, name, label)]
    if name in SERIOUS_CRITERION_NCI:
        codings.append(coding(NCI_THESAURUS, SERIOUS_CRITERION_NCI[name]))
    return extension("seriousness-criterion", "valueCodeableConcept", {"coding": codings})


def _suspect(row: Any) -> Json:
    # A harvest-site event points at the harvest step; every other one at the injection.
    if row.procedure_id is None:
        instance: Json = {"display": SUSPECT_WITHOUT_PROCEDURE}
    else:
        step = "harvest" if row.site == "harvest" else None
        instance = reference("Procedure", row.procedure_id, step)
    label = load_adverse_event_texts().relatedness.levels[row.relatedness].label
    assessment = concept(RELATEDNESS, row.relatedness, label)
    return {"instance": instance, "causality": [{"assessment": assessment}]}


def build_intervention(row: Any, disclosure: Disclosure) -> Json:
    """A later treatment (surgery, another injection) as a Procedure: it ends surgery-free time."""
    procedure = new_resource("Procedure", resource_id("Intervention", row.id), disclosure)
    procedure["status"] = "completed"
    procedure["code"] = concept(INTERVENTION_KIND, row.kind)
    procedure["subject"] = patient_reference(row)
    disclosure.put_date(procedure, "performedDateTime", row.performed_on)
    procedure["reasonReference"] = [reference("Condition", row.episode_id)]
    note = disclosure.text(row.description)
    if note:
        procedure["note"] = [{"text": note}]
    return procedure
