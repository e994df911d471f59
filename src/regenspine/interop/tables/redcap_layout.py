"""The REDCap project regenspine exports into: instruments (forms), fields and events.

One REDCap record is one episode of care (record id: registry key and episode number). Events are
the follow-up timepoints (`baseline_arm_1`, `3m_arm_1`, ...) plus `any_time_arm_1` for what can
happen at any time. Registration and the questionnaires are plain forms of their events;
screenings and procedures repeat within the baseline event, adverse events and later treatments
within the any-time event. Fields come from the tidy export's columns, so both exports share one
de-identification; the questionnaire forms come from the instrument catalogue.
"""

from __future__ import annotations

from dataclasses import dataclass

from regenspine.care.schedule import timepoints
from regenspine.instruments import instruments
from regenspine.instruments.catalogue import Instrument, Item
from regenspine.interop.release import ExportContext
from regenspine.interop.tables.outcomes import ADVERSE_EVENTS, INTERVENTIONS
from regenspine.interop.tables.patients import EPISODES, PATIENTS, SCREENINGS
from regenspine.interop.tables.procedures import PROCEDURES
from regenspine.interop.tables.tidy import Column, ExportTable

DICTIONARY_HEADER = (
    "Variable / Field Name",
    "Form Name",
    "Section Header",
    "Field Type",
    "Field Label",
    "Choices, Calculations, OR Slider Labels",
    "Field Note",
    "Text Validation Type OR Show Slider Number",
    "Text Validation Min",
    "Text Validation Max",
    "Identifier?",
    "Branching Logic (Show field only if...)",
    "Required Field?",
    "Custom Alignment",
    "Question Number (surveys only)",
    "Matrix Group Name",
    "Matrix Ranking?",
    "Field Annotation",
)
RECORD_ID = "record_id"
ARM = 1
ANY_TIME = "any_time"
BASELINE = "baseline"
# Up to this many choices show as radio buttons; longer lists as a drop-down.
RADIO_LIMIT = 6
# Scales with more answers than this (minutes, metres) are typed in as whole numbers instead.
LONGEST_CHOICE_SCALE = 11
READ_ONLY = "@READONLY"


@dataclass(frozen=True)
class Field:
    """One row of the data dictionary; `source` names the tidy column its value comes from."""

    name: str
    form: str
    type: str
    label: str
    choices: tuple[tuple[str, str], ...] = ()
    note: str = ""
    validation: str = ""
    minimum: str = ""
    maximum: str = ""
    identifier: bool = False
    annotation: str = ""
    source: str | None = None

    def dictionary_row(self) -> tuple[str, ...]:
        """The 18 values of this field's data-dictionary row."""
        choices = " | ".join(f"{code}, {label}" for code, label in self.choices)
        return (
            self.name, self.form, "", self.type, self.label, choices, self.note, self.validation,
            self.minimum, self.maximum, "y" if self.identifier else "", "", "", "", "", "", "",
            self.annotation,
        )  # fmt: skip

    def record_columns(self) -> tuple[str, ...]:
        """The records.csv columns of this field (a checkbox has one per choice)."""
        if self.type == "descriptive":
            return ()
        if self.type == "checkbox":
            return tuple(f"{self.name}___{code}" for code, _label in self.choices)
        return (self.name,)


@dataclass(frozen=True)
class Form:
    """A REDCap instrument: its fields, the events it belongs to, whether it repeats there."""

    name: str
    label: str
    fields: tuple[Field, ...]
    events: tuple[str, ...]
    repeating: bool = False
    # The tidy table a repeating form's rows come from, and the column with the instance number.
    table: ExportTable | None = None
    instance: str = ""


@dataclass(frozen=True)
class Event:
    """A REDCap event of arm 1."""

    name: str
    label: str

    @property
    def unique_name(self) -> str:
        """REDCap's unique event name, such as `3m_arm_1`."""
        return f"{self.name}_arm_{ARM}"


@dataclass(frozen=True)
class RedcapLayout:
    """The whole project for one export (identified or de-identified)."""

    events: tuple[Event, ...]
    forms: tuple[Form, ...]

    def fields(self) -> tuple[Field, ...]:
        """Every field, record id first, form by form."""
        return tuple(field for form in self.forms for field in form.fields)

    def record_columns(self) -> tuple[str, ...]:
        """The records.csv header: REDCap's four key columns, then every data column."""
        data = (c for f in self.fields() if f.name != RECORD_ID for c in f.record_columns())
        keys = (RECORD_ID, "redcap_event_name", "redcap_repeat_instrument")
        return (*keys, "redcap_repeat_instance", *data)

    def form(self, name: str) -> Form:
        """The form of this name."""
        return next(form for form in self.forms if form.name == name)


