"""A rep practises in Slack: /practice, the card in their DM, the buyer in the thread, the scorecard.

Everything goes through the real HTTP endpoint with signed requests; what the
rep sees is what the fake Slack Web API recorded.
"""

from __future__ import annotations

from bot.practice import cards
from storage.models import Person
from tests.fakes.slack_api import Message
from tests.slack.conftest import SlackWorld

CURIOUS = [
    "Before we get to pricing, what's driving this for you right now? What business problem are you trying to solve?",
    "How is that affecting the business — what does a late shipment cost you, and who feels it?",
]


def _texts(messages: list[Message]) -> str:
    return "\n".join(m.text + " " + " ".join(str(b) for b in m.blocks) for m in messages)


def _buttons(message: Message) -> dict[str, str]:
    return {e["action_id"]: e["value"] for b in message.blocks if b["type"] == "actions" for e in b["elements"]}


def test_a_rep_practises_a_whole_session_in_a_dm_thread_and_gets_a_scorecard(slack_any_db: SlackWorld) -> None:
    world = slack_any_db
    rep = "U0DANA"
    thread = world.start(rep)

    (card,) = world.fake.top_level(world.dm(rep))
    header = card.blocks[0]
    assert header["type"] == "header" and "procurement" in header["text"]["text"].lower()
    assert any("*Practising*" in b.get("text", {}).get("text", "") for b in card.blocks)
    assert any("Dana Whitfield says" in b.get("text", {}).get("text", "") for b in card.blocks)
    assert set(_buttons(card)) == {cards.FINISH, cards.SKIP}

    first = world.say(rep, thread, CURIOUS[0])
    assert first[-1].username == "Dana Whitfield" and first[-1].thread_ts == thread
    second = world.say(rep, thread, CURIOUS[1])
    assert len(second) == 2 and second[-1].text != first[-1].text

    done = world.say(rep, thread, "done")
    scorecard = done[-1]
    assert scorecard.blocks[0]["text"]["text"].startswith("Scorecard")
    body = _texts([scorecard])
    assert "/100" in body and "Try next time" in body
    assert "what&#x27;s driving" in body.lower() or "driving this for you" in body  # the rep's words, quoted

    session = world.core.repos.sessions.sessions_of(_person(world, rep).id)[0]  # type: ignore[arg-type]
    assert session.state == "finished" and session.thread == thread and session.channel == world.dm(rep)
    speakers = [t.speaker for t in world.core.repos.sessions.turns(session.id)]
    assert speakers == ["buyer", "rep", "buyer", "rep", "buyer"]


def test_the_rep_is_created_on_first_contact_with_their_slack_name_and_time_zone(slack: SlackWorld) -> None:
    slack.start("U0LEE")
    person = _person(slack, "U0LEE")
    assert (person.display_name, person.tz, person.dm_channel_id) == ("Lee", "America/New_York", slack.dm("U0LEE"))
    slack.start("U0LEE", "pricing-objection")
    slack.settle()
    # Profiles and DM channels are looked up once, then read from the database.
    assert len(slack.fake.calls_of("users.info")) == 1
    assert len(slack.fake.calls_of("conversations.open")) == 1
    slack.clock.advance(days=1, minutes=1)
    slack.start("U0LEE", "renewal-gone-cold")
    slack.settle()
    assert len(slack.fake.calls_of("users.info")) == 2  # refreshed after a day
    assert len(slack.fake.calls_of("conversations.open")) == 1


def test_the_finish_button_posts_the_scorecard_in_the_thread(slack: SlackWorld) -> None:
    rep = "U0DANA"
    thread = slack.start(rep)
    slack.say(rep, thread, CURIOUS[0])
    card = slack.fake.top_level(slack.dm(rep))[-1]
    press = slack.sender.interaction(slack.sender.block_action(
        rep, cards.FINISH, _buttons(card)[cards.FINISH], channel=slack.dm(rep), message_ts=thread))
    assert press.status == 200
    replies = slack.fake.wait_thread(slack.dm(rep), thread, 2)
    assert replies[-1].blocks and replies[-1].blocks[0]["text"]["text"].startswith("Scorecard"), [m.text for m in replies]


def test_the_skip_button_closes_the_session_without_a_score(slack: SlackWorld) -> None:
    rep = "U0DANA"
    thread = slack.start(rep)
    card = slack.fake.top_level(slack.dm(rep))[-1]
    slack.sender.interaction(slack.sender.block_action(rep, cards.SKIP, _buttons(card)[cards.SKIP],
                                                       channel=slack.dm(rep), message_ts=thread))
    (note,) = slack.fake.wait_thread(slack.dm(rep), thread, 1)
    assert "Skipped" in note.text
    # The session is closed: a later reply in the thread gets a note, not the buyer.
    after = slack.say(rep, thread, CURIOUS[0])
    assert "skipped this session" in after[-1].text and after[-1].username is None


