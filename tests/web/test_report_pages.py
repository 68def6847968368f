"""What a manager, a rep and an enablement lead see when they open their report link."""

from __future__ import annotations

import html
import re
from datetime import timedelta

from adapters.web.app import mount
from bot.digests.periods import Period
from storage.models import BehaviorScoreRecord, TurnRecord
from tests.digests.conftest import DIGEST_DAY
from tests.web.conftest import PUBLIC_URL, Browser, ReportWorld

NO_STORE = "private, no-store"


def _page(text: str) -> str:
    return html.unescape(text)


def _scored_session(w: ReportWorld, rep: int, at, shared: bool = False) -> str:  # type: ignore[no-untyped-def]
    """A finished session with a full scorecard (evidence and feedback) and a two-line transcript."""
    sid = w.add_session(rep, at, {}, shared=shared)
    w.repos.sessions.save_scores([BehaviorScoreRecord(
        session_id=sid, person_id=rep, behavior="open_question", score=82, detected=True,
        evidence=["What would it mean for your team if renewals stalled?"],
        feedback={"went_well": "You asked about impact first.", "try_next": "Follow up on the number they give.",
                  "rewrite": "How many renewals slipped last quarter?"}, created_at=at)])
    w.repos.sessions.add_turns([
        TurnRecord(session_id=sid, seq=1, speaker="buyer", text="We are stuck in procurement.", created_at=at),
        TurnRecord(session_id=sid, seq=2, speaker="rep", text="What would it mean for your team if renewals stalled?",
                   created_at=at)])
    return sid


def test_a_managers_link_opens_the_team_report_with_every_rep_and_behavior(sqlite_rworld: ReportWorld) -> None:
    w = sqlite_rworld
    seeded = w.seed(reps_per_manager=8)
    manager = seeded.manager_ids[0]
    url = w.link(manager)
    assert url.startswith(f"{PUBLIC_URL}/reports/")

    page = w.browser.get(url)

    assert page.status == 200 and page.headers["Content-Type"].startswith("text/html")
    assert page.headers["Cache-Control"] == NO_STORE and page.headers["Referrer-Policy"] == "no-referrer"
    built = w.service.build(manager)
    text = _page(page.text)
    assert built.data.headline in text and built.data.period_label in text
    team_table = text[text.index('id="team-table"'):text.index('id="actions"')]
    for rep in built.data.reps:
        assert rep.name in team_table and rep.status_label in team_table and rep.action.text in text
    for b in built.data.behaviors:  # the same numbers, formatted as the chat card formats them
        assert b.name in text and b.change_label() in text and b.slope.label() in text


def test_the_chart_loads_as_an_image_with_a_text_alternative_and_a_table_fallback(sqlite_rworld: ReportWorld) -> None:
    w = sqlite_rworld
    seeded = w.seed(reps_per_manager=4)
    url = w.link(seeded.manager_ids[0])
    text = _page(w.browser.get(url).text)
    img = re.search(r'<img src="([^"]+)" alt="([^"]+)"', text)
    assert img is not None and img.group(1).endswith("/chart.png")
    assert img.group(2).startswith("Line chart of team average per behavior") and "→" in img.group(2)
    assert "The chart's numbers as a table" in text
    chart = w.browser.get(img.group(1))
    assert chart.status == 200 and chart.headers["Content-Type"] == "image/png"
    assert chart.body.startswith(b"\x89PNG") and chart.headers["Cache-Control"] == NO_STORE


def test_a_rep_drill_down_shows_their_trend_their_one_action_and_their_sessions_in_the_period(
        sqlite_rworld: ReportWorld) -> None:
    w = sqlite_rworld
    seeded = w.seed(reps_per_manager=3)
    manager, rep = seeded.manager_ids[0], seeded.rep_ids[0][0]
    url = w.link(manager)
    period = w.service.build(manager).data
    inside = _scored_session(w, rep, DIGEST_DAY - timedelta(days=2))
    before = _scored_session(w, rep, DIGEST_DAY - timedelta(days=40))

    text = _page(w.browser.get(f"{url}/reps/{rep}").text)

    summary = next(r for r in w.service.build(manager).data.reps if r.person_id == rep)
    assert summary.name in text and summary.action.text in text and period.period_label in text
    for f in summary.behaviors:
        assert f.name in text and f.slope.label() in text
    assert f"/sessions/{inside}" in text and f"/sessions/{before}" not in text


def test_a_session_opens_to_its_scorecard_and_the_transcript_stays_private_until_the_rep_shares_it(
        sqlite_rworld: ReportWorld) -> None:
    w = sqlite_rworld
    seeded = w.seed(reps_per_manager=2)
    manager, rep = seeded.manager_ids[0], seeded.rep_ids[0][0]
    sid = _scored_session(w, rep, DIGEST_DAY - timedelta(days=1))
    manager_url, rep_url = w.link(manager), w.link(rep, "rep")

    text = _page(w.browser.get(f"{manager_url}/sessions/{sid}").text)
    assert "Open questions" in text and "82/100" in text
    assert "“What would it mean for your team if renewals stalled?”" in text  # the evidence quote
    assert "You asked about impact first." in text and "How many renewals slipped last quarter?" in text
    assert "We are stuck in procurement." not in text and "stays private to" in text

    own = _page(w.browser.get(f"{rep_url}/sessions/{sid}").text)
    assert "We are stuck in procurement." in own and "Share this session with my manager" in own
    shared = w.browser.post(f"{rep_url}/sessions/{sid}/share", "shared=1")
    assert shared.status == 303 and shared.headers["Location"].endswith(f"/sessions/{sid}")

    text = _page(w.browser.get(f"{manager_url}/sessions/{sid}").text)
    assert "We are stuck in procurement." in text and "stays private" not in text
    assert "Share this session" not in text  # only the rep decides


