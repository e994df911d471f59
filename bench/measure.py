"""Time and peak memory of one command, measured the way /usr/bin/time does it.

The command runs as a child process; its wall time is taken around it and its peak resident set
size comes from the kernel's accounting for that child alone (`os.wait4`), so the figures include
interpreter start-up and imports, exactly what a person running the command waits for.
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from tempfile import TemporaryFile

KIB = 1024
MIB = 2**20


@dataclass(frozen=True)
class Run:
    """One run of a command: seconds on the wall clock and on the CPU (user + system), peak
    memory and what it printed."""

    seconds: float
    cpu_seconds: float
    peak_bytes: int
    output: str


def measure(command: Sequence[str], env: dict[str, str] | None = None) -> Run:
    """Run the command once; fail loudly when it fails."""
    with TemporaryFile("w+", encoding="utf-8") as output, TemporaryFile("w+") as errors:
        started = time.perf_counter()
        # Our own benchmark commands, given as argument lists (no shell).
        child = subprocess.Popen(list(command), env=env, stdout=output, stderr=errors)  # noqa: S603
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode != 0:
            errors.seek(0)
            raise RuntimeError(f"{' '.join(command)} failed ({child.returncode}): {errors.read()}")
        output.seek(0)
        # Linux reports ru_maxrss in KiB.
        return Run(
            seconds=seconds,
            cpu_seconds=usage.ru_utime + usage.ru_stime,
            peak_bytes=usage.ru_maxrss * KIB,
            output=output.read(),
        )


def best_of(
    command: Sequence[str],
    repeat: int,
    env: dict[str, str] | None = None,
    before: Callable[[], None] | None = None,
) -> Run:
    """The fastest of `repeat` runs (the others only warm the file cache, or met a busier
    machine); CPU time is the least seen, peak memory the largest. `before` runs before each
    run, untimed."""
    runs = []
    for _ in range(repeat):
        if before is not None:
            before()
        runs.append(measure(command, env))
    fastest = min(runs, key=lambda run: run.seconds)
    return Run(
        seconds=fastest.seconds,
        cpu_seconds=min(run.cpu_seconds for run in runs),
        peak_bytes=max(run.peak_bytes for run in runs),
        output=fastest.output,
    )


def file_size(path: Path) -> int:
    """Bytes of a database file with its write-ahead log, if any."""
    wal = path.with_name(path.name + "-wal")
    return path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)
