"""Our FHIR resources back into registry rows (the inverse of `fhir_resources`).

Each reader returns plain column values. The clinical rules that guard data entry guard the
import too: patients, episodes, procedures and adverse events pass the same validators as a
form or a JSON file would, and questionnaire answers are scored by the instruments, so a file
cannot put into the registry what a clinician could not have entered.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

from regenspine.care import parse_procedure
from regenspine.errors import InvalidInput
from regenspine.input_problems import parse_as
from regenspine.interop.fhir.inbound.read import BadResource, ParsedResource
from regenspine.interop.fhir.mapping import (
    EPISODE_SEVERITY,
    ICD10CM,
    INJECTION_TARGET,
    MRN_SYSTEM,
    SPINAL_LEVEL,
    SPINAL_REGION,
    SYNTHETIC_TAG,
    Json,
    extension_value,
    find_code,
    has_tag,
    parse_resource_id,
)
from regenspine.registry.entries import SITE_PATTERN, EpisodeInput, PatientInput
from regenspine.registry.models import EPISODE_STATUSES
from regenspine.registry.rows import (
    episode_columns,
    identity_columns,
    injection_target_columns,
    patient_columns,
    procedure_columns,
)

Row = dict[str, Any]
# The site code rule of PatientInput, also for patients stored without identity.
_SITE = re.compile(SITE_PATTERN)
SITE_RULE = "lower-case letters, digits, - and _, up to 40 characters"


@contextmanager
def rules_of(item: ParsedResource) -> Iterator[None]:
    """Report a broken registry rule as a problem of this resource, with its file and line."""
    try:
        yield
    except BadResource:
        raise
    except InvalidInput as error:
        label = f"{item.resource_type} {item.id} ({error.field})"
        raise BadResource(item.where, label, error.problem, error.allowed) from None


def missing(
    item: ParsedResource, field: str, allowed: list[str] | str | None = None
) -> BadResource:
    """The problem of a required element that is absent."""
    return BadResource(item.where, f"{item.resource_type}.{field}", "is missing", allowed)


def registry_number(item: ParsedResource) -> int:
    """The registry id behind the resource's own id (e.g. 12 for proc-12-harvest)."""
    found = parse_resource_id(item.resource_type, item.id)
    if found is None:
        raise BadResource(item.where, f"{item.resource_type}.id", f"{item.id!r} is not ours")
    return found[0]


def procedure_step(item: ParsedResource) -> str | None:
    """Which step a Procedure resource is: harvest, processing, or None for the injection."""
    found = parse_resource_id("Procedure", item.id)
    return None if found is None else found[1]


def target_number(item: ParsedResource, field: str, ref: Any, resource_type: str) -> int:
    """The registry id in a reference such as Condition/episode-5."""
    text = ref.get("reference", "") if isinstance(ref, dict) else ""
    kind, _, identifier = text.partition("/")
    found = parse_resource_id(resource_type, identifier) if kind == resource_type else None
    if found is None:
        raise BadResource(
            item.where,
            f"{item.resource_type}.{field}",
            f"{text!r} is not a {resource_type} of ours",
        )
    return found[0]


def subject_key(item: ParsedResource) -> str:
    """The registry key of the resource's subject (Patient/RS-...)."""
    text = str(item.data.get("subject", {}).get("reference", ""))
    kind, _, key = text.partition("/")
    if kind != "Patient" or not key:
        raise missing(item, "subject", "Patient/<registry key>")
    return key


def day(item: ParsedResource, field: str, value: object) -> date:
    """A full date (a dateTime gives its date); partial dates such as 2026 are refused."""
    if not isinstance(value, str) or len(value) < 10:
        raise BadResource(
            item.where,
            f"{item.resource_type}.{field}",
            f"needs a full date, got {value!r}",
            "YYYY-MM-DD",
        )
    return date.fromisoformat(value[:10])


def moment(item: ParsedResource, field: str, value: object) -> datetime | None:
    """A dateTime with a time and zone, or None when absent."""
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        raise BadResource(
            item.where, f"{item.resource_type}.{field}", f"needs a time with a zone, got {value!r}"
        )
    return parsed


def ext(data: Json, name: str, value_type: str) -> Any:
    """The value of one of our extensions on the resource, or None."""
    return extension_value(data, name, value_type)


def amount(data: Json, name: str) -> float | None:
    """The number in one of our Quantity extensions, or None."""
    found = ext(data, name, "valueQuantity")
    return None if found is None else float(found["value"])


def patient_row(item: ParsedResource) -> tuple[Row, Row | None]:
    """The patient row (key, site, synthetic) and the identity row, when names are given."""
    data = item.data
    site = str(ext(data, "site", "valueString") or "main")
    patient = patient_columns(item.id, site=site, synthetic=has_tag(data, SYNTHETIC_TAG))
    if not _SITE.match(site):
        raise BadResource(item.where, "Patient.extension(site)", "is not a site code", SITE_RULE)
    if not any(key in data for key in ("name", "birthDate", "gender")):
        return patient, None
    telecom = {entry.get("system"): entry.get("value") for entry in data.get("telecom", ())}
    identifiers = data.get("identifier", ())
    entered = {
        "name": (data.get("name") or [{}])[0].get("text"),
        "birth_date": data.get("birthDate"),
        "sex": data.get("gender"),
        "zip": (data.get("address") or [{}])[0].get("postalCode"),
        "email": telecom.get("email"),
        "phone": telecom.get("phone"),
        "mrn": next((i.get("value") for i in identifiers if i.get("system") == MRN_SYSTEM), None),
        "site": patient["site"],
        "synthetic": patient["synthetic"],
    }
    with rules_of(item):
        checked = parse_as(
            PatientInput, {k: v for k, v in entered.items() if v is not None}, "patient"
        )
    return patient, identity_columns(checked)


