"""`rehearse demo` ends with `Full report: <url>`; `rehearse serve` on that database and port opens it."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from typer.testing import CliRunner

import bot.cli  # noqa: F401 - registers every command module on the app
from bot.cli.root import app
from bot.settings import get_settings


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - a local server
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8")


@pytest.mark.slow
def test_the_demos_full_report_link_opens_on_rehearse_serve(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    port = _free_port()
    for name in ("SECRET_KEY", "PUBLIC_URL", "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN",
                 "DISCORD_TOKEN", "ANTHROPIC_API_KEY", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PORT", str(port))
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "var"))
    monkeypatch.chdir(tmp_path)  # no .env from the developer's checkout
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["demo", "--weeks", "1", "--out", str(tmp_path / "demo")])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    lines = result.output.rstrip().splitlines()
    assert lines[-1].startswith(f"Full report: http://localhost:{port}/reports/")
    url = lines[-1].split("Full report: ", 1)[1]
    command = next(line for line in lines if line.startswith("Serve its full report: "))
    env_part = re.search(r"SECRET_KEY=(\S+) DATABASE_URL=(\S+) rehearse serve --port (\d+)", command)
    assert env_part is not None and env_part.group(3) == str(port)

    env = {**os.environ, "SECRET_KEY": env_part.group(1), "DATABASE_URL": env_part.group(2), "PORT": str(port)}
    server = subprocess.Popen([sys.executable, "-m", "bot", "serve", "--host", "127.0.0.1"], env=env, cwd=tmp_path,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if _get(f"http://127.0.0.1:{port}/healthz")[0] == 200:
                    break
            except OSError:
                pass
            assert server.poll() is None, server.stdout.read().decode() if server.stdout else ""
            assert time.monotonic() < deadline, "rehearse serve did not answer /healthz within 60 s"
            time.sleep(0.2)
        status, page = _get(url.replace("localhost", "127.0.0.1"))
        assert status == 200 and "Team report" in page and "Maya Chen" in page
        rep = re.search(r'href="(/reports/[^"]+/reps/\d+)"', page)
        assert rep is not None and _get(f"http://127.0.0.1:{port}{rep.group(1)}")[0] == 200
        assert _get(url.replace("localhost", "127.0.0.1")[:-4] + "AAAA")[0] == 403
    finally:
        server.terminate()
        server.wait(timeout=30)
