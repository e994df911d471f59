"""FHIR export and import throughput next to the floor of raw inserts.

For a cached synthetic registry (SQLite) of N patients:

1. `regenspine export fhir` writes it as NDJSON (identified, so the import can read it back);
2. `regenspine import fhir` reads those files into an empty, migrated SQLite file;
3. the floor (`bench.insert_floor`) inserts the same rows into another empty file with
   `executemany`.

With `REGENSPINE_BENCH_POSTGRES_URL` (a PostgreSQL URL whose user may create databases) the same
files are also imported into a new PostgreSQL database, exported from there again (the two
exports must hold the same resources: the round trip across engines), and the floor is `COPY`.

Each command runs as a child process with its wall time, CPU time and peak memory (as
`bench.measure` takes them). Rows per second count the registry rows the export reads, the
import writes and the floor inserts: the same rows in all three.
"""

from __future__ import annotations

import filecmp
import itertools
import json
import shutil
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import make_url

from bench.insert_floor import TABLES
from bench.measure import MIB, Run, measure
from bench.registries import (
    CACHE,
    REGENSPINE,
    bench_environment,
    empty_registry,
    prepared_registry,
    remove_database,
)

# Issue 7 §4: FHIR import and export at least half as fast as the floor, in rows per second.
GOAL_SHARE = 0.5
POSTGRES_DATABASES = ("regenspine_bench_fhir", "regenspine_bench_floor")


def _rows_in(file: Path) -> int:
    with sqlite3.connect(file) as source:
        return sum(
            source.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608
            for table in TABLES
        )


def _progress(step: str, run: Run) -> Run:
    """Say each step as it ends: at 100,000 patients the whole run takes more than an hour."""
    print(
        f"  ... {step}: {run.seconds:.1f} s (CPU {run.cpu_seconds:.1f}), "
        f"peak {run.peak_bytes / MIB:.0f} MiB",
        file=sys.stderr,
        flush=True,
    )
    return run


def _export(url: str, folder: Path) -> Run:
    shutil.rmtree(folder, ignore_errors=True)
    command = [str(REGENSPINE), "export", "fhir", "--out", str(folder), "--reason", "benchmark"]
    return _progress(
        f"export from {make_url(url).get_backend_name()}",
        measure([*command, "--json"], bench_environment(url)),
    )


def _import(url: str, folder: Path) -> Run:
    empty_registry(url)
    command = [str(REGENSPINE), "import", "fhir", str(folder), "--reason", "benchmark", "--json"]
    return _progress(
        f"import into {make_url(url).get_backend_name()}",
        measure(command, bench_environment(url)),
    )


def _floor(source: Path, url: str) -> dict[str, Any]:
    empty_registry(url)
    run = measure([sys.executable, "-m", "bench.insert_floor", str(source), url])
    _progress(f"floor on {make_url(url).get_backend_name()}", run)
    figures: dict[str, Any] = json.loads(run.output)
    return figures


def _figures(run: Run, rows: int, resources: int) -> dict[str, float]:
    return {
        "seconds": round(run.seconds, 1),
        "cpu_seconds": round(run.cpu_seconds, 1),
        "peak_mib": round(run.peak_bytes / MIB, 1),
        "resources_per_second": round(resources / run.seconds),
        "rows_per_second": round(rows / run.seconds),
    }


def _fresh_sqlite(name: str) -> str:
    remove_database(CACHE / name)
    return f"sqlite:///{CACHE / name}"


@contextmanager
def _postgres_databases(admin_url: str) -> Iterator[list[str]]:
    """New, empty PostgreSQL databases for the import and the floor, dropped afterwards."""
    admin = make_url(admin_url).set(drivername="postgresql")
    with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as server:
        for name in POSTGRES_DATABASES:
            server.execute(f"DROP DATABASE IF EXISTS {name}")
            server.execute(f"CREATE DATABASE {name}")
        try:
            yield [
                admin.set(drivername="postgresql+psycopg", database=name).render_as_string(
                    hide_password=False
                )
                for name in POSTGRES_DATABASES
            ]
        finally:
            for name in POSTGRES_DATABASES:
                server.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _same_files(first: Path, second: Path) -> bool:
    names = sorted(file.name for file in first.glob("*.ndjson"))
    if names != sorted(file.name for file in second.glob("*.ndjson")):
        return False
    return all(filecmp.cmp(first / name, second / name, shallow=False) for name in names)


