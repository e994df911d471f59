"""Login rate limiting: a few failed sign-ins per username and address, then a pause.

NIST SP 800-63B (section 5.2.2) asks verifiers to limit failed attempts (to at most 100 in a row
per account); 5 failures in 15 minutes per username and address is this tool's stricter choice.
The counts live in memory: a restart forgets them, which only ever helps a real user.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable

MAX_FAILURES = 5
WINDOW_SECONDS = 15 * 60
# Forget idle entries once this many keys are tracked, so a flood of names cannot fill memory.
MAX_TRACKED = 10_000

ThrottleKey = tuple[str, str]


class LoginThrottle:
    """Counts failed sign-ins per (username, address) inside a sliding window."""

    def __init__(
        self,
        max_failures: int = MAX_FAILURES,
        window_seconds: float = WINDOW_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_failures = max_failures
        self.window_seconds = window_seconds
        self.clock = clock
        self._failures: dict[ThrottleKey, deque[float]] = {}
        self._lock = threading.Lock()

    @staticmethod
    def key(username: str, address: str) -> ThrottleKey:
        """The counter a sign-in attempt belongs to (usernames are compared in lower case)."""
        return (username.strip().lower()[:60], address)

    def wait_seconds(self, key: ThrottleKey) -> int:
        """Seconds until this key may try again; 0 when it may try now."""
        with self._lock:
            recent = self._recent(key)
            if len(recent) < self.max_failures:
                return 0
            oldest_counted = recent[-self.max_failures]
            return max(1, math.ceil(oldest_counted + self.window_seconds - self.clock()))

    def failed(self, key: ThrottleKey) -> None:
        """Count one failed sign-in."""
        with self._lock:
            if len(self._failures) >= MAX_TRACKED:
                self._forget_idle()
            self._recent(key).append(self.clock())

    def succeeded(self, key: ThrottleKey) -> None:
        """A correct password clears the key's failures."""
        with self._lock:
            self._failures.pop(key, None)

    def _recent(self, key: ThrottleKey) -> deque[float]:
        """The key's failures inside the window (older ones are dropped)."""
        recent = self._failures.setdefault(key, deque())
        cutoff = self.clock() - self.window_seconds
        while recent and recent[0] <= cutoff:
            recent.popleft()
        return recent

    def _forget_idle(self) -> None:
        for key in list(self._failures):
            if not self._recent(key):
                del self._failures[key]
