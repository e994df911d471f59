"""Follow-up and outcome resources back into rows: visits, assessments, harms, treatments."""

from __future__ import annotations

from regenspine.care import (
    FollowUpVisit,
    assess_adverse_event,
    parse_adverse_event,
    parse_timepoint,
)
from regenspine.input_problems import parse_as
from regenspine.instruments import score
from regenspine.interop.fhir.inbound.read import BadResource, ParsedResource
from regenspine.interop.fhir.inbound.rows import (
    Row,
    day,
    ext,
    missing,
    registry_number,
    rules_of,
    target_number,
)
from regenspine.interop.fhir.mapping import (
    AE_CATEGORY,
    AE_OUTCOME,
    AE_OUTCOMES,
    AE_SERIOUSNESS,
    CTCAE_GRADE,
    INSTRUMENT,
    INTERVENTION_KIND,
    QUESTIONNAIRE_BASE,
    RELATEDNESS,
    SERIOUS_CRITERION,
    SUBSCALE,
    TIMEPOINT,
    Json,
    find_code,
    find_extensions,
    parse_resource_id,
)
from regenspine.registry.entries import InterventionInput
from regenspine.registry.rows import (
    adverse_event_columns,
    assessment_columns,
    follow_up_columns,
    intervention_columns,
)

_OUTCOMES_BACK = {fhir: ours for ours, fhir in AE_OUTCOMES.items()}


def follow_up_rows(item: ParsedResource) -> list[Row]:
    """The follow-up visits of a CarePlan (completion comes from the Encounters)."""
    procedure_id = registry_number(item)
    rows = []
    for number, activity in enumerate(item.data.get("activity", ())):
        detail = activity.get("detail", {})
        field = f"activity[{number}]"
        window = detail.get("scheduledPeriod", {})
        with rules_of(item):
            timepoint = parse_timepoint(find_code(detail.get("code"), TIMEPOINT) or "")
        visit = FollowUpVisit(
            timepoint=timepoint,
            label=timepoint,  # the schedule's words are not stored; the row keeps the id
            due_on=day(
                item, f"{field}.detail.extension(due-on)", ext(detail, "due-on", "valueDate")
            ),
            window_opens=day(item, f"{field}.detail.scheduledPeriod.start", window.get("start")),
            window_closes=day(item, f"{field}.detail.scheduledPeriod.end", window.get("end")),
        )
        encounter = target_number(
            item,
            f"{field}.outcomeReference",
            (activity.get("outcomeReference") or [None])[0],
            "Encounter",
        )
        rows.append({"id": encounter, **follow_up_columns(visit, procedure_id=procedure_id)})
    return rows


def visit_completion(item: ParsedResource) -> Row:
    """A follow-up's completion day from its Encounter (finished, or still planned)."""
    data = item.data
    status = data.get("status")
    if status not in ("finished", "planned"):
        raise BadResource(
            item.where, "Encounter.status", f"unexpected value {status!r}", ["finished", "planned"]
        )
    completed = None
    if status == "finished":
        completed = day(item, "period.start", data.get("period", {}).get("start"))
    return {
        "id": registry_number(item),
        "timepoint": find_code(data.get("type"), TIMEPOINT),
        "completed_on": completed,
    }


def assessment_row(item: ParsedResource) -> Row:
    """An assessment from a QuestionnaireResponse: the answers, scored by the instrument."""
    data = item.data
    questionnaire = str(data.get("questionnaire", ""))
    if not questionnaire.startswith(QUESTIONNAIRE_BASE):
        raise missing(item, "questionnaire", f"{QUESTIONNAIRE_BASE}<instrument>")
    answers = _answers(item)
    with rules_of(item):
        scored = score(questionnaire.removeprefix(QUESTIONNAIRE_BASE), answers)
        timepoint = parse_timepoint(ext(data, "timepoint", "valueCode") or "")
    encounter = data.get("encounter")
    columns = assessment_columns(
        scored,
        answers,
        episode_id=target_number(
            item, "extension(episode)", ext(data, "episode", "valueReference"), "Condition"
        ),
        follow_up_id=None
        if encounter is None
        else target_number(item, "encounter", encounter, "Encounter"),
        timepoint=timepoint,
        assessed_on=day(item, "authored", data.get("authored")),
    )
    return {"id": registry_number(item), **columns}


