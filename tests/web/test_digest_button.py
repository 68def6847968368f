"""The digest's "Open the full report" button answers with a link only the digest's manager can use."""

from __future__ import annotations

import re
from datetime import timedelta

from bot.digests import render
from bot.messages import Card, Text
from tests.digests.conftest import DIGEST_DAY
from tests.web.conftest import PUBLIC_URL, ReportWorld


def test_the_report_button_hands_the_manager_a_link_to_that_periods_report(sqlite_rworld: ReportWorld) -> None:
    w = sqlite_rworld
    seeded = w.seed(reps_per_manager=4)
    manager = seeded.manager_ids[0]
    w.clock.current = DIGEST_DAY + timedelta(hours=8)
    assert w.service.deliver_due().delivered == 1
    card = next(m for m in w.dms(manager) if isinstance(m, Card))
    digest_id = next(a.value for a in card.actions if a.action_id == render.REPORT)

    reply = [m.text for m in w.press(render.REPORT, digest_id, by=manager) if isinstance(m, Text)][0]

    assert reply.startswith("Your full report for 2 – 15 Nov 2026: ") and "yours alone" in reply
    url = re.search(rf"{re.escape(PUBLIC_URL)}/reports/\S+", reply).group(0)  # type: ignore[union-attr]
    page = w.browser.get(url)
    assert page.status == 200 and "2 – 15 Nov 2026" in page.text and "Ana Ruiz" in page.text
    # Someone else pressing the same button gets no link at all.
    other = [m.text for m in w.press(render.REPORT, digest_id, by=seeded.rep_ids[0][0]) if isinstance(m, Text)]
    assert other == ["This digest belongs to another manager, so I left everything as it was."]
