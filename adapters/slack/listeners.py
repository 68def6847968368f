"""The Bolt listeners: parse, acknowledge, enqueue. Nothing here waits on the buyer.

The app runs with process_before_response=True, so Slack's HTTP answer is sent
when a listener returns; every listener therefore returns in milliseconds and
leaves the real work to SlackJobs on the ordered work pool (each person's
requests in order, people side by side). Only two things happen inline, because
Slack needs them in the HTTP answer or within the trigger's 3 seconds: refusing
an unknown scenario id, and opening or validating the cadence modal. A rep's
message is also stored (one INSERT) before the answer, so an acknowledged
message is never only in memory.
"""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond

from adapters.slack import parse
from adapters.slack.blocks import card_message, escape
from adapters.slack.commands import HELP
from adapters.slack.home import HOME_EDIT_CADENCE, HOME_NEW_SCENARIO, HOME_SNOOZE, HOME_START, HOME_UNSNOOZE
from adapters.slack.jobs import SlackJobs, ephemeral_in
from adapters.slack.modals import CADENCE_CALLBACK, SCENARIO_CALLBACK, team_of
from adapters.slack.work import OrderedWork
from bot.authoring.actions import EDIT as DRAFT_EDIT
from bot.messages import Text
from scenarios.loader import ScenarioLibrary, UnknownScenario

Body = dict[str, Any]


def register(app: App, jobs: SlackJobs, work: OrderedWork, library: ScenarioLibrary) -> None:
    def tell_via(respond: Respond):  # type: ignore[no-untyped-def]
        return lambda text: respond(text=escape(text), response_type="ephemeral", replace_original=False)

    def show_via(respond: Respond):  # type: ignore[no-untyped-def]
        return lambda card: respond(**card_message(card), response_type="ephemeral", replace_original=False)

    # ---- events -----------------------------------------------------------

    def on_message(body: Body, context: BoltContext) -> None:
        inbound = parse.message(body, context.bot_user_id)
        # Stored before Slack has its 200 (a retry of a stored one is dropped here): a process that dies
        # with the message queued answers it on its next start (issue #18, item 8).
        if inbound is not None and jobs.receive(inbound):
            work.submit(parse.order_key(inbound.person), lambda: jobs.reply(inbound, received=True))

    app.event("message")(on_message)
    app.event("app_mention")(on_message)

    @app.event("app_home_opened")
    def on_home_opened(body: Body) -> None:
        person = parse.home_opened(body)
        if person is not None:
            work.submit(f"home:{person.user_id}", lambda: jobs.publish_home(person))

    # ---- slash commands -------------------------------------------------------

    @app.command("/practice")
    def on_practice(ack: Ack, body: Body, respond: Respond) -> None:
        command = parse.command(body)
        scenario_id = command.words[0] if command.words else None
        if scenario_id in ("help", "?"):
            ack(text=HELP)
            return
        if scenario_id is not None:
            try:
                jobs.library_for(command.person).get(scenario_id)  # the workspace's own scenarios too
            except UnknownScenario as exc:
                ack(response_type="ephemeral", text=f"Sorry, there is {exc}.")
                return
        # In the app's own DM the card itself is the answer: an empty ack. Bolt refuses ack(text=None).
        if ephemeral_in(command.ref):
            ack(text="Your scenario is on its way to our DM.")
        else:
            ack()
        work.submit(parse.order_key(command.person), lambda: jobs.start(command, scenario_id, tell_via(respond)))

    @app.command("/rehearse")
    def on_rehearse(ack: Ack, body: Body, respond: Respond) -> None:
        ack()
        command = parse.command(body)
        tell, show = tell_via(respond), show_via(respond)
        work.submit(f"home:{command.person.user_id}", lambda: jobs.rehearse(command, tell, show))

    # ---- App Home controls ------------------------------------------------------

    @app.action(HOME_START)
    def on_home_start(ack: Ack, body: Body) -> None:
        ack()
        person = parse.action_person(body)
        work.submit(parse.order_key(person), lambda: jobs.start_from_home(person))

    @app.action(HOME_SNOOZE)
    @app.action(HOME_UNSNOOZE)
    def on_snooze(ack: Ack, body: Body) -> None:
        ack()
        event = parse.action(body)
        if event is not None:
            work.submit(f"home:{event.person.user_id}", lambda: jobs.snooze_from_home(event.person, event.value))

    @app.action(HOME_EDIT_CADENCE)
    def on_edit_cadence(ack: Ack, body: Body) -> None:
        ack()
        event = parse.action(body)
        if event is None:
            return
        person = event.person
        # Inline: the trigger_id that opens a modal expires 3 seconds after the click.
        jobs.open_cadence(person, str(body.get("trigger_id", "")),
                          lambda text: jobs.chat.send_direct(person, Text(text)),
                          team_id=int(event.value) if event.value.isdigit() else None)

    @app.view(CADENCE_CALLBACK)
    def on_cadence_saved(ack: Ack, body: Body, view: Body) -> None:
        person = parse.action_person(body)
        errors = jobs.submit_cadence(person, view)
        if errors:
            ack(response_action="errors", errors=errors)
            return
        ack()
        team_id = team_of(view)
        if team_id is not None:
            work.submit(f"home:{person.user_id}", lambda: jobs.after_cadence_saved(person, team_id))

    # ---- enablement's own scenarios: the modal (inline: the trigger expires in 3 s) -------------

    @app.action(HOME_NEW_SCENARIO)
    @app.action(DRAFT_EDIT)
    def on_scenario_form(ack: Ack, body: Body) -> None:
        ack()
        event = parse.action(body)
        if event is None:
            return
        draft_id = int(event.value) if event.action_id == DRAFT_EDIT and event.value.isdigit() else None
        jobs.open_scenario_modal(event.person, str(body.get("trigger_id", "")), draft_id)

    @app.view(SCENARIO_CALLBACK)
    def on_scenario_submitted(ack: Ack, body: Body, view: Body) -> None:
        person = parse.action_person(body)
        errors, then = jobs.submit_scenario(person, view)
        if errors:
            ack(response_action="errors", errors=errors)
            return
        ack()
        if then is not None:
            work.submit(parse.order_key(person), then)

    # ---- every other button: the core's action router -----------------------------

    @app.action(re.compile(".*"))
    def on_action(ack: Ack, body: Body) -> None:
        ack()
        event = parse.action(body)
        if event is not None:
            work.submit(parse.order_key(event.person), lambda: jobs.act(event))

