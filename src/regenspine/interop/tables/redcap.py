"""`export redcap`: a REDCap data dictionary, the project's events and records to load into it.

Files, each in the format REDCap's data dictionary upload and its API import methods take:
- data_dictionary.csv: the 18 documented columns, record id first, identifiers flagged `y`;
- arms.csv (arm_num, name) and events.csv (event_name, arm_num, unique_event_name,
  custom_event_label);
- instrument_event_mapping.csv (arm_num, unique_event_name, form);
- repeating_instruments.csv (event_name, form_name, custom_form_label): the forms to set as
  repeating (REDCap takes this setting through its API or project set-up, not the dictionary);
- records.csv: longitudinal rows (record_id, redcap_event_name, redcap_repeat_instrument,
  redcap_repeat_instance, then every field);
- about.txt.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from regenspine.interop.release import (
    ABOUT_FILE,
    ExportSummary,
    Progress,
    about_text,
    record_export,
    start_export,
)
from regenspine.interop.tables.csv_export import write_csv
from regenspine.interop.tables.redcap_layout import (
    ARM,
    DICTIONARY_HEADER,
    RedcapLayout,
    redcap_layout,
)
from regenspine.interop.tables.redcap_records import record_rows
from regenspine.registry.models import User

DICTIONARY_FILE = "data_dictionary.csv"
RECORDS_FILE = "records.csv"
FILE_DESCRIPTIONS = {
    DICTIONARY_FILE: "REDCap data dictionary (upload it in the project's Dictionary page).",
    "arms.csv": "The project's one arm.",
    "events.csv": "One event per follow-up timepoint, plus one for any-time records.",
    "instrument_event_mapping.csv": "Which forms each event collects.",
    "repeating_instruments.csv": "Forms that repeat within their event (set them as repeating).",
    RECORDS_FILE: "The records: one row per episode and event, one per repeating form instance.",
}


def write_redcap_export(
    session: Session,
    actor: User,
    folder: Path,
    *,
    deidentified: bool,
    reason: str,
    as_of: date,
    progress: Progress | None = None,
) -> ExportSummary:
    """Write the REDCap files into `folder`; audited."""
    connection, context, summary, step = start_export(
        session, actor, "redcap", deidentified=deidentified, as_of=as_of, progress=progress
    )
    layout = redcap_layout(context)
    for name, (header, lines) in _project_files(layout).items():
        summary.files[name] = write_csv(folder / name, header, lines)
        step(name)
    columns = layout.record_columns()
    rows = record_rows(connection, context, layout)
    records = ([row.get(column, "") for column in columns] for row in rows)
    summary.files[RECORDS_FILE] = write_csv(folder / RECORDS_FILE, columns, records)
    step(RECORDS_FILE)
    title = "regenspine research export: REDCap project files"
    listing = list(FILE_DESCRIPTIONS.items())
    (folder / ABOUT_FILE).write_text(about_text(summary, title, listing), encoding="utf-8")
    record_export(session, actor, summary, reason)
    return summary


Table = tuple[tuple[str, ...], list[tuple[object, ...]]]


def _project_files(layout: RedcapLayout) -> dict[str, Table]:
    """The dictionary, arms, events, mappings and repeating forms as (header, rows)."""
    events = {event.name: event for event in layout.events}
    return {
        DICTIONARY_FILE: (DICTIONARY_HEADER, [f.dictionary_row() for f in layout.fields()]),
        "arms.csv": (("arm_num", "name"), [(ARM, f"Arm {ARM}")]),
        "events.csv": (
            ("event_name", "arm_num", "unique_event_name", "custom_event_label"),
            [(e.name, ARM, e.unique_name, e.label) for e in layout.events],
        ),
        "instrument_event_mapping.csv": (
            ("arm_num", "unique_event_name", "form"),
            [
                (ARM, events[name].unique_name, form.name)
                for event in layout.events
                for form in layout.forms
                for name in form.events
                if name == event.name
            ],
        ),
        "repeating_instruments.csv": (
            ("event_name", "form_name", "custom_form_label"),
            [
                (events[form.events[0]].unique_name, form.name, "")
                for form in layout.forms
                if form.repeating
            ],
        ),
    }
