"""Bad input gets a friendly reply where the person is, and nothing is lost."""

from __future__ import annotations

from tests.slack.conftest import SlackWorld

LINE = "What's driving this for you right now? What business problem are you trying to solve?"


def test_an_unknown_scenario_is_answered_at_once_with_the_choices(slack: SlackWorld) -> None:
    reply = slack.sender.command("/practice", "no-such-scenario", "U0DANA")
    assert reply.status == 200
    answer = reply.json()
    assert answer["response_type"] == "ephemeral"
    assert "no scenario called 'no-such-scenario'" in answer["text"] and "pricing-objection" in answer["text"]
    slack.settle()
    assert slack.fake.calls_of("chat.postMessage") == [] and slack.fake.calls_of("conversations.open") == []


def test_a_reply_in_a_thread_whose_session_expired_says_so_and_offers_a_new_one(slack: SlackWorld) -> None:
    rep = "U0DANA"
    thread = slack.start(rep)
    slack.say(rep, thread, LINE)
    slack.clock.advance(hours=25)
    assert slack.core.practice_service.expire_stale() == 1
    expiry_note = slack.fake.in_thread(slack.dm(rep), thread)[-1]
    assert "timed out" in expiry_note.text
    late = slack.say(rep, thread, "Sorry, I was out. Who else is involved?")[-1]
    assert "expired" in late.text and "/practice" in late.text
    session = slack.core.repos.sessions.find_by_thread("slack", slack.dm(rep), thread)
    assert session is not None and session.state == "expired"
    # The transcript so far is kept.
    assert [t.speaker for t in slack.core.repos.sessions.turns(session.id)] == ["buyer", "rep", "buyer"]


def test_a_file_that_is_not_audio_gets_a_friendly_reply_and_the_session_goes_on(slack: SlackWorld) -> None:
    rep = "U0DANA"
    thread = slack.start(rep)
    pdf = slack.fake.add_file(b"%PDF-1.4 a pitch deck", "application/pdf", "deck.pdf")
    note = slack.say(rep, thread, "here is our deck", files=[pdf])[-1]
    assert "only listen to audio" in note.text
    buyer = slack.say(rep, thread, LINE)[-1]
    assert buyer.username == "Dana Whitfield"


def test_a_user_from_another_workspace_is_told_politely_and_not_enrolled(slack: SlackWorld) -> None:
    slack.fake.add_user("U0GUEST", "Morgan Guest", team_id="T0PARTNER")
    # In a Slack Connect channel the event names the guest's own team.
    reply = slack.sender.message("U0GUEST", "C0SHARED", "hi bot, can I practise?", team="T0PARTNER",
                                 user_team="T0PARTNER")
    assert reply.status == 200
    (note,) = slack.fake.wait_for(lambda: slack.fake.ephemerals("U0GUEST"))
    assert note.channel == "C0SHARED" and "Acme Sales" in note.text
    # A slash command carries the host workspace; users.info tells who the guest really is.
    slack.sender.command("/practice", "", "U0GUEST", channel="C0SHARED")
    (answer,) = slack.fake.wait_for(lambda: slack.fake.calls_of("response_url"))
    assert answer.args["response_type"] == "ephemeral" and "Acme Sales" in answer.args["text"]
    slack.settle()
    assert slack.core.repos.people.find("slack", slack.fake.team_id, "U0GUEST") is None
    assert slack.fake.calls_of("chat.postMessage") == []


def test_an_unknown_rehearse_command_explains_what_to_type(slack: SlackWorld) -> None:
    assert slack.sender.command("/rehearse", "dance", "U0DANA").status == 200
    (answer,) = slack.fake.wait_for(lambda: slack.fake.calls_of("response_url"))
    assert "/rehearse snooze" in answer.args["text"] and "dance" in answer.args["text"]


def test_a_snooze_date_that_is_not_a_date_is_explained(slack: SlackWorld) -> None:
    slack.sender.command("/rehearse", "snooze next tuesday", "U0DANA")
    (answer,) = slack.fake.wait_for(lambda: slack.fake.calls_of("response_url"))
    assert "isn't a date" in answer.args["text"]
    person = slack.core.repos.people.find("slack", slack.fake.team_id, "U0DANA")
    assert person is None or person.snoozed_until is None
