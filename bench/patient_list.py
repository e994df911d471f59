"""The workspace patient list at registry scale: `/clinic/patients` (first page, a search, a
later page by its cursor) and `GET /api/v1/patients`, in-process against a cached registry.

Each request is timed on the wall clock as the best of `repeat`, with its response size; the
bench user is an admin, so the page shows and audits identities as a care-team list would.
"""

from __future__ import annotations

import re
import tempfile
import time
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from bench.registries import BENCH_PASSWORD, BENCH_USER, prepared_registry
from regenspine.config import Settings
from regenspine.registry.database import Registry
from regenspine.registry.services.tokens import issue_api_token
from regenspine.registry.services.users import find_user
from regenspine.web.app import create_app

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
NEXT = re.compile(r'<a href="([^"]+)" id="next-page"')


def _signed_in(client: TestClient) -> None:
    token = CSRF.search(client.get("/clinic/login").text)
    if token is None:
        raise RuntimeError("the sign-in page has no CSRF token")
    answer = client.post(
        "/clinic/login",
        data={"csrf_token": token.group(1), "username": BENCH_USER, "password": BENCH_PASSWORD},
        follow_redirects=False,
    )
    if answer.status_code != 303:
        raise RuntimeError(f"signing in failed: {answer.status_code} {answer.text[:300]}")


def _best(client: TestClient, target: str, repeat: int, **options: Any) -> dict[str, Any]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(target, **options)
        times.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise RuntimeError(f"{target}: {response.status_code} {response.text[:300]}")
    return {"target": target, "seconds": min(times), "bytes": len(response.content)}


def bench_patient_list(patients: int, repeat: int = 3) -> dict[str, Any]:
    """Best-of-`repeat` times and sizes of the patient list's page and API at this size."""
    cached, _ = prepared_registry(patients)
    registry = Registry(cached.url)
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(Settings(data_dir=Path(folder)), registry)
        with TestClient(app) as client:
            _signed_in(client)
            first = client.get("/clinic/patients").text
            later = NEXT.search(first)
            targets = [
                "/clinic/patients",
                "/clinic/patients?q=RS-7&sort=newest",
                "/clinic/patients?q=ann&sort=name",
                "/clinic/patients?follow_up=overdue",
            ]
            if later:
                targets.append(later.group(1).replace("&amp;", "&"))
            rows += [_best(client, target, repeat) for target in targets]
            with registry.transaction() as session:
                token = issue_api_token(session, find_user(session, BENCH_USER), "bench", "bench")
            api = {"authorization": f"Bearer {token}"}
            rows.append(_best(client, "/api/v1/patients?limit=200", repeat, headers=api))
    registry.dispose()
    return {"patients": patients, "rows": rows}


def print_patient_list(figures: dict[str, Any]) -> None:
    """The figures as a small table."""
    print(f"patient list at {figures['patients']:,} patients")
    for row in figures["rows"]:
        print(f"  {row['seconds'] * 1000:8.0f} ms {row['bytes'] / 1024:9.1f} KiB  {row['target']}")
