"""A whole Slack deployment in a test: fake Slack Web API, the real Bolt app under waitress, the real core.

Requests go to http://127.0.0.1:<port>/slack/events signed like Slack signs
them; everything the bot says comes back as calls recorded by the fake.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from adapters.slack import SlackAdapter, build_slack
from adapters.slack.server import make_server
from bot.app import Core, compose, make_buyer_and_judge
from bot.observability.http import shutdown
from bot.ports import BuyerPort, SpeechPort
from bot.settings import Settings
from scenarios.loader import ScenarioLibrary
from storage import Repositories
from tests.core.testbot import ManualClock
from tests.fakes.slack_api import BOT_TOKEN, FakeSlack, Message
from tests.fakes.slack_events import SIGNING_SECRET, SlackSender

REPS = {"U0DANA": ("Priya Shah", "Europe/London"), "U0LEE": ("Lee Okafor", "America/New_York"),
        "U0SAM": ("Sam Rivera", "Australia/Sydney")}


@dataclass
class SlackWorld:
    fake: FakeSlack
    sender: SlackSender
    adapter: SlackAdapter
    core: Core
    clock: ManualClock
    server: Any
    cleanups: list[Callable[[], None]] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.effective_port}"

    def dm(self, user: str) -> str:
        return self.fake.dm_channel_of(user)

    def start(self, user: str, scenario: str = "discovery-procurement-stall") -> str:
        """/practice <scenario>; returns the thread ts of the scenario card in the rep's DM."""
        before = len(self.fake.top_level(self.dm(user)))
        reply = self.sender.command("/practice", scenario, user)
        assert reply.status == 200, reply.body
        cards = self.fake.wait_for(lambda: len(self.fake.top_level(self.dm(user))) > before and
                                   self.fake.top_level(self.dm(user)))
        return cards[-1].ts

    def say(self, user: str, thread_ts: str, text: str, **kw: Any) -> list[Message]:
        """A rep's reply in the thread; returns the thread once the bot has answered it."""
        before = len(self.fake.in_thread(self.dm(user), thread_ts))
        reply = self.sender.message(user, self.dm(user), text, thread_ts=thread_ts, **kw)
        assert reply.status == 200, reply.body
        return self.fake.wait_thread(self.dm(user), thread_ts, before + 1)

    def settle(self) -> None:
        assert self.adapter.work.wait_idle(20)

    def close(self) -> None:
        for cleanup in reversed(self.cleanups):
            cleanup()


def make_world(db_url: str, *, speech: SpeechPort | None = None, buyer: BuyerPort | None = None,
               workers: int = 4, library: ScenarioLibrary | None = None, migrate: bool = True,
               **settings: Any) -> SlackWorld:
    fake = FakeSlack().start()
    for user, (name, tz) in REPS.items():
        fake.add_user(user, name, tz)
    config = Settings(**{"_env_file": None, "database_url": db_url, "slack_bot_token": BOT_TOKEN,
                         "slack_signing_secret": SIGNING_SECRET, "slack_api_url": fake.api_url,
                         "slack_app_token": None, **settings})
    clock = ManualClock()
    # What build_core does, with the scenario library and the migrated schema shared across tests.
    repos = Repositories.open(db_url, migrate=migrate)
    default_buyer, judge = make_buyer_and_judge(config, repos)
    core = compose(config, repos, library or ScenarioLibrary.load(), buyer or default_buyer, judge, clock,
                   speech=speech)
    adapter = build_slack(core, config, workers=workers)
    server = make_server(adapter.wsgi(), "127.0.0.1", 0, threads=4)
    thread = threading.Thread(target=server.run, name="waitress", daemon=True)
    thread.start()
    world = SlackWorld(fake, SlackSender("", response_url=fake.response_url("cmd")), adapter, core, clock, server)
    world.sender.url = f"{world.url}/slack/events"
    world.cleanups += [fake.stop, core.repos.db.dispose, adapter.close, lambda: thread.join(10), lambda: shutdown(server)]
    return world


@pytest.fixture(scope="session")
def library() -> ScenarioLibrary:
    return ScenarioLibrary.load()


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file; each test gets a copy (migrating takes a second or two)."""
    path = tmp_path_factory.mktemp("slack-template") / "rehearse.db"
    Repositories.open(f"sqlite:///{path}").db.dispose()
    return path


@pytest.fixture
def fresh_sqlite(migrated_sqlite: Path, tmp_path: Path) -> str:
    path = tmp_path / "rehearse.db"
    shutil.copy(migrated_sqlite, path)
    return f"sqlite:///{path}"


@pytest.fixture
def slack(fresh_sqlite: str, library: ScenarioLibrary) -> Iterator[SlackWorld]:
    world = make_world(fresh_sqlite, library=library, migrate=False)
    yield world
    world.close()


@pytest.fixture
def slack_any_db(db_url: str, library: ScenarioLibrary) -> Iterator[SlackWorld]:
    world = make_world(db_url, library=library)
    yield world
    world.close()
