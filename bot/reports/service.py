"""ReportService: who may open which report page, and what the page holds.

Access is decided here, in the core, with the digests' own privacy scopes
(storage/repos/digests.py `TeamView`): a manager sees their current reports; a rep
sees themself; enablement sees team aggregates and programme effects, no rep named.
A link only ever opens what its owner may see *now*: the owner must still be active,
still hold the view's role, and the link must be younger than their last revocation.
A person deleted (or who left the team) drops out of every page at once, because
every page is computed from the database when it is opened, never from a stored copy.

Transcripts follow the digests' rule: the rep's own, always; their manager's, once the
rep shared that session. The scorecard (scores, evidence, feedback) is the digest's
detail and is shown to the manager.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Protocol

from bot.digests.charts import ChartRenderer
from bot.digests.compose import DigestPolicy, behavior_name, compose
from bot.digests.model import DigestData
from bot.digests.periods import PERIOD_DAYS, Period, period_containing, trailing
from bot.digests.service import DigestService, NotAManager
from bot.ports import Clock
from bot.reports import pages
from bot.reports.links import (
    ENABLEMENT,
    MANAGER,
    REP,
    Grant,
    LinkError,
    LinkForbidden,
    LinkRevoked,
    LinkSigner,
    ReportsOff,
)
from scenarios.loader import ScenarioLibrary, UnknownScenario
from scheduler.hours import zone
from storage import Repositories
from storage.models import BehaviorScoreRecord
from storage.repos.digests import AccessDenied, TeamView
from storage.repos.links import LinkRevocations

if TYPE_CHECKING:
    from bot.digests.enablement import EnablementDigests

HISTORY_SESSIONS = 200  # a rep's page lists this many of their latest sessions (about a year at 3 a week)


class _Closed(Protocol):
    """A session row as the repositories give it (a table row or a viewer-scoped summary)."""

    @property
    def id(self) -> str: ...
    @property
    def scenario_id(self) -> str: ...
    @property
    def state(self) -> str: ...
    @property
    def finished_at(self) -> datetime | None: ...


class PageNotFound(LinkError):
    status = 404
    title = "Nothing here"


@dataclass(frozen=True)
class Opened:
    """A verified link and the viewer it belongs to."""

    grant: Grant
    view: TeamView

    @property
    def person_id(self) -> int:
        return self.grant.person_id


class ReportService:
    def __init__(self, repos: Repositories, library: ScenarioLibrary, clock: Clock, signer: LinkSigner | None,
                 digests: DigestService, enablement: EnablementDigests | None = None,
                 charts: ChartRenderer | None = None, policy: DigestPolicy = DigestPolicy()) -> None:
        self.repos = repos
        self.library = library
        self.clock = clock
        self.signer = signer
        self.digests = digests
        self.enablement = enablement
        self.charts = charts or digests.charts
        self.policy = policy
        self.revocations = LinkRevocations(repos.db)

    @property
    def enabled(self) -> bool:
        return self.signer is not None

    # ---- links ------------------------------------------------------------------

    def link(self, person_id: int, view: str, period: date | None = None) -> str:
        """A fresh link to `view` for this person; ReportsOff without SECRET_KEY, LinkForbidden when the
        person may not have that view (a manager report for someone who manages no one)."""
        signer = self._signer()
        self._viewer(person_id, view)  # never hand out a link that would not open
        return signer.url(person_id, view, period)

    def revoke(self, person_id: int) -> None:
        """Every link this person holds stops opening; links handed out afterwards work."""
        self.revocations.revoke(person_id, self.clock.now())

    def open(self, token: str) -> Opened:
        grant = self._signer().verify(token)
        revoked = self.revocations.revoked_at(grant.person_id)
        if revoked is not None and grant.issued_at <= revoked:
            raise LinkRevoked("This link was withdrawn. Ask for a fresh one: press “Open the full report” "
                              "again, or use /progress.")
        return Opened(grant, self._viewer(grant.person_id, grant.view))

    def _signer(self) -> LinkSigner:
        if self.signer is None:
            raise ReportsOff("Set SECRET_KEY to serve report pages; without it no link can be trusted, so none "
                             "is served.")
        return self.signer

    def _viewer(self, person_id: int, view: str) -> TeamView:
        try:
            viewer = TeamView.for_viewer(self.repos.db, person_id)
        except AccessDenied:
            raise LinkRevoked("The person this link was made for is no longer here, so it shows nothing.") from None
        if view == MANAGER and not viewer.is_manager:
            raise LinkForbidden("The team report is for managers, and this link's owner is not one.")
        if view == ENABLEMENT and not viewer.is_enablement:
            raise LinkForbidden("The enablement report is for the enablement team, and this link's owner is not "
                                "in it.")
        return viewer

    # ---- pages ------------------------------------------------------------------

    def manager_page(self, opened: Opened) -> pages.ManagerPage:
        self._require(opened, MANAGER)
        data = self._digest(opened)
        return pages.ManagerPage(data, pages.chart_text(data))

    def rep_page(self, opened: Opened, person_id: int) -> pages.RepPage:
        """One report's drill-down, for the period of the manager's link."""
        self._require(opened, MANAGER)
        if not opened.view.may_see_person(person_id) or person_id == opened.person_id:
            raise LinkForbidden("That person doesn't report to the owner of this link.")
        data = self._digest(opened)
        rep = next((r for r in data.reps if r.person_id == person_id), None)
        if rep is None:
            raise LinkForbidden("That person doesn't report to the owner of this link.")
        tz = opened.view.viewer.tz
        start, end = Period(data.period_start, data.period_end).utc_bounds(tz)
        rows = [s for s in self._sessions(opened.view, person_id) if start <= s.when < end]
        return pages.RepPage(data, rep, tuple(rows))

    def history_page(self, opened: Opened) -> pages.HistoryPage:
        """A rep's own history: every session with its scorecard, and their trend per behavior."""
        self._require(opened, REP)
        view = opened.view
        me = view.me()
        now = self.clock.now()
        today = now.astimezone(zone(me.tz)).date()
        sessions = self._sessions(view, me.person_id)
        # "This period" is the one of their latest session: a rep opening the page on the first morning of
        # a period sees their last figures, not a row of "no sessions".
        latest = sessions[0].when.astimezone(zone(me.tz)).date() if sessions else today
        weekday = me.cadence.digest_weekday if me.cadence else 0
        trend = trailing(period_containing(min(latest, today), weekday), self.policy.trend_periods)
        inputs = view.my_scores([p.utc_bounds(me.tz) for p in trend])
        data = compose(me.person_id, me.display_name, inputs, trend, now, today, self.library.all(), self.policy)
        chart = self.charts.render(data)
        return pages.HistoryPage(me.display_name, data, data.reps[0], chart, pages.chart_text(data, "Your"),
                                 tuple(sessions))

    def session_page(self, opened: Opened, session_id: str) -> pages.SessionPage:
        """One session's scorecard and transcript, for its rep or (scorecard; transcript if shared) their manager."""
        session = self.repos.sessions.get(session_id)
        owner = session.person_id if session is not None else None
        allowed = owner is not None and (
            owner == opened.person_id if opened.grant.view == REP
            else opened.grant.view == MANAGER and owner != opened.person_id and opened.view.may_see_person(owner))
        if session is None or not allowed:
            raise PageNotFound("There is no session here that this link can open.")  # never say which ids exist
        person = self.repos.people.get(session.person_id)
        name = person.display_name if person else "this rep"
        row = self._rows([session], self.repos.sessions.scores_for_session(session_id))[0]
        own = owner == opened.person_id
        try:
            turns = opened.view.transcript(session_id)
            lines = tuple(pages.TranscriptLine(t.speaker, t.text) for t in turns)
            blanked = sum(1 for t in turns if t.text is None)
            note = None
            if turns and blanked == len(turns):
                note = "The words of this session were removed by the transcript retention policy; the scores stay."
            elif blanked:
                note = "Some lines were removed by the transcript retention policy."
            elif not turns:
                note = "This session has no transcript."
        except AccessDenied:
            lines = ()
            first = name.split()[0] if name.strip() else name
            note = (f"The transcript stays private to {first}: reps choose which sessions their manager may read. "
                    "The scorecard above is what the digest is built on.")
        return pages.SessionPage(name, row, lines, note, own, bool(session.shared_with_manager))

    def share(self, opened: Opened, session_id: str, shared: bool = True) -> None:
        """The rep lets their manager read (or stops letting them read) one of their own sessions."""
        session = self.repos.sessions.get(session_id)
        if session is None or opened.grant.view != REP or session.person_id != opened.person_id:
            raise PageNotFound("There is no session here that this link can open.")
        self.repos.sessions.update(session_id, shared_with_manager=shared)

    def enablement_page(self, opened: Opened) -> pages.EnablementPage:
        self._require(opened, ENABLEMENT)
        if self.enablement is None:
            raise PageNotFound("The enablement report isn't available in this process.")
        period = self._period(opened.grant.period)
        return pages.EnablementPage(self.enablement.build(opened.person_id, period if period else "last"))

    def chart(self, opened: Opened) -> bytes:
        if opened.grant.view == MANAGER:
            return self.charts.render(self.manager_page(opened).data)
        return self.history_page(opened).chart

    # ---- helpers ----------------------------------------------------------------

    @staticmethod
    def _require(opened: Opened, view: str) -> None:
        if opened.grant.view != view:
            raise LinkForbidden(f"This link opens the {opened.grant.view} view, not the {view} view.")

    @staticmethod
    def _period(start: date | None) -> Period | None:
        return Period(start, start + timedelta(days=PERIOD_DAYS - 1)) if start else None

    def _digest(self, opened: Opened) -> DigestData:
        period = self._period(opened.grant.period)
        try:
            return self.digests.figures(opened.person_id, period or "last")
        except NotAManager:
            raise LinkForbidden("The team report is for managers, and this link's owner is not one.") from None

    def _sessions(self, view: TeamView, person_id: int) -> list[pages.SessionRow]:
        """The person's closed sessions, newest first, with their scores: two queries whatever the count."""
        sessions = [s for s in view.sessions_of(person_id, limit=HISTORY_SESSIONS) if s.finished_at is not None]
        return self._rows(sessions, self.repos.sessions.scores_of_person(person_id))

    def _rows(self, sessions: Sequence[_Closed], scores: Sequence[BehaviorScoreRecord]) -> list[pages.SessionRow]:
        by_session: dict[str, list[pages.ScoreLine]] = defaultdict(list)
        for sc in scores:
            by_session[sc.session_id].append(pages.score_line(sc.behavior, behavior_name(sc.behavior), sc.score,
                                                              sc.detected, sc.evidence, sc.feedback))
        rows = []
        for s in sessions:
            when = s.finished_at
            if when is None:
                continue
            rows.append(pages.SessionRow(s.id, self._title(s.scenario_id), s.state,
                                         when if when.tzinfo else when.replace(tzinfo=UTC),
                                         tuple(by_session.get(s.id, ()))))
        return sorted(rows, key=lambda r: r.when, reverse=True)

    def _title(self, scenario_id: str) -> str:
        try:
            return self.library.get(scenario_id).title
        except UnknownScenario:
            return scenario_id.replace("-", " ").capitalize()
