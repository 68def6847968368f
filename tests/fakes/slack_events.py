"""Slack's side of the Events API, slash commands and interactivity: signed requests to our endpoint.

`SlackSender` builds payloads shaped like Slack's, signs them with the real v0
algorithm (HMAC-SHA256 over `v0:{timestamp}:{body}`) and POSTs them to
/slack/events, the way Slack does. Tests, benchmarks and the load tests of other
issues use it; `build_*` return (body, headers) for callers with their own client.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from tests.fakes.slack_api import BOT_USER_ID, TEAM_ID

SIGNING_SECRET = "fake-signing-secret"
_ts_guard = threading.Lock()
_last_ts_us = 0


@dataclass
class Reply:
    status: int
    body: str
    elapsed_s: float

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


def sign(secret: str, timestamp: int, body: bytes) -> str:
    base = b"v0:" + str(timestamp).encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def new_ts() -> str:
    """A message timestamp as Slack writes them: the time sent, to the microsecond, unique within the
    process (the core orders a conversation's messages by it)."""
    global _last_ts_us
    with _ts_guard:
        _last_ts_us = max(int(time.time() * 1_000_000), _last_ts_us + 1)
        now = _last_ts_us
    return f"{now // 1_000_000}.{now % 1_000_000:06d}"


class SlackSender:
    def __init__(self, url: str, secret: str = SIGNING_SECRET, team_id: str = TEAM_ID,
                 bot_user_id: str = BOT_USER_ID, response_url: str = "") -> None:
        self.url = url
        self.secret = secret
        self.team_id = team_id
        self.bot_user_id = bot_user_id
        self.response_url = response_url  # where Slack would take response_url replies (the fake's /respond)

    # ---- payloads ---------------------------------------------------------

    def event_body(self, event: dict[str, Any], event_id: str | None = None) -> dict[str, Any]:
        return {
            "token": "legacy-verification-token", "team_id": self.team_id, "api_app_id": "A0REHEARSE",
            "event": event, "type": "event_callback", "event_id": event_id or f"Ev{uuid.uuid4().hex[:10].upper()}",
            "event_time": int(time.time()), "is_ext_shared_channel": False,
            "authorizations": [{"team_id": self.team_id, "user_id": self.bot_user_id, "is_bot": True}],
        }

    def message_event(self, user: str, channel: str, text: str, *, thread_ts: str | None = None,
                      ts: str | None = None, files: list[dict[str, Any]] | None = None,
                      client_msg_id: str | None = "auto", team: str | None = None, **extra: Any) -> dict[str, Any]:
        event: dict[str, Any] = {"type": "message", "channel": channel, "user": user, "text": text,
                                 "ts": ts or new_ts(), "team": team or self.team_id,
                                 "channel_type": "im" if channel.startswith("D") else "channel"}
        if client_msg_id:
            event["client_msg_id"] = str(uuid.uuid4()) if client_msg_id == "auto" else client_msg_id
        if thread_ts:
            event["thread_ts"] = thread_ts
        if files:
            event["subtype"] = "file_share"
            event["files"] = files
        event["event_ts"] = event["ts"]
        event.update(extra)
        return event

    def build_event(self, event: dict[str, Any], event_id: str | None = None, *, retry_num: int | None = None,
                    timestamp: int | None = None) -> tuple[bytes, dict[str, str]]:
        body = json.dumps(self.event_body(event, event_id)).encode()
        headers = self._headers(body, "application/json", timestamp)
        if retry_num:
            headers.update({"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"})
        return body, headers

    def build_command(self, command: str, text: str, user: str, *, channel: str = "C0GENERAL",
                      user_name: str = "rep", trigger_id: str | None = None) -> tuple[bytes, dict[str, str]]:
        form = {
            "token": "legacy-verification-token", "team_id": self.team_id, "team_domain": "acme",
            "channel_id": channel, "channel_name": "directmessage" if channel.startswith("D") else "general",
            "user_id": user, "user_name": user_name, "command": command, "text": text,
            "api_app_id": "A0REHEARSE", "is_enterprise_install": "false",
            "response_url": self.response_url or "https://hooks.slack.com/commands/none",
            "trigger_id": trigger_id or f"{uuid.uuid4().int % 10**12}.{uuid.uuid4().hex[:8]}",
        }
        body = urlencode(form).encode()
        return body, self._headers(body, "application/x-www-form-urlencoded")

    def build_interaction(self, payload: dict[str, Any]) -> tuple[bytes, dict[str, str]]:
        body = urlencode({"payload": json.dumps(payload)}).encode()
        return body, self._headers(body, "application/x-www-form-urlencoded")

    def block_action(self, user: str, action_id: str, value: str = "", *, channel: str | None = None,
                     message_ts: str | None = None, thread_ts: str | None = None, view: bool = False,
                     team_id: str | None = None, selected_date: str | None = None) -> dict[str, Any]:
        """A button press on a message (channel + message_ts) or on the App Home (view=True)."""
        action: dict[str, Any] = {"action_id": action_id, "block_id": "b", "type": "button",
                                  "action_ts": f"{time.time():.6f}"}
        if selected_date is not None:
            action.update({"type": "datepicker", "selected_date": selected_date})
        else:
            action["value"] = value
        payload: dict[str, Any] = {
            "type": "block_actions", "api_app_id": "A0REHEARSE", "token": "legacy-verification-token",
            "trigger_id": f"{uuid.uuid4().int % 10**12}.{uuid.uuid4().hex[:8]}",
            "team": {"id": self.team_id, "domain": "acme"},
            "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": team_id or self.team_id},
            "actions": [action], "response_url": self.response_url or "https://hooks.slack.com/actions/none",
        }
        if view:
            payload["container"] = {"type": "view", "view_id": "V0HOME"}
            payload["view"] = {"id": "V0HOME", "type": "home"}
        else:
            payload["container"] = {"type": "message", "message_ts": message_ts, "channel_id": channel,
                                    "is_ephemeral": False, **({"thread_ts": thread_ts} if thread_ts else {})}
            payload["channel"] = {"id": channel, "name": "directmessage"}
            payload["message"] = {"type": "message", "ts": message_ts, "bot_id": "B0REHBOT",
                                  **({"thread_ts": thread_ts} if thread_ts else {})}
        return payload

    def view_submission(self, user: str, view: dict[str, Any], values: dict[str, dict[str, Any]]) -> dict[str, Any]:
        """A modal's Save: `values` maps block_id to the element's state ({"type":..., "value":...})."""
        state = {block_id: {"value": element} for block_id, element in values.items()}
        return {
            "type": "view_submission", "team": {"id": self.team_id, "domain": "acme"},
            "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": self.team_id},
            "api_app_id": "A0REHEARSE", "token": "legacy-verification-token",
            "trigger_id": f"{uuid.uuid4().int % 10**12}.x",
            "view": {**view, "state": {"values": state}},
        }

    # ---- sending ----------------------------------------------------------

    def message(self, user: str, channel: str, text: str, **kw: Any) -> Reply:
        event_id = kw.pop("event_id", None)
        retry_num = kw.pop("retry_num", None)
        return self.post(*self.build_event(self.message_event(user, channel, text, **kw), event_id,
                                           retry_num=retry_num))

    def event(self, event: dict[str, Any], event_id: str | None = None, retry_num: int | None = None) -> Reply:
        return self.post(*self.build_event(event, event_id, retry_num=retry_num))

    def command(self, command: str, text: str, user: str, **kw: Any) -> Reply:
        return self.post(*self.build_command(command, text, user, **kw))

    def interaction(self, payload: dict[str, Any]) -> Reply:
        return self.post(*self.build_interaction(payload))

    def post(self, body: bytes, headers: dict[str, str]) -> Reply:
        request = urllib.request.Request(self.url, data=body, headers=headers, method="POST")
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return Reply(response.status, response.read().decode(), time.perf_counter() - started)
        except urllib.error.HTTPError as exc:
            return Reply(exc.code, exc.read().decode(), time.perf_counter() - started)

    def _headers(self, body: bytes, content_type: str, timestamp: int | None = None) -> dict[str, str]:
        ts = int(time.time()) if timestamp is None else timestamp
        return {"Content-Type": content_type, "X-Slack-Request-Timestamp": str(ts),
                "X-Slack-Signature": sign(self.secret, ts, body)}
