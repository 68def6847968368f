"""Links only the right person can use: each refusal is a page that says why and shows no data.

Run on SQLite and PostgreSQL: who may see what is decided by the storage queries behind TeamView."""

from __future__ import annotations

import base64
import json
from datetime import timedelta

import pytest

from bot.people.privacy import PrivacyService
from bot.reports.links import LinkForbidden
from bot.settings import Settings
from tests.digests.conftest import DIGEST_DAY
from tests.web.conftest import ReportWorld


def _names(w: ReportWorld, ids: list[int]) -> list[str]:
    return [p.display_name for p in (w.repos.people.get(i) for i in ids) if p is not None]


def _refused(page, status: int, w: ReportWorld, secrets: list[str]) -> None:  # type: ignore[no-untyped-def]
    assert page.status == status, page.text
    assert page.headers["Cache-Control"] == "private, no-store"
    assert f"Error {status}" in page.text and 'class="error"' in page.text
    for secret in secrets:
        assert secret not in page.text


def test_another_managers_link_opens_only_their_own_team(rworld: ReportWorld) -> None:
    w = rworld
    mine, theirs = w.seed(reps_per_manager=3), w.seed(reps_per_manager=3)
    my_rep = mine.rep_ids[0][0]
    sid = w.add_session(my_rep, DIGEST_DAY - timedelta(days=1), {"empathy": 70}, shared=True)
    their_link = w.link(theirs.manager_ids[0])

    team = w.browser.get(their_link).text
    for name in _names(w, theirs.rep_ids[0]):
        assert name in team
    my_names = [n for n in _names(w, mine.rep_ids[0]) if n not in _names(w, theirs.rep_ids[0])]
    for name in my_names:
        assert name not in team
    _refused(w.browser.get(f"{their_link}/reps/{my_rep}"), 403, w, _names(w, [my_rep]))
    _refused(w.browser.get(f"{their_link}/sessions/{sid}"), 404, w, _names(w, [my_rep]))


def test_a_tampered_signature_gets_a_403_page_and_no_data(rworld: ReportWorld) -> None:
    w = rworld
    seeded = w.seed(reps_per_manager=2)
    url = w.link(seeded.manager_ids[0])
    head, tail = url[:-3], url[-3:]
    flipped = head + ("A" if tail[0] != "A" else "B") + tail[1:]
    _refused(w.browser.get(flipped), 403, w, _names(w, seeded.rep_ids[0]))
    _refused(w.browser.get(url[:-10]), 403, w, _names(w, seeded.rep_ids[0]))


def test_a_link_rewritten_for_another_person_is_refused(rworld: ReportWorld) -> None:
    w = rworld
    mine, theirs = w.seed(reps_per_manager=2), w.seed(reps_per_manager=2)
    url = w.link(mine.manager_ids[0])
    base, token = url.rsplit("/", 1)
    payload, stamp, signature = token.split(".")
    other = base64.urlsafe_b64encode(json.dumps({"p": theirs.manager_ids[0], "v": "manager", "d": None},
                                                separators=(",", ":")).encode()).decode().rstrip("=")
    _refused(w.browser.get(f"{base}/{other}.{stamp}.{signature}"), 403, w, _names(w, theirs.rep_ids[0]))


def test_an_expired_link_gets_a_410_page(rworld: ReportWorld) -> None:
    w = rworld
    seeded = w.seed(reps_per_manager=2)
    url = w.link(seeded.manager_ids[0])
    w.clock.advance(days=6, hours=23)
    assert w.browser.get(url).status == 200
    w.clock.advance(hours=1, seconds=1)
    page = w.browser.get(url)
    _refused(page, 410, w, _names(w, seeded.rep_ids[0]))
    assert "expired" in page.text and "7 days" in page.text
    assert w.browser.get(w.link(seeded.manager_ids[0])).status == 200  # a fresh one opens


def test_a_rep_cannot_open_a_manager_view(rworld: ReportWorld) -> None:
    w = rworld
    seeded = w.seed(reps_per_manager=2)
    rep, colleague = seeded.rep_ids[0]
    with pytest.raises(LinkForbidden, match="for managers"):
        w.link(rep, "manager")
    with pytest.raises(LinkForbidden):
        w.link(rep, "enablement")
    rep_link = w.link(rep, "rep")
    _refused(w.browser.get(f"{rep_link}/reps/{colleague}"), 403, w, _names(w, [colleague]))
    sid = w.add_session(colleague, DIGEST_DAY - timedelta(days=1), {"empathy": 70}, shared=True)
    _refused(w.browser.get(f"{rep_link}/sessions/{sid}"), 404, w, _names(w, [colleague]))
    # A manager's link stops working as a manager's once they no longer manage anyone.
    manager_link = w.link(seeded.manager_ids[0])
    w.repos.people.update(seeded.manager_ids[0], roles="rep")
    _refused(w.browser.get(manager_link), 403, w, _names(w, seeded.rep_ids[0]))


def test_a_deleted_person_disappears_from_every_page_at_once(rworld: ReportWorld) -> None:
    w = rworld
    seeded = w.seed(reps_per_manager=3)
    manager, gone = seeded.manager_ids[0], seeded.rep_ids[0][0]
    name = _names(w, [gone])[0]
    sid = w.add_session(gone, DIGEST_DAY - timedelta(days=1), {"empathy": 70}, shared=True)
    manager_link, gone_link = w.link(manager), w.link(gone, "rep")
    assert name in w.browser.get(manager_link).text and w.browser.get(gone_link).status == 200

    PrivacyService(w.repos, Settings(data_dir=str(w.data_dir)), w.clock).erase(gone)

    team = w.browser.get(manager_link)
    assert team.status == 200 and name not in team.text
    assert w.browser.get(f"{manager_link}/reps/{gone}").status == 403
    assert w.browser.get(f"{manager_link}/sessions/{sid}").status == 404
    _refused(w.browser.get(gone_link), 410, w, [name])


def test_a_revoked_link_gets_a_410_page_and_a_new_link_opens(rworld: ReportWorld) -> None:
    w = rworld
    seeded = w.seed(reps_per_manager=2)
    manager = seeded.manager_ids[0]
    old = w.link(manager)
    w.clock.advance(seconds=5)
    w.reports.revoke(manager)
    page = w.browser.get(old)
    _refused(page, 410, w, _names(w, seeded.rep_ids[0]))
    assert "withdrawn" in page.text
    w.clock.advance(seconds=5)
    assert w.browser.get(w.link(manager)).status == 200
