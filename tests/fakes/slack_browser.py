"""An admin's browser for "Add to Slack": GETs that keep cookies and stop at every redirect.

Bolt ties an install's state to the browser with a `Secure` cookie; the standard
library's cookie jar never sends those over http://127.0.0.1, so this browser
keeps cookies itself, as a browser treats localhost as a secure origin.
`install()` walks the whole flow: the install page, Slack's authorize page (the
fake's), and the redirect back to Rehearse, returning the page the admin ends on.
"""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from html import unescape
from http.cookies import SimpleCookie
from urllib.parse import urljoin

from tests.fakes.slack_api import FakeSlack


@dataclass
class Page:
    status: int
    url: str
    body: str
    location: str | None = None

    def link_to(self, prefix: str) -> str:
        """The first link on the page that starts with `prefix`."""
        for href in re.findall(r'href="([^"]+)"', self.body):
            href = unescape(href)
            if href.startswith(prefix):
                return href
        raise AssertionError(f"no link to {prefix} on {self.url}: {self.body[:300]}")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


@dataclass
class Browser:
    cookies: dict[str, str] = field(default_factory=dict)

    def get(self, url: str) -> Page:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            with opener.open(urllib.request.Request(url, headers=headers), timeout=10) as response:
                status, body, info = response.status, response.read().decode(), response.headers
        except urllib.error.HTTPError as exc:
            status, body, info = exc.code, exc.read().decode(), exc.headers
        for header in info.get_all("Set-Cookie") or []:
            cookie: SimpleCookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        location = info.get("Location")
        return Page(status, url, body, urljoin(url, location) if location else None)

    def follow(self, url: str, limit: int = 5) -> Page:
        """GET `url` and every redirect after it; the last page."""
        page = self.get(url)
        while page.location and limit:
            page, limit = self.get(page.location), limit - 1
        return page


def install(browser: Browser, server_url: str, fake: FakeSlack) -> Page:
    """Open /slack/install, press "Add to Slack", and let Slack's answer (queued on the fake) redirect back."""
    page = browser.get(f"{server_url}/slack/install")
    assert page.status == 200, page.body
    return browser.follow(page.link_to(fake.authorize_url))
