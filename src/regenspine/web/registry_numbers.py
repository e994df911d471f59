"""The registry's "people like you" numbers for the public pages, kept for a minute.

Counting similar patients is one heavy query over the registry (0.4 s at 100,000 patients,
1.3 s with a cold disk cache), and the answer is the same for everyone who asks about the same
region and severity. Each answer is kept for MAX_AGE_SECONDS: a patient-facing aggregate up to
a minute old is fine, and a time limit also catches what a cheap change marker (a row count,
the newest id) would miss, such as a corrected score or a patient marked synthetic. Once an
answer is older than that, the next reader still gets it at once while one background refresh
counts again, so no page view waits for the query except the very first for a (region,
severity). The day is part of the key, since the counts are "by today".
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from regenspine.analytics.similar_patients import available_registry_outcome
from regenspine.decision_aid.registry_note import RegistryOutcome
from regenspine.registry.database import Registry

MAX_AGE_SECONDS = 60.0
Key = tuple[str, str, date]
Count = Callable[[Registry, str, str, date], RegistryOutcome | None]


def in_background(work: Callable[[], None]) -> None:
    """Run `work` on a daemon thread (a refresh must not keep the server from stopping)."""
    threading.Thread(target=work, name="registry-numbers-refresh", daemon=True).start()


@dataclass
class _Kept:
    outcome: RegistryOutcome | None
    counted_at: float
    refreshing: bool = False


class RegistryNumbers:
    """Similar-patient numbers per (region, severity, day), counted at most once a minute."""

    def __init__(
        self,
        registry: Registry,
        max_age: float = MAX_AGE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        count: Count | None = None,
        run: Callable[[Callable[[], None]], None] = in_background,
    ) -> None:
        self.registry = registry
        self.max_age = max_age
        self.clock = clock
        self.count = count or available_registry_outcome
        self.run = run
        self._kept: dict[Key, _Kept] = {}
        self._count_locks: dict[Key, threading.Lock] = {}
        self._lock = threading.Lock()

    def outcome(self, region: str, severity: str, today: date) -> RegistryOutcome | None:
        """The numbers for people like this: counted now on first asking, else the kept ones
        (refreshed in the background once older than `max_age`)."""
        found, outcome = self.peek(region, severity, today)
        if found:
            return outcome
        key = (region, severity, today)
        # Readers who arrive together wait for one count instead of each running the query.
        with self._counting(key):
            found, outcome = self.peek(region, severity, today)
            return outcome if found else self._count(key)

    def peek(self, region: str, severity: str, today: date) -> tuple[bool, RegistryOutcome | None]:
        """(True, the kept numbers) without counting, starting a refresh when they are older
        than `max_age`; (False, None) when nothing is kept yet."""
        key = (region, severity, today)
        with self._lock:
            kept = self._kept.get(key)
            if kept is None:
                return False, None
            refresh = self.clock() - kept.counted_at >= self.max_age and not kept.refreshing
            kept.refreshing = kept.refreshing or refresh
        if refresh:
            self.run(lambda: self._refresh(key))
        return True, kept.outcome

    def _counting(self, key: Key) -> threading.Lock:
        with self._lock:
            return self._count_locks.setdefault(key, threading.Lock())

    def forget(self) -> None:
        """Drop every kept answer (after a change the pages must show at once)."""
        with self._lock:
            self._kept.clear()

    def _count(self, key: Key) -> RegistryOutcome | None:
        outcome = self.count(self.registry, *key)
        with self._lock:
            # Yesterday's keys are never asked for again; dropping them bounds the memory.
            self._kept = {k: v for k, v in self._kept.items() if k[2] >= key[2]}
            self._count_locks = {k: v for k, v in self._count_locks.items() if k[2] >= key[2]}
            self._kept[key] = _Kept(outcome, self.clock())
        return outcome

    def _refresh(self, key: Key) -> None:
        try:
            self._count(key)
        finally:
            with self._lock:
                kept = self._kept.get(key)
                if kept is not None:
                    kept.refreshing = False
