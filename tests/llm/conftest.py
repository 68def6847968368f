"""Fixtures for the Claude buyer and judge: the real SDK against the fake Messages API on 127.0.0.1."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from bot.app import build_core
from bot.messages import Card, Inbound, Outbound, PersonRef, Text
from bot.practice.engine import PracticeService
from bot.settings import Settings
from tests.core.testbot import ManualClock, RecordingChat
from tests.fakes.anthropic_api import FakeAnthropic, Reply

API_KEY = "sk-ant-test-0123456789abcdef"
FENCED = re.compile(r"<(rep_turn|rep_message)\b[^>]*>(.*?)</\1>", re.DOTALL)


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeAnthropic]:
    with FakeAnthropic() as api:
        monkeypatch.setenv("ANTHROPIC_BASE_URL", api.url)
        yield api


def claude_settings(db_url: str, **overrides: Any) -> Settings:
    """Settings with a key, short budgets and quick retries so fault tests stay fast."""
    values: dict[str, Any] = dict(database_url=db_url, anthropic_api_key=API_KEY, anthropic_timeout_s=2.0,
                                  anthropic_judge_timeout_s=3.0, anthropic_max_retries=2)
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


class ClaudeBot:
    """A rep practising through the real composition root (build_core) with Claude configured."""

    __test__ = False

    def __init__(self, settings: Settings, user: str = "U1") -> None:
        self.clock = ManualClock()
        self.core = build_core(settings, clock=self.clock)
        self.chat = RecordingChat()
        self.service: PracticeService = self.core.practice({"console": self.chat})
        self.person = PersonRef("console", "W1", user, f"Rep {user}", "Europe/London")
        self.session_id = ""
        self.ref = None

    def start(self, scenario_id: str = "discovery-procurement-stall") -> Outbound:
        started = self.service.start(self.person, scenario_id)
        self.ref, self.session_id = started.ref, started.session.id
        return self.chat.posted[-1][1]

    def say(self, text: str, event_id: str | None = None) -> list[Outbound]:
        assert self.ref is not None
        before = len(self.chat.posted)
        self.clock.advance(seconds=30)
        self.service.handle(Inbound(self.ref, self.person, event_id or uuid.uuid4().hex, self.clock.now(), text))
        return [m for _, m in self.chat.posted[before:]]

    def turns(self) -> list[Any]:
        return self.core.repos.sessions.turns(self.session_id)

    @property
    def session(self) -> Any:
        return self.core.repos.sessions.get(self.session_id)

    def close(self) -> None:
        self.core.repos.db.dispose()


@pytest.fixture
def claude_bot(fake: FakeAnthropic, sqlite_url: str) -> Iterator[Callable[..., ClaudeBot]]:
    bots: list[ClaudeBot] = []

    def make(**overrides: Any) -> ClaudeBot:
        bot = ClaudeBot(claude_settings(sqlite_url, **overrides), user=f"U{len(bots) + 1}")
        bots.append(bot)
        return bot

    yield make
    for bot in bots:
        bot.close()


def texts(messages: list[Outbound]) -> list[str]:
    return [m.text for m in messages if isinstance(m, Text)]


def cards(messages: list[Outbound]) -> list[Card]:
    return [m for m in messages if isinstance(m, Card)]


def buyer_line(text: str, *revealed: str) -> Reply:
    return Reply.tool("buyer_reply", {"text": text, "revealed_fact_ids": list(revealed)})


def all_text(body: dict[str, Any]) -> list[str]:
    """Every string of a request that reaches the model: system, messages, tool definitions."""
    out: list[str] = []
    system = body.get("system")
    out.extend([system] if isinstance(system, str) else [b.get("text", "") for b in system or []])
    for message in body.get("messages", []):
        content = message["content"]
        out.extend([content] if isinstance(content, str) else [b.get("text", "") for b in content])
    return out


def outside_fences(body: dict[str, Any]) -> str:
    """The request's text with every fenced rep span removed."""
    return "\n".join(FENCED.sub("", t) for t in all_text(body))
