"""Start-up of two quick commands: `regenspine --help` and `regenspine faq "..."`.

`--help` is measured next to its floors in the same run: `python -c pass` (the interpreter),
`python -c "import typer"` and `python -c "import typer.rich_utils"` (what any Typer help page
imports). The FAQ runs cold (its kept index removed before each run, so it stems every fact)
and warm (the index kept by the run before); `bench.faq_steps` times its steps in-process.
Each figure is the best of `repeat` runs of a command of its own (`bench.measure`), so it
includes interpreter start-up and imports.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench.measure import MIB, Run, best_of, measure
from bench.registries import REGENSPINE

QUESTION = "Is the stem cell injection painful?"
# The kept FAQ index's folder and file (regenspine.cli.kept_faq_index).
CACHE_FOLDER_ENV = "REGENSPINE_CACHE_DIR"
KEPT_FILE = "faq-index.json"
FLOORS = {
    "python -c pass": "pass",
    'python -c "import typer"': "import typer",
    'python -c "import typer.rich_utils"': "import typer.rich_utils",
}


def bench_startup(repeat: int) -> dict[str, Any]:
    """Measure `--help` with its floors and the FAQ cold and warm; the figures as a dict."""
    commands: dict[str, dict[str, float]] = {}
    figures: dict[str, Any] = {"load_average": os.getloadavg(), "commands": commands}
    for name, code in FLOORS.items():
        commands[name] = _figures(best_of([sys.executable, "-c", code], repeat))
    commands["regenspine --help"] = _figures(best_of([str(REGENSPINE), "--help"], repeat))
    cache = Path(tempfile.mkdtemp(prefix="bench-faq-cache-"))
    try:
        environment = {**os.environ, CACHE_FOLDER_ENV: str(cache)}
        faq = [str(REGENSPINE), "faq", QUESTION, "--json"]
        cold = best_of(faq, repeat, environment, before=lambda: _forget(cache))
        warm = best_of(faq, repeat, environment)
        commands["regenspine faq, cold"] = _figures(cold)
        commands["regenspine faq, warm"] = _figures(warm)
        figures["faq_index_kept"] = (cache / KEPT_FILE).exists()
        figures["faq_same_answers"] = json.loads(cold.output) == json.loads(warm.output)
        steps = measure([sys.executable, "-m", "bench.faq_steps", str(repeat)])
        figures["faq_steps"] = json.loads(steps.output)
    finally:
        shutil.rmtree(cache)
    return figures


def _forget(cache: Path) -> None:
    (cache / KEPT_FILE).unlink(missing_ok=True)


def _figures(run: Run) -> dict[str, float]:
    return {
        "seconds": round(run.seconds, 3),
        "cpu_seconds": round(run.cpu_seconds, 3),
        "peak_mib": round(run.peak_bytes / MIB, 1),
    }


def print_startup(figures: dict[str, Any]) -> None:
    """One line per command (wall and CPU seconds, peak memory), then the FAQ's steps."""
    load = ", ".join(f"{value:.1f}" for value in figures["load_average"])
    print(f"start-up (load average {load} at the start):")
    for name, value in figures["commands"].items():
        print(
            f"  {name:<38} {value['seconds']:.3f} s (CPU {value['cpu_seconds']:.3f} s), "
            f"{value['peak_mib']:.0f} MiB"
        )
    print(
        f"  faq index kept: {figures['faq_index_kept']}; "
        f"same answers cold and warm: {figures['faq_same_answers']}"
    )
    steps = ", ".join(f"{name} {seconds:.3f}" for name, seconds in figures["faq_steps"].items())
    print(f"  faq steps in-process (CPU s): {steps}", flush=True)
