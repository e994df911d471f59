"""Requests per second of every public GET endpoint, next to a bare Starlette app in the same run.

Both apps are served as deployed, each in a process of its own on 127.0.0.1: regenspine by
`regenspine serve` itself (uvicorn with its defaults, the settings read from the environment,
pointed at a cached synthetic registry), the bare app by uvicorn with the same defaults, one
route answering a small fixed text. The load comes from this process: a few clients, each
keeping one HTTP/1.1 connection open and sending one request after another. The client speaks
HTTP through h11 (the parser uvicorn itself uses) over asyncio streams: httpx spends more CPU
per request than the bare server does, so it would measure itself instead of the server.

For every endpoint the bare app is measured right before and right after it, and the endpoint
is compared with the mean of the two, so the ratio compares figures taken under the same load
of the shared machine. Each measurement is bounded in requests and in seconds. The login
throttle limits only failed sign-ins (per username and address), not public pages, so nothing
has to be configured or turned off to measure them.
"""

from __future__ import annotations

import asyncio
import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import h11
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from bench.registries import CACHE, REGENSPINE, bench_environment, prepared_registry

HOST = "127.0.0.1"
CLIENTS = 4
MAX_REQUESTS = 2000
MAX_SECONDS = 3.0
WARM_UP = 20
# Issue 15 §5: every public endpoint at least half the bare endpoint's requests per second,
# and its 99th-percentile latency within 5 times its median.
RATE_GOAL = 0.5
TAIL_GOAL = 5.0
PUBLIC_GETS = (
    "/",
    "/learn",
    "/learn/condition",
    "/learn/outcomes",
    "/check",
    "/screening?checked=1",
    "/options",
    "/options?region=cervical",
    "/options?severity=moderate",
    "/costs",
    "/costs?country=mexico&travel_cost=1500&companions=1&nights=5&nightly_cost=120&procedures=1",
    "/claims",
    "/clinic-questions",
    "/recovery",
    "/recovery?procedure_date=2026-12-01",
    "/recovery.ics?procedure_date=2026-12-01",
    "/values",
    "/summary",
    "/faq",
    "/faq?q=Is+the+stem+cell+injection+painful%3F",
    "/about",
    "/docs",
    "/openapi.json",
    "/static/css/site.css",
    "/api/v1/options",
    "/api/v1/options?region=cervical",
    "/api/v1/clinic-questions",
)


async def _fixed(_request: Request) -> PlainTextResponse:
    return PlainTextResponse("ok")


def bare_app() -> Starlette:
    """The yardstick: a Starlette app with one route that answers a small fixed text."""
    return Starlette(routes=[Route("/", _fixed)])


@dataclass(frozen=True)
class Load:
    """What one bounded run of requests against one address measured."""

    requests: int
    seconds: float
    latencies: tuple[float, ...]
    body_bytes: int

    @property
    def per_second(self) -> float:
        """Requests answered per second of wall time."""
        return self.requests / self.seconds

    def percentile(self, share: float) -> float:
        """A latency percentile in seconds (nearest rank on the sorted latencies)."""
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


class Connection:
    """One kept-alive HTTP/1.1 connection that sends GETs and reads whole responses."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer
        self.state = h11.Connection(h11.CLIENT)

    @classmethod
    async def open(cls, port: int) -> Connection:
        """Connect to the server on this machine."""
        reader, writer = await asyncio.open_connection(HOST, port)
        return cls(reader, writer)

    async def get(self, target: str) -> tuple[int, int]:
        """Send one GET; the status and the body's length once the whole body is read."""
        request = h11.Request(method="GET", target=target, headers=[("host", HOST)])
        self.writer.write(self.state.send(request) + self.state.send(h11.EndOfMessage()))
        status, size = 0, 0
        while True:
            event = self.state.next_event()
            if event is h11.NEED_DATA:
                self.state.receive_data(await self.reader.read(65536))
            elif isinstance(event, h11.Response):
                status = event.status_code
            elif isinstance(event, h11.Data):
                size += len(event.data)
            elif isinstance(event, h11.EndOfMessage):
                self.state.start_next_cycle()
                return status, size

    def close(self) -> None:
        """Close the socket."""
        self.writer.close()


async def _client(port: int, target: str, deadline: float, budget: list[int]) -> list[float]:
    connection = await Connection.open(port)
    latencies: list[float] = []
    try:
        while budget[0] > 0 and time.perf_counter() < deadline:
            budget[0] -= 1
            started = time.perf_counter()
            status, _ = await connection.get(target)
            latencies.append(time.perf_counter() - started)
            if status != 200:
                raise RuntimeError(f"GET {target} answered {status}")
    finally:
        connection.close()
    return latencies


