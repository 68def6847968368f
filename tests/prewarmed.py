"""`python -m bot` in a fresh process that starts in milliseconds: a fork of an interpreter that has
already imported the heavy libraries.

Why: a cold `python -m bot ...` spends about 0.8 s importing (SQLAlchemy, SQLModel, Typer, Rich,
Pydantic, the scoring lexicon) before it does anything, and the CLI, console and authoring suites
start about 200 such processes: about 170 s of a 490 s `make test` (measured 2026-12-05, 2 cores).

How: one helper interpreter per test session (the "zygote") imports the libraries below and waits
on a Unix socket. For each command it forks; the child takes the caller's environment (replaced
whole, as `env=` does), working folder, argv and stdin/stdout/stderr, then runs `bot` as
`__main__` exactly as `python -m bot` does, and exits with the command's exit code. Each command
still runs in its own process, with its own database, settings and output streams.

What stays cold: the `bot.cli` modules and the adapters' command modules, which are imported in the
child after its environment is in place (they build Rich consoles at import, and a console reads
COLUMNS then). The zygote checks that its imports printed nothing and imported no `bot.cli`
module, so a command's own import-time output still reaches the test.

`REHEARSE_TEST_COLD_CLI=1` runs every command with a plain `subprocess.run` instead (to compare); so does
a command whose PYTHON* variables differ from the test process's (the interpreter reads those as it starts).
"""

from __future__ import annotations

import atexit
import json
import locale
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parents[1]

#: Imported once by the zygote. None of these reads the environment or the terminal at import time
#: (settings, consoles and HTTP clients read them when built, which happens in the child).
PRELOAD = (
    "sqlalchemy", "sqlalchemy.orm", "sqlalchemy.dialects.sqlite", "sqlalchemy.dialects.postgresql",
    "sqlmodel", "alembic.command", "alembic.config", "alembic.runtime.migration", "alembic.script",
    "pydantic", "pydantic_settings", "typer", "typer.main", "rich.console", "rich.table", "rich.markup",
    "yaml", "dotenv", "jinja2", "httpx",
    "bot.settings", "storage", "storage.models", "storage.migrate", "storage.repos.people",
    "storage.repos.sessions", "storage.repos.events", "scoring", "scoring.scorer", "scenarios.loader",
    "scenarios.drafting",
    # What a command that builds the core adds (about 1.5 s cold): the Anthropic SDK and the composition
    # root. Not the voice modules: pydub looks for ffmpeg on PATH when imported.
    "anthropic", "bot.practice.engines", "bot.app",
)

_ZYGOTE = r'''
import importlib, io, json, os, random, runpy, socket, sys, time, traceback, atexit

for name in json.loads(sys.argv[1]):
    importlib.import_module(name)
assert not any(m == "bot.cli" or m.startswith("bot.cli.") for m in sys.modules), "bot.cli must stay cold"
sys.stdout.flush(); sys.stderr.flush()
sock = socket.socket(fileno=int(sys.argv[2]))
sock.sendall(b"ready\n")


def child(request, fds):
    for target, fd in enumerate(fds):
        os.dup2(fd, target)
        os.close(fd)
    sock.close()
    os.environ.clear()
    os.environ.update(request["env"])
    time.tzset()
    os.chdir(request["cwd"])
    random.seed()  # a fresh interpreter seeds from the OS; a fork would repeat the zygote's sequence
    encoding, errors = request["encoding"], request["errors"]
    sys.stdin = sys.__stdin__ = io.TextIOWrapper(io.FileIO(0, "r", closefd=False), encoding, errors)
    sys.stdout = sys.__stdout__ = io.TextIOWrapper(io.FileIO(1, "w", closefd=False), encoding, errors)
    sys.stderr = sys.__stderr__ = io.TextIOWrapper(io.FileIO(2, "w", closefd=False), encoding,
                                                   "backslashreplace", line_buffering=True)
    sys.argv = ["-m", *request["args"]]
    sys.path[0] = os.getcwd()  # what `python -m` puts first
    code = 0
    try:
        runpy.run_module("bot", run_name="__main__", alter_sys=True)
    except SystemExit as stop:
        if stop.code is None:
            code = 0
        elif isinstance(stop.code, int):
            code = stop.code
        else:
            print(stop.code, file=sys.stderr)
            code = 1
    except BaseException:
        traceback.print_exc()
        code = 1
    try:
        atexit._run_exitfuncs()
        sys.stdout.flush()
        sys.stderr.flush()
    finally:
        os._exit(code & 0xFF)


buffer = b""
while True:
    fds = []
    while b"\n" not in buffer:
        data, received, _flags, _addr = socket.recv_fds(sock, 1 << 20, 3)
        if not data:
            sys.exit(0)
        buffer += data
        fds += received
    line, buffer = buffer.split(b"\n", 1)
    pid = os.fork()
    if pid == 0:
        child(json.loads(line), fds)
    for fd in fds:
        os.close(fd)
    sock.sendall(f"pid {pid}\n".encode())
    _pid, status = os.waitpid(pid, 0)
    sock.sendall(f"exit {os.waitstatus_to_exitcode(status)}\n".encode())
'''


