"""In-process locks by name that exist only while someone holds or waits for them.

A defaultdict of locks keeps one lock per session ever served, so a long-lived
web process grew by one lock per practice session (issue #18, item 11). Here a
lock is dropped as soon as its last holder or waiter leaves.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager


class KeyedLocks:
    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._locks: dict[str, tuple[threading.Lock, int]] = {}  # name -> (lock, holders + waiters)

    @contextmanager
    def hold(self, key: str) -> Iterator[None]:
        with self._guard:
            lock, users = self._locks.get(key, (None, 0))
            if lock is None:
                lock = threading.Lock()
            self._locks[key] = (lock, users + 1)
        try:
            with lock:
                yield
        finally:
            with self._guard:
                _, users = self._locks[key]
                if users == 1:
                    del self._locks[key]
                else:
                    self._locks[key] = (lock, users - 1)

    def __len__(self) -> int:
        """How many locks exist right now (held or waited for)."""
        with self._guard:
            return len(self._locks)