def humanised(code: str) -> str:
    """A vocabulary code as a choice label: `bone_marrow` -> `Bone marrow`."""
    return code.replace("_", " ").capitalize()


def field_from_column(name: str, form: str, column: Column) -> Field:
    """A REDCap field for a tidy column: its type, choices and validation follow the column."""
    shape, validation = _shape(column)
    listed = shape in ("radio", "dropdown", "checkbox")
    numeric = column.kind in ("integer", "number")
    return Field(
        name,
        form,
        shape,
        column.meaning,
        choices=tuple((code, humanised(code)) for code in column.allowed) if listed else (),
        validation=validation,
        minimum=_bound(column.minimum) if numeric else "",
        maximum=_bound(column.maximum) if numeric else "",
        identifier=column.identifier,
        source=column.name,
    )


def _shape(column: Column) -> tuple[str, str]:
    """REDCap's field type and text validation for a column kind."""
    if column.kind == "category":
        return ("radio" if len(column.allowed) <= RADIO_LIMIT else "dropdown"), ""
    shapes = {
        "boolean": ("yesno", ""),
        "categories": ("checkbox", ""),
        "notes": ("notes", ""),
        "integer": ("text", "integer"),
        "number": ("text", "number"),
        "date": ("text", "date_ymd"),
        "datetime": ("text", "datetime_seconds_ymd"),
    }
    return shapes.get(column.kind, ("text", ""))