def episode_row(item: ParsedResource, patient_id: int) -> Row:
    """The episode row of a Condition, for the stored patient it names."""
    data = item.data
    status = ext(data, "episode-status", "valueCode") or "open"
    if status not in EPISODE_STATUSES:
        raise BadResource(
            item.where,
            "Condition.extension(episode-status)",
            f"unknown value {status!r}",
            list(EPISODE_STATUSES),
        )
    closed = ext(data, "episode-closed-on", "valueDate")
    entered = {
        "region": find_code(data.get("bodySite"), SPINAL_REGION),
        "severity": find_code(data.get("severity"), EPISODE_SEVERITY),
        "diagnosis_code": find_code(data.get("code"), ICD10CM),
        "started_on": day(item, "recordedDate", data.get("recordedDate")),
        "note": (data.get("note") or [{}])[0].get("text"),
    }
    with rules_of(item):
        checked = parse_as(
            EpisodeInput, {k: v for k, v in entered.items() if v is not None}, "episode"
        )
    closed_on = None if closed is None else day(item, "extension(episode-closed-on)", closed)
    columns = episode_columns(checked, patient_id=patient_id, status=status, closed_on=closed_on)
    return {"id": registry_number(item), **columns}


def procedure_row(steps: list[ParsedResource]) -> tuple[Row, list[Row]]:
    """One procedure row (and its injection targets) from its harvest, processing and injection."""
    by_step = {procedure_step(step): step for step in steps}
    injection, harvest = by_step.get(None), by_step.get("harvest")
    first = steps[0]
    if injection is None or harvest is None:
        raise BadResource(
            first.where,
            f"Procedure {first.id}",
            "the injection (proc-N) and its harvest step (proc-N-harvest) must come together",
        )
    record = {
        "performed_on": day(
            injection, "performedDateTime", injection.data.get("performedDateTime")
        ),
        "harvest": _harvest(harvest),
        "processing": _processing(by_step["processing"]) if "processing" in by_step else None,
        "injection": _injection(injection),
    }
    with rules_of(injection):
        checked = parse_procedure(record)
    episode_id = target_number(
        injection,
        "reasonReference",
        (injection.data.get("reasonReference") or [None])[0],
        "Condition",
    )
    row = {"id": registry_number(injection), **procedure_columns(checked, episode_id=episode_id)}
    return row, injection_target_columns(checked)


def _harvest(item: ParsedResource) -> Json:
    data = item.data
    found = {
        "source": ext(data, "cell-source", "valueCode"),
        "site": (data.get("bodySite") or [{}])[0].get("text"),
        "volume_ml": amount(data, "harvest-volume"),
        "anaesthetic": ext(data, "anaesthetic", "valueString"),
        "product_name": ext(data, "product-name", "valueString"),
        "lot_number": ext(data, "lot-number", "valueString"),
        "donor_screening_documented": bool(ext(data, "donor-screening-documented", "valueBoolean")),
    }
    return {key: value for key, value in found.items() if value is not None}


def _processing(item: ParsedResource) -> Json:
    data = item.data
    period = data.get("performedPeriod", {})
    found = {
        "method": ext(data, "processing-method", "valueString"),
        "device": ext(data, "processing-device", "valueString"),
        "started_at": moment(item, "performedPeriod.start", period.get("start")),
        "ended_at": moment(item, "performedPeriod.end", period.get("end")),
        "total_nucleated_cells_per_ml": amount(data, "nucleated-cells"),
        "cfu_f_per_ml": amount(data, "cfu-f"),
        "cd34_per_ml": amount(data, "cd34-cells"),
        "viability_percent": amount(data, "viability"),
    }
    return {key: value for key, value in found.items() if value is not None}


def _injection(item: ParsedResource) -> Json:
    data = item.data
    sites = data.get("bodySite", ())
    found = {
        "region": find_code(sites, SPINAL_REGION),
        "levels": [code for site in sites for code in _codes(site, SPINAL_LEVEL)],
        "targets": [code for site in sites for code in _codes(site, INJECTION_TARGET)],
        "image_guidance": ext(data, "image-guidance", "valueCode"),
        "volume_ml": amount(data, "injection-volume"),
        "cell_dose": amount(data, "cell-dose"),
        "operator": (data.get("performer") or [{}])[0].get("actor", {}).get("display"),
    }
    return {key: value for key, value in found.items() if value is not None}


def _codes(concept: Json, system: str) -> list[str]:
    return [entry["code"] for entry in concept.get("coding", ()) if entry.get("system") == system]
