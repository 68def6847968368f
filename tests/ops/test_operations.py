"""What an operator relies on: readiness that tells the truth, JSON logs, metrics behind a token,
`--version`, the container files and an `.env.example` that lists every setting."""

from __future__ import annotations

import io
import json
import logging
import shutil
from importlib.metadata import version
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from bot.cli import app
from bot.logs import RedactSecrets, configure_logging
from bot.observability.health import Readiness, readiness_wsgi
from bot.observability.jsonlog import JsonFormatter
from bot.observability.metrics import TURNS, metrics_wsgi
from bot.settings import Settings
from storage import Repositories
from storage.health import database_problem

ROOT = Path(__file__).resolve().parents[2]


def call(wsgi: Any, path: str = "/", headers: dict[str, str] | None = None) -> tuple[str, dict[str, str], bytes]:
    environ: dict[str, Any] = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "wsgi.input": io.BytesIO(b"")}
    for key, value in (headers or {}).items():
        environ[f"HTTP_{key.upper().replace('-', '_')}"] = value
    seen: dict[str, Any] = {}

    def start_response(status: str, response_headers: list[tuple[str, str]]) -> None:
        seen["status"], seen["headers"] = status, dict(response_headers)

    body = b"".join(wsgi(environ, start_response))
    return seen["status"], seen["headers"], body


# ---- readiness ---------------------------------------------------------------------------------------


def test_readyz_turns_503_when_the_sqlite_file_is_removed_and_200_once_it_is_back(tmp_path: Path) -> None:
    path = tmp_path / "rehearse.db"
    repos = Repositories.open(f"sqlite:///{path}")
    readiness = Readiness()
    readiness.add("database", lambda: database_problem(repos.db))
    ready = readiness_wsgi(readiness)
    assert call(ready)[0] == "200 OK"
    shutil.move(path, tmp_path / "aside.db")
    status, _, body = call(ready)
    assert status.startswith("503") and "missing" in json.loads(body)["checks"]["database"]
    shutil.move(tmp_path / "aside.db", path)
    assert call(ready)[0] == "200 OK"
    repos.db.dispose()


def test_readyz_says_when_the_schema_is_behind_the_migrations(tmp_path: Path) -> None:
    repos = Repositories.open(f"sqlite:///{tmp_path / 'old.db'}", migrate=False)
    repos.db.engine.connect().close()  # the file exists, with no schema
    problem = database_problem(repos.db)
    assert problem is not None and "rehearse db upgrade" in problem
    repos.db.dispose()


def test_readyz_turns_503_when_postgresql_is_unreachable_and_200_when_it_answers(pg_url: str) -> None:
    good = Repositories.open(pg_url)
    assert database_problem(good.db) is None
    bad = Repositories.open("postgresql+psycopg://postgres@127.0.0.1:1/test", migrate=False)  # nothing listens
    problem = database_problem(bad.db, timeout_s=1.0)
    assert problem is not None and ("unreachable" in problem or "within" in problem)
    assert database_problem(good.db) is None
    good.db.dispose()
    bad.db.dispose()


def test_a_check_that_raises_is_a_failed_check_not_a_server_error() -> None:
    readiness = Readiness()
    readiness.add("slack", lambda: 1 / 0)  # type: ignore[arg-type,return-value]
    readiness.add_info("scheduler", lambda: "standby")
    status, _, body = call(readiness_wsgi(readiness))
    assert status.startswith("503")
    assert json.loads(body) == {"ready": False, "checks": {"slack": "check failed (ZeroDivisionError)"},
                                "scheduler": "standby"}


# ---- metrics -----------------------------------------------------------------------------------------


def test_metrics_need_the_bearer_token_when_one_is_set() -> None:
    wsgi = metrics_wsgi("s3cret-token")
    assert call(wsgi)[0].startswith("401")
    assert call(wsgi, headers={"Authorization": "Bearer wrong"})[0].startswith("401")
    TURNS.labels("console").inc()
    status, headers, body = call(wsgi, headers={"Authorization": "Bearer s3cret-token"})
    assert status == "200 OK" and headers["Cache-Control"] == "no-store"
    assert 'rehearse_turns_total{platform="console"}' in body.decode()