def _bound(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def _mapped_fields(
    form: str, context: ExportContext, mapping: tuple[tuple[str, ExportTable, str], ...]
) -> tuple[Field, ...]:
    """Fields for (REDCap name, tidy table, tidy column) triples shown in this export."""
    fields = []
    for name, table, column_name in mapping:
        if column_name not in {column.name for column in table.columns}:
            raise KeyError(f"{table.name} has no column {column_name} (REDCap field {name})")
        shown = {column.name: column for column in table.columns_for(context)}
        if column_name in shown:
            fields.append(field_from_column(name, form, shown[column_name]))
    return tuple(fields)


def _same(table: ExportTable, *names: str) -> tuple[tuple[str, ExportTable, str], ...]:
    return tuple((name, table, name) for name in names)


def _registration(context: ExportContext) -> Form:
    record_id = Field(RECORD_ID, "registration", "text", "Record: registry key and episode")
    mapping = (
        *_same(PATIENTS, "patient_key", "site", "sex", "name", "birth_date", "birth_year"),
        *_same(PATIENTS, "zip", "zip3", "email", "phone", "mrn", "synthetic"),
        *_same(EPISODES, "episode", "region", "severity", "diagnosis_code"),
        ("episode_status", EPISODES, "status"),
        *_same(EPISODES, "index_date", "index_year", "age_at_index", "procedures"),
        ("episode_started_on", EPISODES, "started_on"),
        ("episode_started_day", EPISODES, "started_day"),
        ("episode_closed_on", EPISODES, "closed_on"),
        ("episode_closed_day", EPISODES, "closed_day"),
        ("episode_note", EPISODES, "note"),
    )
    fields = (record_id, *_mapped_fields("registration", context, mapping))
    return Form("registration", "Registration", fields, (BASELINE,))


def _prefixed(
    prefix: str, table: ExportTable, *pairs: str
) -> tuple[tuple[str, ExportTable, str], ...]:
    """`name=column` pairs (or plain names) as mapping triples with a field-name prefix."""
    triples = []
    for pair in pairs:
        name, _, column = pair.partition("=")
        triples.append((f"{prefix}_{name}", table, column or name))
    return tuple(triples)


def _screening(context: ExportContext) -> Form:
    mapping = _prefixed(
        "scr", SCREENINGS, "days=days_from_procedure", "date=screened_on", "category", "age",
        "region", "severity", "symptom_weeks", "conservative_weeks=conservative_care_weeks",
        "general_health", "symptoms", "red_flags", "contraindications", "disc_bulge",
        "lf_hypertrophy=ligamentum_flavum_hypertrophy", "facet_arthropathy",
        "bony_compression=bony_compression_percent", "instability",
    )  # fmt: skip
    fields = _mapped_fields("screening", context, mapping)
    return Form("screening", "Screening", fields, (BASELINE,), True, SCREENINGS, "screening")


def _procedure(context: ExportContext) -> Form:
    mapping = _prefixed(
        "proc", PROCEDURES, "days=days_from_procedure", "date=performed_on", "cell_source",
        "harvest_site", "harvest_ml=harvest_volume_ml", "anaesthetic", "product=product_name",
        "lot_number", "donor_screened=donor_screening_documented", "method=processing_method",
        "device=processing_device", "started_at=processing_started_at",
        "ended_at=processing_ended_at", "minutes=processing_minutes",
        "tnc_per_ml=total_nucleated_cells_per_ml", "cfu_f_per_ml", "cd34_per_ml",
        "viability=viability_percent", "region", "levels", "targets", "guidance=image_guidance",
        "volume_ml=injection_volume_ml", "cell_dose", "operator",
    )  # fmt: skip
    fields = _mapped_fields("procedure", context, mapping)
    return Form("procedure", "Procedure", fields, (BASELINE,), True, PROCEDURES, "procedure")


def _adverse_events(context: ExportContext) -> Form:
    mapping = _prefixed(
        "ae", ADVERSE_EVENTS, "procedure", "days=days_from_procedure", "onset_date=onset_on",
        "resolved_day", "resolved_date=resolved_on", "category", "site", "grade", "serious",
        "criteria=serious_criteria", "relatedness", "outcome", "description",
    )  # fmt: skip
    fields = _mapped_fields("adverse_events", context, mapping)
    events = (ANY_TIME,)
    return Form("adverse_events", "Adverse events", fields, events, True, ADVERSE_EVENTS, "event")


def _later_treatments(context: ExportContext) -> Form:
    mapping = _prefixed(
        "tx", INTERVENTIONS, "days=days_from_procedure", "date=performed_on", "kind",
        "is_surgery", "description",
    )  # fmt: skip
    fields = _mapped_fields("later_treatments", context, mapping)
    form = "later_treatments"
    return Form(form, "Later treatments", fields, (ANY_TIME,), True, INTERVENTIONS, "intervention")


def item_field(data: Instrument, item: Item) -> Field:
    """A questionnaire item: radio buttons with the catalogue's anchors, or a whole number."""
    scale = item.scale
    label = f"{data.short_title} {data.item_noun} {item.number}: {item.label}"
    name = f"{data.id}_{item.number}"
    values = scale.only or tuple(range(scale.minimum, scale.maximum + 1))
    note = scale.unit or ""
    if len(values) <= LONGEST_CHOICE_SCALE:
        choices = tuple((str(value), scale.anchors.get(value, str(value))) for value in values)
        return Field(name, data.id, "radio", label, choices=choices, note=note)
    return Field(
        name,
        data.id,
        "text",
        label,
        note=note,
        validation="integer",
        minimum=str(scale.minimum),
        maximum=str(scale.maximum),
    )


def questionnaire_form(data: Instrument, context: ExportContext, events: tuple[str, ...]) -> Form:
    """One questionnaire as a form: what it measures, when answered, items, score(s)."""
    about = f"{data.title}. {data.measures}" + (f" Licence: {data.licence}" if data.licence else "")
    fields = [Field(f"{data.id}_about", data.id, "descriptive", " ".join(about.split()))]
    if context.identified:
        label = "Day the questionnaire was answered (identified exports only)."
        fields.append(Field(f"{data.id}_date", data.id, "text", label, validation="date_ymd"))
    days = "Day answered, in days from the episode's index procedure."
    fields.append(Field(f"{data.id}_days", data.id, "text", days, validation="integer"))
    fields += [item_field(data, item) for item in data.items]
    scored = "Scored by regenspine from the answers above; empty when too few were answered."
    scores = [(s.id, f"{s.title} (mean). {scored}") for s in data.subscales] or [
        ("score", f"{data.short_title} score. {scored}")
    ]
    for measure, label in scores:
        name = f"{data.id}_{measure}"
        fields.append(
            Field(name, data.id, "text", label, validation="number", annotation=READ_ONLY)
        )
    return Form(data.id, data.title, tuple(fields), events)


def redcap_layout(context: ExportContext) -> RedcapLayout:
    """The project's events and forms for this export."""
    visits = tuple(Event(timepoint.id, timepoint.label) for timepoint in timepoints())
    events = (*visits, Event(ANY_TIME, "Any time after the procedure"))
    visit_names = tuple(event.name for event in visits)
    questionnaires = tuple(questionnaire_form(i, context, visit_names) for i in instruments())
    forms = (
        _registration(context),
        _screening(context),
        _procedure(context),
        *questionnaires,
        _adverse_events(context),
        _later_treatments(context),
    )
    return RedcapLayout(events, forms)