def bench_fhir(patients: int, postgres_admin_url: str | None) -> dict[str, Any]:
    """Export, import and floor for one registry size; the figures as a JSON-ready dict."""
    registry, _ = prepared_registry(patients)
    rows = _rows_in(registry.path)
    exported = CACHE / f"fhir-{patients}"
    export = _export(registry.url, exported)
    resources = sum(json.loads(export.output)["resources"].values())
    imported = _import(_fresh_sqlite(f"fhir-import-{patients}.sqlite3"), exported)
    floor = _floor(registry.path, _fresh_sqlite(f"floor-{patients}.sqlite3"))
    result: dict[str, Any] = {
        "patients": patients,
        "rows": rows,
        "resources": resources,
        "export_bytes": sum(file.stat().st_size for file in exported.glob("*.ndjson")),
        "sqlite": {
            "export": _figures(export, rows, resources),
            "import": _figures(imported, rows, resources),
            "floor": _floor_figures(floor),
        },
    }
    if postgres_admin_url:
        with _postgres_databases(postgres_admin_url) as (import_url, floor_url):
            pg_import = _import(import_url, exported)
            again = CACHE / f"fhir-{patients}-postgresql"
            pg_export = _export(import_url, again)
            result["postgresql"] = {
                "import": _figures(pg_import, rows, resources),
                "export": _figures(pg_export, rows, resources),
                "floor": _floor_figures(_floor(registry.path, floor_url)),
                "same_resources_after_round_trip": _same_files(exported, again),
            }
            shutil.rmtree(again, ignore_errors=True)
    shutil.rmtree(exported, ignore_errors=True)
    return result


def _floor_figures(floor: dict[str, Any]) -> dict[str, float]:
    return {
        "seconds": round(floor["seconds"], 1),
        "rows_per_second": round(floor["rows"] / floor["seconds"]),
    }


def print_fhir(result: dict[str, Any]) -> None:
    """One block of lines per size: each engine's export, import and floor."""
    print(
        f"FHIR, {result['patients']:,} patients: {result['rows']:,} rows, "
        f"{result['resources']:,} resources, {result['export_bytes'] / MIB:,.0f} MiB of NDJSON"
    )
    for engine in ("sqlite", "postgresql"):
        figures = result.get(engine)
        if figures is None:
            continue
        floor = figures["floor"]["rows_per_second"]
        for step in ("export", "import"):
            run = figures[step]
            print(
                f"  {engine} {step}: {run['seconds']:.1f} s (CPU {run['cpu_seconds']:.1f}), "
                f"peak {run['peak_mib']:.0f} MiB, {run['resources_per_second']:,} resources/s, "
                f"{run['rows_per_second']:,} rows/s = {run['rows_per_second'] / floor:.3f} of "
                f"the floor"
            )
        print(f"  {engine} floor: {figures['floor']['seconds']:.1f} s, {floor:,} rows/s")
        if "same_resources_after_round_trip" in figures:
            same = figures["same_resources_after_round_trip"]
            print(f"  same resources after the round trip: {same}")
    sys.stdout.flush()


def fhir_goals(results: list[dict[str, Any]]) -> list[str]:
    """Each engine and step against the goal, and peak memory from size to size."""
    lines = []
    for result in results:
        for engine in ("sqlite", "postgresql"):
            figures = result.get(engine)
            if figures is None:
                continue
            for step in ("export", "import"):
                share = figures[step]["rows_per_second"] / figures["floor"]["rows_per_second"]
                met = "met" if share >= GOAL_SHARE else "MISSED"
                lines.append(
                    f"FHIR {step} on {engine} at {result['patients']:,}: {share:.3f} of the "
                    f"floor's rows/s (goal >= {GOAL_SHARE}): {met}"
                )
    ordered = sorted(results, key=lambda result: result["patients"])
    for small, large in itertools.pairwise(ordered):
        for step in ("export", "import"):
            before, after = small["sqlite"][step]["peak_mib"], large["sqlite"][step]["peak_mib"]
            lines.append(
                f"FHIR {step} peak memory {small['patients']:,} -> {large['patients']:,} "
                f"patients: {before:.0f} -> {after:.0f} MiB"
            )
    return lines
