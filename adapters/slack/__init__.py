"""Slack: practice in DM threads with Block Kit, App Home, slash commands and voice notes.

`build_slack(core, settings)` is the entry point; see adapters/slack/app.py.
`plugin` is what the `rehearse.adapters` entry point "slack" names (see bot/runtime.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from adapters.slack.app import SlackAdapter, SlackNotConfigured, build_slack
    from bot.app import Core
    from bot.settings import Settings


class SlackPlugin:
    name = "slack"

    def configured(self, settings: Settings) -> bool:
        return settings.has_slack

    def build(self, core: Core, settings: Settings) -> SlackAdapter:
        from adapters.slack.app import build_slack

        return build_slack(core, settings)


plugin = SlackPlugin()


def __getattr__(name: str) -> Any:
    # The platform SDK loads only when the adapter is used, not when `rehearse --help` finds its commands.
    if name in ("SlackAdapter", "SlackNotConfigured", "build_slack"):
        import adapters.slack.app

        return getattr(adapters.slack.app, name)
    raise AttributeError(name)


__all__ = ["SlackAdapter", "SlackNotConfigured", "build_slack", "plugin"]