def test_practice_without_a_scenario_picks_the_next_one_for_the_rep(slack: SlackWorld) -> None:
    first = slack.start("U0SAM", "")
    second = slack.start("U0SAM", "")
    titles = [m.blocks[0]["text"]["text"] for m in slack.fake.top_level(slack.dm("U0SAM"))]
    assert first != second and len(set(titles)) == 2


def test_a_message_outside_a_practice_thread_gets_a_short_help_reply(slack: SlackWorld) -> None:
    reply = slack.sender.message("U0DANA", slack.dm("U0DANA"), "hello?")
    assert reply.status == 200
    (help_,) = slack.fake.wait_for(lambda: slack.fake.top_level(slack.dm("U0DANA")))
    assert "/practice" in help_.text


def test_two_reps_practising_at_once_never_see_each_others_buyer(slack: SlackWorld) -> None:
    import threading

    threads = {"U0DANA": slack.start("U0DANA", "discovery-procurement-stall"),
               "U0LEE": slack.start("U0LEE", "pricing-objection")}
    errors: list[BaseException] = []

    def practise(rep: str) -> None:
        try:
            for line in CURIOUS:
                slack.say(rep, threads[rep], line)
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    workers = [threading.Thread(target=practise, args=(rep,)) for rep in threads]
    for w in workers:
        w.start()
    for w in workers:
        w.join(120)  # generous for a busy machine; a hung worker fails here, not as a missing reply
        assert not w.is_alive()
    assert not errors
    dana = slack.fake.in_thread(slack.dm("U0DANA"), threads["U0DANA"])
    lee = slack.fake.in_thread(slack.dm("U0LEE"), threads["U0LEE"])
    assert {m.username for m in dana} == {"Dana Whitfield"}
    assert len(dana) == 2 and len(lee) == 2
    assert "Dana Whitfield" not in {m.username for m in lee}
    for rep in threads:
        session = slack.core.repos.sessions.find_by_thread("slack", slack.dm(rep), threads[rep])
        assert session is not None and session.person_id == _person(slack, rep).id


def test_the_bots_own_messages_and_edits_are_ignored(slack: SlackWorld) -> None:
    rep = "U0DANA"
    thread = slack.start(rep)
    sender = slack.sender
    sender.event(sender.message_event("U0REHBOT", slack.dm(rep), "the buyer's line", thread_ts=thread,
                                      bot_id="B0REHBOT"))
    sender.event(sender.message_event(rep, slack.dm(rep), "", thread_ts=thread, subtype="message_changed",
                                      message={"text": "edited"}))
    sender.event(sender.message_event(rep, slack.dm(rep), "", thread_ts=thread, subtype="message_deleted"))
    slack.settle()
    assert slack.fake.in_thread(slack.dm(rep), thread) == []


def _person(world: SlackWorld, user: str) -> Person:
    person = world.core.repos.people.find("slack", world.fake.team_id, user)
    assert person is not None
    return person


def test_a_rep_whose_baseline_assessment_is_pending_is_told_so_when_they_type_practice(slack: SlackWorld) -> None:
    from bot.impact.programmes import ProgrammeRequest, Programmes
    from storage.repos.programmes import ProgrammeRepo

    now = slack.clock.now()
    rep, _ = slack.core.repos.people.ensure_person("slack", slack.fake.team_id, "U0DANA", now, "Priya Shah",
                                                   "Europe/London")
    team = slack.core.repos.people.ensure_team(rep.workspace_id, "EMEA Sales", now)
    slack.core.repos.people.update(rep.id, team_id=team.id)  # type: ignore[arg-type]
    impact = Programmes(slack.core.repos, slack.core.library, slack.clock, ProgrammeRepo(slack.core.repos.db))
    programme = impact.start_programme(ProgrammeRequest(team.id, behaviors=("empathy",)))  # type: ignore[arg-type]

    reply = slack.sender.command("/practice", "discovery-procurement-stall", "U0DANA")
    assert reply.status == 200
    (answer,) = slack.fake.wait_for(lambda: slack.fake.calls_of("response_url"))
    assert f"Your assessment for programme {programme.id} comes first" in answer.args["text"]
    slack.settle()
    assert slack.fake.top_level(slack.dm("U0DANA")) == []  # no scenario card was posted
