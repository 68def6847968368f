"""The work Slack must not wait for: a bounded thread pool that keeps each thread's order.

Slack wants an HTTP answer within 3 seconds and retries otherwise, while a
buyer reply may wait on an LLM. Listeners therefore only parse and enqueue;
this pool does the rest. Jobs with the same key (one person) run one
after another in arrival order; different keys run side by side.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

log = logging.getLogger(__name__)

Job = Callable[[], None]


class OrderedWork:
    def __init__(self, workers: int = 8, name: str = "slack-work") -> None:
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix=name)
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._queues: dict[str, deque[Job]] = {}
        self._pending = 0

    def submit(self, key: str, job: Job) -> None:
        with self._lock:
            self._pending += 1
            queue = self._queues.get(key)
            if queue is not None:  # a job for this key is running: run after it
                queue.append(job)
                return
            self._queues[key] = deque()
        self._pool.submit(self._drain, key, job)

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block until every submitted job has finished (tests, benchmarks, shutdown)."""
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout)

    @property
    def pending(self) -> int:
        return self._pending

    def shutdown(self, timeout: float = 30) -> None:
        self.wait_idle(timeout)
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _drain(self, key: str, job: Job) -> None:
        while True:
            try:
                job()
            except Exception:  # one failed job must not stop the thread's later ones
                log.exception("Slack job for %s failed", key)
            with self._lock:
                self._pending -= 1
                queue = self._queues[key]
                if not queue:
                    del self._queues[key]
                    self._idle.notify_all()
                    return
                job = queue.popleft()
