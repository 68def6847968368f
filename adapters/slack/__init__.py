"""Slack: practice in DM threads with Block Kit, App Home, slash commands and voice notes.

`build_slack(core, settings)` is the entry point; see adapters/slack/app.py.
`plugin` is what the `rehearse.adapters` entry point "slack" names (see bot/runtime.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from adapters.slack.app import SlackAdapter, SlackNotConfigured, build_slack

if TYPE_CHECKING:
    from bot.app import Core
    from bot.settings import Settings


class SlackPlugin:
    name = "slack"

    def configured(self, settings: "Settings") -> bool:
        return settings.has_slack

    def build(self, core: "Core", settings: "Settings") -> SlackAdapter:
        return build_slack(core, settings)


plugin = SlackPlugin()

__all__ = ["SlackAdapter", "SlackNotConfigured", "build_slack", "plugin"]
