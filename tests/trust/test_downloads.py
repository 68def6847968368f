"""The bot token goes only to the platform's file hosts, over https on the default port, and never
follows a redirect elsewhere (issue 18, item 5). Two real local HTTP servers play Slack and a stranger."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bot.guard.downloads import DownloadRefused, download_with_token
from bot.guard.origins import DISCORD_CDN_HOSTS, SLACK_FILE_HOSTS, OriginPolicy

TOKEN = "xoxb-the-bot-token"


class Server:
    """Records the Authorization header of every request; answers from `routes` (path -> (status, headers, body))."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str | None]] = []
        self.routes: dict[str, tuple[int, dict[str, str], bytes]] = {}
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                outer.seen.append((self.path, self.headers.get("Authorization")))
                status, headers, body = outer.routes.get(self.path, (404, {}, b""))
                self.send_response(status)
                for name, value in {"Content-Type": "audio/webm", **headers}.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()


@pytest.fixture
def servers() -> Iterator[tuple[Server, Server]]:
    slack, stranger = Server(), Server()
    yield slack, stranger
    slack.httpd.shutdown()
    stranger.httpd.shutdown()


def _policy(slack: Server) -> OriginPolicy:
    return OriginPolicy.of(SLACK_FILE_HOSTS, [slack.url + "/api/"])  # the explicit setting a test or proxy uses


def test_a_redirect_to_another_host_never_receives_the_token(servers: tuple[Server, Server]) -> None:
    slack, stranger = servers
    slack.routes["/files-pri/clip.webm"] = (302, {"Location": stranger.url + "/loot"}, b"")
    stranger.routes["/loot"] = (200, {}, b"stolen")

    with pytest.raises(DownloadRefused, match="redirect to http://127.0.0.1"):
        download_with_token(slack.url + "/files-pri/clip.webm", TOKEN, _policy(slack), max_bytes=1000, timeout_s=5)

    assert slack.seen == [("/files-pri/clip.webm", f"Bearer {TOKEN}")]
    assert stranger.seen == []


def test_a_redirect_within_the_allowed_origin_still_downloads(servers: tuple[Server, Server]) -> None:
    slack, _ = servers
    slack.routes["/files-pri/clip.webm"] = (302, {"Location": "/files-pri/real.webm"}, b"")
    slack.routes["/files-pri/real.webm"] = (200, {}, b"\x1aE\xdf\xa3 webm")

    data, kind = download_with_token(slack.url + "/files-pri/clip.webm", TOKEN, _policy(slack), max_bytes=1000,
                                     timeout_s=5)

    assert (data, kind) == (b"\x1aE\xdf\xa3 webm", "audio/webm")


def test_a_body_over_the_limit_is_refused(servers: tuple[Server, Server]) -> None:
    slack, _ = servers
    slack.routes["/files-pri/big.webm"] = (200, {}, b"x" * 5000)

    with pytest.raises(DownloadRefused, match="larger than 1000 bytes"):
        download_with_token(slack.url + "/files-pri/big.webm", TOKEN, _policy(slack), max_bytes=1000, timeout_s=5)


@pytest.mark.parametrize("url", [
    "file://files.slack.com/etc/passwd",  # an allowed name, a local file
    "http://files.slack.com/files-pri/x",  # plain http
    "https://files.slack.com:8443/files-pri/x",  # another port
    "https://files.slack.com.evil.example/x",
    "https://evil.example/files.slack.com/x",
    "https://user:pw@files.slack.com/x",
    "ftp://files.slack.com/x",
])
def test_the_token_is_refused_anything_but_https_slack_file_hosts_on_the_default_port(url: str) -> None:
    policy = OriginPolicy.of(SLACK_FILE_HOSTS)
    assert not policy.allows(url)
    with pytest.raises(DownloadRefused):
        download_with_token(url, TOKEN, policy, max_bytes=10, timeout_s=1)


def test_slack_and_discord_file_hosts_are_allowed_over_https() -> None:
    assert OriginPolicy.of(SLACK_FILE_HOSTS).allows("https://files.slack.com/files-pri/T1-F1/clip.webm?download=1")
    cdn = OriginPolicy.of(DISCORD_CDN_HOSTS)
    assert cdn.allows("https://cdn.discordapp.com/attachments/1/2/voice-message.ogg")
    assert not cdn.allows("https://cdn.discordapp.com.evil.example/x") and not cdn.allows("http://cdn.discordapp.com/x")


def test_slack_s_adapter_never_reads_a_local_file_or_follows_the_token_off_slack(tmp_path, servers) -> None:  # type: ignore[no-untyped-def]
    from bot.messages import Attachment
    from bot.ports import PlatformError
    from tests.slack.conftest import make_world

    world = make_world(f"sqlite:///{tmp_path / 'dl.db'}")
    try:
        chat = world.adapter.chat
        with pytest.raises(PlatformError):
            chat.fetch_attachment(Attachment("file://files.slack.com/etc/hostname", "audio/webm", "a.webm"))
        _, stranger = servers
        with pytest.raises(PlatformError):
            chat.fetch_attachment(Attachment(stranger.url + "/files-pri/x.webm", "audio/webm", "x.webm"))
        assert stranger.seen == []
    finally:
        world.close()
