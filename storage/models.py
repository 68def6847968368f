"""SQLModel tables: the whole persistent state of Rehearse.

The schema is shaped for everything the bot does: practice sessions and their
turns (text or voice), per-behavior scores, cadences and the push log that makes
pushes idempotent, digests, LLM token usage, and the inbound-event ledger that
turns platform retries into no-ops. Timestamps are timezone-aware UTC (sqlmodel refuses naive ones).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Float, Index, LargeBinary, Text, Unicode, UniqueConstraint
from sqlmodel import Field, SQLModel


class Workspace(SQLModel, table=True):
    """A Slack workspace, a Discord guild, or the local console."""

    __table_args__ = (UniqueConstraint("platform", "external_id"),)
    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=16)
    external_id: str = Field(max_length=64)
    name: str = Field(default="", max_length=200)
    created_at: datetime


class Team(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("workspace_id", "name"),)
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    name: str = Field(max_length=200)
    created_at: datetime


class Person(SQLModel, table=True):
    """A rep, manager or enablement admin, as known on one platform."""

    __table_args__ = (UniqueConstraint("workspace_id", "platform_user_id"),)
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    platform: str = Field(max_length=16)
    platform_user_id: str = Field(max_length=64)
    display_name: str = Field(default="", max_length=200)
    email: str | None = Field(default=None, max_length=320)
    tz: str = Field(default="UTC", max_length=64)
    # Comma-separated subset of rep,manager,enablement: a person may hold several.
    roles: str = Field(default="rep", max_length=64)
    team_id: int | None = Field(default=None, foreign_key="team.id", index=True)
    manager_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    # Cached so a push wave never calls conversations.open / users.info again.
    dm_channel_id: str | None = Field(default=None, max_length=64)
    profile_fetched_at: datetime | None = None
    snoozed_until: date | None = None
    country: str | None = Field(default=None, max_length=8)
    created_at: datetime
    deleted_at: datetime | None = None

    def has_role(self, role: str) -> bool:
        return role in self.roles.split(",")


class ScenarioRecord(SQLModel, table=True):
    """A scenario version as it was when sessions used it (the YAML can change later)."""

    __tablename__ = "scenario"
    id: str = Field(primary_key=True, max_length=100)
    version: int = Field(primary_key=True)
    title: str = Field(max_length=300)
    kind: str = Field(default="practice", max_length=20)
    behaviors: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    checksum: str = Field(max_length=64)
    body: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    loaded_at: datetime


class Cadence(SQLModel, table=True):
    """How often a team practises, set by enablement."""

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id", index=True, unique=True)
    sessions_per_week: int = 3
    weekdays: list[int] = Field(default_factory=lambda: [0, 1, 2, 3, 4], sa_column=Column(JSON, nullable=False))
    window_start: str = Field(default="09:00", max_length=5)  # local HH:MM
    window_end: str = Field(default="17:00", max_length=5)
    min_spacing_hours: int = 24
    start_date: date | None = None
    end_date: date | None = None
    scenario_ids: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    behaviors: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    holidays_country: str | None = Field(default=None, max_length=8)
    nudge_after_hours: int | None = None  # None: the next working morning
    max_nudges: int = 2
    digest_weekday: int = 0
    digest_hour: int = 8
    updated_by: int | None = Field(default=None, foreign_key="person.id")
    updated_at: datetime


class PracticeSession(SQLModel, table=True):
    """One scenario run by one rep: offered, started, finished, abandoned or expired."""

    __tablename__ = "practice_session"
    __table_args__ = (
        Index("ix_session_thread", "platform", "channel", "thread"),
        Index("ix_session_person_state", "person_id", "state"),
    )
    id: str = Field(primary_key=True, max_length=36)
    person_id: int = Field(foreign_key="person.id")
    scenario_id: str = Field(max_length=100)
    scenario_version: int = 1
    kind: str = Field(default="practice", max_length=20)  # practice | assessment
    state: str = Field(default="offered", max_length=20, index=True)
    platform: str = Field(max_length=16)
    workspace: str = Field(max_length=64)
    channel: str = Field(default="", max_length=64)
    thread: str | None = Field(default=None, max_length=64)
    push_key: str | None = Field(default=None, max_length=200, index=True)
    programme_id: int | None = None
    buyer_state: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    buyer_engine: str = Field(default="offline", max_length=60)
    judge_engine: str | None = Field(default=None, max_length=60)
    offered_at: datetime
    started_at: datetime | None = None
    last_activity_at: datetime
    finished_at: datetime | None = None
    expires_at: datetime | None = None
    nudges_sent: int = 0
    shared_with_manager: bool = False


class TurnRecord(SQLModel, table=True):
    __tablename__ = "turn"
    __table_args__ = (UniqueConstraint("session_id", "seq"),)
    id: int | None = Field(default=None, primary_key=True)
    session_id: str = Field(foreign_key="practice_session.id", index=True, max_length=36)
    seq: int
    speaker: str = Field(max_length=10)  # rep | buyer
    text: str | None = Field(default=None, sa_column=Column(Text))  # None once purged
    engine: str | None = Field(default=None, max_length=60)  # buyer engine or STT engine
    audio_ref: str | None = Field(default=None, max_length=500)
    audio_duration_s: float | None = None
    delivery: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    latency_s: float | None = None
    event_id: str | None = Field(default=None, max_length=200)
    created_at: datetime
    purged_at: datetime | None = None
    # When a buyer line reached the platform. None: stored, then the process died or the platform
    # failed before it was sent; a restart or the platform's retry sends it then, instead of losing it.
    sent_at: datetime | None = None


class BehaviorScoreRecord(SQLModel, table=True):
    __tablename__ = "behavior_score"
    __table_args__ = (
        UniqueConstraint("session_id", "behavior"),
        Index("ix_score_person_time", "person_id", "created_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    session_id: str = Field(foreign_key="practice_session.id", max_length=36)
    person_id: int = Field(foreign_key="person.id")
    behavior: str = Field(max_length=60)
    score: int
    detected: bool
    level: int = 0
    confidence: float = 1.0
    engine: str = Field(default="offline", max_length=60)
    evidence: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    feedback: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime


class PushLog(SQLModel, table=True):
    """Every scheduled push, nudge and digest; the unique key makes delivery idempotent."""

    __tablename__ = "push_log"
    id: int | None = Field(default=None, primary_key=True)
    idempotency_key: str = Field(max_length=200, unique=True)
    kind: str = Field(max_length=20)  # push | nudge | expire | digest
    person_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    due_at: datetime = Field(index=True)
    scenario_id: str | None = Field(default=None, max_length=100)
    session_id: str | None = Field(default=None, max_length=36)
    status: str = Field(default="pending", max_length=20, index=True)  # pending|claimed|sent|failed|skipped
    attempts: int = 0
    claimed_by: str | None = Field(default=None, max_length=100)
    claimed_at: datetime | None = None
    sent_at: datetime | None = None
    error: str | None = Field(default=None, sa_column=Column(Text))
    created_at: datetime
    # A failed attempt waits until then (exponential backoff, or the platform's Retry-After).
    retry_at: datetime | None = None


class DigestRecord(SQLModel, table=True):
    __tablename__ = "digest"
    __table_args__ = (UniqueConstraint("manager_id", "period_start"),)
    id: int | None = Field(default=None, primary_key=True)
    manager_id: int = Field(foreign_key="person.id", index=True)
    period_start: date
    period_end: date
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    chart_path: str | None = Field(default=None, max_length=500)
    created_at: datetime
    delivered_at: datetime | None = None


class InboundEvent(SQLModel, table=True):
    """Ledger of platform events already taken; inserting a duplicate key fails by design."""

    __tablename__ = "inbound_event"
    key: str = Field(primary_key=True, max_length=200)
    created_at: datetime = Field(index=True)
    # The event itself, from acknowledgement until it is handled (then None): what a restart resumes.
    payload: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON(none_as_null=True), nullable=True))
    # Where the event belongs (a session's lock key) and when the platform says it was sent: the
    # process holding a conversation's lock handles that conversation's earlier events first.
    conversation: str | None = Field(default=None, max_length=200, index=True)
    sent_at: datetime | None = None


class LlmUsage(SQLModel, table=True):
    __tablename__ = "llm_usage"
    id: int | None = Field(default=None, primary_key=True)
    session_id: str | None = Field(default=None, max_length=36, index=True)
    person_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    purpose: str = Field(max_length=20)  # buyer | judge
    provider: str = Field(default="anthropic", max_length=20)  # anthropic | openai (bot/llm/providers.py)
    model: str = Field(max_length=80)
    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0
    ok: bool = True
    created_at: datetime = Field(index=True)


class SchedulerJob(SQLModel, table=True):
    """APScheduler's persistent job store, declared here so migrations own its schema.

    Same columns as apscheduler.jobstores.sqlalchemy.SQLAlchemyJobStore creates."""

    __tablename__ = "apscheduler_jobs"
    id: str = Field(sa_column=Column(Unicode(191), primary_key=True))
    next_run_time: float | None = Field(default=None, sa_column=Column(Float(25), index=True))
    job_state: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class Programme(SQLModel, table=True):
    """An impact programme (issue #11): assess, practise, reassess, and compare with a holdout."""

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id", index=True)
    name: str = Field(max_length=200)
    behaviors: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    holdout_share: float = 0.0
    seed: int  # the random.Random seed that chose the holdout, so the choice can be replayed
    start_date: date
    holdout_until: date | None = None  # a random holdout joins practice on this date
    assessment_every_weeks: int = 4
    # Staggered start instead of a random holdout: {"<team id>": weeks after start_date}.
    stagger: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    ended_on: date | None = None  # no assessments are pushed from this date on
    created_by: int | None = Field(default=None, foreign_key="person.id")
    created_at: datetime


class ProgrammeMember(SQLModel, table=True):
    """A rep in a programme, their cohort, and the day their practice may begin."""

    __tablename__ = "programme_member"
    __table_args__ = (UniqueConstraint("programme_id", "person_id"),)
    id: int | None = Field(default=None, primary_key=True)
    programme_id: int = Field(foreign_key="programme.id", index=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    cohort: str = Field(max_length=10)  # practice | holdout
    team_id: int | None = Field(default=None, foreign_key="team.id")  # the team at enrolment (stagger waves)
    practice_from: date  # holdout reps: the end of their holdout
    joined_at: datetime


class OutcomeFigure(SQLModel, table=True):
    """A per-rep business figure imported by enablement (CSAT, conversion...), shown as correlation only."""

    __tablename__ = "outcome_figure"
    __table_args__ = (UniqueConstraint("person_id", "period", "metric"),)
    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    period: str = Field(max_length=20)  # YYYY-MM, YYYY-Qn, YYYY-Www or YYYY-MM-DD
    metric: str = Field(max_length=60)
    value: float
    imported_at: datetime


class WorkspaceScenario(SQLModel, table=True):
    """A scenario version a workspace authored (issue #23): a draft, published, superseded, retired or discarded.

    The shipped library and SCENARIOS_DIR are the base every workspace sees; the latest published or
    retired row of an id adds to that base, overrides it or (retired) takes the id away, for this
    workspace only. Sessions keep their own copy of the version they ran (ScenarioRecord)."""

    __tablename__ = "workspace_scenario"
    __table_args__ = (
        UniqueConstraint("workspace_id", "scenario_id", "version"),
        Index("ix_workspace_scenario_status", "workspace_id", "status"),
    )
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id")
    scenario_id: str = Field(max_length=100)
    version: int
    status: str = Field(default="draft", max_length=20)  # draft | published | superseded | retired | discarded
    source: str = Field(default="yaml", max_length=20)  # description | form | yaml
    title: str = Field(default="", max_length=300)
    body: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    author_id: int | None = Field(default=None, foreign_key="person.id")
    created_at: datetime
    published_at: datetime | None = None
    published_by: int | None = Field(default=None, foreign_key="person.id")
    retired_at: datetime | None = None


class SlackInstallation(SQLModel, table=True):
    """One Slack workspace's installation of the app (issue #22), found by team_id or enterprise_id.

    One row per workspace (or per Enterprise Grid org, for an org-wide install), rewritten on
    reinstall and on token rotation. Uninstalling clears the tokens and sets `uninstalled_at`; the
    row stays until the retention job purges the workspace's practice data, so a reinstall within
    the grace period finds everything as it was."""

    __tablename__ = "slack_installation"
    id: int | None = Field(default=None, primary_key=True)
    # team_id, or "E:<enterprise_id>" for an org-wide install: one non-null unique key, because
    # SQLite and PostgreSQL both let NULLs repeat under a unique (enterprise_id, team_id).
    install_key: str = Field(max_length=80, unique=True)
    enterprise_id: str | None = Field(default=None, max_length=32, index=True)
    enterprise_name: str | None = Field(default=None, max_length=200)
    team_id: str | None = Field(default=None, max_length=32, index=True)
    team_name: str | None = Field(default=None, max_length=200)
    app_id: str | None = Field(default=None, max_length=32)
    bot_token: str | None = Field(default=None, max_length=255)
    bot_id: str | None = Field(default=None, max_length=32)
    bot_user_id: str | None = Field(default=None, max_length=32)
    bot_scopes: str = Field(default="", max_length=1000)  # comma-separated, as Slack sends them
    bot_refresh_token: str | None = Field(default=None, max_length=255)  # set when token rotation is on
    bot_token_expires_at: datetime | None = None
    installer_user_id: str | None = Field(default=None, max_length=32)
    is_enterprise_install: bool = False
    token_type: str | None = Field(default=None, max_length=32)
    installed_at: datetime
    updated_at: datetime
    uninstalled_at: datetime | None = Field(default=None, index=True)


class OAuthState(SQLModel, table=True):
    """An "Add to Slack" state: issued with the install page, consumed once by the redirect, expiring."""

    __tablename__ = "oauth_state"
    state: str = Field(primary_key=True, max_length=100)
    expires_at: datetime = Field(index=True)
    created_at: datetime
