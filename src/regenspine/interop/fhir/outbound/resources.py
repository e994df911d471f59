"""Registry rows as FHIR R4 resources (plain JSON dicts, validated by the exporter).

Each builder takes one row of the export's queries and a `Disclosure`, which says whether the
resource may show everything or only what HIPAA Safe Harbor allows. De-identified resources:

- leave out names, telecom, the MRN, and every free-text field (episode note, harvest site,
  anaesthetic, product, lot, processing method and device, operator, event description);
- keep a date's place but not its value: `"_performedDateTime": {"extension": [days-from-index]}`
  (FHIR's primitive extension), and date extensions carry a `days-from-index` sub-extension
  instead of their `valueDate`. Days count from the episode's index procedure (its first), as
  in the CSV and REDCap exports; an episode without a procedure has no index and no dates. Of
  all dates only the year of the index procedure stays (`"performedDateTime": "2026"` on it):
  years of later events, next to their day counts, could narrow the index to a month;
- keep the birth year only up to age 89 (then the `age-90-or-older` flag) and ZIP3 (000 for
  the restricted areas), as `deidentify.py` rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from regenspine.interop import deidentify
from regenspine.interop.fhir.mapping import (
    CONDITION,
    CONDITION_CATEGORY,
    CONDITION_CLINICAL,
    CONDITION_VERIFICATION,
    DEIDENTIFIED_TAG,
    EPISODE_SEVERITY,
    ICD10CM,
    ICD10CM_TITLES,
    IDENTIFIER_TYPE,
    INJECTION_TARGET,
    LUMBAR_STENOSIS_SNOMED,
    MRN_SYSTEM,
    PROCEDURE_STEP,
    RECORD_TAG,
    REGISTRY_KEY_SYSTEM,
    SNOMED,
    SPINAL_LEVEL,
    SPINAL_REGION,
    SYNTHETIC_TAG,
    Json,
    coding,
    concept,
    days_from_index,
    extension,
    extension_url,
    quantity,
    reference,
    resource_id,
)


@dataclass(frozen=True)
class Disclosure:
    """What a row's resources may show: everything, or Safe Harbor data with day counts from
    the index procedure of the row's episode."""

    deidentified: bool
    synthetic: bool = False
    index_on: date | None = None

    def meta(self) -> Json | None:
        """The record tags: synthetic patients and de-identified resources are marked."""
        tags = [
            coding(RECORD_TAG, tag)
            for tag, applies in (
                (SYNTHETIC_TAG, self.synthetic),
                (DEIDENTIFIED_TAG, self.deidentified),
            )
            if applies
        ]
        return {"tag": tags} if tags else None

    def text(self, value: str | None) -> str | None:
        """Free text, which may hold identifiers: shown only in an identified export."""
        return None if self.deidentified or not value else value

    def put_date(self, target: Json, key: str, value: date | None) -> None:
        """Set a date (or dateTime) element, or its days-from-index stand-in."""
        if value is None:
            return
        if not self.deidentified:
            target[key] = value.isoformat()
            return
        days = self._days(value)
        if days is not None:
            target[f"_{key}"] = days_from_index(days)

    def put_index_date(self, target: Json, key: str, value: date) -> None:
        """Like put_date; de-identified, the index procedure's own date keeps its year."""
        self.put_date(target, key, value)
        if self.deidentified and value == self.index_on:
            target[key] = f"{value.year:04d}"

    def date_extension(self, name: str, value: date | None) -> Json | None:
        """A date-valued extension, or the same extension holding days from the index."""
        if value is None:
            return None
        if not self.deidentified:
            return extension(name, "valueDate", value.isoformat())
        days = self._days(value)
        if days is None:
            return None
        return {"url": extension_url(name), **days_from_index(days)}

    def _days(self, value: date) -> int | None:
        day = value.date() if isinstance(value, datetime) else value
        return deidentify.days_from(self.index_on, day)