def _answers(item: ParsedResource) -> list[int | None]:
    answers: list[int | None] = []
    for number, entry in enumerate(item.data.get("item", ()), start=1):
        if entry.get("linkId") != str(number):
            raise BadResource(
                item.where,
                f"QuestionnaireResponse.item[{number - 1}].linkId",
                f"expected {number}, got {entry.get('linkId')!r}",
            )
        given = entry.get("answer") or [{}]
        answers.append(given[0].get("valueInteger"))
    return answers


def score_row(item: ParsedResource) -> Row:
    """The recorded score of an assessment from its Observation."""
    data = item.data
    subscales = {
        find_code(component.get("code"), SUBSCALE): _score_value(component)
        for component in data.get("component", ())
    }
    return {
        "id": registry_number(item),
        "instrument": find_code(data.get("code"), INSTRUMENT),
        "score": _score_value(data),
        "subscales": subscales or None,
        "reason": (data.get("note") or [{}])[0].get("text"),
    }


def _score_value(element: Json) -> float | None:
    found = element.get("valueQuantity")
    return None if found is None else float(found["value"])


def adverse_event_row(item: ParsedResource) -> Row:
    """An adverse event, checked by the same consistency rules as a clinic's report."""
    data = item.data
    criteria = [
        find_code(e.get("valueCodeableConcept"), SERIOUS_CRITERION)
        for e in find_extensions(data, "seriousness-criterion")
    ]
    grade = find_code(data.get("severity"), CTCAE_GRADE)
    suspect = (data.get("suspectEntity") or [{}])[0]
    causality = (suspect.get("causality") or [{}])[0]
    instance = suspect.get("instance", {})
    report = {
        "description": data.get("event", {}).get("text"),
        "category": find_code(data.get("event"), AE_CATEGORY),
        "site": ext(data, "adverse-event-site", "valueCode"),
        "grade": int(grade) if isinstance(grade, str) and grade.isdigit() else grade,
        "serious_criteria": criteria,
        "relatedness": find_code(causality.get("assessment"), RELATEDNESS),
        "onset_on": day(item, "date", data.get("date")),
        "resolved_on": ext(data, "resolved-on", "valueDate"),
        "outcome": _OUTCOMES_BACK.get(find_code(data.get("outcome"), AE_OUTCOME) or "", None),
    }
    with rules_of(item):
        checked = parse_adverse_event(
            {key: value for key, value in report.items() if value is not None}
        )
    serious = find_code(data.get("seriousness"), AE_SERIOUSNESS)
    if serious != ("serious" if checked.serious_criteria else "non-serious"):
        raise BadResource(
            item.where,
            "AdverseEvent.seriousness",
            f"{serious!r} does not match the seriousness criteria listed",
            ["serious with criteria", "non-serious without"],
        )
    columns = adverse_event_columns(
        checked,
        assess_adverse_event(checked),
        episode_id=target_number(
            item, "extension(episode)", ext(data, "episode", "valueReference"), "Condition"
        ),
        procedure_id=None
        if "reference" not in instance
        else target_number(item, "suspectEntity.instance", instance, "Procedure"),
    )
    return {"id": registry_number(item), **columns}


def intervention_row(item: ParsedResource) -> Row:
    """A later treatment from its Procedure/intervention-<id>."""
    data = item.data
    found = parse_resource_id("Intervention", item.id)
    if found is None:
        raise BadResource(item.where, "Procedure.id", f"{item.id!r} is not a later treatment")
    entered = {
        "performed_on": day(item, "performedDateTime", data.get("performedDateTime")),
        "kind": find_code(data.get("code"), INTERVENTION_KIND),
        "description": (data.get("note") or [{}])[0].get("text"),
    }
    with rules_of(item):
        checked = parse_as(InterventionInput, entered, "intervention")
    reason = (data.get("reasonReference") or [None])[0]
    episode_id = target_number(item, "reasonReference", reason, "Condition")
    return {"id": found[0], **intervention_columns(checked, episode_id=episode_id)}
