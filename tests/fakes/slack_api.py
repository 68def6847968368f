"""A fake Slack Web API on 127.0.0.1 (a free port) for tests and benchmarks.

It speaks the wire format slack_sdk's WebClient and Bolt expect (JSON bodies,
Bearer tokens, `ok`/`error`, 429 + Retry-After) for the methods Rehearse calls:
auth.test, conversations.open, chat.postMessage, chat.postEphemeral,
users.info, views.publish, views.open, files.getUploadURLExternal, the upload
URL, files.completeUploadExternal, private file downloads, response_url
replies, and Socket Mode (apps.connections.open plus a websocket that delivers
envelopes and records acks).

It hosts many workspaces (issue #22): each has its own bot token, users and DMs,
"Add to Slack" runs through /oauth/v2/authorize and oauth.v2.access (with token
rotation when `token_rotation` is on), and a call whose token belongs to another
workspace than the user or channel it names is refused as Slack refuses it
(user_not_found, channel_not_found) and counted in `wrong_workspace_calls()`.

Every call is recorded (`calls`), and faults can be injected per method
(`fail`) or at a rate over every method (`fail_rate`), so the load and fault
tests of any issue can reuse it. It checks the Block Kit limits Slack enforces,
so a message Slack would refuse is refused here too.
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import random
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode

from aiohttp import WSMsgType, web

BOT_TOKEN = "xoxb-fake-bot-token"
APP_TOKEN = "xapp-fake-app-token"
TEAM_ID = "T0REHEARSE"
TEAM_NAME = "Acme Sales"
BOT_USER_ID = "U0REHBOT"
BOT_ID = "B0REHBOT"
CLIENT_ID = "1111.2222"
CLIENT_SECRET = "fake-client-secret"
APP_ID = "A0REHEARSE"
TOKEN_LIFETIME_S = 12 * 3600  # what Slack gives a rotating token


@dataclass
class FakeWorkspace:
    """A workspace (or a Grid org, for an org-wide install) with the bot installed in it."""

    team_id: str | None
    team_name: str
    bot_user_id: str
    bot_id: str
    enterprise_id: str | None = None
    enterprise_name: str | None = None
    is_enterprise_install: bool = False


@dataclass
class Grant:
    """A rotating token's refresh token and when its access token expires (time.time())."""

    workspace: FakeWorkspace
    expires_at: float


@dataclass
class Call:
    """One request the fake received."""

    method: str
    args: dict[str, Any]
    status: int = 200
    ok: bool = True
    error: str | None = None
    at: float = field(default_factory=time.perf_counter)
    headers: dict[str, str] = field(default_factory=dict)
    response: dict[str, Any] = field(default_factory=dict)
    team: str | None = None  # the workspace the call's token belongs to
    target_team: str | None = None  # the workspace of the user or channel it named, when known
    token: str = ""

    @property
    def wrong_workspace(self) -> bool:
        return self.team is not None and self.target_team is not None and self.team != self.target_team


@dataclass
class Fault:
    status: int = 429
    retry_after: int = 0  # seconds; slack_sdk waits this plus up to one second of jitter


@dataclass
class Message:
    """A message or file share as it now stands in a channel."""

    channel: str
    ts: str
    text: str
    thread_ts: str | None = None
    blocks: list[dict[str, Any]] = field(default_factory=list)
    username: str | None = None
    files: list[dict[str, Any]] = field(default_factory=list)
    user: str | None = None  # set for ephemeral messages: the one person who sees it
    at: float = field(default_factory=time.perf_counter)


class BlockKitError(ValueError):
    pass