def new_resource(resource_type: str, identifier: str, disclosure: Disclosure) -> Json:
    """A resource skeleton: type, stable id and the record tags."""
    resource: Json = {"resourceType": resource_type, "id": identifier}
    meta = disclosure.meta()
    if meta:
        resource["meta"] = meta
    return resource


def add_extensions(resource: Json, extensions: list[Json | None]) -> Json:
    """Attach the extensions that have a value (None means the field is empty)."""
    present = [item for item in extensions if item is not None]
    if present:
        resource["extension"] = present
    return resource


def patient_reference(row: Any) -> Json:
    """The reference to the row's patient, Patient/<registry key>."""
    return reference("Patient", row.registry_key)


def build_patient(row: Any, disclosure: Disclosure, as_of: date) -> Json:
    """A Patient: registry key, site and, as disclosure allows, the identifying details."""
    patient = new_resource("Patient", row.registry_key, disclosure)
    add_extensions(patient, [extension("site", "valueString", row.site)])
    identifiers = [{"system": REGISTRY_KEY_SYSTEM, "value": row.registry_key}]
    if row.mrn and not disclosure.deidentified:
        identifiers.append(
            {"type": concept(IDENTIFIER_TYPE, "MR"), "system": MRN_SYSTEM, "value": row.mrn}
        )
    patient["identifier"] = identifiers
    if row.name is None:  # no identity stored for this patient
        return patient
    if not disclosure.deidentified:
        patient["name"] = [{"text": row.name}]
        telecom = [
            {"system": system, "value": value}
            for system, value in (("phone", row.phone), ("email", row.email))
            if value
        ]
        if telecom:
            patient["telecom"] = telecom
    patient["gender"] = row.sex
    _birth_and_address(patient, row, disclosure, as_of)
    return patient


def _birth_and_address(patient: Json, row: Any, disclosure: Disclosure, as_of: date) -> None:
    postal_code = row.zip
    if not disclosure.deidentified:
        patient["birthDate"] = row.birth_date.isoformat()
    else:
        year = deidentify.reported_birth_year(row.birth_date, as_of)
        if year is None:
            patient.setdefault("extension", []).append(
                extension("age-90-or-older", "valueBoolean", True)
            )
        else:
            patient["birthDate"] = f"{year:04d}"
        postal_code = deidentify.zip3(row.zip)
    if postal_code:
        patient["address"] = [{"postalCode": postal_code}]


def build_condition(row: Any, disclosure: Disclosure) -> Json:
    """A Condition for an episode: spinal stenosis of a region, with its ICD-10-CM code."""
    condition = new_resource("Condition", resource_id("Condition", row.id), disclosure)
    add_extensions(
        condition,
        [
            extension("episode-status", "valueCode", row.status),
            disclosure.date_extension("episode-closed-on", row.closed_on),
        ],
    )
    condition["clinicalStatus"] = concept(CONDITION_CLINICAL, "active")
    condition["verificationStatus"] = concept(CONDITION_VERIFICATION, "confirmed")
    condition["category"] = [concept(CONDITION_CATEGORY, "encounter-diagnosis")]
    if row.severity:
        condition["severity"] = concept(EPISODE_SEVERITY, row.severity)
    codings = [coding(CONDITION, "spinal-stenosis", "Spinal stenosis")]
    if row.diagnosis_code:
        codings.append(coding(ICD10CM, row.diagnosis_code, ICD10CM_TITLES.get(row.diagnosis_code)))
    if row.region == "lumbar":
        codings.append(coding(SNOMED, *LUMBAR_STENOSIS_SNOMED))
    condition["code"] = {"coding": codings}
    condition["bodySite"] = [concept(SPINAL_REGION, row.region)]
    condition["subject"] = patient_reference(row)
    disclosure.put_date(condition, "recordedDate", row.started_on)
    note = disclosure.text(row.note)
    if note:
        condition["note"] = [{"text": note}]
    return condition


