"""ANTHROPIC_BASE_URL set only in `.env` (settings) still reaches the SDK."""

from __future__ import annotations

import pytest

from bot.llm.client import LlmClient
from bot.settings import Settings
from tests.fakes.anthropic_api import FakeAnthropic


def test_the_base_url_from_settings_is_used_without_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ANTHROPIC_BASE_URL", raising=False)
    with FakeAnthropic() as fake:
        settings = Settings(_env_file=None, anthropic_api_key="sk-ant-test", anthropic_base_url=fake.url)  # type: ignore[call-arg]
        result = LlmClient(settings).create("buyer", session_id=None, system=[{"type": "text", "text": "Be brief."}],
                                            messages=[{"role": "user", "content": "Hello"}], max_tokens=20)
        assert len(fake.requests) == 1 and result is not None
