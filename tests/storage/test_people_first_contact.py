"""A rep's first contact: their profile is stored in one upsert and their DM channel in one UPDATE (issue #26).

Under a push wave every rep is a first contact at once; these hold what the
two statements keep: a new person is created with the defaults a person always
had, a known one is refreshed in place, and a DM channel is kept only for a
person who is stored.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from storage import Repositories

NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def test_a_first_contact_stores_the_profile_and_a_later_one_refreshes_it(repos: Repositories) -> None:
    first = repos.people.remember_profile("slack", "T1", "U0DANA", "Dana", "Europe/London", NOW, NOW)
    assert (first.display_name, first.tz, first.profile_fetched_at, first.roles) == ("Dana", "Europe/London", NOW, "rep")
    later = NOW + timedelta(days=2)
    again = repos.people.remember_profile("slack", "T1", "U0DANA", "Dana W.", "America/New_York", later, later)
    assert again.id == first.id and again.created_at == NOW
    stored = repos.people.find("slack", "T1", "U0DANA")
    assert stored is not None
    assert (stored.id, stored.display_name, stored.tz, stored.profile_fetched_at) == (
        first.id, "Dana W.", "America/New_York", later)
    assert len(repos.people.all_people()) == 1


def test_a_dm_channel_is_kept_for_a_stored_person_only(repos: Repositories) -> None:
    assert repos.people.set_dm_channel("slack", "T1", "U0NOBODY", "D0NOBODY", NOW) is False
    assert repos.people.find("slack", "T1", "U0NOBODY") is None
    person, _ = repos.people.ensure_person("slack", "T1", "U0LEE", NOW, "Lee", "UTC")
    assert repos.people.set_dm_channel("slack", "T1", "U0LEE", "D0LEE", NOW) is True
    assert repos.people.get(person.id).dm_channel_id == "D0LEE"  # type: ignore[arg-type,union-attr]
    assert repos.people.set_dm_channel("slack", "T1", "U0LEE", None, NOW) is True
    assert repos.people.get(person.id).dm_channel_id is None  # type: ignore[arg-type,union-attr]