class FakeSlack:
    def __init__(self, *, bot_token: str = BOT_TOKEN, app_token: str = APP_TOKEN, team_id: str = TEAM_ID,
                 team_name: str = TEAM_NAME, bot_user_id: str = BOT_USER_ID, bot_id: str = BOT_ID,
                 record_limit: int | None = None) -> None:
        self._bot_token, self.app_token = bot_token, app_token
        self.team_id, self.team_name = team_id, team_name
        self.bot_user_id, self.bot_id = bot_user_id, bot_id
        home = FakeWorkspace(team_id, team_name, bot_user_id, bot_id)
        self.workspaces: dict[str, FakeWorkspace] = {team_id: home}
        self.tokens: dict[str, FakeWorkspace] = {bot_token: home}  # every bot token Slack would accept
        self.client_id, self.client_secret = CLIENT_ID, CLIENT_SECRET
        self.token_rotation = False  # on: installs hand out expiring tokens with refresh tokens
        self.redirect_uri: str | None = None  # the app's configured Redirect URL (when the link names none)
        self.token_lifetime_s = TOKEN_LIFETIME_S
        self._expiring: dict[str, float] = {}  # rotating access token -> expiry (time.time())
        self._refresh: dict[str, Grant] = {}
        self._codes: dict[str, tuple[FakeWorkspace, str]] = {}  # OAuth code -> (workspace, installer)
        self._approvals: deque[tuple[FakeWorkspace, str] | str] = deque()  # what the next authorize page answers
        self._token = bot_token
        self._ws = home  # the workspace of the call being answered (handlers run one at a time on the loop)
        self.users: dict[str, dict[str, Any]] = {}
        self.calls: list[Call] = []
        self.messages: list[Message] = []
        self.views: dict[str, dict[str, Any]] = {}  # user id -> published home view
        self.modals: list[dict[str, Any]] = []
        self.files: dict[str, dict[str, Any]] = {}
        self.socket_acks: list[dict[str, Any]] = []
        self._dms: dict[str, str] = {}  # user id -> their DM channel with the bot
        self._closed: set[str] = set()
        self.record_limit = record_limit
        # Called (on the fake's thread) with every message or file share as it is posted: load tests
        # time replies with it instead of polling.
        self.on_message: list[Callable[[Message], None]] = []
        self._faults: dict[str, deque[Fault]] = defaultdict(deque)
        self._rate: tuple[float, tuple[int, ...], int, frozenset[str] | None] | None = None
        self._rng = random.Random(0)
        self._ts = itertools.count(1)
        self._ids = itertools.count(1)
        self._cond = threading.Condition()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self._sockets: list[web.WebSocketResponse] = []
        self.port = 0

    @property
    def bot_token(self) -> str:
        """The home workspace's bot token (the single-workspace deployment's SLACK_BOT_TOKEN)."""
        return self._bot_token

    @bot_token.setter
    def bot_token(self, token: str) -> None:
        """Slack now accepts only `token` for the home workspace (e.g. it was rotated elsewhere)."""
        with self._cond:
            home = self.tokens.pop(self._bot_token, self.workspaces[self.team_id])
            self.tokens[token] = home
            self._bot_token = token

    # ---- lifecycle --------------------------------------------------------

    def start(self) -> FakeSlack:
        started = threading.Event()

        def run() -> None:
            self._loop = asyncio.new_event_loop()
            asyncio.set_event_loop(self._loop)
            self._loop.run_until_complete(self._serve())
            started.set()
            self._loop.run_forever()

        self._thread = threading.Thread(target=run, name="fake-slack", daemon=True)
        self._thread.start()
        if not started.wait(10):
            raise RuntimeError("fake Slack did not start")
        return self

    def stop(self) -> None:
        if self._loop is None:
            return
        asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread is not None:
            self._thread.join(10)
        self._loop.close()
        self._loop = None

    def __enter__(self) -> FakeSlack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        """What SLACK_API_URL should be."""
        return f"{self.base_url}/api/"

    # ---- test set-up ------------------------------------------------------

    def add_user(self, user_id: str, name: str, tz: str = "Europe/London", team_id: str | None = None,
                 is_bot: bool = False) -> dict[str, Any]:
        user = {"id": user_id, "team_id": team_id or self.team_id, "name": name.lower().replace(" ", "."),
                "real_name": name, "tz": tz, "is_bot": is_bot, "deleted": False,
                "profile": {"real_name": name, "display_name": name.split()[0]}}
        self.users[user_id] = user
        return user

    def add_file(self, data: bytes, mimetype: str, name: str, *, subtype: str | None = None,
                 duration_ms: int | None = None, team_id: str | None = None) -> dict[str, Any]:
        """A file a user shared; returns the file object as it appears in a file_share event."""
        file_id = f"F{next(self._ids):08d}"
        url = f"{self.base_url}/files-pri/{team_id or self.team_id}-{file_id}/{name}"
        info: dict[str, Any] = {"id": file_id, "name": name, "title": name, "mimetype": mimetype,
                                "filetype": name.rsplit(".", 1)[-1], "size": len(data),
                                "url_private": url, "url_private_download": url + "?download=1",
                                "mode": "hosted", "_data": data}
        if subtype:
            info["subtype"] = subtype
        if duration_ms is not None:
            info["duration_ms"] = duration_ms
        self.files[file_id] = info
        return {k: v for k, v in info.items() if not k.startswith("_")}

    def add_workspace(self, team_id: str, team_name: str, *, enterprise_id: str | None = None,
                      enterprise_name: str | None = None) -> FakeWorkspace:
        """A workspace where people can install the app (its bot token comes from the install)."""
        workspace = FakeWorkspace(team_id, team_name, f"UB{team_id}", f"BB{team_id}", enterprise_id, enterprise_name)
        self.workspaces[team_id] = workspace
        return workspace

    def approve_next_install(self, team_id: str, installer: str = "U0ADMIN", *, org_wide: bool = False) -> None:
        """The next visit to the authorize page is an admin of `team_id` pressing Allow.

        org_wide: an Enterprise Grid org admin installing for the whole org (no single team)."""
        workspace = self.workspaces[team_id]
        if org_wide:
            workspace = FakeWorkspace(None, workspace.enterprise_name or "Grid org", f"UB{workspace.enterprise_id}",
                                      f"BB{workspace.enterprise_id}", workspace.enterprise_id,
                                      workspace.enterprise_name, is_enterprise_install=True)
        self._approvals.append((workspace, installer))

    def deny_next_install(self, error: str = "access_denied") -> None:
        """The next visit to the authorize page is someone pressing Cancel."""
        self._approvals.append(error)

    def token_of(self, team_id: str) -> str:
        """The newest bot token Slack issued for the workspace (what the app should be using)."""
        tokens = [t for t, w in self.tokens.items() if w.team_id == team_id]
        if not tokens:
            raise KeyError(team_id)
        return tokens[-1]

    def expire_tokens(self, team_id: str) -> None:
        """The workspace's rotating tokens reach their expiry (as 12 hours later)."""
        for token, ws in self.tokens.items():
            if ws.team_id == team_id and token in self._expiring:
                self._expiring[token] = time.time() - 1

    def uninstall(self, team_id: str) -> None:
        """An admin removed the app: every token of the workspace stops working (Slack then sends app_uninstalled)."""
        with self._cond:
            for token in [t for t, w in self.tokens.items() if w.team_id == team_id]:
                del self.tokens[token]
            for refresh in [r for r, g in self._refresh.items() if g.workspace.team_id == team_id]:
                del self._refresh[refresh]

    def wrong_workspace_calls(self) -> list[Call]:
        """Calls made with one workspace's token about another workspace's user or channel."""
        with self._cond:
            return [c for c in self.calls if c.wrong_workspace]

    @property
    def authorize_url(self) -> str:
        return f"{self.base_url}/oauth/v2/authorize"

    def fail(self, method: str, status: int = 429, times: int = 1, retry_after: int = 0) -> None:
        """The next `times` calls of `method` answer `status` (429 with Retry-After)."""
        with self._cond:
            self._faults[method].extend(Fault(status, retry_after) for _ in range(times))

    def fail_rate(self, rate: float, statuses: Iterable[int] = (429, 500), retry_after: int = 0,
                  methods: Iterable[str] | None = None, seed: int = 0) -> None:
        """From now on a fraction `rate` of calls (of `methods`, default all but auth.test) fail."""
        with self._cond:
            self._rate = (rate, tuple(statuses), retry_after, frozenset(methods) if methods else None)
            self._rng = random.Random(seed)

    def heal(self) -> None:
        with self._cond:
            self._faults.clear()
            self._rate = None

    # ---- reading what happened -------------------------------------------

    def calls_of(self, method: str, ok: bool | None = True) -> list[Call]:
        with self._cond:
            return [c for c in self.calls if c.method == method and (ok is None or c.ok == ok)]

    def in_thread(self, channel: str, thread_ts: str) -> list[Message]:
        """Replies under a thread root (files included), oldest first; not the root itself."""
        with self._cond:
            return [m for m in self.messages if m.channel == channel and m.thread_ts == thread_ts
                    and m.user is None]

    def top_level(self, channel: str) -> list[Message]:
        with self._cond:
            return [m for m in self.messages if m.channel == channel and m.thread_ts is None and m.user is None]

    def ephemerals(self, user: str | None = None) -> list[Message]:
        with self._cond:
            return [m for m in self.messages if m.user is not None and (user is None or m.user == user)]

    def wait_for(self, predicate: Callable[[], Any], timeout: float = 60.0) -> Any:
        """Block until predicate() is truthy (re-checked after every call); returns its value.

        The timeout is generous on purpose: it only bounds a hung bot, and a busy machine running
        speech-to-text took over 10 s to answer a voice note."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                value = predicate()
                if value:
                    return value
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"fake Slack: condition not met within {timeout}s "
                                       f"(last calls: {[c.method for c in self.calls[-8:]]})")
                self._cond.wait(remaining)

    def wait_thread(self, channel: str, thread_ts: str, count: int, timeout: float = 60.0) -> list[Message]:
        """The thread's replies once there are at least `count` of them."""
        def enough() -> list[Message] | None:
            replies = self.in_thread(channel, thread_ts)
            return replies if len(replies) >= count else None

        return self.wait_for(enough, timeout)

    def dm_channel_of(self, user_id: str) -> str:
        return self._dms.get(user_id, f"D{user_id}")

    def close_dm(self, user_id: str) -> None:
        """The DM is gone (e.g. after a workspace migration): posts to it fail with channel_not_found,
        and conversations.open hands out a new one."""
        old = self.dm_channel_of(user_id)
        self._closed.add(old)
        self._dms[user_id] = f"{old}X"

    # ---- Socket Mode --------------------------------------------------------

    def socket_send(self, payload: dict[str, Any], kind: str = "events_api") -> str:
        """Deliver an envelope to the connected Socket Mode client; returns its envelope_id."""
        envelope_id = f"env-{next(self._ids)}"
        envelope = {"envelope_id": envelope_id, "type": kind, "payload": payload,
                    "accepts_response_payload": kind != "events_api", "retry_attempt": 0, "retry_reason": ""}
        assert self._loop is not None
        asyncio.run_coroutine_threadsafe(self._broadcast(envelope), self._loop).result(5)
        return envelope_id

    def wait_socket_connected(self, timeout: float = 60.0) -> None:
        self.wait_for(lambda: any(not ws.closed for ws in self._sockets), timeout)

    # ---- server -----------------------------------------------------------

    async def _serve(self) -> None:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/upload/{file_id}", self._upload)
        app.router.add_get("/files-pri/{path:.*}", self._download)
        app.router.add_post("/respond/{hook}", self._respond)
        app.router.add_get("/socket", self._socket)
        app.router.add_get("/oauth/v2/authorize", self._authorize_page)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def _shutdown(self) -> None:
        for ws in list(self._sockets):
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def _broadcast(self, envelope: dict[str, Any]) -> None:
        live = [ws for ws in self._sockets if not ws.closed]
        if not live:
            raise RuntimeError("no Socket Mode client is connected")
        await live[-1].send_str(json.dumps(envelope))

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args: dict[str, Any] = dict(request.query)
        if request.method == "POST" and request.can_read_body:
            raw = await request.read()
            if request.content_type == "application/json":
                args.update(json.loads(raw or b"{}"))
            elif request.content_type == "multipart/form-data":
                args.update({k: v for k, v in (await request.post()).items()})
            else:
                args.update(dict(parse_qsl(raw.decode())))
        headers = {k.lower(): v for k, v in request.headers.items()}
        token = headers.get("authorization", "").removeprefix("Bearer ").strip() or str(args.get("token", ""))
        fault = self._take_fault(method)
        if fault is not None:
            self._record(Call(method, args, fault.status, False, "ratelimited" if fault.status == 429 else "fatal_error",
                              headers=headers))
            if fault.status == 429:
                return web.json_response({"ok": False, "error": "ratelimited"}, status=429,
                                         headers={"Retry-After": str(fault.retry_after)})
            return web.Response(status=fault.status, text="upstream connect error")
        workspace = None if method in ("apps.connections.open", "oauth.v2.access") else self._workspace_of(token)
        target = self._target_team(method, args)
        if method == "oauth.v2.access":
            body: dict[str, Any] = self._oauth_v2_access(args, headers)
        elif method == "apps.connections.open" and token != self.app_token:
            body = {"ok": False, "error": "not_authed" if not token else "invalid_auth"}
        elif method != "apps.connections.open" and workspace is None:
            body = {"ok": False, "error": "not_authed" if not token else
                    ("token_expired" if token in self._expiring else "invalid_auth")}
        elif workspace is not None and target is not None and workspace.team_id != target:
            # Slack answers as if the other workspace's user or channel did not exist.
            body = {"ok": False, "error": "user_not_found" if method in ("users.info", "conversations.open",
                                                                          "views.publish") else "channel_not_found"}
        else:
            handler = getattr(self, "_m_" + method.replace(".", "_"), None)
            if handler is None:
                body = {"ok": False, "error": "unknown_method"}
            else:
                try:
                    self._ws, self._token = workspace or self.workspaces[self.team_id], token
                    body = handler(args)
                except BlockKitError as exc:
                    body = {"ok": False, "error": "invalid_blocks", "errors": [str(exc)]}
                except KeyError as exc:
                    body = {"ok": False, "error": "invalid_arguments", "detail": f"missing {exc}"}
        self._record(Call(method, args, 200, bool(body.get("ok")), body.get("error"), headers=headers, response=body,
                          team=workspace.team_id if workspace else None, target_team=target, token=token))
        return web.json_response(body)

    def _workspace_of(self, token: str) -> FakeWorkspace | None:
        workspace = self.tokens.get(token)
        if workspace is None:
            return None
        expires = self._expiring.get(token)
        if expires is not None and expires < time.time():
            return None
        return workspace

    def _target_team(self, method: str, args: dict[str, Any]) -> str | None:
        """The workspace of the user or channel a call names (None: it names neither, or one the fake made up)."""
        user = args.get("users") if method == "conversations.open" else args.get("user_id") or (
            args.get("user") if method == "users.info" else None)
        if user is not None:
            known = self.users.get(str(user))
            return str(known["team_id"]) if known else None
        channel = args.get("channel") or args.get("channel_id")
        if channel:
            channel = str(channel)
            if channel.startswith(("U", "W")) and channel in self.users:
                return str(self.users[channel]["team_id"])
            owner = next((u for u, c in self._dms.items() if c == channel), None)
            if owner is None and channel.startswith("D") and channel[1:] in self.users:
                owner = channel[1:]
            if owner is not None and owner in self.users:
                return str(self.users[owner]["team_id"])
        return None

    def _take_fault(self, method: str) -> Fault | None:
        with self._cond:
            queue = self._faults.get(method)
            if queue:
                return queue.popleft()
            if self._rate is not None and method != "auth.test":
                rate, statuses, retry_after, methods = self._rate
                if (methods is None or method in methods) and self._rng.random() < rate:
                    return Fault(self._rng.choice(statuses), retry_after)
        return None

    def _record(self, call: Call) -> None:
        with self._cond:
            self.calls.append(call)
            if self.record_limit and len(self.calls) > self.record_limit:
                del self.calls[: len(self.calls) - self.record_limit]
            self._cond.notify_all()

    def _posted(self, message: Message) -> None:
        with self._cond:
            self.messages.append(message)
        for listener in self.on_message:
            listener(message)

    def _next_ts(self) -> str:
        return f"{1_764_000_000 + next(self._ts)}.{next(self._ids):06d}"

    # ---- methods ------------------------------------------------------------

    def _m_auth_test(self, args: dict[str, Any]) -> dict[str, Any]:
        ws = self._ws
        answer = {"ok": True, "url": f"https://{ws.team_name.lower().replace(' ', '')}.slack.com/",
                  "team": ws.team_name, "user": "rehearse", "team_id": ws.team_id,
                  "user_id": ws.bot_user_id, "bot_id": ws.bot_id, "is_enterprise_install": ws.is_enterprise_install}
        if ws.enterprise_id:
            answer["enterprise_id"] = ws.enterprise_id
        return answer

    def _m_auth_revoke(self, args: dict[str, Any]) -> dict[str, Any]:
        self.tokens.pop(self._token, None)
        return {"ok": True, "revoked": True}

    def _oauth_v2_access(self, args: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
        """The code exchange of an install, or (grant_type=refresh_token) a token rotation."""
        client_id, client_secret = args.get("client_id"), args.get("client_secret")
        auth = headers.get("authorization", "")
        if auth.startswith("Basic "):
            client_id, _, client_secret = base64.b64decode(auth[6:]).decode().partition(":")
        if (client_id, client_secret) != (self.client_id, self.client_secret):
            return {"ok": False, "error": "invalid_client_id" if client_id != self.client_id else "bad_client_secret"}
        if args.get("grant_type") == "refresh_token":
            grant = self._refresh.pop(str(args.get("refresh_token") or ""), None)
            if grant is None:
                return {"ok": False, "error": "invalid_refresh_token"}
            return {"ok": True, "app_id": APP_ID, "token_type": "bot", "scope": "chat:write",
                    **self._issue_token(grant.workspace), "bot_user_id": grant.workspace.bot_user_id,
                    "team": {"id": grant.workspace.team_id, "name": grant.workspace.team_name}}
        issued = self._codes.pop(str(args.get("code") or ""), None)
        if issued is None:
            return {"ok": False, "error": "invalid_code"}
        ws, installer = issued
        return {"ok": True, "app_id": APP_ID, "authed_user": {"id": installer}, "scope": str(args.get("scope") or
                "app_mentions:read,chat:write,commands,im:history,im:write,users:read"),
                "token_type": "bot", **self._issue_token(ws), "bot_user_id": ws.bot_user_id,
                "team": {"id": ws.team_id, "name": ws.team_name} if ws.team_id else None,
                "enterprise": {"id": ws.enterprise_id, "name": ws.enterprise_name} if ws.enterprise_id else None,
                "is_enterprise_install": ws.is_enterprise_install}

    def _issue_token(self, ws: FakeWorkspace) -> dict[str, Any]:
        n = next(self._ids)
        key = ws.team_id or ws.enterprise_id
        if not self.token_rotation:
            token = f"xoxb-{key}-{n}"
            self.tokens[token] = ws
            return {"access_token": token}
        token, refresh = f"xoxe.xoxb-{key}-{n}", f"xoxe-1-{key}-{n}"
        self.tokens[token] = ws
        self._expiring[token] = time.time() + self.token_lifetime_s
        self._refresh[refresh] = Grant(ws, self._expiring[token])
        return {"access_token": token, "refresh_token": refresh, "expires_in": self.token_lifetime_s}

    def _m_conversations_open(self, args: dict[str, Any]) -> dict[str, Any]:
        users = str(args["users"]).split(",")
        if len(users) != 1 or users[0] not in self.users:
            return {"ok": False, "error": "user_not_found"}
        return {"ok": True, "channel": {"id": self.dm_channel_of(users[0])}}

    def _m_chat_postMessage(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(str(args["channel"]))
        if channel in self._closed:
            return {"ok": False, "error": "channel_not_found"}
        blocks = _as_list(args.get("blocks"))
        text = str(args.get("text") or "")
        if not text and not blocks:
            return {"ok": False, "error": "no_text"}
        check_blocks(blocks, limit=50)
        ts = self._next_ts()
        message = Message(channel, ts, text, args.get("thread_ts"), blocks, args.get("username"))
        self._posted(message)
        return {"ok": True, "channel": channel, "ts": ts,
                "message": {"type": "message", "text": text, "ts": ts, "bot_id": self._ws.bot_id,
                            **({"thread_ts": message.thread_ts} if message.thread_ts else {})}}

    def _m_chat_postEphemeral(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(str(args["channel"]))
        ts = self._next_ts()
        self._posted(Message(channel, ts, str(args.get("text") or ""), args.get("thread_ts"),
                             _as_list(args.get("blocks")), user=str(args["user"])))
        return {"ok": True, "message_ts": ts}

    def _m_users_info(self, args: dict[str, Any]) -> dict[str, Any]:
        user = self.users.get(str(args["user"]))
        return {"ok": True, "user": user} if user else {"ok": False, "error": "user_not_found"}

    def _m_views_publish(self, args: dict[str, Any]) -> dict[str, Any]:
        view = _as_dict(args["view"])
        if view.get("type") != "home":
            return {"ok": False, "error": "invalid_arguments"}
        check_blocks(view.get("blocks") or [], limit=100)
        with self._cond:
            self.views[str(args["user_id"])] = view
        return {"ok": True, "view": {"id": f"V{next(self._ids)}", **view}}

    def _m_views_open(self, args: dict[str, Any]) -> dict[str, Any]:
        view = _as_dict(args["view"])
        if not args.get("trigger_id"):
            return {"ok": False, "error": "invalid_trigger_id"}
        check_blocks(view.get("blocks") or [], limit=100)
        view = {"id": f"V{next(self._ids)}", **view}
        with self._cond:
            self.modals.append(view)
        return {"ok": True, "view": view}

    def _m_files_getUploadURLExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        file_id = f"F{next(self._ids):08d}"
        with self._cond:
            self.files[file_id] = {"id": file_id, "name": str(args["filename"]), "length": int(args["length"]),
                                   "_data": None}
        return {"ok": True, "upload_url": f"{self.base_url}/upload/{file_id}", "file_id": file_id}

    def _m_files_completeUploadExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        entries = _as_list(args["files"])
        shared = []
        for entry in entries:
            info = self.files.get(str(entry.get("id")))
            if info is None or info.get("_data") is None:
                return {"ok": False, "error": "file_not_found"}
            info["title"] = entry.get("title") or info["name"]
            shared.append({k: v for k, v in info.items() if not k.startswith("_")})
        channel = args.get("channel_id")
        if channel:
            self._posted(Message(self._channel(str(channel)), self._next_ts(), str(args.get("initial_comment") or ""),
                                 args.get("thread_ts"), files=shared))
        return {"ok": True, "files": shared}

    def _channel(self, channel: str) -> str:
        # Posting to a user id lands in the app's DM with them, as in Slack.
        return self.dm_channel_of(channel) if channel.startswith(("U", "W")) else channel

    # ---- non-API endpoints ------------------------------------------------------

    async def _upload(self, request: web.Request) -> web.Response:
        file_id = request.match_info["file_id"]
        data = await request.read()
        fault = self._take_fault("upload")
        if fault is not None:
            self._record(Call("upload", {"file_id": file_id}, fault.status, False, "upload_failed"))
            return web.Response(status=fault.status, text="upload failed")
        info = self.files.get(file_id)
        if info is None:
            return web.Response(status=404, text="no such upload")
        info["_data"] = data
        self._record(Call("upload", {"file_id": file_id, "bytes": len(data)}))
        return web.Response(text=f"OK - {len(data)}")

    async def _download(self, request: web.Request) -> web.Response:
        file_id = request.match_info["path"].split("/")[0].rsplit("-", 1)[-1]
        auth = request.headers.get("Authorization", "")
        info = self.files.get(file_id)
        team = request.match_info["path"].split("/")[0].rsplit("-", 1)[0]
        holder = self._workspace_of(auth.removeprefix("Bearer ").strip())
        ok = holder is not None and holder.team_id == team and info is not None
        self._record(Call("files.download", {"file_id": file_id}, ok=ok, headers={"authorization": auth}))
        if not ok:
            # Like Slack: no valid token gets the sign-in page, with status 200.
            return web.Response(text="<html><body>Sign in to Slack</body></html>", content_type="text/html")
        return web.Response(body=info["_data"], content_type=info["mimetype"])  # type: ignore[index]

    async def _authorize_page(self, request: web.Request) -> web.Response:
        """slack.com/oauth/v2/authorize: the admin presses Allow (or Cancel) and is sent back with a code."""
        query = dict(request.query)
        self._record(Call("oauth.authorize", query))
        redirect = query.get("redirect_uri") or self.redirect_uri
        if query.get("client_id") != self.client_id or not redirect:
            return web.Response(status=400, text="invalid client_id or no redirect_uri")
        answer = self._approvals.popleft() if self._approvals else "access_denied"
        if isinstance(answer, str):
            params = {"error": answer, "state": query.get("state", "")}
        else:
            code = f"code-{next(self._ids)}"
            self._codes[code] = answer
            params = {"code": code, "state": query.get("state", "")}
        raise web.HTTPFound(f"{redirect}{'&' if '?' in redirect else '?'}{urlencode(params)}")

    async def _respond(self, request: web.Request) -> web.Response:
        body = await request.json()
        hook = request.match_info["hook"]
        self._record(Call("response_url", {"hook": hook, **body}))
        return web.Response(text="ok")

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        self._sockets.append(ws)
        await ws.send_str(json.dumps({"type": "hello", "num_connections": 1,
                                      "connection_info": {"app_id": "A0REHEARSE"}}))
        with self._cond:
            self._cond.notify_all()
        async for msg in ws:
            if msg.type == WSMsgType.TEXT:
                ack = json.loads(msg.data)
                self._record(Call("socket.ack", ack))
                with self._cond:
                    self.socket_acks.append(ack)
        return ws

    def _m_apps_connections_open(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "url": f"ws://127.0.0.1:{self.port}/socket"}

    def response_url(self, hook: str = "") -> str:
        """A response_url for a slash command or interaction payload."""
        return f"{self.base_url}/respond/{hook or next(self._ids)}"


def check_blocks(blocks: list[dict[str, Any]], limit: int) -> None:
    """The Block Kit limits Slack enforces with invalid_blocks."""
    if len(blocks) > limit:
        raise BlockKitError(f"{len(blocks)} blocks; at most {limit}")
    for block in blocks:
        kind = block.get("type")
        text = (block.get("text") or {}).get("text", "")
        if kind == "header" and not 0 < len(text) <= 150:
            raise BlockKitError("header text must be 1-150 characters")
        if kind == "section":
            if not text and not block.get("fields"):
                raise BlockKitError("section needs text or fields")
            if len(text) > 3000:
                raise BlockKitError("section text over 3000 characters")
            if len(block.get("fields") or []) > 10 or any(len(f.get("text", "")) > 2000 for f in block.get("fields") or []):
                raise BlockKitError("section fields: at most 10 of at most 2000 characters")
        if kind == "actions":
            elements = block.get("elements") or []
            if not 0 < len(elements) <= 25:
                raise BlockKitError("actions need 1-25 elements")
            ids = [e.get("action_id") for e in elements]
            if len(ids) != len(set(ids)):
                raise BlockKitError("action_ids must be unique in a block")
            for element in elements:
                if element.get("type") == "button" and not 0 < len(element["text"]["text"]) <= 75:
                    raise BlockKitError("button text must be 1-75 characters")
                if element.get("type") == "button" and len(element.get("value", "")) > 2000:
                    raise BlockKitError("button value over 2000 characters")
        if kind == "context" and not 0 < len(block.get("elements") or []) <= 10:
            raise BlockKitError("context needs 1-10 elements")


def _as_list(value: Any) -> list[Any]:
    if value in (None, ""):
        return []
    return json.loads(value) if isinstance(value, str) else list(value)


def _as_dict(value: Any) -> dict[str, Any]:
    return json.loads(value) if isinstance(value, str) else dict(value)
