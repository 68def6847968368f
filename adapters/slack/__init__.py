"""Slack: practice in DM threads with Block Kit, App Home, slash commands and voice notes.

`build_slack(core, settings)` is the entry point; see adapters/slack/app.py.
"""

from adapters.slack.app import SlackAdapter, SlackNotConfigured, build_slack

__all__ = ["SlackAdapter", "SlackNotConfigured", "build_slack"]
