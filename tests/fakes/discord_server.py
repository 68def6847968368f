"""A fake Discord on 127.0.0.1: the REST routes the adapter uses and a gateway websocket.

The real discord.py client logs in against it, connects the gateway (HELLO,
heartbeat ACK, IDENTIFY -> READY -> GUILD_CREATE, RESUME -> replay -> RESUMED)
and calls REST exactly as it would call Discord. Tests drive it through the
test API: `slash`, `autocomplete`, `press`, `say`, `force_resume`, and read back
every REST call from `calls`. Failures are injected per route: `fail_next`
(a 429 storm, a 500), `deny_threads` (a channel where the bot lacks thread
permissions), `deny_voice_messages`, `close_dms`.

Responses carry `content-type: application/json` exactly: discord.py parses a
body as JSON only then.
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiohttp import WSMsgType, web

API_PREFIX = "/api/v10"
EPOCH_MS = 1420070400000
GUILD_TEXT, DM, PRIVATE_THREAD = 0, 1, 12
# Permission bits (https://discord.com/developers/docs/topics/permissions)
VIEW_CHANNEL, SEND_MESSAGES, EMBED_LINKS, ATTACH_FILES = 1 << 10, 1 << 11, 1 << 14, 1 << 15
READ_HISTORY, USE_COMMANDS, CREATE_PRIVATE_THREADS, SEND_IN_THREADS = 1 << 16, 1 << 31, 1 << 36, 1 << 38
SEND_VOICE_MESSAGES = 1 << 46
MESSAGE_CONTENT = 1 << 15  # the privileged gateway intent
ALL_BOT_PERMISSIONS = (VIEW_CHANNEL | SEND_MESSAGES | EMBED_LINKS | ATTACH_FILES | READ_HISTORY | USE_COMMANDS
                       | CREATE_PRIVATE_THREADS | SEND_IN_THREADS | SEND_VOICE_MESSAGES)
NO_THREAD_PERMISSIONS = ALL_BOT_PERMISSIONS & ~(CREATE_PRIVATE_THREADS | SEND_IN_THREADS)


def _now_iso() -> str:
    return datetime.now(UTC).isoformat()


def _json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(body=json.dumps(data).encode(), status=status,
                        headers={"Content-Type": "application/json", **(headers or {})})


def _error(status: int, code: int, message: str) -> web.Response:
    return _json({"message": message, "code": code}, status)


@dataclass
class Call:
    """One REST request as the fake received it."""

    method: str
    path: str  # without the /api/v10 prefix
    query: dict[str, str]
    json: Any = None
    form: dict[str, Any] = field(default_factory=dict)  # payload_json parsed, other text fields as is
    files: list[tuple[str, str, str, bytes]] = field(default_factory=list)  # (field, filename, type, data)
    status: int = 200

    @property
    def payload(self) -> dict[str, Any]:
        """The message body whether it came as JSON or as multipart payload_json."""
        if isinstance(self.json, dict):
            return self.json
        return self.form.get("payload_json") or {}


@dataclass
class Failure:
    method: str
    pattern: re.Pattern[str]
    status: int
    times: int
    body: dict[str, Any]
    headers: dict[str, str]


@dataclass
class User:
    id: str
    username: str
    bot: bool = False

    def payload(self) -> dict[str, Any]:
        return {"id": self.id, "username": self.username, "global_name": self.username, "discriminator": "0",
                "avatar": None, "bot": self.bot, "public_flags": 0}


class FakeDiscord:
    """One guild with a #practice channel, a bot, and whoever the test adds."""

    def __init__(self, extra_guilds: int = 0) -> None:
        self._ids = itertools.count(1)
        self.app_id = self.snowflake()
        self.bot = User(self.app_id, "Rehearse", bot=True)
        self.guild_id = self.snowflake()
        self.channel_id = self.snowflake()
        self.extra_guild_ids = [self.snowflake() for _ in range(extra_guilds)]  # for scale benchmarks
        self.users: dict[str, User] = {self.bot.id: self.bot}
        self.channels: dict[str, dict[str, Any]] = {self.channel_id: self._text_channel(self.channel_id, "practice")}
        self.dm_of: dict[str, str] = {}
        self.messages: dict[str, dict[str, Any]] = {}
        self.cdn: dict[str, tuple[str, bytes]] = {}
        self.commands: list[dict[str, Any]] = []
        self.answered: set[str] = set()  # interactions already acknowledged (a second ack is refused)
        self.calls: list[Call] = []
        self.failures: list[Failure] = []
        self.denied_thread_channels: set[str] = set()
        self.denied_voice_channels: set[str] = set()
        self.closed_dms: set[str] = set()
        self.sockets: list[web.WebSocketResponse] = []
        self.events: list[dict[str, Any]] = []  # every dispatch sent, with its seq, for RESUME replays
        self.identifies = 0
        self.token: str | None = None  # when set, REST calls with any other bot token get a 401
        self.message_content_allowed = True  # False: IDENTIFY asking for it is closed with 4014, as in the portal
        self.resumes = 0
        self.session_id = "fake-session"
        self._replay_from: int | None = None
        self._changed = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.port = 0

    # ---- lifecycle --------------------------------------------------------

    async def start(self) -> FakeDiscord:
        app = web.Application(client_max_size=50 * 1024 * 1024)
        app.router.add_get("/gateway", self._gateway)
        app.router.add_get("/attachments/{path:.*}", self._cdn)
        app.router.add_route("*", API_PREFIX + "/{path:.*}", self._rest)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def close(self) -> None:
        for ws in list(self.sockets):
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        return self.base_url + API_PREFIX

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    # ---- the world --------------------------------------------------------

    def snowflake(self) -> str:
        millis = int(datetime.now(UTC).timestamp() * 1000) - EPOCH_MS
        return str((millis << 22) + next(self._ids))

    def add_user(self, username: str, bot: bool = False) -> User:
        user = User(self.snowflake(), username, bot)
        self.users[user.id] = user
        return user

    def add_channel(self, name: str) -> str:
        channel_id = self.snowflake()
        self.channels[channel_id] = self._text_channel(channel_id, name)
        return channel_id

    def _text_channel(self, channel_id: str, name: str) -> dict[str, Any]:
        return {"id": channel_id, "type": GUILD_TEXT, "guild_id": self.guild_id, "name": name, "position": 0,
                "permission_overwrites": [], "nsfw": False, "parent_id": None, "topic": None,
                "last_message_id": None, "rate_limit_per_user": 0, "flags": 0}

    def guild_payload(self) -> dict[str, Any]:
        everyone = {"id": self.guild_id, "name": "@everyone", "permissions": str(ALL_BOT_PERMISSIONS), "position": 0,
                    "color": 0, "hoist": False, "managed": False, "mentionable": False, "flags": 0}
        text_channels = [{k: v for k, v in c.items() if k != "guild_id"} for c in self.channels.values()
                         if c["type"] == GUILD_TEXT]
        return {
            "id": self.guild_id, "name": "Acme Sales", "icon": None, "owner_id": self.snowflake(),
            "afk_channel_id": None, "afk_timeout": 300, "verification_level": 0, "default_message_notifications": 0,
            "explicit_content_filter": 0, "roles": [everyone], "emojis": [], "stickers": [], "features": [],
            "mfa_level": 0, "system_channel_id": None, "system_channel_flags": 0, "rules_channel_id": None,
            "vanity_url_code": None, "description": None, "banner": None, "premium_tier": 0,
            "preferred_locale": "en-US", "public_updates_channel_id": None, "nsfw_level": 0,
            "premium_progress_bar_enabled": False, "joined_at": _now_iso(), "large": False, "unavailable": False,
            "member_count": len(self.users), "voice_states": [], "presences": [], "stage_instances": [],
            "guild_scheduled_events": [], "soundboard_sounds": [], "threads": [],
            "channels": text_channels,
            "members": [self._member(self.bot)],
        }

    def _extra_guild(self, guild_id: str) -> dict[str, Any]:
        """Another server with one text channel, as many as a scale test asks for."""
        payload = {**self.guild_payload(), "id": guild_id, "name": f"Team {guild_id[-4:]}"}
        payload["roles"] = [{**payload["roles"][0], "id": guild_id}]
        payload["channels"] = [{**payload["channels"][0], "id": self.snowflake()}]
        return payload

    def _member(self, user: User) -> dict[str, Any]:
        return {"user": user.payload(), "roles": [], "joined_at": _now_iso(), "deaf": False, "mute": False,
                "flags": 0, "pending": False, "nick": None, "avatar": None, "communication_disabled_until": None}

    def _dm_channel(self, user_id: str) -> dict[str, Any]:
        channel_id = self.dm_of.get(user_id)
        if channel_id is None:
            channel_id = self.dm_of[user_id] = self.snowflake()
            self.channels[channel_id] = {"id": channel_id, "type": DM, "last_message_id": None, "flags": 0,
                                         "recipients": [self.users[user_id].payload()]}
        return self.channels[channel_id]

    def dm_channel_id(self, user: User) -> str:
        return self._dm_channel(user.id)["id"]

    def threads(self) -> list[dict[str, Any]]:
        return [c for c in self.channels.values() if c["type"] == PRIVATE_THREAD]

    # ---- failure injection -------------------------------------------------

    def fail_next(self, method: str, path_regex: str, *, status: int = 429, times: int = 1,
                  retry_after: float = 0.01, code: int = 0, message: str = "") -> None:
        """The next `times` matching requests fail; a 429 carries Discord's rate-limit body and headers."""
        if status == 429:
            body: dict[str, Any] = {"message": "You are being rate limited.", "retry_after": retry_after,
                                    "global": False}
            headers = {"Retry-After": str(retry_after), "X-RateLimit-Scope": "user", "Via": "1.1 google"}
        else:
            body, headers = {"message": message or "failure", "code": code}, {}
        self.failures.append(Failure(method, re.compile(path_regex), status, times, body, headers))

    def deny_threads(self, channel_id: str) -> None:
        self.denied_thread_channels.add(channel_id)

    def deny_voice_messages(self, channel_id: str = "*") -> None:
        """Refuse voice messages in a channel ("*": everywhere) as Discord does without the permission."""
        self.denied_voice_channels.add(channel_id)

    def close_dms(self, user: User) -> None:
        self.closed_dms.add(user.id)

    # ---- gateway ----------------------------------------------------------

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        self.sockets.append(ws)
        await ws.send_str(json.dumps({"op": 10, "d": {"heartbeat_interval": 41250}, "s": None, "t": None}))
        try:
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    continue
                frame = json.loads(msg.data)
                op = frame.get("op")
                if op == 1:
                    await ws.send_str(json.dumps({"op": 11, "d": None, "s": None, "t": None}))
                elif op == 2:
                    self.identifies += 1
                    if not self.message_content_allowed and int(frame["d"].get("intents", 0)) & MESSAGE_CONTENT:
                        await ws.close(code=4014, message=b"Disallowed intent(s).")
                        break
                    await self._send(ws, "READY", {
                        "v": 10, "user": {**self.bot.payload(), "verified": True, "mfa_enabled": False, "flags": 0},
                        "guilds": [{"id": g, "unavailable": True} for g in [self.guild_id, *self.extra_guild_ids]],
                        "session_id": self.session_id,
                        "resume_gateway_url": self.gateway_url, "shard": frame["d"].get("shard", [0, 1]),
                        "application": {"id": self.app_id, "flags": 0}, "private_channels": [],
                        "relationships": [], "presences": [],
                    })
                    await self._send(ws, "GUILD_CREATE", self.guild_payload())
                    for guild_id in self.extra_guild_ids:
                        await self._send(ws, "GUILD_CREATE", self._extra_guild(guild_id))
                elif op == 6:
                    self.resumes += 1
                    start = self._replay_from if self._replay_from is not None else frame["d"]["seq"]
                    self._replay_from = None
                    for event in [e for e in self.events if e["s"] > start]:
                        await ws.send_str(json.dumps(event))  # the same seq: a replay, not a new event
                    await self._send(ws, "RESUMED", {})
                self._changed.set()
        finally:
            if ws in self.sockets:
                self.sockets.remove(ws)
        return ws

    async def _send(self, ws: web.WebSocketResponse, event: str, data: dict[str, Any]) -> int:
        seq = len(self.events) + 1
        frame = {"op": 0, "t": event, "s": seq, "d": data}
        self.events.append(frame)
        await ws.send_str(json.dumps(frame))
        return seq

    async def dispatch(self, event: str, data: dict[str, Any]) -> int:
        """Send one DISPATCH to the connected client; returns its sequence number."""
        ws = await self._live_socket()
        return await self._send(ws, event, data)

    async def _live_socket(self, timeout: float = 10) -> web.WebSocketResponse:
        async def ready() -> web.WebSocketResponse:
            while not (self.sockets and not self.sockets[-1].closed):
                await self._wait_change()
            return self.sockets[-1]

        return await asyncio.wait_for(ready(), timeout)

    async def force_resume(self, replay_from_seq: int) -> None:
        """Ask the client to reconnect (op 7); on its RESUME, replay every event after `replay_from_seq`.

        Discord replays what it thinks the client missed; replaying from an older sequence is how
        an event the client already handled arrives a second time."""
        ws = await self._live_socket()
        resumes = self.resumes
        self._replay_from = replay_from_seq
        await ws.send_str(json.dumps({"op": 7, "d": None, "s": None, "t": None}))
        await self.wait_until(lambda: self.resumes > resumes and bool(self.sockets))

    # ---- test API: what people do -----------------------------------------

    async def say(self, author: User, channel_id: str, content: str = "",
                  attachments: list[dict[str, Any]] | None = None, flags: int = 0,
                  mentions: list[User] | None = None) -> dict[str, Any]:
        """A person posts a message; returns the MESSAGE_CREATE payload (to replay it later)."""
        channel = self.channels[channel_id]
        data: dict[str, Any] = {
            "id": self.snowflake(), "channel_id": channel_id, "author": author.payload(), "content": content,
            "timestamp": _now_iso(), "edited_timestamp": None, "tts": False, "mention_everyone": False,
            "mentions": [u.payload() for u in mentions or []], "mention_roles": [], "attachments": attachments or [],
            "embeds": [], "pinned": False, "type": 0, "flags": flags, "components": [],
        }
        if channel["type"] != DM:
            data["guild_id"] = self.guild_id
            data["member"] = {k: v for k, v in self._member(author).items() if k != "user"}
        self.messages[data["id"]] = data
        await self.dispatch("MESSAGE_CREATE", data)
        return data

    def voice_attachment(self, channel_id: str, data: bytes, duration_s: float,
                         waveform: bytes = bytes(range(0, 250, 5))) -> dict[str, Any]:
        """A voice message attachment as Discord sends it, its bytes served from the fake CDN."""
        return self.attachment(channel_id, "voice-message.ogg", "audio/ogg", data,
                               duration_secs=duration_s, waveform=base64.b64encode(waveform).decode())

    def attachment(self, channel_id: str, filename: str, content_type: str, data: bytes,
                   **extra: Any) -> dict[str, Any]:
        attachment_id = self.snowflake()
        path = f"{channel_id}/{attachment_id}/{filename}"
        self.cdn[path] = (content_type, data)
        url = f"{self.base_url}/attachments/{path}"
        return {"id": attachment_id, "filename": filename, "size": len(data), "url": url, "proxy_url": url,
                "content_type": content_type, **extra}

    async def slash(self, user: User, name: str, options: dict[str, Any] | None = None, *,
                    channel_id: str | None = None, permissions: int = ALL_BOT_PERMISSIONS,
                    focused: str | None = None) -> dict[str, Any]:
        """A person runs an application command (or, with `focused`, types into one: autocomplete)."""
        command = next((c for c in self.commands if c["name"] == name), None)
        assert command is not None, f"/{name} was never synced; synced: {[c['name'] for c in self.commands]}"
        opts = [{"name": k, "type": _option_type(command, k), "value": v, **({"focused": True} if k == focused else {})}
                for k, v in (options or {}).items()]
        data = {"id": command["id"], "name": name, "type": 1, "options": opts}
        return await self._interaction(4 if focused else 2, user, channel_id or self.channel_id, data, permissions)

    async def press(self, user: User, message: dict[str, Any], label: str,
                    permissions: int = ALL_BOT_PERMISSIONS) -> dict[str, Any]:
        """A person presses the button labelled `label` on a message the bot posted."""
        button = next((b for row in message.get("components", []) for b in row.get("components", [])
                       if b.get("label") == label), None)
        assert button is not None, f"no button {label!r} on message {message['id']}"
        data = {"custom_id": button["custom_id"], "component_type": 2}
        return await self._interaction(3, user, message["channel_id"], data, permissions, message=message)

    async def _interaction(self, kind: int, user: User, channel_id: str, data: dict[str, Any], permissions: int,
                           message: dict[str, Any] | None = None) -> dict[str, Any]:
        channel = self.channels[channel_id]
        payload: dict[str, Any] = {
            "id": self.snowflake(), "application_id": self.app_id, "type": kind, "data": data,
            "token": f"tok-{self.snowflake()}", "version": 1, "channel_id": channel_id,
            "channel": {k: v for k, v in channel.items() if k != "recipients"}, "locale": "en-GB",
            "app_permissions": str(permissions), "entitlements": [], "attachment_size_limit": 10 * 1024 * 1024,
        }
        if channel["type"] == DM:
            payload["user"] = user.payload()
            payload["context"] = 1
            payload["authorizing_integration_owners"] = {"0": self.guild_id}
        else:
            payload["guild_id"] = self.guild_id
            payload["guild_locale"] = "en-US"
            payload["member"] = {**self._member(user), "permissions": str(VIEW_CHANNEL | SEND_MESSAGES | USE_COMMANDS)}
            payload["context"] = 0
            payload["authorizing_integration_owners"] = {"0": self.guild_id}
        if message is not None:
            payload["message"] = message
        await self.dispatch("INTERACTION_CREATE", payload)
        return payload

    # ---- reading what the bot did -----------------------------------------

    def calls_to(self, method: str, path_regex: str, ok_only: bool = True) -> list[Call]:
        pattern = re.compile(path_regex)
        return [c for c in self.calls if c.method == method and pattern.fullmatch(c.path)
                and (not ok_only or c.status < 400)]

    def posted_in(self, channel_id: str) -> list[dict[str, Any]]:
        """Messages the bot posted in a channel, oldest first."""
        return [m for m in self.messages.values() if m["channel_id"] == channel_id and m["author"]["id"] == self.bot.id]

    def interaction_replies(self, interaction: dict[str, Any]) -> list[dict[str, Any]]:
        """The callback and follow-up bodies the bot sent for one interaction."""
        token = interaction["token"]
        out = []
        for c in self.calls:
            if c.status >= 400:
                continue
            if c.path == f"/interactions/{interaction['id']}/{token}/callback":
                out.append(c.payload)
            elif c.path.startswith(f"/webhooks/{self.app_id}/{token}"):
                out.append({"type": "followup", "method": c.method, "data": c.payload})
        return out

    async def wait_until(self, predicate: Callable[[], Any], timeout: float = 60) -> Any:
        """Wait (without fixed sleeps) until `predicate()` is truthy; returns its value."""
        async def loop() -> Any:
            while True:
                value = predicate()
                if value:
                    return value
                await self._wait_change()

        return await asyncio.wait_for(loop(), timeout)

    async def wait_for_posts(self, channel_id: str, count: int, timeout: float = 60) -> list[dict[str, Any]]:
        await self.wait_until(lambda: len(self.posted_in(channel_id)) >= count, timeout)
        return self.posted_in(channel_id)

    async def wait_for_replies(self, interaction: dict[str, Any], count: int = 1,
                               timeout: float = 60) -> list[dict[str, Any]]:
        await self.wait_until(lambda: len(self.interaction_replies(interaction)) >= count, timeout)
        return self.interaction_replies(interaction)

    async def _wait_change(self) -> None:
        self._changed.clear()
        try:
            await asyncio.wait_for(self._changed.wait(), 0.5)
        except TimeoutError:
            pass  # re-check: some changes (a socket closing) do not signal

    # ---- REST -------------------------------------------------------------

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        path = "/" + request.match_info["path"]
        call = Call(request.method, path, dict(request.query))
        if request.content_type == "application/json":
            call.json = await request.json()
        elif request.content_type.startswith("multipart/"):
            form = await request.post()
            for name, value in form.items():
                if isinstance(value, web.FileField):
                    call.files.append((name, value.filename, value.content_type, value.file.read()))
                elif name == "payload_json":
                    call.form[name] = json.loads(value)
                else:
                    call.form[name] = value
        self.calls.append(call)
        if self.token is not None and request.headers.get("Authorization") != f"Bot {self.token}":
            call.status = 401
            self._changed.set()
            return _json({"message": "401: Unauthorized", "code": 0}, 401)
        try:
            response = self._injected(call) or await self._route(call)
        except KeyError:
            response = _error(404, 10003, "Unknown Channel")
        call.status = response.status
        self._changed.set()
        return response

    def _injected(self, call: Call) -> web.Response | None:
        for failure in self.failures:
            if failure.times > 0 and failure.method == call.method and failure.pattern.fullmatch(call.path):
                failure.times -= 1
                return _json(failure.body, failure.status, failure.headers)
        return None

    async def _route(self, call: Call) -> web.Response:
        m, p = call.method, call.path
        if m == "GET" and p == "/users/@me":
            return _json({**self.bot.payload(), "verified": True, "mfa_enabled": False, "flags": 0})
        if m == "GET" and p == "/oauth2/applications/@me":
            return _json(self._application())
        if m == "GET" and p == "/gateway/bot":
            return _json({"url": self.gateway_url, "shards": 1, "session_start_limit": {
                "total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}})
        if m == "PUT" and p == f"/applications/{self.app_id}/commands":
            self.commands = [{**c, "id": self.snowflake(), "application_id": self.app_id, "version": self.snowflake(),
                              "default_member_permissions": c.get("default_member_permissions")} for c in call.json]
            return _json(self.commands)
        if m == "POST" and (match := re.fullmatch(r"/interactions/(\d+)/([^/]+)/callback", p)):
            return self._interaction_callback(match.group(1), call)
        if m == "POST" and re.fullmatch(rf"/webhooks/{self.app_id}/[^/]+", p):
            return _json(self._store_message(None, call.payload, call.files, ephemeral=True))
        if m == "PATCH" and re.fullmatch(rf"/webhooks/{self.app_id}/[^/]+/messages/@original", p):
            return _json(self._store_message(None, call.payload, call.files, ephemeral=True))
        if m == "POST" and p == "/users/@me/channels":
            return _json(self._dm_channel(str(call.json["recipient_id"])))
        if m == "GET" and (match := re.fullmatch(r"/channels/(\d+)", p)):
            return _json(self.channels[match.group(1)])
        if m == "POST" and (match := re.fullmatch(r"/channels/(\d+)/threads", p)):
            return await self._create_thread(match.group(1), call.json)
        if m == "PUT" and (match := re.fullmatch(r"/channels/(\d+)/thread-members/(\d+)", p)):
            thread = self.channels[match.group(1)]
            thread["member_count"] += 1
            thread.setdefault("_members", []).append(match.group(2))
            return web.Response(status=204)
        if m == "POST" and (match := re.fullmatch(r"/channels/(\d+)/messages", p)):
            return await self._post_message(match.group(1), call)
        return _error(404, 0, f"the fake has no route {m} {p}")

    def _application(self) -> dict[str, Any]:
        return {"id": self.app_id, "name": "Rehearse", "icon": None, "description": "", "bot_public": True,
                "bot_require_code_grant": False, "owner": self.add_user("owner").payload(), "verify_key": "00",
                "flags": 0, "team": None, "summary": "", "rpc_origins": [], "interactions_endpoint_url": None}

    def _interaction_callback(self, interaction_id: str, call: Call) -> web.Response:
        if interaction_id in self.answered:
            return _error(400, 40060, "Interaction has already been acknowledged.")
        self.answered.add(interaction_id)
        body = call.payload
        kind = body["type"]
        result: dict[str, Any] = {"interaction": {
            "id": interaction_id, "type": 2, "response_message_loading": kind == 5,
            "response_message_ephemeral": bool((body.get("data") or {}).get("flags", 0) & 64)}}
        if kind in (4, 5):
            message = self._store_message(None, body.get("data") or {}, call.files, ephemeral=True)
            result["interaction"]["response_message_id"] = message["id"]
            result["resource"] = {"type": kind, "message": message}
        return _json(result)

    async def _create_thread(self, parent_id: str, body: dict[str, Any]) -> web.Response:
        parent = self.channels[parent_id]
        if parent_id in self.denied_thread_channels:
            return _error(403, 50013, "Missing Permissions")
        thread_id = self.snowflake()
        thread = {"id": thread_id, "type": body.get("type", PRIVATE_THREAD), "guild_id": parent["guild_id"],
                  "parent_id": parent_id, "owner_id": self.bot.id, "name": body["name"], "last_message_id": None,
                  "message_count": 0, "member_count": 1, "rate_limit_per_user": 0, "flags": 0,
                  "total_message_sent": 0, "thread_metadata": {
                      "archived": False, "auto_archive_duration": body.get("auto_archive_duration", 1440),
                      "archive_timestamp": _now_iso(), "locked": False, "invitable": body.get("invitable", True),
                      "create_timestamp": _now_iso()},
                  "member": {"id": thread_id, "user_id": self.bot.id, "join_timestamp": _now_iso(), "flags": 0}}
        self.channels[thread_id] = thread
        await self.dispatch("THREAD_CREATE", {**thread, "newly_created": True})
        return _json(thread, 201)

    async def _post_message(self, channel_id: str, call: Call) -> web.Response:
        channel = self.channels[channel_id]
        body = call.payload
        if channel["type"] == DM and channel["recipients"][0]["id"] in self.closed_dms:
            return _error(403, 50007, "Cannot send messages to this user")
        if body.get("flags", 0) & 8192:
            if {channel_id, "*"} & self.denied_voice_channels:
                return _error(403, 50013, "Missing Permissions")
            if body.get("content") or body.get("embeds"):
                return _error(400, 50161, "Voice messages do not support additional content.")
            attachments = body.get("attachments") or []
            if len(call.files) != 1 or len(attachments) != 1:
                return _error(400, 50159, "Voice messages must have a single audio attachment.")
            if "duration_secs" not in attachments[0] or "waveform" not in attachments[0]:
                return _error(400, 50160, "Voice messages must have supporting metadata.")
        message = self._store_message(channel_id, body, call.files)
        await self.dispatch("MESSAGE_CREATE", {**message, **({"guild_id": self.guild_id} if channel["type"] != DM else {})})
        return _json(message)

    def _store_message(self, channel_id: str | None, body: dict[str, Any],
                       files: list[tuple[str, str, str, bytes]], ephemeral: bool = False) -> dict[str, Any]:
        message_id = self.snowflake()
        described = {a["id"]: a for a in body.get("attachments") or []}
        attachments = []
        for index, (_, filename, content_type, data) in enumerate(files):
            meta = described.get(index, {})
            attachment = self.attachment(channel_id or "ephemeral", filename, content_type, data)
            attachment.update({k: meta[k] for k in ("duration_secs", "waveform") if k in meta})
            attachments.append(attachment)
        message = {
            "id": message_id, "channel_id": channel_id or "0", "author": self.bot.payload(),
            "content": body.get("content") or "", "timestamp": _now_iso(), "edited_timestamp": None, "tts": False,
            "mention_everyone": False, "mentions": [], "mention_roles": [], "attachments": attachments,
            "embeds": body.get("embeds") or [], "pinned": False, "type": 0, "flags": body.get("flags", 0),
            "components": body.get("components") or [],
        }
        if not ephemeral:
            self.messages[message_id] = message
        return message

    async def _cdn(self, request: web.Request) -> web.Response:
        path = request.match_info["path"]
        self.calls.append(Call("GET", "/attachments/" + path, dict(request.query)))
        self._changed.set()
        if path not in self.cdn:
            return web.Response(status=404)
        content_type, data = self.cdn[path]
        return web.Response(body=data, headers={"Content-Type": content_type})


def _option_type(command: dict[str, Any], name: str) -> int:
    for option in command.get("options") or []:
        if option["name"] == name:
            return int(option["type"])
    raise AssertionError(f"/{command['name']} has no option {name!r}")
