"""A programme end to end on a real database: enrolment, the baseline pushed like practice, no coaching after it,
holdout reps kept out of practice, and managers told who is held out and why."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from bot.impact.cohorts import Candidate, assign_holdout
from bot.impact.programmes import ProgrammeRequest
from bot.messages import Card, ConversationRef, Inbound, Outbound, Posted, Text
from bot.ports import PlatformError
from bot.practice.engine import PracticeOnHold
from tests.impact.conftest import Org, SlowDownChat


def _start(org: Org, **kw: object) -> int:
    options = {"behaviors": ("open_question", "empathy"), "holdout_share": 0.2, "seed": 1234, **kw}
    request = ProgrammeRequest(org.team_id, **options)  # type: ignore[arg-type]
    return org.programmes.start_programme(request, actor_id=org.enablement.id).id  # type: ignore[return-value]


def _cards(org: Org, since: int = 0) -> list[tuple[ConversationRef, Card]]:
    return [(r, m) for r, m in org.chat.posted[since:] if isinstance(m, Card) and m.kind == "scenario"]


def _answer(org: Org, ref: ConversationRef, user: str, text: str) -> list[Outbound]:
    before = len(org.chat.posted)
    person = org.practice.person_ref(org.repos.people.find("console", "W1", user))  # type: ignore[arg-type]
    org.clock.advance(seconds=40)
    org.practice.handle(Inbound(ref, person, uuid.uuid4().hex, org.clock.now(), text))
    return [m for _, m in org.chat.posted[before:]]


def test_starting_a_programme_enrols_the_teams_reps_and_holds_out_a_seeded_share(org: Org) -> None:
    programme_id = _start(org)
    programme = org.store.get(programme_id)
    assert programme is not None and programme.seed == 1234 and programme.behaviors == ["open_question", "empathy"]
    assert programme.holdout_until == programme.start_date + timedelta(weeks=8)  # two assessment rounds
    members = org.programmes.members(programme_id, org.enablement.id)
    assert sorted(m.person_id for m in members) == sorted(r.id for r in org.reps)  # not managers, not the deleted rep
    held = {m.person_id for m in members if m.cohort == "holdout"}
    assert len(held) == 2
    replay = assign_holdout([Candidate(r.id, org.team_id) for r in org.reps], 0.2, 1234,  # type: ignore[arg-type]
                            programme.start_date, programme.holdout_until)
    assert held == {a.person_id for a in replay if a.cohort == "holdout"}  # the recorded seed replays the choice


def test_the_baseline_is_pushed_in_working_hours_once_and_scored_without_coaching(org: Org) -> None:
    programme_id = _start(org)
    first = org.assessments.tick()
    assert first["planned"] == 10 and first["posted"] == 0  # 07:00 in London: it waits for 09:00
    org.clock.advance(hours=2, minutes=5)
    assert org.assessments.tick() == {"notices": 0, "planned": 0, "posted": 10}
    assert org.assessments.tick() == {"notices": 0, "planned": 0, "posted": 0}  # a second pass is a no-op
    cards = _cards(org)
    assert len(cards) == 10 and {c.title for _, c in cards} == {"Assessment: open questions"}

    ref, _ = next((r, c) for r, c in cards if r.channel == "D-U03")
    _answer(org, ref, "U03", "What's prompting you to look at options now, and how do you handle expenses today?")
    replies = _answer(org, ref, "U03", "done")
    scorecard = next(m for m in replies if isinstance(m, Card) and m.kind == "scorecard")
    assert scorecard.title.startswith("Assessment recorded")
    assert "no coaching" in scorecard.body
    assert all(f.title != "Try next time" and "Went well" not in f.value for f in scorecard.fields)

    session = org.repos.sessions.find_by_thread("console", ref.channel, ref.thread)  # type: ignore[arg-type]
    assert session is not None and session.kind == "assessment" and session.programme_id == programme_id
    assert session.push_key == f"assess:{programme_id}:{org.reps[3].id}:0:open_question"
    scores = org.store.assessment_scores(programme_id)
    assert [(s.person_id, s.behavior) for s in scores] == [(org.reps[3].id, "open_question")]


def test_holdout_reps_get_only_assessments_and_practice_waits_for_the_baseline(org: Org) -> None:
    programme_id = _start(org, behaviors=("empathy",))
    held = {m.person_id for m in org.programmes.members(programme_id) if m.cohort == "holdout"}
    rep = next(r for r in org.reps if r.id not in held)
    day = org.clock.now().date()
    assert set(org.holds.holds([r.id for r in org.reps], day)) == {r.id for r in org.reps}  # type: ignore[misc]
    reasons = {p: h.reason for p, h in org.holds.holds([rep.id, min(held)], day).items()}  # type: ignore[list-item]
    assert reasons == {rep.id: f"assessment first (programme {programme_id})",
                       min(held): f"in the holdout of programme {programme_id} until 2026-03-02"}

    org.clock.advance(hours=2)
    org.assessments.tick()
    for ref, _card in _cards(org):
        user = ref.channel.removeprefix("D-")
        _answer(org, ref, user, "That sounds really stressful, I'm sorry. How are you feeling about tomorrow?")
        _answer(org, ref, user, "done")
    assert rep.id not in org.holds.holds([rep.id], day)  # type: ignore[list-item]
    assert set(org.holds.holds([r.id for r in org.reps], day)) == held  # type: ignore[misc]
    # Nothing more is due until the next round, four weeks after the start.
    org.clock.advance(days=1)
    assert org.assessments.tick()["planned"] == 0
    org.clock.advance(weeks=4)
    assert org.assessments.tick()["posted"] == 10
    assert set(org.holds.holds([r.id for r in org.reps], org.clock.now().date())) == held  # type: ignore[misc]


def test_a_held_out_rep_who_asks_for_practice_is_told_why_and_until_when(org: Org) -> None:
    programme_id = _start(org, behaviors=("empathy",))
    held = min(m.person_id for m in org.programmes.members(programme_id) if m.cohort == "holdout")
    rep = org.practice.person_ref(org.repos.people.get(held))  # type: ignore[arg-type]
    with pytest.raises(PracticeOnHold) as refused:
        org.practice.start(rep, "discovery-procurement-stall")
    assert refused.value.user_message.startswith(
        f"You're in the comparison group of programme {programme_id} until Monday 02 March 2026")
    assert "assessments still come" in refused.value.user_message
    assert not _cards(org)  # nothing was posted, nothing was stored
    assert org.repos.sessions.sessions_of(held) == []
    # Their assessment still starts, and practice opens when the holdout ends.
    org.practice.start(rep, "assess-empathy")
    assert len(_cards(org)) == 1


def test_a_practising_rep_is_asked_to_take_the_baseline_before_practice(org: Org) -> None:
    programme_id = _start(org, behaviors=("empathy",), holdout_share=0.0)
    rep = org.practice.person_ref(org.reps[0])
    with pytest.raises(PracticeOnHold) as refused:
        org.practice.start(rep, None)
    assert f"assessment for programme {programme_id} comes first" in refused.value.user_message
    org.clock.advance(hours=2)
    org.assessments.tick()
    ref, _card = next((r, c) for r, c in _cards(org) if r.channel == "D-U00")
    _answer(org, ref, "U00", "That sounds really stressful, I'm sorry. How are you feeling about tomorrow?")
    _answer(org, ref, "U00", "done")
    assert org.practice.start(rep, None).scenario.kind == "practice"


def test_a_card_posted_just_before_a_crash_is_not_posted_again(org: Org) -> None:
    programme_id = _start(org)
    org.clock.advance(hours=2)
    org.assessments.plan()
    key = f"assess:{programme_id}:{org.reps[0].id}:0:open_question"
    # The worker posted this card, then died before recording it as sent.
    org.practice.start(org.practice.person_ref(org.reps[0]), "assess-open-question", push_key=key)
    before = len(org.chat.posted)
    assert org.assessments.deliver() == 9
    assert len(_cards(org, before)) == 9
    row = org.outbox.log.get(key)
    assert row is not None and row.status == "sent" and row.session_id is not None


class FlakyChat:
    """A chat whose platform fails the first time a practice thread is opened."""

    def __init__(self, inner: object) -> None:
        self.inner = inner
        self.failed = False

    def open_practice_thread(self, person, root) -> Posted:  # type: ignore[no-untyped-def]
        if not self.failed:
            self.failed = True
            raise PlatformError("workspace unavailable")
        return self.inner.open_practice_thread(person, root)  # type: ignore[attr-defined]

    def __getattr__(self, name: str) -> object:
        return getattr(self.inner, name)


def test_a_platform_failure_is_retried_later_and_nothing_is_lost(org: Org) -> None:
    _start(org, holdout_share=0.0)
    org.practice.chats["console"] = FlakyChat(org.chat)  # type: ignore[assignment]
    org.clock.advance(hours=2)
    assert org.assessments.tick()["posted"] == 9
    failed = [p for p in org.outbox.log.all("assessment") if p.status == "pending"]
    assert len(failed) == 1 and "workspace unavailable" in (failed[0].error or "")
    assert org.assessments.tick()["posted"] == 0  # not before its retry time
    org.clock.advance(minutes=11)
    assert org.assessments.tick()["posted"] == 1
    assert len(_cards(org)) == 10


def test_managers_are_told_once_who_is_held_out_and_why(org: Org) -> None:
    programme_id = _start(org)
    org.assessments.tick()
    org.assessments.tick()
    notes = [(r, m.text) for r, m in org.chat.posted if isinstance(m, Text)]
    assert sorted(r.channel for r, _ in notes) == ["D-M1", "D-M2"]  # one each, despite two passes
    held = [m for m in org.programmes.members(programme_id) if m.cohort == "holdout"]
    for ref, text in notes:
        mine = [m for m in held if m.person_id in {r.id for r in org.reps
                                                   if r.manager_id == (org.manager if ref.channel == "D-M1" else org.other_manager).id}]
        for m in mine:
            assert f"{m.name} — picked at random for the 20% holdout (seed 1234)" in text
        assert ("In the holdout for now" in text) == bool(mine)
        assert "held-out reps only take the assessments until their start date" in text or not mine
    other_reps = {r.display_name for r in org.reps if r.manager_id == org.other_manager.id}
    maya = next(t for r, t in notes if r.channel == "D-M1")
    assert not any(name in maya for name in other_reps)  # a manager hears only about their own reports


def test_a_late_worker_does_not_post_assessments_at_night_but_the_next_morning(org: Org) -> None:
    _start(org, holdout_share=0.0, behaviors=("empathy",))
    org.clock.advance(hours=2)  # 09:00 in London: planned for now
    assert org.assessments.plan() == 10
    org.clock.advance(hours=10)  # the worker was down all day; it is 19:00 now
    assert org.assessments.deliver() == 0
    rows = org.outbox.log.all("assessment")
    assert {(r.status, r.error, r.attempts) for r in rows} == {("pending", "outside working hours", 0)}
    assert {r.retry_at.isoformat() for r in rows} == {"2026-01-06T09:00:00+00:00"}  # type: ignore[union-attr]
    org.clock.advance(hours=14, minutes=1)
    assert org.assessments.deliver() == 10


def test_a_manager_notice_the_platform_asks_to_slow_down_for_waits_its_turn_and_goes_out_once(org: Org) -> None:
    _start(org)
    org.practice.chats["console"] = SlowDownChat(org.chat, retry_after_s=30)  # type: ignore[assignment]
    before = org.clock.now()
    assert org.assessments.tick()["notices"] == 1  # the other manager's notice waited out the Retry-After
    assert org.clock.now() - before >= timedelta(seconds=30)
    [waiting] = [r for r in org.outbox.log.all("notice") if r.status == "pending"]
    assert (waiting.attempts, waiting.error) == (0, "rate limited by console")  # being told to wait is no failure
    assert org.outbox.limiter.stats()["console"]["rate_limited"] == 1
    assert org.assessments.tick()["notices"] == 1
    assert org.assessments.tick()["notices"] == 0
    notes = [r.channel for r, m in org.chat.posted if isinstance(m, Text)]
    assert sorted(notes) == ["D-M1", "D-M2"]  # each manager told exactly once