class Zygote:
    """The forking helper interpreter; one per test session, started on first use."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sock: socket.socket | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._lines = b""

    def _start(self) -> socket.socket:
        ours, theirs = socket.socketpair()
        with tempfile.TemporaryFile() as errors:  # the zygote keeps its own descriptor for later crashes
            self._proc = subprocess.Popen([sys.executable, "-c", _ZYGOTE, json.dumps(PRELOAD), str(theirs.fileno())],
                                          pass_fds=[theirs.fileno()], cwd=ROOT, stdin=subprocess.DEVNULL,
                                          stdout=errors, stderr=errors)
            theirs.close()
            self._sock = ours
            ready = self._line(timeout=120)
            errors.seek(0)
            said = errors.read().decode(errors="replace")
        if ready != "ready" or said:
            raise RuntimeError(f"the CLI zygote did not start cleanly: {ready!r}\n{said}")
        atexit.register(self.stop)
        return ours

    def _line(self, timeout: float | None) -> str:
        assert self._sock is not None
        self._sock.settimeout(timeout)
        while b"\n" not in self._lines:
            data = self._sock.recv(4096)
            if not data:
                raise RuntimeError("the CLI zygote went away")
            self._lines += data
        line, self._lines = self._lines.split(b"\n", 1)
        return line.decode()

    def run(self, args: Sequence[str], *, stdin: IO[bytes], stdout: IO[bytes], stderr: IO[bytes],
            env: Mapping[str, str], cwd: Path | str, timeout: float | None) -> int:
        with self._lock:
            sock = self._sock or self._start()
            request = {"args": list(args), "env": dict(env), "cwd": str(cwd),
                       "encoding": locale.getpreferredencoding(False), "errors": "strict"}
            socket.send_fds(sock, [json.dumps(request).encode() + b"\n"],
                            [stdin.fileno(), stdout.fileno(), stderr.fileno()])
            pid = int(self._line(timeout=30).split()[1])
            try:
                return int(self._line(timeout=timeout).split()[1])
            except TimeoutError:
                os.kill(pid, signal.SIGKILL)
                self._line(timeout=30)  # the zygote reaps it
                raise subprocess.TimeoutExpired(["python", "-m", "bot", *args], timeout or 0) from None

    def stop(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None
        if self._proc is not None:
            self._proc.wait(10)
            self._proc = None


_ZYGOTE_INSTANCE = Zygote()


def _text(raw: bytes) -> str:
    """As `subprocess.run(text=True)` decodes: the locale's encoding, universal newlines."""
    return raw.decode(locale.getpreferredencoding(False)).replace("\r\n", "\n").replace("\r", "\n")


def _startup_settings(env: Mapping[str, str]) -> dict[str, str]:
    """What the interpreter reads only as it starts (PYTHONWARNINGS, PYTHONHASHSEED, ...): a command given
    other values than the zygote had needs a cold interpreter to honour them."""
    return {k: v for k, v in env.items() if k.startswith("PYTHON")}


def run_bot(args: Sequence[str], *, input: str = "", env: Mapping[str, str] | None = None,  # noqa: A002
            cwd: Path | str, timeout: float | None = None) -> subprocess.CompletedProcess[str]:
    """`subprocess.run([python, "-m", "bot", *args], input=..., capture_output=True, text=True, env=...,
    cwd=..., timeout=...)`, started from the warm zygote."""
    environ = dict(os.environ if env is None else env)
    if os.environ.get("REHEARSE_TEST_COLD_CLI") or _startup_settings(environ) != _startup_settings(os.environ):
        return subprocess.run([sys.executable, "-m", "bot", *args], input=input, capture_output=True, text=True,
                              env=environ, cwd=cwd, timeout=timeout)
    with tempfile.TemporaryFile() as stdin, tempfile.TemporaryFile() as stdout, tempfile.TemporaryFile() as stderr:
        stdin.write(input.encode(locale.getpreferredencoding(False)))
        stdin.seek(0)
        code = _ZYGOTE_INSTANCE.run(args, stdin=stdin, stdout=stdout, stderr=stderr, env=environ, cwd=cwd,
                                    timeout=timeout)
        stdout.seek(0)
        stderr.seek(0)
        return subprocess.CompletedProcess([sys.executable, "-m", "bot", *args], code, _text(stdout.read()),
                                           _text(stderr.read()))
