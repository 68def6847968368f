"""The work done after Slack has its acknowledgement: calls into the core, one per request.

Each job resolves who is asking (name and time zone, created on first contact;
people from other workspaces get a friendly reply where they are), then hands
the request to a core use case: PracticeService for practice, ActionRouter for
buttons, CadenceFromChat for enablement, RepSelfService for snooze and progress,
and HomeService for the App Home view.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import date

from adapters.slack import commands
from adapters.slack.chat import SlackChat
from adapters.slack.directory import NotAMember, SlackDirectory
from adapters.slack.home import home_view
from adapters.slack.modals import (
    cadence_modal,
    draft_of,
    field_errors,
    form_errors,
    input_blocks,
    read_cadence_form,
    scenario_modal,
    team_of,
)
from adapters.slack.parse import SlashCommand
from bot.app import Core
from bot.authoring.forms import FormProblems, behaviors_of
from bot.authoring.service import NO_LLM, NoDrafter, UnknownDraft
from bot.messages import ActionEvent, Card, ConversationRef, Inbound, PersonRef, Text
from bot.practice.engine import PracticeOnHold, PracticeService
from bot.practice.self_service import SelfServiceError
from bot.scheduling.cadence_chat import PickTeam
from bot.scheduling.cadences import CADENCE_REFUSAL, CadenceError, NotAllowed, UnknownTeam
from scenarios.drafting import DraftInvalid
from scenarios.loader import ScenarioLibrary, UnknownScenario

log = logging.getLogger(__name__)

# What a Tell returns is ignored: `respond` gives None, `chat.send_direct` the Posted message.
Tell = Callable[[str], object]

SORRY_TURN = ("Sorry, something went wrong on my side with that message, so the buyer didn't see it. "
              "Please send it again.")
SORRY_BUTTON = "Sorry, that button didn't work on my side. Please press it again in a moment."
SORRY_START = "Sorry, I couldn't start that practice session. Please try `/practice` again in a minute."


class SlackJobs:
    def __init__(self, core: Core, chat: SlackChat, directory: SlackDirectory) -> None:
        self.core = core
        self.chat = chat
        self.directory = directory
        self.self_service = core.self_service

    @property
    def practice(self) -> PracticeService:
        return self.core.practice_service

    # ---- practice -----------------------------------------------------------

    def receive(self, inbound: Inbound) -> bool:
        """Store a rep's message before Slack is answered; False for a delivery already stored."""
        return self.practice.receive(inbound)

    def reply(self, inbound: Inbound, received: bool = False) -> None:
        """A rep's message: the buyer's next line, `done`'s scorecard, or a help reply."""
        tell: Tell = lambda text: self.chat.send_ephemeral(inbound.ref, inbound.person.user_id, text)  # noqa: E731
        who = self._member(inbound.person, tell)
        if who is None:
            if received:
                self.practice.discard(inbound)
            return
        try:
            self.practice.handle(replace(inbound, person=who), received=received)
        except Exception:
            # Slack has had its 200, so it will not retry: say so where the rep is, and let them resend.
            log.exception("could not handle message %s", inbound.event_id)
            self._best_effort(lambda: self.chat.send(inbound.ref, Text(SORRY_TURN)))

    def start(self, command: SlashCommand, scenario_id: str | None, tell: Tell) -> None:
        """`/practice [scenario-id]`: the scenario card in the rep's DM."""
        self._start(command.person, scenario_id, tell)

    def start_from_home(self, person: PersonRef) -> None:
        self._start(person, None, lambda text: self.chat.send_direct(person, Text(text)))

    def act(self, event: ActionEvent) -> None:
        """A button on a card (Finish, Skip, or one another use case registered)."""
        tell: Tell = lambda text: self.chat.send_ephemeral(event.ref, event.person.user_id, text)  # noqa: E731
        who = self._member(event.person, tell)
        if who is None:
            return
        try:
            self.core.actions.dispatch(replace(event, person=who))
        except Exception:
            log.exception("button %s failed", event.action_id)
            self._best_effort(lambda: tell(SORRY_BUTTON))

    def _start(self, person: PersonRef, scenario_id: str | None, tell: Tell) -> None:
        who = self._member(person, tell)
        if who is None:
            return
        try:
            self.practice.start(who, scenario_id)
        except UnknownScenario as exc:
            tell(f"Sorry, there is {exc}.")
        except PracticeOnHold as exc:
            tell(exc.user_message)
        except Exception:
            log.exception("could not start practice for %s", person.user_id)
            self._best_effort(lambda: tell(SORRY_START))

    # ---- App Home, snooze, cadence --------------------------------------------

    def publish_home(self, person: PersonRef) -> None:
        who = self._member(person, None)
        home = self.core.home.view(who) if who is not None else None
        if home is None:
            return
        self.chat.client(person.workspace).views_publish(user_id=person.user_id, view=home_view(home))

    def rehearse(self, command: SlashCommand, tell: Tell, tell_card: Callable[[Card], None]) -> None:
        """`/rehearse snooze|progress|cadence|help`."""
        who = self._member(command.person, tell)
        if who is None:
            return
        try:
            request = commands.parse_rehearse(command.text, self.self_service.today(who))
        except commands.BadCommand as exc:
            tell(str(exc))
            return
        if isinstance(request, commands.Snooze):
            self.snooze(who, request.until, tell)
        elif isinstance(request, commands.Progress):
            tell_card(self.self_service.progress(who))
        elif isinstance(request, commands.OpenCadence):
            self.open_cadence(who, command.trigger_id, tell, team_name=request.team)
        else:
            tell(commands.HELP)

    def snooze_from_home(self, person: PersonRef, value: str) -> None:
        """The Home tab's date picker (a date) or its Resume button ("off")."""
        tell: Tell = lambda text: self.chat.send_direct(person, Text(text))  # noqa: E731
        who = self._member(person, tell)
        if who is None:
            return
        try:
            until = None if value == "off" else date.fromisoformat(value)
        except ValueError:
            tell(f"'{value}' isn't a date I can read, so your snooze is unchanged.")
            self.publish_home(who)
            return
        # The Home tab shows the result; only a refusal needs a message.
        self.snooze(who, until, tell, quiet=True)

    def snooze(self, who: PersonRef, until: date | None, tell: Tell, quiet: bool = False) -> None:
        """Pause practice pushes until a date, or resume them (None); the core decides what is allowed."""
        try:
            confirmation = self.self_service.snooze(who, until)
        except SelfServiceError as exc:
            tell(exc.user_message)
        else:
            if not quiet:
                tell(confirmation.text)
        self.publish_home(who)  # shows the snooze, or puts a refused date picker back

    def open_cadence(self, who: PersonRef, trigger_id: str, tell: Tell, *, team_name: str | None = None,
                     team_id: int | None = None) -> None:
        """The cadence modal for one team, for people in enablement only."""
        try:
            form = self.core.cadence_chat.form(who, team_name=team_name, team_id=team_id)
        except (NotAllowed, UnknownTeam, PickTeam) as exc:
            tell(exc.user_message)
            return
        view = cadence_modal(form.team_id, form.team_name, form.values, self.library_for(who))  # its own scenarios too
        self.chat.client(who.workspace).views_open(trigger_id=trigger_id, view=view)

    def submit_cadence(self, person: PersonRef, view: dict) -> dict[str, str] | None:
        """A submitted cadence modal: None when saved, else error messages keyed by input block."""
        team_id = team_of(view)
        first = "sessions_per_week"
        if team_id is None:
            return {first: CADENCE_REFUSAL}
        try:
            self.core.cadence_chat.change(person, read_cadence_form(view), team_id=team_id, whole_form=True)
        except CadenceError as exc:
            return form_errors(exc, input_blocks(view))
        except (NotAllowed, UnknownTeam, PickTeam) as exc:
            return {first: exc.user_message}
        return None

    def after_cadence_saved(self, person: PersonRef, team_id: int) -> None:
        saved = self.core.cadence_chat.current(team_id)
        self.chat.send_direct(person, Text(f"Saved. {saved.team_name} now practises {saved.spec.describe()}."))
        self.publish_home(person)

    # ---- scenarios of the workspace's own (issue #23) ----------------------------

    def library_for(self, person: PersonRef) -> ScenarioLibrary:
        return self.core.authoring.library_for(person.platform, person.workspace)

    def open_scenario_modal(self, person: PersonRef, trigger_id: str, draft_id: int | None = None) -> None:
        """The "New scenario" modal (or a draft's Edit), for enablement only."""
        tell: Tell = lambda text: self.chat.send_direct(person, Text(text))  # noqa: E731
        who = self._member(person, tell)
        if who is None:
            return
        author = self.practice.person_for(who)
        try:
            self.core.authoring.check_author(author)
            values = self.core.authoring.form_values(draft_id, by=author) if draft_id is not None else None
        except (NotAllowed, UnknownDraft) as exc:
            tell(exc.user_message)
            return
        view = scenario_modal(self.core.authoring.can_describe and draft_id is None, values, draft_id)
        self.chat.client(who.workspace).views_open(trigger_id=trigger_id, view=view)

    def submit_scenario(self, person: PersonRef, view: dict) -> tuple[dict[str, str] | None, Callable[[], None] | None]:
        """A submitted scenario modal: (errors by block, None), or (None, the work to do after the ack).

        The short form is checked and saved here, so its problems show under their inputs; a description
        goes to Claude after the ack (a draft takes longer than Slack's three seconds)."""
        values = read_cadence_form(view)  # the generic reader: every input block's value by block id
        blocks = input_blocks(view)
        draft_id = draft_of(view)
        description = str(values.get("description") or "").strip()
        who = self._member(person, None)
        if who is None:
            return {next(iter(sorted(blocks)), "title"): "Rehearse can't find you in this workspace."}, None
        author = self.practice.person_for(who)
        if description and draft_id is None:
            try:
                self.core.authoring.check_author(author)
            except NotAllowed as exc:
                return field_errors({"description": exc.user_message}, blocks), None
            return None, lambda: self.draft_from_description(who, description, behaviors_of(values))
        try:
            draft = self.core.authoring.from_fields(author, values, draft_id)
        except FormProblems as exc:
            return field_errors(exc.problems, blocks), None
        except (NotAllowed, UnknownDraft) as exc:
            return field_errors({"title": exc.user_message}, blocks), None
        return None, lambda: self.core.drafts.post_draft(who, draft)

    def draft_from_description(self, who: PersonRef, description: str, behaviors: tuple[str, ...]) -> None:
        from bot.llm.client import LlmError  # here: a workspace without Claude never loads the SDK

        tell: Tell = lambda text: self.chat.send_direct(who, Text(text))  # noqa: E731
        author = self.practice.person_for(who)
        tell("Drafting your scenario with Claude. It takes about a minute.")
        try:
            draft = self.core.authoring.from_description(author.workspace_id, description, behaviors, by=author)
        except DraftInvalid as exc:
            listed = "\n".join(f"• {p}" for p in exc.problems[:8])
            tell(f"Claude's draft was still invalid after one fix, so nothing was saved:\n{listed}\n"
                 "Try a fuller description, or the short form (New scenario on the Home tab).")
        except NoDrafter:
            tell(NO_LLM)
        except LlmError as exc:
            tell(f"Claude could not draft it ({exc.reason}), so nothing was saved. The short form (New scenario "
                 "on the Home tab) works without it.")
        except NotAllowed as exc:
            tell(exc.user_message)
        else:
            self.core.drafts.post_draft(who, draft)

    # ---- helpers ------------------------------------------------------------

    def _member(self, person: PersonRef, tell: Tell | None) -> PersonRef | None:
        try:
            return self.directory.resolve(person)
        except NotAMember:
            log.info("ignored %s from another workspace (%s)", person.user_id, person.workspace)
            if tell is not None:
                team = self._team_name(person) or "this workspace"
                self._best_effort(lambda: tell(
                    f"Rehearse coaches members of {team}, so I can't run practice for you here. "
                    "If your own workspace uses Rehearse, you'll find me there."))
            return None

    def _team_name(self, person: PersonRef) -> str:
        if self.directory.clients.per_workspace:
            return ""  # each workspace coaches its own people; the one they came from has not installed Rehearse
        return self.directory.identity().team_name

    @staticmethod
    def _best_effort(fn: Callable[[], object]) -> None:
        try:
            fn()
        except Exception:
            log.warning("could not tell the user", exc_info=True)


def ephemeral_in(ref: ConversationRef) -> bool:
    """Whether a command came from somewhere other than the rep's DM with the bot."""
    return not ref.channel.startswith("D")

