"""The Slack app manifest (manifest.yml beside this file), filled in for one deployment.

A workspace admin pastes the result into "Create New App → From a manifest": every
scope, event, slash command and the App Home tabs Rehearse uses, in one go.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

MANIFEST = Path(__file__).with_name("manifest.yml")
PLACEHOLDER = "https://rehearse.example.com"
EVENTS_PATH = "/slack/events"
REDIRECT_PATH = "/slack/oauth_redirect"  # where "Add to Slack" comes back (adapters/slack/oauth.py)
# With a public URL the app can be installed in many workspaces: Slack must tell it when one leaves.
UNINSTALL_EVENTS = ("app_uninstalled", "tokens_revoked")


class BadManifestUrl(ValueError):
    pass


def manifest_text(url: str | None = None, socket_mode: bool = False) -> str:
    """The manifest with the public URL filled in, or set up for Socket Mode (no URL needed).

    With a URL it also carries the OAuth redirect URL and the uninstall events, so the same app
    can be distributed to many workspaces ("Add to Slack", README: Distribute to many workspaces)."""
    text = MANIFEST.read_text(encoding="utf-8")
    if url is None and not socket_mode:
        return text
    # The file's opening comment explains the placeholder; a filled-in copy doesn't need it.
    text = "\n".join(line for line in text.splitlines() if not line.startswith("#")) + "\n"
    if socket_mode:
        lines = [line for line in text.splitlines()
                 if not line.strip().startswith(("request_url:", f"url: {PLACEHOLDER}"))]
        return "\n".join(lines).replace("socket_mode_enabled: false", "socket_mode_enabled: true") + "\n"
    assert url is not None
    base = base_url(url)
    text = text.replace(PLACEHOLDER, base)
    text = text.replace("oauth_config:\n", f"oauth_config:\n  redirect_urls:\n    - {base}{REDIRECT_PATH}\n", 1)
    events = "".join(f"      - {event}\n" for event in UNINSTALL_EVENTS)
    return text.replace("      - message.im\n", "      - message.im\n" + events, 1)


def manifest(url: str | None = None, socket_mode: bool = False) -> dict[str, Any]:
    return yaml.safe_load(manifest_text(url, socket_mode))


def base_url(url: str) -> str:
    """https://host[/prefix] from whatever the admin typed (with or without /slack/events)."""
    url = url.strip().rstrip("/")
    if url.endswith(EVENTS_PATH):
        url = url[: -len(EVENTS_PATH)]
    if not url.startswith("https://") or len(url) <= len("https://"):
        raise BadManifestUrl(f"'{url}' won't work: Slack only sends events to an https:// URL "
                             "(or use --socket-mode, which needs no public URL)")
    return url