def build_procedures(row: Any, targets: list[str], disclosure: Disclosure) -> list[Json]:
    """The procedure as its steps: harvest, processing (unless ready-made), injection."""
    steps = [_harvest(row, disclosure)]
    if row.processing_method is not None:
        steps.append(_processing(row, disclosure))
    steps.append(_injection(row, targets, disclosure))
    return steps


def _step(
    row: Any, step: str | None, disclosure: Disclosure, extensions: list[Json | None]
) -> Json:
    procedure = new_resource("Procedure", resource_id("Procedure", row.id, step), disclosure)
    add_extensions(procedure, extensions)
    if step is not None:
        procedure["partOf"] = [reference("Procedure", row.id)]
    procedure["status"] = "completed"
    procedure["code"] = concept(PROCEDURE_STEP, step or "injection")
    procedure["subject"] = patient_reference(row)
    return procedure


def _text_extension(name: str, value: str | None, disclosure: Disclosure) -> Json | None:
    shown = disclosure.text(value)
    return extension(name, "valueString", shown) if shown else None


def _quantity_extension(name: str, value: float | None, unit: str, code: str) -> Json | None:
    return None if value is None else extension(name, "valueQuantity", quantity(value, unit, code))


def _harvest(row: Any, disclosure: Disclosure) -> Json:
    harvest = _step(
        row,
        "harvest",
        disclosure,
        [
            extension("cell-source", "valueCode", row.cell_source),
            _quantity_extension("harvest-volume", row.harvest_volume_ml, "mL", "mL"),
            _text_extension("anaesthetic", row.anaesthetic, disclosure),
            _text_extension("product-name", row.product_name, disclosure),
            _text_extension("lot-number", row.lot_number, disclosure),
            extension("donor-screening-documented", "valueBoolean", row.donor_screening_documented),
        ],
    )
    disclosure.put_date(harvest, "performedDateTime", row.performed_on)
    site = disclosure.text(row.harvest_site)
    if site:
        harvest["bodySite"] = [{"text": site}]
    return harvest


def _processing(row: Any, disclosure: Disclosure) -> Json:
    started, ended = row.processing_started_at, row.processing_ended_at
    minutes = (ended - started).total_seconds() / 60 if started and ended else None
    processing = _step(
        row,
        "processing",
        disclosure,
        [
            _text_extension("processing-method", row.processing_method, disclosure),
            _text_extension("processing-device", row.processing_device, disclosure),
            _quantity_extension("processing-duration", minutes, "min", "min"),
            _quantity_extension(
                "nucleated-cells", row.total_nucleated_cells_per_ml, "cells/mL", "{cells}/mL"
            ),
            _quantity_extension("cfu-f", row.cfu_f_per_ml, "CFU-F/mL", "{CFU-F}/mL"),
            _quantity_extension("cd34-cells", row.cd34_per_ml, "CD34+ cells/mL", "{cells}/mL"),
            _quantity_extension("viability", row.viability_percent, "%", "%"),
        ],
    )
    period: Json = {}
    disclosure.put_date(period, "start", started)
    disclosure.put_date(period, "end", ended)
    if period:
        processing["performedPeriod"] = period
    return processing


def _injection(row: Any, targets: list[str], disclosure: Disclosure) -> Json:
    injection = _step(
        row,
        None,
        disclosure,
        [
            extension("image-guidance", "valueCode", row.image_guidance),
            _quantity_extension("injection-volume", row.injection_volume_ml, "mL", "mL"),
            _quantity_extension("cell-dose", row.cell_dose, "cells", "{cells}"),
        ],
    )
    disclosure.put_index_date(injection, "performedDateTime", row.performed_on)
    operator = disclosure.text(row.operator)
    if operator:
        injection["performer"] = [{"actor": {"display": operator}}]
    injection["reasonReference"] = [reference("Condition", row.episode_id)]
    injection["bodySite"] = [
        concept(SPINAL_REGION, row.region),
        *(concept(SPINAL_LEVEL, level) for level in row.levels),
        *(concept(INJECTION_TARGET, target) for target in targets),
    ]
    return injection
