"""A push wave across many installed Slack workspaces: is every push sent with its own workspace's token?

N workspaces install Rehearse through "Add to Slack" (the real Bolt OAuth flow,
served by waitress, against the fake Slack Web API, which hosts them all and
knows which token belongs to which workspace). Every rep of every workspace
then has a push due, and the worker's push service delivers the wave through
the real Slack ChatPort. The fake records, for each call, the workspace of the
token and the workspace of the person or DM it named.

Prints the count of pushes (conversations.open and chat.postMessage calls)
made with another workspace's token: the target is 0. Run it as

    .venv/bin/python benchmarks/push_wave.py --workspaces 20 [--reps 3] [--database-url postgresql://...]
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.scheduling.pushes import PushPolicy, PushService  # noqa: E402
from scenarios.loader import ScenarioLibrary  # noqa: E402
from storage.repos.pushes import NewPush  # noqa: E402
from tests.fakes.slack_api import CLIENT_ID, CLIENT_SECRET  # noqa: E402
from tests.fakes.slack_browser import Browser, install  # noqa: E402
from tests.slack.conftest import make_world  # noqa: E402

PUSH_METHODS = ("conversations.open", "chat.postMessage")


def run(workspaces: int, reps: int, database_url: str | None) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        url = database_url or f"sqlite:///{Path(tmp) / 'rehearse.db'}"
        world = make_world(url, library=ScenarioLibrary.load(), slack_client_id=CLIENT_ID,
                           slack_client_secret=CLIENT_SECRET, slack_bot_token=None, data_dir=tmp)
        try:
            return _wave(world, workspaces, reps)
        finally:
            world.close()


def _wave(world, workspaces: int, reps: int) -> int:  # type: ignore[no-untyped-def]
    fake, core = world.fake, world.core
    fake.redirect_uri = f"{world.url}/slack/oauth_redirect"
    teams = [f"T{n:04d}WAVE" for n in range(workspaces)]
    started = time.perf_counter()
    for team in teams:
        fake.add_workspace(team, f"Workspace {team}")
        for r in range(reps):
            fake.add_user(f"U{team}R{r}", f"Rep {r} of {team}", "Europe/London", team_id=team)
        fake.approve_next_install(team)
        page = install(Browser(), world.url, fake)
        if page.status != 200:
            print(f"install of {team} failed: {page.status} {page.body[:200]}")
            return 2
    installed_s = time.perf_counter() - started

    now = core.clock.now()
    rows = []
    for team in teams:
        admin, _ = core.repos.people.ensure_person("slack", team, f"UADM{team}", now, "Admin")
        core.repos.people.update(admin.id, roles="enablement")
        ws = core.repos.people.ensure_workspace("slack", team, now)
        squad = core.repos.people.ensure_team(ws.id, "Sales", now)
        core.cadences.set(admin.id, squad.id, {"sessions_per_week": 3})
        for r in range(reps):
            user = f"U{team}R{r}"
            person, _ = core.repos.people.ensure_person("slack", team, user, now, f"Rep {r}", "Europe/London")
            core.repos.people.update(person.id, team_id=squad.id)
            rows.append(NewPush(f"push:wave:{user}", "push", person.id, now))
    core.scheduling.outbox.enqueue(rows)
    before = len(fake.calls)
    pushes = PushService(core.repos, core.practice_service, core.library, core.cadences, core.scheduling.outbox,
                         PushPolicy())
    started = time.perf_counter()
    report = pushes.deliver_due()
    wave_s = time.perf_counter() - started

    calls = [c for c in fake.calls[before:] if c.method in PUSH_METHODS]
    wrong = [c for c in calls if c.wrong_workspace]
    cards = Counter(c.args.get("channel") for c in calls if c.method == "chat.postMessage" and c.ok)
    token_of = {team: fake.token_of(team) for team in teams}
    stale = [c for c in calls if c.team is not None and c.token != token_of[c.team]]
    print(f"workspaces installed:        {workspaces} in {installed_s:.1f} s (Add to Slack, end to end)")
    print(f"pushes due:                  {len(rows)} ({reps} reps per workspace)")
    print(f"pushes sent:                 {report.sent} (failed {report.failed}, retried {report.retried}, "
          f"skipped {report.skipped})")
    print(f"cards delivered:             {len(cards)} DMs, {max(cards.values(), default=0)} at most per DM")
    print(f"wave time:                   {wave_s:.1f} s ({report.sent / wave_s:.1f} pushes/s at the "
          f"process's Slack rate limit)")
    print(f"Slack calls in the wave:     {len(calls)} ({', '.join(PUSH_METHODS)})")
    print(f"calls with a stale token:    {len(stale)}")
    print(f"pushes with the wrong token: {len(wrong)} (target 0)")
    ok = not wrong and not stale and report.sent == len(rows) and len(cards) == len(rows)
    return 0 if ok else 1


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workspaces", type=int, default=20)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    sys.exit(run(args.workspaces, args.reps, args.database_url))