async def _load(port: int, target: str) -> Load:
    warm = await Connection.open(port)
    try:
        for _ in range(WARM_UP):
            status, size = await warm.get(target)
            if status != 200:
                raise RuntimeError(f"GET {target} answered {status}")
    finally:
        warm.close()
    budget = [MAX_REQUESTS]
    started = time.perf_counter()
    deadline = started + MAX_SECONDS
    runs = await asyncio.gather(*(_client(port, target, deadline, budget) for _ in range(CLIENTS)))
    seconds = time.perf_counter() - started
    latencies = tuple(value for run in runs for value in run)
    return Load(len(latencies), seconds, latencies, size)


def load(port: int, target: str) -> Load:
    """Warm up, then send at most MAX_REQUESTS GETs for at most MAX_SECONDS from CLIENTS
    connections at once; fails when any answer is not 200."""
    return asyncio.run(_load(port, target))


def free_port() -> int:
    """A port nothing listens on now."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def _wait_until_listening(port: int, server: subprocess.Popen[bytes], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server on port {port} stopped ({server.returncode})")
        with socket.socket() as probe:
            if probe.connect_ex((HOST, port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"nothing listens on port {port} after {seconds:.0f} s")


@contextmanager
def serving(command: list[str], port: int, env: dict[str, str]) -> Iterator[None]:
    """Run a server command until the block ends; its log goes nowhere (uvicorn logs every
    request by default, for both servers alike)."""
    # Our own commands, as argument lists (no shell).
    server = subprocess.Popen(  # noqa: S603
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        _wait_until_listening(port, server, seconds=120)
        yield
    finally:
        server.terminate()
        server.wait(timeout=30)


def _figures(found: Load) -> dict[str, Any]:
    return {
        "requests": found.requests,
        "per_second": round(found.per_second, 1),
        "p50_ms": round(found.percentile(0.50) * 1000, 2),
        "p99_ms": round(found.percentile(0.99) * 1000, 2),
        "body_bytes": found.body_bytes,
    }


def _row(target: str, bare: tuple[Load, Load], app: Load) -> dict[str, Any]:
    bare_rate = statistics.fmean(run.per_second for run in bare)
    ratio = app.per_second / bare_rate
    tail = app.percentile(0.99) / app.percentile(0.50)
    return {
        "endpoint": target,
        "bare_per_second": round(bare_rate, 1),
        "bare": [_figures(run) for run in bare],
        "app": _figures(app),
        "ratio": round(ratio, 3),
        "p99_over_p50": round(tail, 2),
        "meets_goal": ratio >= RATE_GOAL and tail <= TAIL_GOAL,
    }


def bench_public(patients: int, targets: tuple[str, ...] = PUBLIC_GETS) -> dict[str, Any]:
    """Serve both apps and measure every endpoint next to the bare one; the figures as a dict."""
    registry, _ = prepared_registry(patients)
    data_dir = CACHE / "web"
    data_dir.mkdir(parents=True, exist_ok=True)
    app_port, bare_port = free_port(), free_port()
    app_env = {**bench_environment(registry.url), "REGENSPINE_DATA_DIR": str(data_dir)}
    bare_command = [
        sys.executable, "-m", "uvicorn", "--factory", "bench.public_endpoints:bare_app",
        "--host", HOST, "--port", str(bare_port),
    ]  # fmt: skip
    app_command = [str(REGENSPINE), "serve", "--host", HOST, "--port", str(app_port)]
    bare_env = {**os.environ, "PYTHONPATH": str(Path.cwd())}
    rows = []
    with serving(bare_command, bare_port, bare_env), serving(app_command, app_port, app_env):
        after = load(bare_port, "/")
        for target in targets:
            before = after
            app = load(app_port, target)
            after = load(bare_port, "/")
            rows.append(_row(target, (before, after), app))
            print_row(rows[-1])
    return {
        "patients": patients,
        "clients": CLIENTS,
        "load_average": os.getloadavg(),
        "endpoints": rows,
    }


def print_row(row: dict[str, Any]) -> None:
    """One endpoint's line: requests/s of both, the ratio, the app's p50 and p99."""
    app = row["app"]
    verdict = "met" if row["meets_goal"] else "MISSED"
    print(
        f"  {row['endpoint'][:44]:<44} {app['per_second']:>7.1f}/s"
        f" (bare {row['bare_per_second']:>6.1f})"
        f" ratio {row['ratio']:.2f}; p50 {app['p50_ms']:.1f} ms, p99 {app['p99_ms']:.1f} ms,"
        f" p99/p50 {row['p99_over_p50']:.1f}: {verdict}",
        flush=True,
    )


def public_goals(figures: dict[str, Any]) -> list[str]:
    """The goal's verdict over every endpoint."""
    rows = figures["endpoints"]
    missed = [row["endpoint"] for row in rows if not row["meets_goal"]]
    if not missed:
        return [f"public endpoints: all {len(rows)} meet the goal (>= 0.5 of bare, p99 <= 5x p50)"]
    return [f"public endpoints: {len(missed)} of {len(rows)} MISSED the goal: {', '.join(missed)}"]


if __name__ == "__main__":
    figures = bench_public(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
    for line in public_goals(figures):
        print(line)
