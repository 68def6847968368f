"""The report pages over HTTP: a WSGI app that renders the core's report pages with Jinja2.

`plugin` is what the `rehearse.adapters` entry point "web" names (see bot/runtime.py): the pages
on their own, for `rehearse serve` without Slack. With Slack, its server mounts the same pages.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from bot.app import Core
    from bot.settings import Settings

log = logging.getLogger(__name__)

HTTP_THREADS = 8


@dataclass
class WebPages:
    """The report pages and /healthz on one port (no chat platform: nothing to connect)."""

    platform: ClassVar[str] = "web"
    foreground: ClassVar[bool] = True

    core: Core
    settings: Settings
    _server: Any = field(default=None, repr=False)

    def wsgi(self) -> Any:
        from adapters.web.app import pages_only

        return pages_only(self.core.reports, self.core.ops.routes())

    def serve(self, port: int | None = None, host: str = "0.0.0.0") -> None:
        """Blocking, until Ctrl-C or SIGTERM (waitress, as Slack's endpoint runs)."""
        import waitress

        self._server = waitress.create_server(self.wsgi(), host=host, port=port or self.settings.port,
                                              threads=HTTP_THREADS, ident="rehearse")
        log.info("report pages on http://%s:%s/reports", host, self._server.effective_port)
        try:
            self._server.run()
        except (KeyboardInterrupt, SystemExit):
            pass

    def run_in_background(self, port: int) -> None:
        import threading

        threading.Thread(target=self.serve, kwargs={"port": port}, name="web-pages", daemon=True).start()

    def run(self) -> None:
        self.serve()

    def stop(self) -> None:
        if self._server is not None:
            self._server.close()


class WebPlugin:
    name = "web"

    def configured(self, settings: Settings) -> bool:
        return bool(settings.secret_key)

    def build(self, core: Core, settings: Settings) -> WebPages:
        return WebPages(core, settings)


plugin = WebPlugin()
