"""DiscordChat: the core's ChatPort on Discord.

The core is synchronous and runs in worker threads (`asyncio.to_thread`); each
sync method here schedules its coroutine on the client's event loop and waits
for it. Sends outlive rate-limit storms: discord.py retries a 429 five times,
and this port keeps retrying (honouring Retry-After) within `retry_window_s`
before giving up with a PlatformError, so a buyer reply is not dropped.

Where a practice opens comes from `ORIGIN`, set by the /practice handler for the
duration of the call (a context variable: `asyncio.to_thread` carries it into the
worker, and concurrent commands never see each other's). In a guild it is a
private thread in the channel where /practice was used, with the rep added; in a
DM, or when nothing says where (a scheduled push), the rep's DM.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import aiohttp
import discord
from discord.http import Route

from adapters.discord import parse
from adapters.discord.render import Rendered, render, voice_message_form
from bot.guard.origins import DISCORD_CDN_HOSTS, OriginPolicy
from bot.messages import Attachment, Card, ConversationRef, Outbound, PersonRef, Posted
from bot.ports import PlatformError, RateLimited
from bot.voice.errors import ClipTooBig

log = logging.getLogger(__name__)

T = TypeVar("T")
MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024
DOWNLOAD_CHUNK_BYTES = 64 * 1024
THREAD_ARCHIVE_MINUTES = (60, 1440, 4320, 10080)  # the only values Discord accepts


@dataclass
class Origin:
    """Where a /practice was used, and what happened there (read back by the command handler)."""

    channel_id: int
    guild_id: int | None
    can_open_threads: bool = True
    fallback_reason: str | None = None  # set when the practice went to the DM instead of a thread


ORIGIN: contextvars.ContextVar[Origin | None] = contextvars.ContextVar("discord_practice_origin", default=None)


class DiscordChat:
    """ChatPort over a discord.py client. Safe to call from any number of worker threads."""

    platform = parse.PLATFORM

    def __init__(self, client: discord.Client, *, timeout_s: float = 300, retry_window_s: float = 120,
                 session_expiry_hours: int = 24) -> None:
        self.client = client
        self.timeout_s = timeout_s
        self.retry_window_s = retry_window_s
        self.archive_minutes = next((m for m in THREAD_ARCHIVE_MINUTES if m >= session_expiry_hours * 60), 10080)

    # ---- ChatPort ---------------------------------------------------------

    def open_practice_thread(self, person: PersonRef, root: Outbound) -> Posted:
        return self._wait(lambda: self.open_practice(person, root))

    def send(self, ref: ConversationRef, message: Outbound) -> Posted:
        return self._wait(lambda: self.post(ref, message))

    def send_direct(self, person: PersonRef, message: Outbound) -> Posted:
        async def go() -> Posted:
            dm = await self._dm_channel(person)
            return await self.post(ConversationRef(self.platform, person.workspace, str(dm), None), message)

        return self._wait(go)

    def fetch_attachment(self, attachment: Attachment) -> bytes:
        if attachment.size is not None and attachment.size > MAX_ATTACHMENT_BYTES:
            raise ClipTooBig(f"attachment of {attachment.size} bytes is over the {MAX_ATTACHMENT_BYTES} limit")
        # Only Discord's CDN (https, 443), or the exact origin the REST API was pointed at (a proxy, the fake).
        cdn = OriginPolicy.of(DISCORD_CDN_HOSTS, [Route.BASE])
        if not cdn.allows(attachment.url):
            raise PlatformError(f"refusing to fetch an attachment from {cdn.describe(attachment.url)}")
        return self._wait(lambda: self._download(attachment.url))

    async def _download(self, url: str) -> bytes:
        """Stream the body and stop at the limit: the declared size is Discord's metadata, not a promise
        (a clip declared at 1 KB once streamed 60 MiB and was read whole). No redirects are followed."""
        timeout = aiohttp.ClientTimeout(total=self.timeout_s)
        async with aiohttp.ClientSession(timeout=timeout) as session, session.get(
                url, allow_redirects=False, proxy=self.client.http.proxy,
                proxy_auth=self.client.http.proxy_auth) as response:
            if response.status != 200:
                raise PlatformError(f"Discord's CDN answered {response.status} for an attachment")
            body = bytearray()
            async for chunk in response.content.iter_chunked(DOWNLOAD_CHUNK_BYTES):
                body += chunk
                if len(body) > MAX_ATTACHMENT_BYTES:
                    raise ClipTooBig(f"attachment streamed past {MAX_ATTACHMENT_BYTES} bytes")
            return bytes(body)

    # ---- the same, on the event loop --------------------------------------

    async def open_practice(self, person: PersonRef, root: Outbound) -> Posted:
        origin = ORIGIN.get()
        if origin is not None and origin.guild_id is not None:
            thread_id = await self._private_thread(origin, person, root)
            if thread_id is not None:
                message_id = await self._post_all(thread_id, root)
                return Posted(parse.conversation(thread_id, origin.guild_id), str(message_id))
        channel_id = origin.channel_id if origin is not None and origin.guild_id is None else await self._dm_channel(person)
        message_id = await self._post_all(channel_id, root)
        ref = ConversationRef(self.platform, person.workspace, str(channel_id), str(channel_id))
        return Posted(ref, str(message_id))

    async def post(self, ref: ConversationRef, message: Outbound) -> Posted:
        channel_id = int(ref.thread or ref.channel)
        return Posted(ref, str(await self._post_all(channel_id, message)))

    # ---- internals --------------------------------------------------------

    async def _private_thread(self, origin: Origin, person: PersonRef, root: Outbound) -> int | None:
        """A private thread with the rep in the origin channel, or None (and why) when Discord won't."""
        if not origin.can_open_threads:
            origin.fallback_reason = ("I can't open private threads in this channel (I need the Create Private "
                                      "Threads and Send Messages in Threads permissions here).")
            return None
        title = root.title if isinstance(root, Card) else "Rehearse"
        try:
            thread = await self._retrying(lambda: self.client.http.start_thread_without_message(
                origin.channel_id, name=f"Practice: {title}"[:100], auto_archive_duration=self.archive_minutes,  # type: ignore[arg-type]
                type=discord.ChannelType.private_thread.value, invitable=False,
                reason=f"Rehearse practice for {person.display_name or person.user_id}"))
            thread_id = int(thread["id"])
            await self._retrying(lambda: self.client.http.add_user_to_thread(thread_id, int(person.user_id)))
        except discord.Forbidden:
            origin.fallback_reason = ("Discord didn't let me open a private thread in this channel "
                                      "(missing permissions).")
            return None
        return thread_id

    async def _dm_channel(self, person: PersonRef) -> int:
        channel = await self._retrying(lambda: self.client.create_dm(discord.Object(int(person.user_id))))
        return channel.id

    async def _post_all(self, channel_id: int, message: Outbound) -> int:
        message_id = 0
        for part in render(message):  # rendered here, on the loop: discord.py views need a running loop
            message_id = await self._post(channel_id, part)
        return message_id

    async def _post(self, channel_id: int, part: Rendered) -> int:
        if part.voice is not None:
            try:
                return await self._post_voice(channel_id, part)
            except discord.HTTPException as exc:
                if not _refused_voice(exc):
                    raise PlatformError(f"Discord refused a voice message: {exc}") from exc
                log.info("voice message refused in %s (%s); sending an audio file", channel_id, exc.code)
        channel = self.client.get_partial_messageable(channel_id)

        async def attempt() -> int:
            kwargs: dict[str, Any] = {"content": part.content, "embed": part.embed}
            if part.view is not None:
                kwargs["view"] = part.view
            if part.files:
                kwargs["files"] = [f.to_file() for f in part.files]
            return (await channel.send(**kwargs)).id

        try:
            return await self._retrying(attempt)
        except discord.Forbidden as exc:
            raise PlatformError(_forbidden_text(exc)) from exc
        except discord.NotFound as exc:
            raise PlatformError(f"the Discord channel {channel_id} is gone (deleted, or the bot was removed)") from exc
        except discord.HTTPException as exc:
            raise PlatformError(f"Discord refused the message ({exc.status} {exc.code}: {exc.text})") from exc

    async def _post_voice(self, channel_id: int, part: Rendered) -> int:
        assert part.voice is not None

        async def attempt() -> int:
            form, file = voice_message_form(part.voice)  # type: ignore[arg-type]
            route = Route("POST", "/channels/{channel_id}/messages", channel_id=channel_id)
            try:
                data = await self.client.http.request(route, files=[file], form=form)
            finally:
                file.close()
            return int(data["id"])

        return await self._retrying(attempt)

    async def _retrying(self, call: Callable[[], Awaitable[T]]) -> T:
        """Run a Discord call, retrying 429s and 5xx past discord.py's own five tries."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.retry_window_s
        backoff = 0.5
        while True:
            try:
                return await call()
            except (discord.HTTPException, discord.RateLimited, OSError) as exc:
                wait = _retry_after(exc)
                if wait is None:
                    raise
                remaining = deadline - loop.time()
                if remaining <= 0:
                    if isinstance(exc, discord.HTTPException) and exc.status != 429:
                        raise PlatformError(f"Discord kept failing: {exc}") from exc
                    raise RateLimited(wait, f"Discord kept rate-limiting for {self.retry_window_s:.0f}s") from exc
                wait = min(max(wait, backoff), remaining)
                log.warning("Discord call failed (%s); retrying in %.2fs", exc, wait)
                await asyncio.sleep(wait)
                backoff = min(backoff * 2, 30)

    def _wait(self, make: Callable[[], Awaitable[T]]) -> T:
        loop = self.client.loop
        if _on_loop_thread(loop):
            raise RuntimeError("DiscordChat's blocking methods must be called from a worker thread "
                               "(asyncio.to_thread), not from the event loop")
        future = asyncio.run_coroutine_threadsafe(_call(make), loop)
        try:
            return future.result(self.timeout_s)
        except TimeoutError as exc:
            future.cancel()
            raise PlatformError(f"Discord did not answer within {self.timeout_s:.0f}s") from exc


async def _call(make: Callable[[], Awaitable[T]]) -> T:
    return await make()


def _on_loop_thread(loop: asyncio.AbstractEventLoop) -> bool:
    try:
        return asyncio.get_running_loop() is loop
    except RuntimeError:  # no loop runs in this thread: a worker, as it should be
        return False


def _retry_after(exc: BaseException) -> float | None:
    """Seconds to wait before retrying, or None when retrying cannot help."""
    if isinstance(exc, discord.RateLimited):
        return float(exc.retry_after)
    if isinstance(exc, discord.HTTPException):
        if exc.status == 429:
            header = exc.response.headers.get("Retry-After") if exc.response is not None else None
            try:
                return float(header) if header else 1.0
            except ValueError:
                return 1.0
        if exc.status >= 500:
            return 1.0
        return None
    if isinstance(exc, OSError):
        return 1.0
    return None


def _refused_voice(exc: discord.HTTPException) -> bool:
    """Discord said no to a voice message itself (permission, channel type, format), not to posting at all."""
    return isinstance(exc, discord.Forbidden) or 50000 <= exc.code < 51000


def _forbidden_text(exc: discord.Forbidden) -> str:
    if exc.code == 50007:
        return "Discord won't let me message this person (their privacy settings block DMs from the server)."
    return f"Discord refused the message ({exc.code}: {exc.text})."
