"""Acknowledged means kept (issue #18, item 8): Slack does not resend a message it got a 200 for."""

from __future__ import annotations

from collections.abc import Callable

from tests.slack.conftest import SlackWorld

LINE = "Before we get to pricing, what's driving this for you right now?"


def test_a_message_acknowledged_before_the_process_died_is_answered_on_the_next_start(slack: SlackWorld) -> None:
    rep = "U0DANA"
    thread = slack.start(rep)
    slack.settle()
    queued: list[Callable[[], None]] = []
    slack.adapter.work.submit = lambda key, job: queued.append(job)  # type: ignore[method-assign]
    assert slack.sender.message(rep, slack.dm(rep), LINE, thread_ts=thread).status == 200
    assert queued and slack.fake.in_thread(slack.dm(rep), thread) == []  # the process dies here
    restarted = slack.adapter.jobs.practice  # what every start runs: storage alone says what is unanswered
    assert restarted.resume_open_sessions() == 1
    (answer,) = slack.fake.wait_thread(slack.dm(rep), thread, 1)
    assert answer.username == "Dana Whitfield"
    assert restarted.resume_open_sessions() == 0  # answered once
