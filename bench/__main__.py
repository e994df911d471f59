"""`python -m bench [--only report,fhir,startup,claims,public,patients] [--sizes ...]
[--fhir-sizes ...] [--public-patients 100000] [--repeat 3]`.

The report against its floor (`--sizes`), FHIR export and import against the floor of raw
inserts (`--fhir-sizes`; see `bench.fhir`), the start-up of `regenspine --help` and
`regenspine faq` (see `bench.startup`), the claims checker on a long paste beside its floor
(see `bench.claims`), and every public GET endpoint of the web app next to a bare Starlette
app (see `bench.public_endpoints`), and the workspace patient list and its API at
`--public-patients` (see `bench.patient_list`). For each report size: the cached synthetic
registry (generated on first use), then the best of `repeat` runs of `regenspine report --json`
and of the floor query (`bench.floor`), each as a command of its own with its wall time and
peak memory, the report's own steps in-process, and a check that both give the same responder
table. Results go to stdout and var/bench/results-*.json.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import sqlite3
import sys
from datetime import date
from pathlib import Path
from typing import Any

from bench.claims import bench_claims, print_claims
from bench.fhir import bench_fhir, fhir_goals, print_fhir
from bench.measure import MIB, Run, best_of, file_size, measure
from bench.patient_list import bench_patient_list, print_patient_list
from bench.public_endpoints import bench_public, public_goals
from bench.registries import AS_OF, CACHE, REGENSPINE, prepared_registry
from bench.startup import bench_startup, print_startup

SIZES = (10_000, 100_000, 1_000_000)
FHIR_SIZES = (10_000, 100_000)
PUBLIC_PATIENTS = 100_000
# Issue 6 §5: the report within 2x of the floor at 100,000 patients, under 2 GiB at 1,000,000.
TIME_GOAL_RATIO = 2.0
MEMORY_GOAL_BYTES = 2 * 2**30


def _responders_in_report(report: dict[str, Any]) -> dict[tuple[str, str], tuple[int, int]]:
    return {
        (row["instrument"], row["timepoint"]): (row["responders"], row["responder_n"])
        for row in report["outcomes"]
        if row["measure"] == "score" and row["responder_rule"] is not None
    }


def _responders_in_floor(rows: list[dict[str, Any]]) -> dict[tuple[str, str], tuple[int, int]]:
    return {
        (row["instrument"], row["timepoint"]): (row["responders"], row["responder_n"])
        for row in rows
    }


def bench_size(patients: int, repeat: int) -> dict[str, Any]:
    """Measure one registry size; the figures as a JSON-ready dict."""
    registry, generated = prepared_registry(patients)
    report_command = [str(REGENSPINE), "report", "--json", "--as-of", AS_OF]
    floor_command = [sys.executable, "-m", "bench.floor", str(registry.path)]
    floor = best_of(floor_command, repeat)
    report = best_of(report_command, repeat, registry.environment())
    steps = measure([sys.executable, "-m", "bench.steps", registry.url])
    same = _responders_in_report(json.loads(report.output)) == _responders_in_floor(
        json.loads(floor.output)
    )
    return {
        "patients": patients,
        "file_bytes": file_size(registry.path),
        "generated_seconds": generated,
        "floor": _figures(floor),
        "report": _figures(report),
        "report_steps": json.loads(steps.output),
        "ratio": report.seconds / floor.seconds,
        "cpu_ratio": report.cpu_seconds / floor.cpu_seconds,
        "same_responder_table": same,
    }


def _figures(run: Run) -> dict[str, float]:
    return {
        "seconds": round(run.seconds, 3),
        "cpu_seconds": round(run.cpu_seconds, 3),
        "peak_mib": round(run.peak_bytes / MIB, 1),
    }


def machine() -> dict[str, Any]:
    """The machine the figures were measured on."""
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory_kib = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    return {
        "date": date.today().isoformat(),
        "cpu": cpu,
        "nproc": os.cpu_count(),
        "ram_gib": round(memory_kib / 2**20, 1),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
    }


def _print_row(result: dict[str, Any]) -> None:
    floor, report = result["floor"], result["report"]
    steps = ", ".join(f"{name} {seconds:.2f}" for name, seconds in result["report_steps"].items())
    print(
        f"{result['patients']:>9,} patients ({result['file_bytes'] / MIB:,.0f} MiB): "
        f"floor {floor['seconds']:.2f} s (CPU {floor['cpu_seconds']:.2f}) / "
        f"{floor['peak_mib']:.0f} MiB; report {report['seconds']:.2f} s "
        f"(CPU {report['cpu_seconds']:.2f}) / {report['peak_mib']:.0f} MiB; "
        f"ratio {result['ratio']:.2f} (CPU {result['cpu_ratio']:.2f}); "
        f"same responder table: {result['same_responder_table']}"
    )
    print(f"           report steps in-process (s): {steps}", flush=True)


def _goals(results: list[dict[str, Any]]) -> list[str]:
    lines = []
    by_size = {result["patients"]: result for result in results}
    if 100_000 in by_size:
        ratio, cpu = by_size[100_000]["ratio"], by_size[100_000]["cpu_ratio"]
        met = "met" if ratio <= TIME_GOAL_RATIO else "MISSED"
        lines.append(f"time at 100,000: {ratio:.2f}x the floor (CPU {cpu:.2f}x; goal <= 2x): {met}")
    if 1_000_000 in by_size:
        peak = by_size[1_000_000]["report"]["peak_mib"] * MIB
        met = "met" if peak < MEMORY_GOAL_BYTES else "MISSED"
        lines.append(f"peak memory at 1,000,000: {peak / 2**30:.2f} GiB (goal < 2 GiB): {met}")
    ordered = sorted(by_size)
    for small, large in itertools.pairwise(ordered):
        growth = by_size[large]["report"]["seconds"] / by_size[small]["report"]["seconds"]
        lines.append(f"report time {small:,} -> {large:,} patients: x{growth:.1f}")
    return lines


def main() -> None:
    """Parse the options, measure every size, print and save the figures."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--only",
        default="report,fhir,startup,claims,public",
        help="any of report, fhir, startup, claims, public and patients (not by default)",
    )
    parser.add_argument("--sizes", default=",".join(str(size) for size in SIZES))
    parser.add_argument("--fhir-sizes", default=",".join(str(size) for size in FHIR_SIZES))
    parser.add_argument(
        "--public-patients",
        type=int,
        default=PUBLIC_PATIENTS,
        help="size of the synthetic registry behind the public pages",
    )
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()
    only = set(options.only.split(","))
    about = machine()
    print(f"{about['date']}: {about['cpu']}, {about['nproc']} CPUs, {about['ram_gib']} GiB RAM")
    saved: dict[str, Any] = {"machine": about}
    if "report" in only:
        results = []
        for patients in _sizes(options.sizes):
            results.append(bench_size(patients, options.repeat))
            _print_row(results[-1])
        for line in _goals(results):
            print(line)
        saved["results"] = results
    if "fhir" in only:
        postgres = os.environ.get("REGENSPINE_BENCH_POSTGRES_URL")
        fhir = []
        for patients in _sizes(options.fhir_sizes):
            fhir.append(bench_fhir(patients, postgres))
            print_fhir(fhir[-1])
        for line in fhir_goals(fhir):
            print(line)
        saved["fhir"] = fhir
    if "startup" in only:
        saved["startup"] = bench_startup(options.repeat)
        print_startup(saved["startup"])
    if "claims" in only:
        saved["claims"] = bench_claims(options.repeat)
        print_claims(saved["claims"])
    if "public" in only:
        print(f"public endpoints ({options.public_patients:,} patients in the registry):")
        saved["public"] = bench_public(options.public_patients)
        for line in public_goals(saved["public"]):
            print(line)
    if "patients" in only:
        saved["patients"] = bench_patient_list(options.public_patients, options.repeat)
        print_patient_list(saved["patients"])
    CACHE.mkdir(parents=True, exist_ok=True)
    target = CACHE / f"results-{'-'.join(sorted(only))}.json"
    target.write_text(json.dumps(saved, indent=2) + "\n")
    print(f"figures saved to {target}")


def _sizes(text: str) -> list[int]:
    return [int(size) for size in text.split(",") if size]


if __name__ == "__main__":
    main()