def test_a_transcript_blanked_by_retention_says_so_and_keeps_the_scores(sqlite_rworld: ReportWorld) -> None:
    w = sqlite_rworld
    seeded = w.seed(reps_per_manager=1)
    rep = seeded.rep_ids[0][0]
    sid = _scored_session(w, rep, DIGEST_DAY - timedelta(days=1))
    from bot.people.privacy import PrivacyService
    from bot.settings import Settings

    PrivacyService(w.repos, Settings(transcript_retention_days=0, data_dir=str(w.data_dir)), w.clock).purge_expired()

    text = _page(w.browser.get(f"{w.link(rep, 'rep')}/sessions/{sid}").text)
    assert "82/100" in text and "We are stuck in procurement." not in text
    assert "removed by the transcript retention policy" in text


def test_a_reps_own_history_lists_every_session_with_its_scorecard_and_their_trend(sqlite_rworld: ReportWorld) -> None:
    w = sqlite_rworld
    seeded = w.seed(reps_per_manager=2)
    rep = seeded.rep_ids[0][0]
    sid = _scored_session(w, rep, DIGEST_DAY - timedelta(days=1))
    finished = [s for s in w.repos.sessions.sessions_of(rep, limit=500) if s.finished_at is not None]

    page = w.browser.get(w.link(rep, "rep"))

    text = _page(page.text)
    assert page.status == 200 and page.headers["Cache-Control"] == NO_STORE
    assert "Your practice" in text and f"{len(finished)} sessions so far" in text
    assert text.count('<article class="session"') == len(finished)
    assert f'id="s-{sid}"' in text and "You asked about impact first." in text
    assert "Your trend per behavior" in text and "pts/session" in text
    colleague = w.repos.people.get(seeded.rep_ids[0][1])
    assert colleague is not None and colleague.display_name not in text


def test_the_enablement_report_shows_team_figures_and_never_names_a_rep(sqlite_rworld: ReportWorld) -> None:
    w = sqlite_rworld
    seeded = w.seed(reps_per_manager=5)
    erin = w.person("U-erin", "enablement")
    page = w.browser.get(w.link(erin, "enablement"))
    text = _page(page.text)
    assert page.status == 200 and "Enablement report" in text and "no rep is named here" in text
    built = w.reports.enablement.build(erin, "last")  # type: ignore[union-attr]
    team = next(t for t in built.teams if t.team_id == seeded.team_ids[0])
    assert team.name in text and team.behaviors
    for line in team.behaviors:
        assert line.name in text and f"{line.mean:.0f}" in text
    for rep_id in seeded.rep_ids[0]:
        person = w.repos.people.get(rep_id)
        assert person is not None and person.display_name not in text


def test_without_a_secret_key_no_link_is_handed_out_and_no_page_is_served(sqlite_url: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import pytest

    from bot.reports.links import ReportsOff

    w = ReportWorld(sqlite_url, tmp_path / "var", secret=None)
    try:
        seeded = w.seed(reps_per_manager=1)
        with pytest.raises(ReportsOff, match="SECRET_KEY"):
            w.link(seeded.manager_ids[0])
        page = w.browser.get("/reports/anything")
        assert page.status == 503 and "SECRET_KEY" in page.text and page.headers["Cache-Control"] == NO_STORE
        off = Browser(mount(None, lambda environ, start: [b""]))
        assert off.get("/reports/x").status == 503
    finally:
        w.repos.db.dispose()


def test_the_report_pages_sit_beside_other_routes_and_unknown_addresses_get_a_page(sqlite_rworld: ReportWorld) -> None:
    w = sqlite_rworld

    def other(environ, start_response):  # type: ignore[no-untyped-def]
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"slack"]

    both = Browser(mount(w.browser.app, other))
    assert both.get("/healthz").body == b"slack"
    missing = both.get("/reports/x/y/z/w")
    assert missing.status == 404 and "This address is not a report" in missing.text
    css = both.get("/reports/static/report.css")
    assert css.status == 200 and css.headers["Content-Type"].startswith("text/css") and b"@media print" in css.body
    assert both.post("/reports/abc", "").status == 405


def test_a_link_for_an_earlier_period_opens_that_period(sqlite_rworld: ReportWorld) -> None:
    w = sqlite_rworld
    seeded = w.seed(reps_per_manager=2)
    last = w.service.build(seeded.manager_ids[0]).data
    earlier = Period(last.period_start, last.period_end).shift(-1)
    url = w.reports.link(seeded.manager_ids[0], "manager", earlier.start)
    assert earlier.label() in _page(w.browser.get(url).text)
