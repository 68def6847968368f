"""The draft card and its buttons, platform-free: Try it, Publish, Edit, Discard.

A new draft is posted to its author's DM as a card; the buttons come back as
ActionEvents through the core's ActionRouter, so any chat platform that renders
cards gets them. Edit needs a platform form (a Slack modal), so the adapter
handles that one button itself.
"""

from __future__ import annotations

import logging

from bot.authoring.service import AuthoringService, Draft, UnknownDraft
from bot.messages import Action, ActionEvent, Card, Field, PersonRef, Text
from bot.people.roles import NotAllowed
from bot.practice.engine import PracticeService

log = logging.getLogger(__name__)

TRY, PUBLISH, EDIT, DISCARD = ("rehearse_draft_try", "rehearse_draft_publish", "rehearse_draft_edit",
                               "rehearse_draft_discard")
CORE_ACTIONS = (TRY, PUBLISH, DISCARD)  # Edit opens a platform form: the adapter owns it


def draft_card(draft: Draft) -> Card:
    """The draft as its author sees it: who the buyer is, what is hidden, and the four buttons."""
    s = draft.scenario
    facts = "\n".join(f"• {f.fact.strip()} (earned by {', '.join(f.unlocked_by)})" for f in s.hidden_facts)
    removed = (f"\nRemoved personal data: {', '.join(draft.removed)}." if draft.removed else "")
    value = str(draft.row_id)
    return Card(
        title=f"Draft: {s.title}",
        body=f"{s.summary.strip()}\n\n{s.persona.name}, {s.persona.role} at {s.persona.company}, opens with: "
             f"“{s.opening_line.strip()}”{removed}",
        fields=(Field("Behaviors", ", ".join(s.behaviors)), Field("Version", f"{s.id} v{draft.version}"),
                Field("Hidden facts", facts or "none")),
        actions=(Action(TRY, "Try it", value, "primary"), Action(PUBLISH, "Publish", value),
                 Action(EDIT, "Edit", value), Action(DISCARD, "Discard", value, "danger")),
        footer="Only you see this draft until it is published. Try it to check the hidden facts unlock.",
        kind="notice",
    )


class DraftActions:
    """Try, Publish and Discard on a draft card, for whoever pressed them (refused politely if not allowed)."""

    def __init__(self, authoring: AuthoringService, practice: PracticeService) -> None:
        self.authoring = authoring
        self.practice = practice

    def act(self, event: ActionEvent) -> None:
        chat = self.practice.chats[event.ref.platform]
        person = self.practice.person_for(event.person)
        try:
            row_id = int(event.value)
            if event.action_id == TRY:
                self.authoring.try_draft(row_id, self.practice, event.person, by=person)
                message = ("Your draft is open as a practice session above: you are the rep. Write `done` for the "
                           "scorecard, then Publish, Edit or Discard on the draft card.")
            elif event.action_id == PUBLISH:
                d = self.authoring.publish(row_id, by=person)
                message = (f"Published {d.scenario.title} ({d.scenario.id} v{d.version}): reps in this workspace "
                           "get it from their next push. Sessions already running keep their version.")
            else:
                d = self.authoring.discard(row_id, by=person)
                message = f"Discarded the draft of {d.scenario.title}."
        except (NotAllowed, UnknownDraft) as exc:
            message = exc.user_message
        except ValueError:
            message = "Sorry, that draft button is broken. Nothing was changed."
        chat.send(event.ref, Text(message))

    def post_draft(self, who: PersonRef, draft: Draft) -> None:
        """The draft card in its author's DM."""
        self.practice.chats[who.platform].send_direct(who, draft_card(draft))
