"""Synthetic SQLite registries of a given size, generated once and cached in var/bench/.

A registry counts as cached when its marker file exists (written after generation succeeded),
so an interrupted generation is started again rather than measured half-written. Cached files
are migrated to the newest schema before each run, so a newer migration (an index) reaches them.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

CACHE = Path("var/bench")
SEED = 7
# A fixed as-of day keeps the registries, and so the figures, the same from run to run.
AS_OF = "2026-11-01"
BENCH_USER = "bench"
# A throwaway password for the throwaway registries; nothing real is ever stored in them.
BENCH_PASSWORD = "bench-registry-only"  # noqa: S105
REGENSPINE = Path(sys.executable).with_name("regenspine")


@dataclass(frozen=True)
class CachedRegistry:
    """One synthetic registry file and how many patients it holds."""

    patients: int
    path: Path

    @property
    def url(self) -> str:
        """The SQLAlchemy URL regenspine reads it with."""
        return f"sqlite:///{self.path}"

    @property
    def marker(self) -> Path:
        """The file that says generation finished."""
        return self.path.with_name(self.path.name + ".done")

    def environment(self) -> dict[str, str]:
        """The environment that points regenspine at this registry as the bench user."""
        return bench_environment(self.url)


def cached_registry(patients: int) -> CachedRegistry:
    """The registry of this size in the cache (generated or not)."""
    return CachedRegistry(patients, CACHE / f"registry-{patients}.sqlite3")


def bench_environment(url: str) -> dict[str, str]:
    """The environment that points regenspine at a database as the bench user."""
    return {**os.environ, "REGENSPINE_DATABASE_URL": url, "REGENSPINE_USER": BENCH_USER}


def _regenspine(registry: CachedRegistry, *args: str, stdin: str | None = None) -> None:
    _regenspine_at(registry.url, *args, stdin=stdin)


def _regenspine_at(url: str, *args: str, stdin: str | None = None) -> None:
    subprocess.run(  # noqa: S603 (this package's own command, an argument list, no shell)
        [str(REGENSPINE), *args],
        env=bench_environment(url),
        input=stdin,
        text=True,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def _generate(registry: CachedRegistry) -> float:
    """Write a fresh synthetic registry; returns the seconds it took."""
    remove_database(registry.path)
    started = time.perf_counter()
    _regenspine(
        registry, "synth", "--patients", str(registry.patients), "--seed", str(SEED),
        "--as-of", AS_OF,
    )  # fmt: skip
    return time.perf_counter() - started


def remove_database(path: Path) -> None:
    """Delete a SQLite file with its -wal and -shm companions; make sure its folder exists."""
    for leftover in (path, *path.parent.glob(path.name + "-*")):
        leftover.unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)


def _has_users(registry: CachedRegistry) -> bool:
    with sqlite3.connect(registry.path) as connection:
        return bool(connection.execute("SELECT count(*) FROM app_user").fetchone()[0])


def prepared_registry(patients: int) -> tuple[CachedRegistry, float | None]:
    """The cached registry of this size, generated first when missing, migrated and with a
    user the report can run as; also the generation time when it was generated now."""
    registry = cached_registry(patients)
    generated = None
    if not registry.marker.exists():
        print(f"generating {patients:,} synthetic patients into {registry.path} ...", flush=True)
        generated = _generate(registry)
        registry.marker.write_text(f"seed {SEED}, as of {AS_OF}, {generated:.0f} s\n")
    _regenspine(registry, "db", "upgrade")
    if not _has_users(registry):
        _add_bench_user(registry.url)
    return registry, generated


def _add_bench_user(url: str) -> None:
    _regenspine_at(
        url, "users", "add", BENCH_USER, "--role", "admin", "--password-stdin",
        stdin=BENCH_PASSWORD + "\n",
    )  # fmt: skip


def empty_registry(url: str) -> None:
    """Migrate an empty database (a new SQLite file or PostgreSQL database) and add the bench
    user, so regenspine can import into it."""
    _regenspine_at(url, "db", "upgrade")
    _add_bench_user(url)
