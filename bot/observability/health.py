"""Liveness and readiness, as the platform's health checks and an operator's dashboard ask them.

`/healthz` (liveness) only says the process answers. `/readyz` (readiness)
runs every registered check and answers 503 with the reasons when any fails:
the database (storage/health.py), and what each running part registers (the
Slack token checked at start or Socket Mode connected, the Discord gateway,
the scheduler's leadership, which is reported but never a failure: a standby
is ready).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

# A check returns None when fine, or a short reason. Information-only checks report a value and never fail.
Check = Callable[[], "str | None"]
Info = Callable[[], object]


@dataclass
class Readiness:
    """The named checks of one process."""

    checks: dict[str, Check] = field(default_factory=dict)
    info: dict[str, Info] = field(default_factory=dict)

    def add(self, name: str, check: Check) -> None:
        self.checks[name] = check

    def add_info(self, name: str, value: Info) -> None:
        self.info[name] = value

    def report(self) -> tuple[bool, dict[str, Any]]:
        """(ready, the JSON body): each check's "ok" or reason, and the info values."""
        results: dict[str, str] = {}
        for name, check in self.checks.items():
            try:
                problem = check()
            except Exception as exc:  # noqa: BLE001 - a check that breaks is a failed check, not a 500
                problem = f"check failed ({type(exc).__name__})"
            results[name] = "ok" if problem is None else problem
        ready = all(v == "ok" for v in results.values())
        body: dict[str, Any] = {"ready": ready, "checks": results}
        for name, value in self.info.items():
            try:
                body[name] = value()
            except Exception as exc:  # noqa: BLE001
                body[name] = f"unknown ({type(exc).__name__})"
        return ready, body


def readiness_wsgi(readiness: Readiness) -> Callable[..., Iterable[bytes]]:
    """`GET /readyz`: 200 when every check passes, else 503, with the JSON reasons either way."""

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        ready, body = readiness.report()
        data = json.dumps(body).encode()
        start_response("200 OK" if ready else "503 Service Unavailable",
                       [("Content-Type", "application/json"), ("Content-Length", str(len(data))),
                        ("Cache-Control", "no-store")])
        return [data]

    return app


def liveness_wsgi(extra: Callable[[], dict[str, Any]] | None = None) -> Callable[..., Iterable[bytes]]:
    """`GET /healthz`: the process answers."""

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        data = json.dumps({"ok": True, **(extra() if extra else {})}).encode()
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
        return [data]

    return app
