"""The enablement view of the biweekly digest: each team's figures and each programme's effect, no rep named."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.digests.enablement import (
    KIND,
    MAX_TEAM_FIELDS,
    MIN_REPS,
    BehaviorLine,
    EnablementDigest,
    EnablementDigests,
    TeamSection,
    team_lines,
    to_card,
    to_json,
    to_text,
)
from bot.digests.periods import Period
from bot.impact.demo import seed_simulation
from bot.impact.simulate import simulate
from bot.messages import Card
from scenarios.loader import ScenarioLibrary
from storage.repos.digests import AccessDenied, TeamAggregate
from tests.impact.conftest import Org, SlowDownChat

AFTER_HOLDOUT = datetime(2026, 3, 20, 9, tzinfo=UTC)
DIGEST_MONDAY = datetime(2026, 3, 23, 8, 30, tzinfo=UTC)  # 08:30 in London: the default digest hour


def _service(org: Org) -> EnablementDigests:
    return EnablementDigests(org.repos, org.reporting, {"console": org.chat}, org.clock, org.outbox)


def test_the_enablement_digest_shows_team_figures_and_the_programmes_effect_without_naming_a_rep(org: Org) -> None:
    org.clock.current = AFTER_HOLDOUT
    seed_simulation(org.repos, simulate({"empathy": 10.0}, reps=30, seed=2), "Support", workspace="W1")
    text = to_text(_service(org).build(org.enablement.id, "last"))
    assert text.startswith("Enablement digest · 23 Feb – 8 Mar 2026\n")  # plain text: no chat *bold* in a terminal
    assert "Renewals\n• No scores this period." in text  # every team of the workspace, even a quiet one
    assert "Support\n• Empathy: " in text and "*" not in text and "30 reps" in text and "vs the period before" in text
    assert "Impact — Support (simulated) (24 practising, 6 held out" in text
    assert "the difference from the holdout is" in text and "95 % CI" in text
    assert "Rep " not in text and "manager" not in text  # aggregates only


def test_a_small_programme_says_not_enough_data_yet(org: Org) -> None:
    org.clock.current = AFTER_HOLDOUT
    seed_simulation(org.repos, simulate({"empathy": 20.0}, reps=6, seed=3), "Tiny", workspace="W1")
    digest = _service(org).build(org.enablement.id, "last")
    tiny = next(t for t in digest.teams if t.name == "Tiny")
    assert [b.reps for b in tiny.behaviors] == [6]  # six reps are enough for a team mean
    assert "Not enough data yet" in to_text(digest)
    programme = to_json(digest)["teams"][-1]["programmes"][0]
    assert programme["behaviors"][0]["verdict"] == "not_enough_data"


def test_a_behavior_scored_by_fewer_than_three_reps_is_counted_but_not_shown() -> None:
    current = [TeamAggregate("empathy", 1, MIN_REPS, 9, 61.0), TeamAggregate("paraphrase", 1, MIN_REPS - 1, 4, 40.0)]
    lines, hidden = team_lines(current, [TeamAggregate("empathy", 0, 5, 12, 55.0)])
    assert [(b.behavior, round(b.change or 0)) for b in lines] == [("empathy", 6)] and hidden == 1


def test_managers_and_reps_get_no_enablement_digest(org: Org) -> None:
    for person in (org.manager, org.reps[0]):
        with pytest.raises(AccessDenied):
            _service(org).build(person.id, "last")  # type: ignore[arg-type]


def test_the_digest_is_delivered_once_on_the_readers_digest_day_even_when_the_job_runs_twice(org: Org) -> None:
    org.clock.current = AFTER_HOLDOUT
    seed_simulation(org.repos, simulate({"empathy": 10.0}, reps=30, seed=2), "Support", workspace="W1")
    service = _service(org)
    org.clock.current = DIGEST_MONDAY - timedelta(days=3)  # days after the last digest moment's grace: nothing due
    assert service.deliver_due().delivered == 0
    org.clock.current = DIGEST_MONDAY
    first = service.deliver_due()
    # Erin, and the simulated team's manager who is also in enablement; Xavi's workspace has no team.
    assert (first.delivered, first.empty) == (2, 1)
    again = _service(org).deliver_due()  # a second worker, or the next run of the job
    assert (again.delivered, again.already) == (0, 2)
    sent = {ref.channel: m for ref, m in org.chat.posted
            if isinstance(m, Card) and m.title.startswith("Enablement digest")}
    assert len(sent) == 2 and "D-E1" in sent
    assert any(f.title == "Support" and "Impact — Support (simulated)" in f.value for f in sent["D-E1"].fields)
    rows = org.outbox.log.all(KIND)
    assert sorted(r.status for r in rows) == ["sent", "sent"] and org.enablement.id in {r.person_id for r in rows}


def test_a_workspace_with_many_teams_gets_a_card_within_the_platforms_limits_busiest_teams_first() -> None:
    line = BehaviorLine("empathy", "Empathy", 61.0, 2.0, 5, 12)
    teams = tuple(TeamSection(i, f"Team {i:02d}", (line,) * (1 + i % 3), 0, ()) for i in range(40))
    card = to_card(EnablementDigest(7, "Erin", Period(date(2026, 3, 9), date(2026, 3, 22)), teams))
    assert len(card.fields) == MAX_TEAM_FIELDS + 1 and card.fields[-1].title == "More teams"
    assert "20 more team(s); `rehearse digest --enablement 7` shows them all" in card.fields[-1].value
    assert card.fields[0].value.count("Empathy") == 3  # the busiest teams come first
    assert sum(len(f.value) for f in card.fields) < 6000


def test_a_managers_digest_carries_no_programme_effect_and_no_other_teams_figures(
        org: Org, library: ScenarioLibrary, tmp_path: Path) -> None:
    from bot.digests import render
    from bot.digests.service import DigestService

    org.clock.current = AFTER_HOLDOUT
    seed_simulation(org.repos, simulate({"empathy": 10.0}, reps=30, seed=2), "Support", workspace="W1")
    digests = DigestService(org.repos, library, {"console": org.chat}, org.clock, tmp_path, outbox=org.outbox)
    # Maya manages reps of Renewals; the programme runs in Support, a team of the same workspace.
    built = digests.build(org.manager.id, "last")  # type: ignore[arg-type]
    for text in (render.to_text(built.data), render.to_json(built.data)):
        assert "Support" not in text and "Impact" not in text and "95 % CI" not in text
        assert "Rep 000" not in text  # none of the simulated team's reps
    # The simulated team's own manager (also in enablement) gets the effect only in the enablement view.
    support_manager = next(s.member.person_id for s in digests.store.managers()
                           if s.member.display_name == "Support manager")
    own = render.to_text(digests.build(support_manager, "last").data)
    assert "Impact" not in own and "95 % CI" not in own
    enablement = to_text(_service(org).build(support_manager, "last"))
    assert "Impact — Support (simulated)" in enablement and "Rep 0" not in enablement


def test_an_enablement_digest_the_platform_asks_to_slow_down_for_goes_out_on_a_later_run_once(org: Org) -> None:
    org.clock.current = AFTER_HOLDOUT
    seed_simulation(org.repos, simulate({"empathy": 10.0}, reps=30, seed=2), "Support", workspace="W1")
    service = EnablementDigests(org.repos, org.reporting, {"console": SlowDownChat(org.chat, retry_after_s=60)},  # type: ignore[dict-item]
                                org.clock, org.outbox)
    org.clock.current = DIGEST_MONDAY
    first = service.deliver_due()
    assert (first.delivered, first.rate_limited) == (1, 1)
    assert org.outbox.limiter.stats()["console"]["rate_limited"] == 1  # every sender to console paused
    [waiting] = [r for r in org.outbox.log.all(KIND) if r.status == "pending"]
    assert (waiting.attempts, waiting.error) == (0, "rate limited by console")
    org.clock.advance(minutes=15)  # the next run of the job
    again = service.deliver_due()
    assert (again.delivered, again.already) == (1, 1)
    sent = [ref.channel for ref, m in org.chat.posted if isinstance(m, Card) and m.title.startswith("Enablement")]
    assert len(sent) == 2 == len(set(sent))
