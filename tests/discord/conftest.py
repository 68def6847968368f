"""Fixtures for the Discord suite: the offline voice pipeline, loaded once."""

from __future__ import annotations

import pytest

from bot.voice.pipeline import VoicePipeline, default_pipeline


@pytest.fixture(scope="session")
def voice() -> VoicePipeline:
    return default_pipeline()
