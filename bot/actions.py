"""Routes button presses (ActionEvent) to the use case that owns them.

Adapters hand every ActionEvent to `ActionRouter.dispatch`; use cases register
the action ids they own, so adding a button never touches an adapter.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from bot.messages import ActionEvent, Text
from bot.ports import ChatPort

log = logging.getLogger(__name__)

Handler = Callable[[ActionEvent], None]


class ActionRouter:
    def __init__(self, chats: dict[str, ChatPort]) -> None:
        self.chats = chats
        self._handlers: dict[str, Handler] = {}

    def register(self, action_id: str, handler: Handler) -> None:
        if action_id in self._handlers:
            raise ValueError(f"action '{action_id}' already has a handler")
        self._handlers[action_id] = handler

    def handles(self, action_id: str) -> bool:
        return action_id in self._handlers

    def dispatch(self, event: ActionEvent) -> None:
        handler = self._handlers.get(event.action_id)
        if handler is None:
            log.warning("no handler for action %s", event.action_id)
            chat = self.chats.get(event.ref.platform)
            if chat is not None:
                chat.send(event.ref, Text("Sorry, that button isn't something I know how to do any more."))
            return
        handler(event)
