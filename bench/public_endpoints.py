"""Requests per second of every public GET endpoint, next to a bare Starlette app in the same run.

Both apps are served as deployed, each in a process of its own on 127.0.0.1: regenspine by
`regenspine serve` itself (uvicorn with its defaults, the settings read from the environment,
pointed at a cached synthetic registry), the bare app by uvicorn with the same defaults, one
route answering a small fixed text. The load comes from this process: a few clients, each
keeping one HTTP/1.1 connection open and sending one request after another. The client speaks
HTTP through h11 (the parser uvicorn itself uses) over asyncio streams: httpx spends more CPU
per request than the bare server does, so it would measure itself instead of the server.

For every endpoint both servers are warmed up, then measured in turns: ROUNDS short runs
against the bare app, each followed by one against the endpoint, so the two see the same load
of the shared machine. The runs are bounded in requests and seconds. Besides requests per
second (the goal's measure), the server's own CPU time per request is read from /proc: on a
machine other work shares, it moves far less than wall time, and its ratio is what the
requests per second would be with a CPU to each server alone. The login
throttle limits only failed sign-ins (per username and address), not public pages, so nothing
has to be configured or turned off to measure them.
"""

from __future__ import annotations

import asyncio
import os
import socket
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
ROUNDS = 4
MAX_REQUESTS = 2000
MAX_SECONDS = 4.0
WARM_UP = 20
BARE_TARGET = "/"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
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
    """What bounded runs of requests against one server measured, added together."""

    requests: int
    seconds: float
    cpu_seconds: float
    latencies: tuple[float, ...]
    body_bytes: int

    @property
    def per_second(self) -> float:
        """Requests answered per second of wall time."""
        return self.requests / self.seconds

    @property
    def cpu_ms_per_request(self) -> float:
        """The server process's CPU time (user + system) per request, in milliseconds."""
        return 1000 * self.cpu_seconds / self.requests

    def percentile(self, share: float) -> float:
        """A latency percentile in seconds (nearest rank on the sorted latencies)."""
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]

    def __add__(self, other: Load) -> Load:
        return Load(
            self.requests + other.requests,
            self.seconds + other.seconds,
            self.cpu_seconds + other.cpu_seconds,
            self.latencies + other.latencies,
            max(self.body_bytes, other.body_bytes),
        )


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


async def _warm(port: int, target: str) -> int:
    connection = await Connection.open(port)
    try:
        for _ in range(WARM_UP):
            status, size = await connection.get(target)
            if status != 200:
                raise RuntimeError(f"GET {target} answered {status}")
    finally:
        connection.close()
    return size


async def _slice(server: Server, target: str, requests: int, seconds: float) -> Load:
    budget = [requests]
    cpu = server.cpu_seconds()
    started = time.perf_counter()
    runs = await asyncio.gather(
        *(_client(server.port, target, started + seconds, budget) for _ in range(CLIENTS))
    )
    elapsed = time.perf_counter() - started
    latencies = tuple(value for run in runs for value in run)
    return Load(len(latencies), elapsed, server.cpu_seconds() - cpu, latencies, 0)


async def _compare(bare: Server, app: Server, target: str) -> tuple[Load, Load]:
    await _warm(bare.port, BARE_TARGET)
    size = await _warm(app.port, target)
    requests, seconds = MAX_REQUESTS // ROUNDS, MAX_SECONDS / ROUNDS
    bare_total = app_total = Load(0, 0.0, 0.0, (), 0)
    for _ in range(ROUNDS):
        bare_total += await _slice(bare, BARE_TARGET, requests, seconds)
        app_total += await _slice(app, target, requests, seconds)
    return bare_total, app_total + Load(0, 0.0, 0.0, (), size)


def compare(bare: Server, app: Server, target: str) -> tuple[Load, Load]:
    """Warm both up, then alternate short bounded runs against the bare app and the endpoint
    (ROUNDS of each, at most MAX_REQUESTS and MAX_SECONDS per server in all), so both see the
    same load of the shared machine; fails when any answer is not 200."""
    return asyncio.run(_compare(bare, app, target))


@dataclass(frozen=True)
class Server:
    """A server process and the port it listens on."""

    port: int
    pid: int

    def cpu_seconds(self) -> float:
        """CPU time (user + system) the process has used so far, from /proc."""
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


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
def serving(command: list[str], port: int, env: dict[str, str]) -> Iterator[Server]:
    """Run a server command until the block ends; its log goes nowhere (uvicorn logs every
    request by default, for both servers alike)."""
    # Our own commands, as argument lists (no shell).
    server = subprocess.Popen(  # noqa: S603
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        _wait_until_listening(port, server, seconds=120)
        yield Server(port, server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)


def _figures(found: Load) -> dict[str, Any]:
    return {
        "requests": found.requests,
        "per_second": round(found.per_second, 1),
        "cpu_ms_per_request": round(found.cpu_ms_per_request, 3),
        "p50_ms": round(found.percentile(0.50) * 1000, 2),
        "p99_ms": round(found.percentile(0.99) * 1000, 2),
        "body_bytes": found.body_bytes,
    }


def _row(target: str, bare: Load, app: Load) -> dict[str, Any]:
    ratio = app.per_second / bare.per_second
    tail = app.percentile(0.99) / app.percentile(0.50)
    return {
        "endpoint": target,
        "bare": _figures(bare),
        "app": _figures(app),
        "cpu_ratio": round(bare.cpu_ms_per_request / app.cpu_ms_per_request, 3),
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
    with (
        serving(bare_command, bare_port, bare_env) as bare,
        serving(app_command, app_port, app_env) as app,
    ):
        for target in targets:
            rows.append(_row(target, *compare(bare, app, target)))
            print_row(rows[-1])
    return {
        "patients": patients,
        "clients": CLIENTS,
        "load_average": os.getloadavg(),
        "endpoints": rows,
    }


def print_row(row: dict[str, Any]) -> None:
    """One endpoint's line: requests/s of both, the ratio, the app's p50 and p99."""
    app, bare = row["app"], row["bare"]
    verdict = "met" if row["meets_goal"] else "MISSED"
    print(
        f"  {row['endpoint'][:44]:<44} {app['per_second']:>7.1f}/s"
        f" (bare {bare['per_second']:>6.1f}) ratio {row['ratio']:.2f}"
        f" (CPU {row['cpu_ratio']:.2f}); p50 {app['p50_ms']:.1f} ms,"
        f" p99 {app['p99_ms']:.1f} ms, p99/p50 {row['p99_over_p50']:.1f}: {verdict}",
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
