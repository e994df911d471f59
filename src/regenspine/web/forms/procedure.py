"""The procedure form: its choices, and the reading of a submitted form into a procedure record.

Field names are the record's own dotted paths (`harvest.source`, `injection.levels`), so a problem
the care rules find lands next to the field it names. Empty fields are left out, and the
processing step is left out when none of its fields is filled (a ready-made donor product).
"""

from __future__ import annotations

import re
from typing import Any

from regenspine.care import parse_medication
from regenspine.care.procedure import (
    CELL_SOURCES,
    IMAGE_GUIDANCE,
    INJECTION_TARGETS,
    SPINAL_REGIONS,
)
from regenspine.errors import InvalidInput
from regenspine.web.forms.fields import (
    FieldReader,
    FormFields,
    number,
    picks,
    record_number,
    refuse_nul_in_form,
    text,
    ticked,
)
from regenspine.web.labels import Choice
from regenspine.web.plumbing.input_guard import (
    check_procedure_text,
    check_schedulable,
)

SOURCE_CHOICES = tuple(
    Choice(value, label)
    for value, label in zip(
        CELL_SOURCES,
        ("Bone marrow (own cells)", "Fat tissue (own cells)", "Donor product (allogeneic)"),
        strict=True,
    )
)
GUIDANCE_CHOICES = tuple(
    Choice(value, label)
    for value, label in zip(
        IMAGE_GUIDANCE, ("Fluoroscopy (live X-ray)", "Ultrasound", "CT", "None"), strict=True
    )
)
REGION_CHOICES = tuple(Choice(value, value.capitalize()) for value in SPINAL_REGIONS)
TARGET_CHOICES = tuple(
    Choice(value, label)
    for value, label in zip(
        INJECTION_TARGETS,
        ("Epidural space", "Facet joint", "Into the disc (intradiscal)", "Other"),
        strict=True,
    )
)

HARVEST_TEXT = ("site", "anaesthetic", "product_name", "lot_number")
PROCESSING_TEXT = ("method", "device", "started_at", "ended_at")
PROCESSING_NUMBERS = (
    "total_nucleated_cells_per_ml",
    "cfu_f_per_ml",
    "cd34_per_ml",
    "viability_percent",
)
INJECTION_TEXT = ("region", "image_guidance", "operator")
MEDICATION_FIELDS = ("drug", "started_on", "stopped_on")
LEVEL_SEPARATORS = re.compile(r"[\s,;]+")


def _texts(form: FormFields, section: str, names: tuple[str, ...]) -> dict[str, Any]:
    """The filled text fields of a section, by their names inside it."""
    return {
        name: text(form, f"{section}.{name}") for name in names if text(form, f"{section}.{name}")
    }


def _numbers(reader: FieldReader, section: str, names: tuple[str, ...]) -> dict[str, Any]:
    """The filled number fields of a section; a field that is not a number is a problem."""
    found = {}
    for name in names:
        field = f"{section}.{name}"
        if text(reader.form, field):
            found[name] = reader.read(number, field, 0.0)
    return found


def _harvest(reader: FieldReader) -> dict[str, Any]:
    harvest = _texts(reader.form, "harvest", ("source", *HARVEST_TEXT))
    harvest.update(_numbers(reader, "harvest", ("volume_ml",)))
    harvest["donor_screening_documented"] = ticked(
        reader.form, "harvest.donor_screening_documented"
    )
    return harvest


def _processing(reader: FieldReader) -> dict[str, Any] | None:
    processing = _texts(reader.form, "processing", PROCESSING_TEXT)
    processing.update(_numbers(reader, "processing", PROCESSING_NUMBERS))
    return processing or None


def _injection(reader: FieldReader) -> dict[str, Any]:
    injection = _texts(reader.form, "injection", INJECTION_TEXT)
    levels = text(reader.form, "injection.levels")
    injection["levels"] = [level for level in LEVEL_SEPARATORS.split(levels) if level]
    injection["targets"] = picks(reader.form, "injection.targets")
    injection.update(_numbers(reader, "injection", ("volume_ml", "cell_dose")))
    return injection


def _medications(reader: FieldReader) -> list[dict[str, Any]]:
    """The one medicine row, when its drug is filled in, checked by the care rules."""
    note = _texts(reader.form, "medications", MEDICATION_FIELDS)
    if not note:
        return []
    note["is_nsaid"] = ticked(reader.form, "medications.is_nsaid")

    def parse(_form: FormFields, _name: str) -> dict[str, Any]:
        try:
            return parse_medication(note).model_dump(mode="json")
        except InvalidInput as problem:
            # The care rules name the medicine's own fields; the form puts them under medications.
            field = f"medications.{problem.field}"
            raise InvalidInput(field, problem.problem, problem.allowed) from None

    checked = reader.read(parse, "medications", None)
    return [checked] if checked is not None else []


def procedure_document(form: FormFields) -> dict[str, Any]:
    """The submitted form as a procedure record for the registry, or InvalidForm for each field."""
    refuse_nul_in_form(form)
    reader = FieldReader(form)
    document: dict[str, Any] = {
        **{name: text(form, name) for name in ("patient", "performed_on") if text(form, name)},
        "harvest": _harvest(reader),
        "injection": _injection(reader),
        "medications": _medications(reader),
    }
    processing = _processing(reader)
    if processing is not None:
        document["processing"] = processing
    if text(form, "episode"):
        document["episode"] = reader.read(record_number, "episode", None)
    reader.read(lambda _f, _n: check_procedure_text(document), "procedure", None)
    reader.read(lambda _f, _n: check_schedulable(document), "performed_on", None)
    reader.raise_problems()
    return document
