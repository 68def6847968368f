"""The one place raw Slack payloads become core values (Inbound, ActionEvent, PersonRef).

Every listener hands its payload here and gets back a frozen dataclass or None
(for payloads the bot must ignore: its own posts, edits, joins). Nothing else in
the adapter reads Slack's JSON shapes for events, commands or button presses.
"""

from __future__ import annotations

import html
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bot.messages import ActionEvent, Attachment, ConversationRef, Inbound, PersonRef

PLATFORM = "slack"

# Subtypes that carry something a person wrote; everything else (edits, deletes, joins,
# bot posts, channel topic changes) is not a reply to the buyer.
_REPLY_SUBTYPES = frozenset({None, "file_share", "thread_broadcast"})
_MENTION = re.compile(r"<@([A-Z0-9]+)(?:\|[^>]*)?>")
_LINK = re.compile(r"<(?:[^>|]*\|)?([^>]*)>")
_SPACES = re.compile(r"[ \t]{2,}")

Payload = Mapping[str, Any]


@dataclass(frozen=True)
class SlashCommand:
    """`/practice discovery-procurement-stall` or `/rehearse snooze 2026-12-24`, normalised."""

    name: str
    text: str
    person: PersonRef
    ref: ConversationRef  # where it was typed (any channel); replies there are ephemeral
    trigger_id: str
    response_url: str

    @property
    def words(self) -> list[str]:
        return self.text.split()


def message(body: Payload, bot_user_id: str | None) -> Inbound | None:
    """A `message` or `app_mention` event as an Inbound, or None when it is not a person's reply.

    `event_id` is the message's client_msg_id when Slack sends one, so the same message
    delivered twice under two event ids (a retry, or message.im plus app_mention) is one."""
    event = body.get("event") or {}
    if event.get("type") not in ("message", "app_mention"):
        return None
    if event.get("subtype") not in _REPLY_SUBTYPES or event.get("hidden"):
        return None
    user = event.get("user")
    if not user or event.get("bot_id") or event.get("bot_profile") or user == bot_user_id:
        return None
    channel = event.get("channel")
    ts = event.get("ts")
    if not channel or not ts:
        return None
    workspace = _workspace(body, event)
    thread = event.get("thread_ts")
    if event["type"] == "app_mention" and thread is None:
        thread = ts  # answer a mention in a channel under it, not across the channel
    ref = ConversationRef(PLATFORM, workspace, channel, thread)
    person = PersonRef(PLATFORM, event.get("user_team") or event.get("team") or workspace, user)
    event_id = event.get("client_msg_id") or body.get("event_id") or f"{channel}:{ts}"
    return Inbound(
        ref=ref,
        person=person,
        event_id=str(event_id),
        sent_at=_time(ts),
        text=plain_text(event.get("text") or "", drop_user=bot_user_id),
        attachments=tuple(_attachment(f) for f in event.get("files") or () if isinstance(f, Mapping)),
        received=time.monotonic(),
    )


def action(body: Payload) -> ActionEvent | None:
    """The first button, date or menu choice of a block_actions payload."""
    actions = body.get("actions") or []
    if body.get("type") != "block_actions" or not actions:
        return None
    act = actions[0]
    person = action_person(body)
    container = body.get("container") or {}
    if container.get("type") == "view":
        # App Home or a modal: there is no message; posting to the user id lands in the app's DM.
        ref = ConversationRef(PLATFORM, _workspace(body, {}), person.user_id)
    else:
        message_ = body.get("message") or {}
        channel = (body.get("channel") or {}).get("id") or container.get("channel_id") or person.user_id
        thread = (message_.get("thread_ts") or container.get("thread_ts") or message_.get("ts")
                  or container.get("message_ts"))
        ref = ConversationRef(PLATFORM, _workspace(body, {}), channel, thread)
    value = (act.get("value") or act.get("selected_date") or (act.get("selected_option") or {}).get("value") or "")
    # One press has one trigger_id; Slack never reuses it, so it names the press across retries.
    event_id = body.get("trigger_id") or f"{ref.channel}:{act.get('action_ts')}"
    return ActionEvent(ref=ref, person=person, action_id=str(act.get("action_id", "")), value=str(value),
                       event_id=f"{act.get('action_id')}:{event_id}", sent_at=_time(act.get("action_ts")))


def action_person(body: Payload) -> PersonRef:
    """Who pressed a button or submitted a modal."""
    user = body.get("user") or {}
    return PersonRef(PLATFORM, user.get("team_id") or _workspace(body, {}), str(user.get("id", "")),
                     user.get("name") or None)


def command(body: Payload) -> SlashCommand:
    workspace = str(body.get("team_id", ""))
    return SlashCommand(
        name=str(body.get("command", "")),
        text=" ".join(str(body.get("text") or "").split()),
        person=PersonRef(PLATFORM, workspace, str(body.get("user_id", "")), body.get("user_name") or None),
        ref=ConversationRef(PLATFORM, workspace, str(body.get("channel_id", ""))),
        trigger_id=str(body.get("trigger_id", "")),
        response_url=str(body.get("response_url", "")),
    )


def home_opened(body: Payload) -> PersonRef | None:
    """The person who opened the App Home's Home tab (the Messages tab needs no view)."""
    event = body.get("event") or {}
    if event.get("type") != "app_home_opened" or event.get("tab", "home") != "home" or not event.get("user"):
        return None
    return PersonRef(PLATFORM, _workspace(body, event), str(event["user"]))


def order_key(person: PersonRef) -> str:
    """Everything one person asks for runs in arrival order; different people run side by side.

    Per person rather than per thread: a rep's first reply can arrive while the job that
    posted the scenario card is still storing the session, and must wait for it."""
    return f"{person.workspace}:{person.user_id}"


def plain_text(text: str, drop_user: str | None = None) -> str:
    """Slack's mrkdwn as the rep meant it: mentions and links as words, entities decoded."""
    if drop_user:
        text = text.replace(f"<@{drop_user}>", "")
    text = _MENTION.sub(lambda m: f"@{m.group(1)}", text)
    text = _LINK.sub(lambda m: m.group(1), text)
    return _SPACES.sub(" ", html.unescape(text)).strip()


def _attachment(file: Mapping[str, Any]) -> Attachment:
    duration_ms = file.get("duration_ms")
    return Attachment(
        url=str(file.get("url_private_download") or file.get("url_private") or ""),
        mime=file.get("mimetype") or None,
        filename=file.get("name") or None,
        size=file.get("size"),
        duration_s=duration_ms / 1000 if isinstance(duration_ms, (int, float)) else None,
        # Slack's own clip recorder marks its files; a shared .m4a is audio but not a clip.
        is_voice_message=file.get("subtype") == "slack_audio",
    )


def _workspace(body: Payload, event: Mapping[str, Any]) -> str:
    team = body.get("team")
    return str(body.get("team_id") or (team.get("id") if isinstance(team, Mapping) else team)
               or event.get("team") or "")


def _time(ts: Any) -> datetime:
    try:
        return datetime.fromtimestamp(float(ts), UTC)
    except (TypeError, ValueError):
        return datetime.now(UTC)
