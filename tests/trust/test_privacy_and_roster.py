"""Trust: roster import with per-row errors, data export and erasure, retention, no secrets in logs."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from bot.logs import RedactSecrets, configure_logging
from bot.people.privacy import PrivacyService
from bot.people.roles import NotAllowed, parse_roles, require
from bot.people.roster import import_roster
from bot.settings import Settings
from storage import Repositories
from storage.audio_store import AudioStore
from tests.core.testbot import ManualClock, TestBot

ROSTER = """platform,workspace,user_id,name,email,tz,roles,team,manager_user_id,country
slack,T1,U1,Ana Rep,ana@example.com,Europe/Berlin,rep,Sales EU,U9,DE
slack,T1,U2,Ben Rep,,America/New_York,rep,Sales EU,U9,US
slack,T1,U9,Mia Manager,mia@example.com,Europe/London,"manager,rep",Sales EU,,GB
slack,T1,U3,Bad Zone,,Mars/Olympus,rep,,,
slack,T1,U4,Bad Role,,UTC,wizard,,,
slack,T1,U5,No Boss,,UTC,rep,,U404,
"""


def test_roster_import_creates_people_links_managers_and_reports_bad_rows_by_line(repos: Repositories) -> None:
    result = import_roster(repos, ManualClock(), ROSTER)
    assert (result.created, result.updated) == (4, 0)
    lines = {e.line: e.message for e in result.errors}
    assert "Mars/Olympus" in lines[5] and "tz" in lines[5]
    assert "wizard" in lines[6]
    assert "U404" in lines[7]
    mia = repos.people.find("slack", "T1", "U9")
    assert mia is not None and mia.has_role("manager")
    assert sorted(p.platform_user_id for p in repos.people.reports_of(mia.id)) == ["U1", "U2"]  # type: ignore[arg-type]
    again = import_roster(repos, ManualClock(), ROSTER)
    assert (again.created, again.updated) == (0, 4)


def test_a_roster_without_the_required_columns_says_which() -> None:
    from bot.people.roster import parse_roster

    rows, errors = parse_roster("name,email\nAna,a@x\n")
    assert rows == [] and "user_id" in errors[0].message


def test_a_rep_is_refused_an_enablement_action_politely(repos: Repositories) -> None:
    import_roster(repos, ManualClock(), ROSTER)
    ana = repos.people.find("slack", "T1", "U1")
    with pytest.raises(NotAllowed, match="only your enablement team can change cadences. Nothing was changed"):
        require(ana, "enablement", "change cadences")
    assert parse_roles("Manager; rep") == ["rep", "manager"]


def _voice_session(tmp_path: Path, db_url: str) -> tuple[TestBot, PrivacyService, Settings]:
    settings = Settings(database_url=db_url, data_dir=str(tmp_path), audio_retention_days=30,
                        transcript_retention_days=90)
    bot = TestBot(db_url)
    bot.service.audio_store = AudioStore(tmp_path / "audio")
    bot.start()
    bot.say("What is driving this for you right now?")
    bot.say("done")
    turns = bot.repos.sessions.turns(bot.session_id)  # type: ignore[arg-type]
    ref = bot.service.audio_store.save(bot.session_id, turns[1].seq, b"OggS fake clip", "ogg")  # type: ignore[arg-type]
    from sqlmodel import select

    from storage.models import TurnRecord

    with bot.repos.db.session() as s:
        row = s.exec(select(TurnRecord).where(TurnRecord.id == turns[1].id)).one()
        row.audio_ref = ref
        s.add(row)
    return bot, PrivacyService(bot.repos, settings, bot.clock), settings


def test_export_contains_every_session_turn_and_score_of_the_person(tmp_path: Path, db_url: str) -> None:
    bot, privacy, _ = _voice_session(tmp_path, db_url)
    person = bot.service.person_for(bot.person)
    data = json.loads(json.dumps(privacy.export(person.id)))  # type: ignore[arg-type]
    assert data["person"]["platform_user_id"] == "U1"
    assert len(data["sessions"]) == 1 and len(data["sessions"][0]["turns"]) == 3
    assert {s["behavior"] for s in data["scores"]} == {"business_impact_first", "open_question"}
    assert data["programme_memberships"] == [] and data["outcome_figures"] == []


def test_delete_erases_transcripts_audio_and_scores(tmp_path: Path, db_url: str) -> None:
    bot, privacy, _ = _voice_session(tmp_path, db_url)
    person = bot.service.person_for(bot.person)
    counts = privacy.erase(person.id)  # type: ignore[arg-type]
    assert counts["turns"] == 3 and counts["scores"] == 2 and counts["audio_files"] == 1
    assert counts["programme_memberships"] == 0
    assert not any((tmp_path / "audio").rglob("*.ogg"))
    assert bot.repos.sessions.sessions_of(person.id) == []  # type: ignore[arg-type]
    assert bot.repos.sessions.scores_of_person(person.id) == []  # type: ignore[arg-type]
    gone = bot.repos.people.get(person.id)  # type: ignore[arg-type]
    assert gone is not None and gone.display_name == "deleted person" and gone.deleted_at is not None
    # Coming back later makes a fresh person, not the erased one.
    assert bot.service.person_for(bot.person).id != person.id


def test_retention_deletes_old_audio_then_old_transcripts_but_keeps_scores(tmp_path: Path, db_url: str) -> None:
    bot, privacy, _ = _voice_session(tmp_path, db_url)
    assert privacy.purge_expired().audio_files == 0  # too young
    bot.clock.advance(days=31)
    assert privacy.purge_expired().audio_files == 1
    assert not any((tmp_path / "audio").rglob("*.ogg"))
    turns = bot.repos.sessions.turns(bot.session_id)  # type: ignore[arg-type]
    assert all(t.text for t in turns)  # transcripts kept for now
    bot.clock.advance(days=60)
    assert privacy.purge_expired().transcripts == 3
    assert all(t.text is None for t in bot.repos.sessions.turns(bot.session_id))  # type: ignore[arg-type]
    assert len(bot.repos.sessions.scores_for_session(bot.session_id)) == 2  # type: ignore[arg-type]


def test_logs_never_carry_tokens_or_keys(caplog: pytest.LogCaptureFixture) -> None:
    secret = "xoxb-1234567890-abcdefghijkl"
    redact = RedactSecrets([secret, "sk-ant-api03-verysecretkey"])
    logger = logging.getLogger("rehearse.test")
    logger.addFilter(redact)
    with caplog.at_level(logging.INFO):
        logger.info("calling with token %s and header Authorization: Bearer %s", secret, "xoxp-999999999-zzz")
        logger.info("key sk-ant-api03-verysecretkey and another sk-ant-api03-otherkey123")
    text = caplog.text
    assert "xoxb-" not in text and "xoxp-" not in text and "sk-ant" not in text
    assert "[redacted]" in text


def test_chatty_libraries_never_log_message_bodies_even_at_debug() -> None:
    configure_logging("DEBUG", ["xoxb-1234567890-abc"])
    assert logging.getLogger("slack_sdk").getEffectiveLevel() >= logging.INFO
    assert logging.getLogger("anthropic").getEffectiveLevel() >= logging.INFO
