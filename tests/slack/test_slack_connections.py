"""The Slack Web API client reuses its connections (issue #26): no new TCP/TLS handshake per post."""

from __future__ import annotations

import threading

import pytest
from slack_sdk.errors import SlackApiError

from adapters.slack.client import make_web_client
from tests.fakes.slack_api import BOT_TOKEN, FakeSlack


@pytest.fixture
def fake() -> FakeSlack:
    fake = FakeSlack().start()
    fake.add_user("U0DANA", "Priya Shah", "Europe/London")
    yield fake
    fake.stop()


def test_posts_from_many_threads_share_a_few_kept_alive_connections(fake: FakeSlack) -> None:
    client = make_web_client(BOT_TOKEN, fake.api_url)
    channel = fake.dm_channel_of("U0DANA")

    def post(n: int) -> None:
        for i in range(25):
            assert client.chat_postMessage(channel=channel, text=f"line {n}-{i}")["ok"]

    threads = [threading.Thread(target=post, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len([m for m in fake.top_level(channel) if m.text.startswith("line ")]) == 100
    assert client.pool.opened <= 4  # 100 posts, at most one connection per thread that posted at once


def test_slack_refusals_and_retries_behave_as_with_slack_sdks_own_transport(fake: FakeSlack) -> None:
    with pytest.raises(SlackApiError) as refused:
        make_web_client("xoxb-revoked", fake.api_url).chat_postMessage(channel="D0NOPE", text="hello")
    assert refused.value.response["error"] == "invalid_auth"
    client = make_web_client(BOT_TOKEN, fake.api_url)
    fake.fail("chat.postMessage", status=429, retry_after=0)  # rate limited once: retried after Retry-After
    assert client.chat_postMessage(channel=fake.dm_channel_of("U0DANA"), text="after a 429")["ok"]
    assert [c.status for c in fake.calls_of("chat.postMessage", ok=None)][-2:] == [429, 200]


class _CountedWrites:
    """A connected socket that counts the writes made through it."""

    def __init__(self, sock: object) -> None:
        self._sock = sock
        self.writes: list[int] = []

    def sendall(self, data: bytes) -> None:
        self.writes.append(len(data))
        self._sock.sendall(data)  # type: ignore[attr-defined]

    def __getattr__(self, name: str) -> object:
        return getattr(self._sock, name)


def test_a_post_goes_out_in_one_write_head_and_body_together(fake: FakeSlack) -> None:
    client = make_web_client(BOT_TOKEN, fake.api_url)
    channel = fake.dm_channel_of("U0DANA")
    assert client.chat_postMessage(channel=channel, text="first")["ok"]  # opens the kept-alive connection
    (idle,) = [conn for conns in client.pool._idle.values() for conn in conns]
    counted = _CountedWrites(idle.sock)
    idle.sock = counted  # type: ignore[assignment]

    assert client.chat_postMessage(channel=channel, text="second, in a single write")["ok"]

    assert len(counted.writes) == 1
    assert [m.text for m in fake.top_level(channel)][-1] == "second, in a single write"
