"""In-process locks by name, first come first served, that exist only while someone holds or waits.

A defaultdict of locks keeps one lock per session ever served, so a long-lived
web process grew by one lock per practice session (issue #18, item 11). Here a
lock is dropped as soon as its last holder or waiter leaves.

Waiters are served in the order they arrived: a plain `threading.Lock` wakes any
waiter, and a rep's third message was answered before their first about once in
30 runs of the order test on one process. Messages reach `hold` in the order the
platform delivered them, so arrival order is the order sent.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager


class KeyedLocks:
    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._queues: dict[str, deque[threading.Event]] = {}  # name -> the holder's turn, then each waiter's

    @contextmanager
    def hold(self, key: str) -> Iterator[None]:
        turn = threading.Event()
        with self._guard:
            queue = self._queues.setdefault(key, deque())
            queue.append(turn)
            if len(queue) == 1:
                turn.set()
        turn.wait()
        try:
            yield
        finally:
            with self._guard:
                queue.popleft()
                if queue:
                    queue[0].set()
                else:
                    del self._queues[key]

    def __len__(self) -> int:
        """How many locks exist right now (held or waited for)."""
        with self._guard:
            return len(self._queues)
