"""Whatever an enablement user types or submits, they reach only their own workspace (issue 18, item 10)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.scheduling.cadences import CadenceService, UnknownTeam
from storage import Repositories
from tests.core.testbot import ManualClock

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def _org(repos: Repositories) -> tuple[int, int, int]:
    """Erin in enablement at Acme (team 'Sales EU'); Globex next door has 'Globex Secret Deals'."""
    acme = repos.people.ensure_workspace("slack", "T-ACME", NOW, "Acme")
    globex = repos.people.ensure_workspace("slack", "T-GLOBEX", NOW, "Globex")
    ours = repos.people.ensure_team(acme.id, "Sales EU", NOW)  # type: ignore[arg-type]
    theirs = repos.people.ensure_team(globex.id, "Globex Secret Deals", NOW)  # type: ignore[arg-type]
    erin, _ = repos.people.ensure_person("slack", "T-ACME", "U-ERIN", NOW, "Erin")
    repos.people.update(erin.id, roles="enablement")  # type: ignore[arg-type]
    return erin.id, ours.id, theirs.id  # type: ignore[return-value]


def test_a_cadence_submitted_for_another_workspace_s_team_is_refused_and_not_saved(repos: Repositories) -> None:
    erin, ours, theirs = _org(repos)
    cadences = CadenceService(repos, ManualClock(NOW))

    with pytest.raises(UnknownTeam) as caught:
        cadences.set(erin, theirs, {"sessions_per_week": 5})

    assert cadences.stored(theirs) is None
    assert "Globex" not in caught.value.user_message and "Sales EU" in caught.value.user_message
    assert cadences.set(erin, ours, {"sessions_per_week": 2}).sessions_per_week == 2


def test_clearing_another_workspace_s_cadence_is_refused(repos: Repositories) -> None:
    erin, _, theirs = _org(repos)
    cadences = CadenceService(repos, ManualClock(NOW))
    cadences.set_by_operator(theirs, {"sessions_per_week": 4})

    with pytest.raises(UnknownTeam):
        cadences.clear(erin, theirs)

    assert cadences.stored(theirs) is not None


def test_an_unknown_team_name_lists_only_the_asker_s_own_teams(repos: Repositories) -> None:
    erin, _, _ = _org(repos)
    cadences = CadenceService(repos, ManualClock(NOW))
    acme = repos.people.get(erin).workspace_id  # type: ignore[union-attr]

    with pytest.raises(UnknownTeam) as caught:
        cadences.team_named("Globex Secret Deals", workspace_id=acme)

    assert "Globex" not in caught.value.user_message.replace("'Globex Secret Deals'", "")
    assert "Sales EU" in caught.value.user_message
