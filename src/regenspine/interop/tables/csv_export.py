"""`export csv`: the registry as tidy CSV files with a data dictionary and an about note.

One file per entity (see EXPORT_TABLES), streamed row by row. `data_dictionary.csv` lists every
column of every file with its type, meaning and allowed values; `about.txt` says whether the data
are de-identified and whether any patient is synthetic (then every file's `synthetic` column
marks them). Values: empty for missing, true/false for yes/no, lists joined with `;`, ISO dates.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from regenspine.interop.release import (
    ABOUT_FILE,
    ExportContext,
    ExportSummary,
    Progress,
    about_text,
    record_export,
    start_export,
)
from regenspine.interop.tables.outcomes import (
    ADVERSE_EVENTS,
    ASSESSMENT_ITEMS,
    ASSESSMENTS,
    FOLLOW_UPS,
    INTERVENTIONS,
)
from regenspine.interop.tables.patients import CONSENTS, EPISODES, PATIENTS, SCREENINGS
from regenspine.interop.tables.procedures import (
    INJECTION_TARGETS_TABLE,
    MEDICATIONS,
    PROCEDURES,
    PROTOCOL_CHECKS,
)
from regenspine.interop.tables.tidy import ExportTable
from regenspine.registry.models import User

EXPORT_TABLES: tuple[ExportTable, ...] = (
    PATIENTS,
    EPISODES,
    CONSENTS,
    SCREENINGS,
    PROCEDURES,
    INJECTION_TARGETS_TABLE,
    PROTOCOL_CHECKS,
    MEDICATIONS,
    FOLLOW_UPS,
    ASSESSMENTS,
    ASSESSMENT_ITEMS,
    ADVERSE_EVENTS,
    INTERVENTIONS,
)
DICTIONARY_FILE = "data_dictionary.csv"
DICTIONARY_HEADER = ("file", "column", "type", "meaning", "allowed values")


def csv_value(value: Any) -> str:
    """One value as CSV text: empty, true/false, ISO date, `a;b` for lists, plain numbers."""
    if value is None:
        return ""
    if type(value) is str:  # most values: skip the checks below
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, list | tuple):
        return ";".join(csv_value(item) for item in value)
    return str(value)


def write_csv(path: Path, header: Iterable[str], rows: Iterable[Iterable[Any]]) -> int:
    """Write a header and rows to a CSV file; returns how many rows were written."""
    count = 0
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(list(header))
        for row in rows:
            writer.writerow([csv_value(value) for value in row])
            count += 1
    return count


def write_csv_export(
    session: Session,
    actor: User,
    folder: Path,
    *,
    deidentified: bool,
    reason: str,
    as_of: date,
    progress: Progress | None = None,
) -> ExportSummary:
    """Write every tidy file, the data dictionary and about.txt into `folder`; audited."""
    connection, context, summary, step = start_export(
        session, actor, "csv", deidentified=deidentified, as_of=as_of, progress=progress
    )
    for table in EXPORT_TABLES:
        names = [column.name for column in table.columns_for(context)]
        rows = ([row[name] for name in names] for row in table.rows(connection, context))
        summary.files[f"{table.name}.csv"] = write_csv(folder / f"{table.name}.csv", names, rows)
        step(table.name)
    summary.files[DICTIONARY_FILE] = write_csv(
        folder / DICTIONARY_FILE, DICTIONARY_HEADER, dictionary_rows(context)
    )
    listing = [(f"{table.name}.csv", table.description) for table in EXPORT_TABLES]
    listing.append((DICTIONARY_FILE, "Every column of every file: type, meaning, allowed values."))
    title = "regenspine research export: tidy CSV files"
    (folder / ABOUT_FILE).write_text(about_text(summary, title, listing), encoding="utf-8")
    record_export(session, actor, summary, reason)
    return summary


def dictionary_rows(context: ExportContext) -> list[tuple[str, str, str, str, str]]:
    """One data-dictionary row per column of every file in this export."""
    return [
        (f"{table.name}.csv", column.name, column.kind, column.meaning, column.allowed_text())
        for table in EXPORT_TABLES
        for column in table.columns_for(context)
    ]
