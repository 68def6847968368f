"""The long-running process wiring: every scheduler job is registered, every service is built once,
chat platforms are found through their entry points, and the process stops cleanly."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.observability.http import shutdown
from bot.runtime import UnknownPlatform, build_process, load_platform
from bot.settings import Settings


def test_the_worker_process_schedules_every_job_and_stops_cleanly(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, database_url=f"sqlite:///{tmp_path / 'w.db'}", data_dir=str(tmp_path))  # type: ignore[call-arg]
    process = build_process(settings, platforms=(), scheduler=True)
    try:
        jobs = set(process.scheduling.runner.periodic_jobs())  # type: ignore[union-attr]
        assert {"plan", "deliver", "nudge", "expire", "digests", "retention", "event-ledger", "assessments"} <= jobs
        assert process.scheduling.pushes.holds is not None  # type: ignore[union-attr]  # holdout reps are held
        assert process.core.actions.handles("rehearse_digest_nudge")
        core, scheduling = process.core, process.scheduling
        assert scheduling is core.scheduling and core.digests is scheduling.digests  # each service built once
        assert scheduling.outbox.limiter is core.limiter  # one rate limiter per process, for every delivery
        assert scheduling.pushes.practice is core.practice_service and scheduling.pushes.cadences is core.cadences
        assert scheduling.pushes.holds == core.holds.holds and core.practice_service.holds == core.holds.message
        runner = process.scheduling.runner  # type: ignore[union-attr]
        deadline = time.monotonic() + 60  # a condition, not a pause: generous for a busy machine
        while not runner.is_leader and time.monotonic() < deadline:
            time.sleep(0.1)
        assert runner.is_leader  # alone, this process leads and APScheduler holds the jobs
        assert set(runner.job_ids()) == jobs
    finally:
        process.stop()


def test_the_web_process_finds_slack_through_its_entry_point_and_connects_it_to_the_one_core(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, database_url=f"sqlite:///{tmp_path / 'web.db'}", data_dir=str(tmp_path),  # type: ignore[call-arg]
                        slack_bot_token="xoxb-test", slack_signing_secret="secret", discord_token=None)
    process = build_process(settings, platforms=("slack", "discord"), scheduler=False)
    try:
        assert set(process.platforms) == {"slack"}  # Discord has no token here, so it is not built
        assert process.slack is not None and process.slack.core is process.core
        assert process.core.chats["slack"] is process.slack.chat
        assert process.core.actions.handles("rehearse_digest_nudge")  # buttons work without a scheduler
    finally:
        process.stop()


def test_every_chat_platform_is_installed_as_an_entry_point() -> None:
    for name in ("slack", "discord", "console"):
        assert load_platform(name).name == name
    with pytest.raises(UnknownPlatform, match="found: console, discord, slack"):
        load_platform("teams")


# Its port is closed through the server's own loop: closed from outside, the loop's next poll could meet
# a closed descriptor and the thread died with a traceback (EBADF; 1 run of this test in 5).
@pytest.mark.filterwarnings("error::pytest.PytestUnhandledThreadExceptionWarning")
def test_the_worker_serves_readiness_with_its_leadership_and_metrics_on_its_own_port(tmp_path: Path) -> None:
    import json
    import urllib.request

    from bot.runtime import serve_worker_operations

    settings = Settings(_env_file=None, database_url=f"sqlite:///{tmp_path / 'w.db'}", data_dir=str(tmp_path))  # type: ignore[call-arg]
    process = build_process(settings, platforms=(), scheduler=True)
    server = serve_worker_operations(process, 0, host="127.0.0.1")
    try:
        runner = process.scheduling.runner  # type: ignore[union-attr]
        deadline = time.monotonic() + 60
        while not runner.is_leader and time.monotonic() < deadline:
            time.sleep(0.1)
        base = f"http://127.0.0.1:{server.effective_port}"
        with urllib.request.urlopen(f"{base}/readyz", timeout=10) as response:
            body = json.loads(response.read())
        assert body["ready"] is True and body["scheduler"] == "leader" and body["checks"] == {"database": "ok"}
        with urllib.request.urlopen(f"{base}/metrics", timeout=10) as response:
            assert "rehearse_scheduler_leader 1.0" in response.read().decode()
    finally:
        shutdown(server)
        process.stop()


def test_a_started_process_freezes_its_start_up_heap_so_collections_skip_it() -> None:
    import gc

    from bot.runtime import settle_heap

    alive = [[i] for i in range(1000)]  # lists: objects the cyclic collector tracks
    try:
        settle_heap()
        assert gc.get_freeze_count() >= len(alive)
        assert not any(o is alive[0] for o in gc.get_objects())  # a full collection no longer walks it
    finally:
        gc.unfreeze()


def test_the_slack_endpoint_is_built_once_so_serving_runs_what_was_frozen_with_the_start_up_heap(tmp_path: Path) -> None:
    # `rehearse serve` builds the endpoint, then settles its heap, then serves: building it imports the report
    # pages' modules (matplotlib, numpy), and left unfrozen they made each full collection a 26-37 ms pause.
    settings = Settings(_env_file=None, database_url=f"sqlite:///{tmp_path / 'web.db'}", data_dir=str(tmp_path),  # type: ignore[call-arg]
                        slack_bot_token="xoxb-test", slack_signing_secret="secret")
    process = build_process(settings, platforms=("slack",), scheduler=False)
    try:
        assert process.slack is not None
        app = process.slack.wsgi()
        assert process.slack.wsgi() is app  # what serve() runs
    finally:
        process.stop()


SDKS = ("anthropic", "openai")
# Builds the web process (Slack, scheduler) and its Slack endpoint, then prints the LLM SDKs it loaded.
_SDKS_LOADED = (
    "import sys, tempfile\n"
    "from bot.runtime import build_process\n"
    "from bot.settings import Settings\n"
    "tmp = tempfile.mkdtemp()\n"
    "settings = Settings(_env_file=None, database_url=f'sqlite:///{tmp}/web.db', data_dir=tmp,\n"
    "                    slack_bot_token='xoxb-test', slack_signing_secret='secret', anthropic_api_key=sys.argv[1] or None)\n"
    "process = build_process(settings, platforms=('slack',), scheduler=True)\n"
    "process.slack.wsgi()\n"
    "process.stop()\n"
    f"print(sorted(m for m in {SDKS!r} if m in sys.modules))\n"
)


@pytest.mark.parametrize(("api_key", "loaded"), [("", []), ("sk-ant-test", ["anthropic"])])
def test_a_process_without_a_model_never_loads_an_llm_sdk(api_key: str, loaded: list[str]) -> None:
    # Anthropic's SDK is 54 MB of `rehearse serve`'s idle memory and ~1.3 s of its start (issue #26's idle RSS):
    # an offline deployment, the worker and every CLI command that builds the core should not pay it.
    result = subprocess.run([sys.executable, "-c", _SDKS_LOADED, api_key], capture_output=True, text=True,
                            cwd=Path(__file__).resolve().parents[1], timeout=120,
                            env={k: v for k, v in os.environ.items() if not k.startswith(("ANTHROPIC_", "OPENAI_"))})
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().splitlines()[-1] == repr(loaded)
