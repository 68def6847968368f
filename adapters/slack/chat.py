"""SlackChat: the core's ChatPort over the Slack Web API.

Practice threads live in the rep's DM with the bot: the scenario card is the
thread root and every later message goes under it. Text and cards become
chat.postMessage calls with Block Kit; voice notes and charts are uploaded with
files_upload_v2 into the same thread. A call Slack still rate-limits after the
client's retries raises bot.ports.RateLimited; any other refusal PlatformError.
Every call goes out with the token of the workspace it is about (the ref's or
the person's): one SLACK_BOT_TOKEN, or each installation's own (issue #22).
"""

from __future__ import annotations

import logging
import re
import urllib.error
from collections.abc import Callable
from typing import Any
from urllib.parse import urlparse

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from adapters.slack import blocks
from adapters.slack.client import Clients, as_clients
from adapters.slack.directory import SlackDirectory
from adapters.slack.parse import PLATFORM
from bot.guard.downloads import DownloadRefused, DownloadTooLarge, download_with_token
from bot.guard.origins import SLACK_FILE_HOSTS, OriginPolicy
from bot.messages import Attachment, Audio, Card, ConversationRef, Image, Outbound, PersonRef, Posted, Text
from bot.ports import PlatformError, RateLimited
from bot.voice.errors import ClipTooBig

log = logging.getLogger(__name__)

MAX_DOWNLOAD_BYTES = 25 * 1024 * 1024  # far beyond a three-minute clip; refuses anything absurd
DOWNLOAD_TIMEOUT_S = 30
_GONE = frozenset({"channel_not_found", "is_archived", "not_in_channel"})
# Slack's private file URLs name the file's workspace: https://files.slack.com/files-pri/T0123-F0456/name
_FILE_TEAM = re.compile(r"/files-pri/([A-Z0-9]+)-")


class SlackRefused(PlatformError):
    """Slack answered a call with `ok: false`; `error` is Slack's code (e.g. channel_not_found)."""

    def __init__(self, method: str, error: str) -> None:
        super().__init__(f"{method}: {error}")
        self.method = method
        self.error = error


