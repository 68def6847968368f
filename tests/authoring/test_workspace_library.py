"""Workspace scenarios: published to one workspace, versioned, retired, tried, and guarded by roles."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.authoring.library import WorkspaceLibraries
from bot.authoring.service import AuthoringService
from bot.people.roles import NotAllowed
from scenarios.loader import UnknownScenario
from storage.repos.scenarios import WorkspaceScenarioRepo
from tests.authoring.conftest import CLINIC, LIBRARY, Studio, clinic_data
from tests.scheduler.conftest import Org


def test_a_published_scenario_is_in_its_workspace_and_never_in_another(studio: Studio) -> None:
    s = studio
    draft = s.authoring.from_form(s.ws(s.enablement), CLINIC, by=s.enablement)
    s.authoring.publish(draft.row_id, by=s.enablement)
    assert "clinic-double-bookings" in s.libraries.for_workspace(s.ws(s.rep))
    assert "clinic-double-bookings" not in s.libraries.for_workspace(s.ws(s.other_rep))
    with pytest.raises(UnknownScenario):
        s.practice.start(s.ref(s.other_rep), "clinic-double-bookings")
    assert s.practice.start(s.ref(s.rep), "clinic-double-bookings").scenario.title == "Clinic double bookings"


def test_a_workspace_version_of_a_shipped_id_overrides_it_there_only(studio: Studio) -> None:
    s = studio
    base = LIBRARY.get("pricing-objection").model_dump(mode="json")
    ours = {**base, "title": "Pricing objection, our way"}
    draft = s.authoring.from_yaml(s.ws(s.enablement), _yaml(ours), "pricing-objection.yaml", by=s.enablement)
    s.authoring.publish(draft.row_id, by=s.enablement)
    assert s.practice.start(s.ref(s.rep), "pricing-objection").scenario.title == "Pricing objection, our way"
    assert s.practice.start(s.ref(s.other_rep), "pricing-objection").scenario.title == LIBRARY.get(
        "pricing-objection").title


def test_a_session_started_on_version_1_keeps_it_after_version_2_is_published(studio: Studio) -> None:
    s = studio
    ws = s.ws(s.enablement)
    s.authoring.publish(s.authoring.from_form(ws, CLINIC, by=s.enablement).row_id, by=s.enablement)
    on_v1 = s.practice.start(s.ref(s.rep), "clinic-double-bookings")
    v2 = clinic_data(id="clinic-double-bookings", title="Clinic double bookings (v2)")
    v2["hidden_facts"][0]["fact"] = "Mrs Patel, who is ninety, sat in the corridor for an hour and went home unseen."
    published = s.authoring.publish(s.authoring.from_yaml(ws, _yaml(v2), by=s.enablement).row_id, by=s.enablement)
    assert published.version == 2
    answer = s.say(on_v1, s.rep, "I'm so sorry, that sounds awful. How are the patients who waited doing?")
    assert "Two of our patients were elderly" in answer  # v1's fact, in the session that started on v1
    assert s.practice.scenario_of(s.repos.sessions.get(on_v1.session.id)).title == "Clinic double bookings"
    on_v2 = s.practice.start(s.ref(s.rep), "clinic-double-bookings")
    assert on_v2.scenario.title == "Clinic double bookings (v2)"
    assert "Mrs Patel" in s.say(on_v2, s.rep, "I'm so sorry, that sounds awful. How are the patients who waited doing?")
    statuses = [(d.version, d.status) for d in s.authoring.versions(ws)]
    assert statuses == [(1, "superseded"), (2, "published")]


@pytest.mark.parametrize("role", ["rep", "manager"])
def test_a_rep_or_a_manager_pressing_publish_is_refused_and_nothing_changes(studio: Studio, role: str) -> None:
    s = studio
    draft = s.authoring.from_form(s.ws(s.enablement), CLINIC, by=s.enablement)
    who = s.rep if role == "rep" else s.manager
    with pytest.raises(NotAllowed) as refused:
        s.authoring.publish(draft.row_id, by=who)
    assert refused.value.user_message == "Sorry, only your enablement team can publish scenarios. Nothing was changed."
    assert s.authoring.draft(draft.row_id).status == "draft"
    assert "clinic-double-bookings" not in s.libraries.for_workspace(s.ws(s.rep))


def test_enablement_publishes_only_to_their_own_workspace(studio: Studio) -> None:
    s = studio
    draft = s.authoring.from_form(s.ws(s.enablement), CLINIC, by=s.enablement)
    with pytest.raises(NotAllowed, match="only change your own workspace's scenarios"):
        s.authoring.publish(draft.row_id, by=s.other_enablement)
    with pytest.raises(NotAllowed):
        s.authoring.from_form(s.ws(s.enablement), CLINIC, by=s.other_enablement)
    assert s.authoring.draft(draft.row_id).status == "draft"


def test_the_author_tries_a_draft_in_a_private_session_and_sees_the_hidden_facts_unlock(studio: Studio) -> None:
    s = studio
    draft = s.authoring.from_form(s.ws(s.enablement), CLINIC, by=s.enablement)
    started = s.authoring.try_draft(draft.row_id, s.practice, s.ref(s.enablement), by=s.enablement)
    assert started.ref.channel == "D-U-erin"  # the author's own DM
    s.say(started, s.enablement, "That sounds awful, I'm so sorry. How are the patients who waited doing?")
    s.say(started, s.enablement, "What happens next with the board review? Let's set up a call before Friday.")
    report = s.authoring.try_report(started.session.id, draft.scenario)
    assert report.unlocked == ("the_patients_who_waited", "the_board_review") and report.still_hidden == ()
    assert report.describe() == "Unlocked 2 of 2 hidden facts: the_patients_who_waited, the_board_review."
    assert "clinic-double-bookings" not in s.libraries.for_workspace(s.ws(s.rep))  # still a draft


def test_editing_a_draft_makes_the_next_version_and_discards_the_old_draft(studio: Studio) -> None:
    s = studio
    first = s.authoring.from_form(s.ws(s.enablement), CLINIC, by=s.enablement)
    from dataclasses import replace

    second = s.authoring.revise(first.row_id, replace(CLINIC, mood="furious"), by=s.enablement)
    assert (second.version, second.scenario.persona.mood) == (2, "furious")
    assert s.authoring.draft(first.row_id).status == "discarded"
    s.authoring.discard(second.row_id, by=s.enablement)
    assert s.authoring.drafts(s.ws(s.enablement)) == []


def _yaml(data: dict) -> str:
    from scenarios.drafting import to_yaml

    return to_yaml(data)


# ---- pushes: reps get a published scenario in their next push, and never a retired one --------


def _org(db_url: str) -> tuple[Org, AuthoringService]:
    """A team with one rep (U1) in workspace T1, its pushes drawing on the workspace library, and authoring."""
    org = Org(db_url, datetime(2026, 11, 23, 7, 0, tzinfo=UTC))  # a Monday, before working hours
    libraries = WorkspaceLibraries(LIBRARY, WorkspaceScenarioRepo(org.repos.db))
    org.practice.libraries = libraries.for_workspace
    org.cadences.libraries = libraries.for_workspace
    org.rep("U1", "Europe/London")
    return org, AuthoringService(org.repos, libraries, org.clock)


def test_reps_get_a_published_scenario_in_their_next_push_and_other_workspaces_never_do(db_url: str) -> None:
    org, authoring = _org(db_url)
    try:
        draft = authoring.from_form(org.workspace.id, CLINIC, by=org.admin)  # type: ignore[arg-type]
        with pytest.raises(Exception, match="no scenario called clinic-double-bookings"):
            org.set_cadence(sessions_per_week=3, scenario_ids=["clinic-double-bookings"])  # a draft: not yet
        authoring.publish(draft.row_id, by=org.admin)
        org.set_cadence(sessions_per_week=3, scenario_ids=["clinic-double-bookings"])
        org.run_until(org.clock.now() + timedelta(days=2))
        pushes = org.chat.pushes("U1")
        assert pushes and all(p.message.title == "Clinic double bookings" for p in pushes)  # type: ignore[attr-defined]
    finally:
        org.repos.db.dispose()


def test_a_retired_scenario_is_never_pushed_again(db_url: str) -> None:
    org, authoring = _org(db_url)
    try:
        org.set_cadence(sessions_per_week=5, weekdays="mon,tue,wed,thu,fri")
        for scenario in LIBRARY.all(kind="practice"):
            if scenario.id != "pricing-objection":
                authoring.retire(org.workspace.id, scenario.id, by=org.admin)  # type: ignore[arg-type]
        org.run_until(org.clock.now() + timedelta(days=4))
        titles = {p.message.title for p in org.chat.pushes("U1")}  # type: ignore[attr-defined]
        assert titles == {LIBRARY.get("pricing-objection").title}
        with pytest.raises(NotAllowed):
            authoring.retire(org.workspace.id, "pricing-objection", by=org.repos.people.get(  # type: ignore[arg-type]
                org.rep("U1", "Europe/London").id))
    finally:
        org.repos.db.dispose()
