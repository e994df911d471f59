"""Where the report's time goes: `python -m bench.steps URL` builds the report in-process and
prints, as JSON, the seconds of each step (as the progress bar names them) and of the imports."""

from __future__ import annotations

import json
import sys
import time

started = time.perf_counter()

from datetime import date  # noqa: E402  (imports are part of what is timed)

from regenspine.analytics.cohort import report_filters  # noqa: E402
from regenspine.analytics.report import build_report  # noqa: E402
from regenspine.registry.database import Registry  # noqa: E402

AS_OF = date(2026, 11, 1)


def step_seconds(url: str) -> dict[str, float]:
    """Seconds per report step on the registry at `url`, after the imports."""
    seconds = {"imports": time.perf_counter() - started}
    registry = Registry(url)
    last = time.perf_counter()

    def step(name: str) -> None:
        nonlocal last
        now = time.perf_counter()
        seconds[name] = now - last
        last = now

    with registry.transaction() as session:
        build_report(session.connection(), report_filters(), AS_OF, step)
    registry.dispose()
    return seconds


if __name__ == "__main__":
    print(json.dumps(step_seconds(sys.argv[1])))