class SlackChat:
    platform = PLATFORM

    def __init__(self, clients: WebClient | Clients, directory: SlackDirectory, *,
                 persona_style: blocks.PersonaStyle = "username", api_url: str | None = None) -> None:
        self.clients = as_clients(clients)
        self.directory = directory
        self.persona_style = persona_style
        # The bot token goes only to Slack's file hosts over https on 443, and to the exact origin of the
        # configured API URL (SLACK_API_URL: a proxy, or the fake in tests), never through a redirect elsewhere.
        base = clients.base_url if isinstance(clients, WebClient) else (api_url or "")
        self._file_origins = OriginPolicy.of(SLACK_FILE_HOSTS, [base] if base else [])

    def client(self, workspace: str) -> WebClient:
        """The Web API client with this workspace's bot token (NotInstalled when it has none)."""
        return self.clients(workspace)

    # ---- ChatPort ---------------------------------------------------------

    def open_practice_thread(self, person: PersonRef, root: Outbound) -> Posted:
        posted = self._to_dm(person, root)
        ts = posted.message_id
        return Posted(posted.ref.in_thread(ts), ts, posted.extra)

    def send(self, ref: ConversationRef, message: Outbound) -> Posted:
        return self._post(ref, message)

    def send_direct(self, person: PersonRef, message: Outbound) -> Posted:
        return self._to_dm(person, message)

    def fetch_attachment(self, attachment: Attachment) -> bytes:
        """Download a file the rep shared, with the bot token (files:read)."""
        if attachment.size is not None and attachment.size > MAX_DOWNLOAD_BYTES:
            raise ClipTooBig(f"Slack says the file has {attachment.size} bytes")
        # The file's own workspace's token (its URL names the workspace: /files-pri/T0123-F0456/...).
        team = _FILE_TEAM.search(urlparse(attachment.url).path)
        if self.clients.per_workspace and team is None:
            raise PlatformError("cannot tell which workspace the file belongs to")
        token = self.clients(team.group(1) if team else "").token
        try:
            data, content_type = download_with_token(attachment.url, token or "", self._file_origins,
                                                     max_bytes=MAX_DOWNLOAD_BYTES, timeout_s=DOWNLOAD_TIMEOUT_S)
        except DownloadTooLarge as exc:
            raise ClipTooBig(str(exc)) from exc
        except DownloadRefused as exc:
            raise PlatformError(str(exc)) from exc
        except (urllib.error.URLError, OSError) as exc:
            raise PlatformError(f"could not download {attachment.filename or 'the file'}: {exc}") from exc
        # Without a valid token Slack answers 200 with its sign-in page, not the file.
        if content_type.startswith("text/html"):
            raise PlatformError("Slack sent a sign-in page instead of the file (is files:read granted?)")
        return data

    # ---- beyond the port: Slack-only replies the adapter needs --------------

    def send_ephemeral(self, ref: ConversationRef, user_id: str, text: str) -> None:
        """A line only `user_id` sees, where they are (bad input, people from other workspaces)."""
        args: dict[str, Any] = {"channel": ref.channel, "user": user_id, "text": blocks.escape(text)}
        if ref.thread:
            args["thread_ts"] = ref.thread
        self._call("chat.postEphemeral", self.client(ref.workspace).chat_postEphemeral, **args)

    # ---- internals --------------------------------------------------------

    def _to_dm(self, person: PersonRef, message: Outbound) -> Posted:
        channel = self.directory.dm_channel(person)
        ref = ConversationRef(PLATFORM, person.workspace, channel)
        try:
            return self._post(ref, message)
        except SlackRefused as exc:
            if exc.error not in _GONE:
                raise
            self.directory.forget_dm_channel(person)  # the stored DM is gone: open a fresh one, once
            ref = ConversationRef(PLATFORM, person.workspace, self.directory.dm_channel(person))
            return self._post(ref, message)

    def _post(self, ref: ConversationRef, message: Outbound) -> Posted:
        if isinstance(message, (Audio, Image)):
            upload = blocks.audio_upload(message) if isinstance(message, Audio) else blocks.image_upload(message)
            return self._upload(ref, upload, alt=isinstance(message, Image))
        if isinstance(message, Text):
            args = blocks.text_message(message, self.persona_style)
        elif isinstance(message, Card):
            args = blocks.card_message(message)
        else:
            raise TypeError(f"SlackChat cannot post {type(message).__name__}")
        if ref.thread:
            args["thread_ts"] = ref.thread
        data = self._call("chat.postMessage", self.client(ref.workspace).chat_postMessage, channel=ref.channel,
                          **args)
        channel = str(data.get("channel") or ref.channel)
        return Posted(ConversationRef(PLATFORM, ref.workspace, channel, ref.thread), str(data.get("ts", "")))

    def _upload(self, ref: ConversationRef, upload: blocks.Upload, alt: bool) -> Posted:
        args: dict[str, Any] = {"channel": ref.channel, "file": upload.data, "filename": upload.filename,
                                "title": upload.title}
        if upload.initial_comment:
            args["initial_comment"] = upload.initial_comment
        if alt:
            args["alt_txt"] = upload.alt_txt
        if ref.thread:
            args["thread_ts"] = ref.thread
        try:
            data = self._call("files.upload", self.client(ref.workspace).files_upload_v2, **args)
        except RateLimited:
            raise
        except PlatformError:
            # The words matter more than the file: the rep still gets the buyer's line as text.
            log.warning("upload of %s failed; posting it as text", upload.filename, exc_info=True)
            return self._post(ref, upload.fallback)
        files = data.get("files") or [{}]
        return Posted(ref, str(files[0].get("id", "")), {"file_id": str(files[0].get("id", ""))})

    def _call(self, method: str, fn: Callable[..., Any], **kwargs: Any) -> Any:
        try:
            return fn(**kwargs)
        except SlackApiError as exc:
            response = exc.response
            if response.status_code == 429:
                raise RateLimited(_retry_after(response.headers), f"{method}: still rate limited") from exc
            raise SlackRefused(method, str(response.get("error") or response.status_code)) from exc
        except (SlackClientError, OSError) as exc:  # the connection, or files_upload_v2's raw upload step, failed
            raise PlatformError(f"{method}: {exc}") from exc


def _retry_after(headers: Any) -> float:
    for key, value in (headers or {}).items():
        if key.lower() == "retry-after":
            value = value[0] if isinstance(value, list) else value
            try:
                return float(value)
            except ValueError:
                break
    return 1.0