def test_metric_names_follow_prometheus_conventions() -> None:
    from prometheus_client.parser import text_string_to_metric_families

    from bot.observability import metrics

    names = {f.name for f in text_string_to_metric_families(metrics.exposition().decode())
             if f.name.startswith("rehearse_")}
    assert names >= {"rehearse_turn_seconds", "rehearse_ack_seconds", "rehearse_turns", "rehearse_sessions",
                     "rehearse_deliveries", "rehearse_llm_calls", "rehearse_llm_tokens", "rehearse_scorer_seconds",
                     "rehearse_transcription_seconds", "rehearse_event_ledger_backlog", "rehearse_scheduler_leader"}


# ---- logs --------------------------------------------------------------------------------------------


def test_json_log_lines_parse_and_carry_the_extra_fields_with_secrets_redacted() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactSecrets(["xoxb-1234567890-abcdef"]))
    handler.setFormatter(JsonFormatter())
    log = logging.getLogger("rehearse.test.json")
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    try:
        log.info("turn answered with token %s", "xoxb-1234567890-abcdef",
                 extra={"session_id": "s-1", "engine": "offline", "input_tokens": 12})
    finally:
        log.removeHandler(handler)
    line = json.loads(stream.getvalue())
    assert line["session_id"] == "s-1" and line["engine"] == "offline" and line["input_tokens"] == 12
    assert line["level"] == "INFO" and line["logger"] == "rehearse.test.json" and line["time"].endswith("+00:00")
    assert "xoxb" not in line["message"] and "[redacted]" in line["message"]


def test_log_format_json_switches_the_root_handlers_formatter() -> None:
    root = logging.getLogger()
    before = [(h, h.formatter, list(h.filters)) for h in root.handlers]
    added = None
    if not root.handlers:
        added = logging.StreamHandler(io.StringIO())
        root.addHandler(added)
    try:
        configure_logging("INFO", [], fmt="json")
        assert all(isinstance(h.formatter, JsonFormatter) for h in root.handlers)
    finally:
        for h, formatter, filters in before:
            h.setFormatter(formatter)
            h.filters = filters
        if added is not None:
            root.removeHandler(added)
        root.filters = [f for f in root.filters if not isinstance(f, RedactSecrets)]


# ---- CLI ---------------------------------------------------------------------------------------------


def test_version_matches_the_package_metadata() -> None:
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output.strip() == f"rehearse {version('rehearse')}"


def test_shell_completion_can_be_shown() -> None:
    result = CliRunner().invoke(app, ["--show-completion", "bash"], env={"SHELL": "/bin/bash"})
    assert result.exit_code == 0 and "rehearse" in result.output and "complete" in result.output


# ---- container and settings files ----------------------------------------------------------------------


def test_the_dockerfile_runs_rehearse_as_a_non_root_user_with_a_health_check() -> None:
    from dockerfile_parse import DockerfileParser

    parser = DockerfileParser(path=str(ROOT / "Dockerfile"))
    instructions = [(i["instruction"], i["value"]) for i in parser.structure]
    kinds = [k for k, _ in instructions]
    user = [v for k, v in instructions if k == "USER"]
    assert user and user[-1] not in ("root", "0")
    assert json.loads(next(v for k, v in instructions if k == "ENTRYPOINT")) == ["rehearse"]
    health = next(v for k, v in instructions if k == "HEALTHCHECK")
    assert "/healthz" in health and "--interval" in health
    assert kinds.index("USER") > max(i for i, k in enumerate(kinds) if k == "RUN")  # nothing runs as root after
    assert parser.baseimage.startswith("python:3.11-slim")


def test_compose_starts_postgres_then_migrations_then_web_and_worker() -> None:
    import yaml

    services = yaml.safe_load((ROOT / "compose.yaml").read_text())["services"]
    assert services["migrate"]["command"] == ["db", "upgrade"]
    for name in ("web", "worker"):
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        assert services[name]["env_file"] == ".env"
    assert services["migrate"]["depends_on"]["db"]["condition"] == "service_healthy"


def test_env_example_lists_every_setting_with_its_default() -> None:
    text = (ROOT / ".env.example").read_text()
    listed = {line.lstrip("# ").split("=", 1)[0] for line in text.splitlines() if "=" in line}
    expected = {name.upper() for name in Settings.model_fields}
    assert expected <= listed, f"add to .env.example: {sorted(expected - listed)}"
