"""A rep reaches their own history from /progress (Slack's `/rehearse progress`, Discord's `/progress`) and
from the App Home; the link opens only their sessions."""

from __future__ import annotations

import re
import tempfile
import uuid
from collections.abc import Iterator

import pytest

from adapters.slack.home import home_view
from adapters.web.app import ReportPages
from bot.app import Core, compose
from bot.messages import Inbound, PersonRef
from bot.practice import cards
from bot.practice.buyers.offline import OfflineBuyer
from bot.practice.judges.offline import OfflineJudge
from bot.settings import Settings
from scenarios.loader import ScenarioLibrary
from storage import Repositories
from tests.core.testbot import ManualClock, RecordingChat
from tests.web.conftest import PUBLIC_URL, Browser

REP = PersonRef("console", "W1", "U-ANA", "Ana Ruiz", "Europe/London")


def _core(db_url: str, secret: str | None) -> tuple[Core, RecordingChat, ManualClock]:
    clock, chat = ManualClock(), RecordingChat()
    settings = Settings(_env_file=None, database_url=db_url, data_dir=tempfile.mkdtemp(prefix="web-"),  # type: ignore[call-arg]
                        secret_key=secret, public_url=PUBLIC_URL)
    core = compose(settings, Repositories.open(db_url), ScenarioLibrary.load(), OfflineBuyer(), OfflineJudge(), clock,
                   chats={chat.platform: chat})
    return core, chat, clock


@pytest.fixture
def linked(sqlite_url: str) -> Iterator[tuple[Core, ManualClock]]:
    core, _, clock = _core(sqlite_url, "rep-link-secret")
    yield core, clock
    core.repos.db.dispose()


def _finish(core: Core, clock: ManualClock, who: PersonRef) -> str:
    from bot.messages import ActionEvent

    started = core.practice_service.start(who, "discovery-procurement-stall")
    clock.advance(seconds=30)
    core.practice_service.handle(Inbound(started.ref, who, uuid.uuid4().hex, clock.now(),
                                         "Before pricing, what is driving this for you right now?"))
    clock.advance(seconds=30)
    core.actions.dispatch(ActionEvent(started.ref, who, cards.FINISH, started.session.id, uuid.uuid4().hex,
                                      clock.now()))
    return started.session.id


def test_progress_hands_the_rep_a_link_to_every_session_with_its_scorecard(linked: tuple[Core, ManualClock]) -> None:
    core, clock = linked
    session = _finish(core, clock, REP)
    assert core.repos.sessions.get(session).state == "finished"  # type: ignore[union-attr]

    card = core.self_service.progress(REP)

    field = next(f for f in card.fields if f.title == "Your full history")
    url = re.search(rf"{re.escape(PUBLIC_URL)}/reports/\S+", field.value).group(0)  # type: ignore[union-attr]
    page = Browser(ReportPages(core.reports)).get(url)
    assert page.status == 200 and "Your practice" in page.text and "Ana Ruiz" in page.text
    assert f'id="s-{session}"' in page.text and "The discovery call that stalls into procurement" in page.text


def test_the_app_home_links_the_rep_to_their_history(linked: tuple[Core, ManualClock]) -> None:
    core, clock = linked
    _finish(core, clock, REP)
    home = core.home.view(REP)
    assert home is not None and home.rep is not None and home.rep.history_url is not None
    assert home.rep.history_url.startswith(f"{PUBLIC_URL}/reports/")
    blocks = str(home_view(home)["blocks"])
    assert f"<{home.rep.history_url}|Open your full practice history>" in blocks
    assert Browser(ReportPages(core.reports)).get(home.rep.history_url).status == 200


def test_without_a_secret_key_progress_and_the_home_carry_no_link(sqlite_url: str) -> None:
    core, _, clock = _core(sqlite_url, None)
    try:
        _finish(core, clock, REP)
        assert all(f.title != "Your full history" for f in core.self_service.progress(REP).fields)
        home = core.home.view(REP)
        assert home is not None and home.rep is not None and home.rep.history_url is None
    finally:
        core.repos.db.dispose()
