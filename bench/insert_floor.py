"""The FHIR benchmark's floor: raw inserts of the rows a FHIR import writes.

`python -m bench.insert_floor SOURCE_FILE TARGET_URL` copies every row of the tables a FHIR
import fills (patients and identities, episodes, procedures with their targets, interventions,
follow-up visits, assessments, adverse events) from a SQLite registry into an empty, migrated
database: `executemany` in one transaction on SQLite, `COPY ... FROM STDIN` on PostgreSQL, the
fastest plain way each engine offers. Only the writing is timed (the rows are read first,
table by table); it prints {"rows": ..., "seconds": ..., "tables": {...}} as JSON.
"""

from __future__ import annotations

import json
import sqlite3
import sys
import time
from typing import Any

import psycopg

# Parents before children, as the foreign keys require.
TABLES = (
    "patient",
    "patient_identity",
    "episode",
    "procedure",
    "injection_target",
    "intervention",
    "follow_up",
    "assessment",
    "adverse_event",
)


def _read(source: sqlite3.Connection, table: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    cursor = source.execute(f"SELECT * FROM {table}")  # noqa: S608 (a fixed table name)
    return [column[0] for column in cursor.description], cursor.fetchall()


def _sqlite_floor(source: sqlite3.Connection, target_file: str) -> dict[str, Any]:
    target = sqlite3.connect(target_file)
    target.execute("PRAGMA foreign_keys = ON")
    counts, seconds = {}, 0.0
    for table in TABLES:
        columns, rows = _read(source, table)
        marks = ", ".join("?" for _ in columns)
        statement = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"  # noqa: S608
        started = time.perf_counter()
        target.executemany(statement, rows)
        target.commit()
        seconds += time.perf_counter() - started
        counts[table] = len(rows)
    target.close()
    return {"rows": sum(counts.values()), "seconds": seconds, "tables": counts}


def _postgres_floor(source: sqlite3.Connection, target_url: str) -> dict[str, Any]:
    counts, seconds = {}, 0.0
    with psycopg.connect(target_url) as target:
        for table in TABLES:
            # SQLite's values (0/1 booleans, ISO dates, JSON text) are valid COPY text input.
            columns, rows = _read(source, table)
            started = time.perf_counter()
            with target.cursor() as cursor:
                copy_sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
                with cursor.copy(copy_sql) as copy:
                    for row in rows:
                        copy.write_row(row)
            target.commit()
            seconds += time.perf_counter() - started
            counts[table] = len(rows)
    return {"rows": sum(counts.values()), "seconds": seconds, "tables": counts}


def main() -> None:
    """Copy the rows and print the figures."""
    source_file, target = sys.argv[1], sys.argv[2]
    source = sqlite3.connect(source_file)
    if target.startswith("postgresql"):
        result = _postgres_floor(source, target.replace("+psycopg", "", 1))
    else:
        result = _sqlite_floor(source, target.removeprefix("sqlite:///"))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
