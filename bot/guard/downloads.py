"""Download a file with a bearer token that goes only where the policy allows, and no further.

The token is attached as an unredirected header: urllib never copies it onto a
redirect. A redirect is followed only to an origin the policy allows (then with the
token again, as Slack's own file hosts expect), never to another scheme or host.
The body is read up to `max_bytes` and no further.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from typing import IO, Any

from bot.guard.origins import OriginPolicy

MAX_REDIRECTS = 3


class DownloadRefused(Exception):
    """The URL or a redirect left the allowed origins, or the body was over the limit. Log-safe text."""


class DownloadTooLarge(DownloadRefused):
    """The body went past `max_bytes`; reading stopped there."""


class _PolicyRedirects(urllib.request.HTTPRedirectHandler):
    max_redirections = MAX_REDIRECTS

    def __init__(self, policy: OriginPolicy, token: str) -> None:
        self.policy = policy
        self.token = token

    def redirect_request(self, req: urllib.request.Request, fp: IO[bytes], code: int, msg: str,
                         headers: Any, newurl: str) -> urllib.request.Request | None:
        if not self.policy.allows(newurl):
            raise DownloadRefused(f"redirect to {self.policy.describe(newurl)} refused")
        new = super().redirect_request(req, fp, code, msg, headers, newurl)
        if new is not None:
            new.add_unredirected_header("Authorization", f"Bearer {self.token}")
        return new


def download_with_token(url: str, token: str, policy: OriginPolicy, *, max_bytes: int,
                        timeout_s: float) -> tuple[bytes, str]:
    """The body (at most `max_bytes`) and its content type. DownloadRefused, or urllib's errors."""
    if not policy.allows(url):
        raise DownloadRefused(f"refusing to send the token to {policy.describe(url)}")
    request = urllib.request.Request(url)
    request.add_unredirected_header("Authorization", f"Bearer {token}")
    # Only the handlers a download needs: no file://, ftp:// or data: handler is ever consulted.
    opener = urllib.request.OpenerDirector()
    for handler in (urllib.request.HTTPHandler(), urllib.request.HTTPSHandler(),
                    urllib.request.HTTPDefaultErrorHandler(), urllib.request.HTTPErrorProcessor(),
                    _PolicyRedirects(policy, token)):
        opener.add_handler(handler)
    with opener.open(request, timeout=timeout_s) as response:
        content_type = response.headers.get_content_type() or ""
        data = response.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise DownloadTooLarge(f"file larger than {max_bytes} bytes")
    return data, content_type
