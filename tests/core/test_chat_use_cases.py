"""The use cases every chat platform shares, keyed by who is asking (PersonRef): built once by the
composition root and called the same way from Slack, Discord or a test.

Setting a team's cadence from chat, a rep's home screen, and the stored directory of people.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.messages import PersonRef
from bot.people.roles import NotAllowed
from bot.scheduling.cadence_chat import PickTeam
from bot.scheduling.cadences import CADENCE_REFUSAL, CadenceError, UnknownTeam
from tests.core.testbot import TestBot


@pytest.fixture
def bot(sqlite_url: str) -> TestBot:
    return TestBot(sqlite_url)


def _person(bot: TestBot, user: str, roles: str, team: str | None = "EMEA Sales") -> PersonRef:
    who = PersonRef(bot.chat.platform, "W1", user, f"Person {user}", "Europe/London")
    person = bot.core.practice_service.person_for(who)
    changes: dict[str, object] = {"roles": roles}
    if team is not None:
        changes["team_id"] = bot.repos.people.ensure_team(person.workspace_id, team, bot.clock.now()).id
    bot.repos.people.update(person.id, **changes)  # type: ignore[arg-type]
    return who


def test_enablement_changes_a_teams_cadence_from_chat_and_the_rest_is_kept(bot: TestBot) -> None:
    lead = _person(bot, "U-LEAD", "enablement")
    before = bot.core.cadence_chat.change(lead, {}, team_name="EMEA Sales")
    saved = bot.core.cadence_chat.change(lead, {"sessions_per_week": 2}, team_name="EMEA Sales")
    assert not before.changed and saved.changed and saved.team_name == "EMEA Sales"
    assert saved.spec.sessions_per_week == 2
    assert saved.spec.window_start == before.spec.window_start  # only the named field changed
    assert bot.core.cadences.get(saved.team_id).sessions_per_week == 2


def test_a_rep_may_read_a_cadence_but_not_change_it(bot: TestBot) -> None:
    rep = _person(bot, "U-REP", "rep")
    assert bot.core.cadence_chat.change(rep, {}, team_name="EMEA Sales").spec.sessions_per_week == 3
    with pytest.raises(NotAllowed) as refused:
        bot.core.cadence_chat.change(rep, {"sessions_per_week": 5}, team_name="EMEA Sales")
    assert refused.value.user_message == CADENCE_REFUSAL
    with pytest.raises(NotAllowed):
        bot.core.cadence_chat.form(rep)


def test_a_cadence_form_opens_on_the_only_team_and_asks_which_when_there_are_several(bot: TestBot) -> None:
    lead = _person(bot, "U-LEAD", "enablement")
    form = bot.core.cadence_chat.form(lead)
    assert form.team_name == "EMEA Sales" and form.values["sessions_per_week"] == "3"
    _person(bot, "U-REP", "rep", team="APAC Sales")
    with pytest.raises(PickTeam) as which:
        bot.core.cadence_chat.form(lead)
    assert "EMEA Sales" in which.value.user_message and "APAC Sales" in which.value.user_message
    with pytest.raises(UnknownTeam) as unknown:
        bot.core.cadence_chat.form(lead, team_name="Hunters")
    assert "I don't know a team called 'Hunters'" in unknown.value.user_message


def test_a_submitted_form_with_a_bad_value_names_the_field_and_saves_nothing(bot: TestBot) -> None:
    lead = _person(bot, "U-LEAD", "enablement")
    team_id = bot.core.cadence_chat.form(lead).team_id
    with pytest.raises(CadenceError) as bad:
        bot.core.cadence_chat.change(lead, {"sessions_per_week": "9"}, team_id=team_id, whole_form=True)
    assert "sessions_per_week" in bad.value.by_field()
    assert bot.core.cadences.stored(team_id) is None


def test_a_reps_home_shows_their_week_against_the_cadence_and_a_running_snooze(bot: TestBot) -> None:
    rep = _person(bot, "U-REP", "rep")
    bot.core.self_service.snooze(rep, date(2026, 11, 23) + timedelta(days=7))
    home = bot.core.home.view(rep)
    assert home is not None and home.manager is None and home.enablement is None
    assert home.rep is not None
    assert (home.rep.sessions_this_week, home.rep.sessions_per_week) == (0, 3)
    assert home.rep.snoozed_until == date(2026, 11, 30) and home.rep.trends == ()


def test_someone_rehearse_has_not_met_has_no_home(bot: TestBot) -> None:
    assert bot.core.home.view(PersonRef(bot.chat.platform, "W1", "U-NEW", "New", "UTC")) is None


def test_the_directory_keeps_a_persons_profile_and_dm_channel(bot: TestBot) -> None:
    who = PersonRef(bot.chat.platform, "W1", "U-DANA", "Priya Shah", "Europe/London")
    assert bot.core.people.known(who) is None
    bot.core.people.remember_profile(who, bot.clock.now())
    bot.core.people.remember_dm_channel(who, "D123")
    known = bot.core.people.known(who)
    assert known is not None and known.ref.display_name == "Priya Shah" and known.dm_channel == "D123"
    assert known.profile_fetched_at is not None
    bot.core.people.remember_dm_channel(who, None)
    assert bot.core.people.known(who).dm_channel is None  # type: ignore[union-attr]
