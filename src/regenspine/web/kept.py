"""Results kept per knowledge-base version: built on first asking, then handed out as they are.

A builder wrapped in `PerKnowledgeVersion` runs once per `knowledge_version()` (a digest of the
data files) and arguments. Async routes ask with `await kept.get(...)`: a kept result comes back
without leaving the event loop (a thread hand-off would cost more than the lookup), and only
a build runs in the thread pool, so a slow first build never holds up other requests.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from functools import update_wrapper
from typing import Any, Generic, TypeVar

from starlette.concurrency import run_in_threadpool

from regenspine.knowledge.loader import knowledge_version

T = TypeVar("T")
_MISSING: Any = object()


class PerKnowledgeVersion(Generic[T]):
    """`build`, kept per knowledge-base version and (hashable, positional) arguments; at most
    `size` results, the oldest dropped first (varied query strings cannot fill memory)."""

    def __init__(self, build: Callable[..., T], size: int) -> None:
        self.build = build
        self.size = size
        self._kept: dict[tuple[Hashable, ...], T] = {}
        self._lock = threading.Lock()
        update_wrapper(self, build)

    def _peek(self, *args: Hashable) -> T:
        """The kept result for these arguments, or `_MISSING`."""
        found: T = self._kept.get((knowledge_version(), *args), _MISSING)
        return found

    def __call__(self, *args: Hashable) -> T:
        """The result for the current knowledge-base version, built on first asking."""
        found = self._peek(*args)
        if found is _MISSING:
            found = self.build(*args)
            self._keep((knowledge_version(), *args), found)
        return found

    async def get(self, *args: Hashable) -> T:
        """The kept result at once, or built in the thread pool."""
        found = self._peek(*args)
        if found is _MISSING:
            found = await run_in_threadpool(self, *args)
        return found

    def cache_clear(self) -> None:
        """Forget every kept result (tests)."""
        with self._lock:
            self._kept.clear()

    def _keep(self, key: tuple[Hashable, ...], value: T) -> None:
        with self._lock:
            self._kept[key] = value
            while len(self._kept) > self.size:
                del self._kept[next(iter(self._kept))]


def per_knowledge_version(size: int) -> Callable[[Callable[..., T]], PerKnowledgeVersion[T]]:
    """Decorate a builder so it runs once per knowledge-base version and arguments."""

    def wrap(build: Callable[..., T]) -> PerKnowledgeVersion[T]:
        return PerKnowledgeVersion(build, size)

    return wrap
