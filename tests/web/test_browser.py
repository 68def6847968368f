"""A manager opens the team report from their link in a real headless Chromium (Debian's chromium and
chromium-driver, through Selenium) and clicks through to one rep and one session's transcript."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from adapters.slack.server import make_server
from adapters.web.app import mount
from bot.observability.http import shutdown
from bot.reports.links import LinkSigner
from storage.models import TurnRecord
from tests.digests.conftest import DIGEST_DAY
from tests.web.conftest import SECRET, ReportWorld

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
DRIVER = shutil.which("chromedriver")

pytestmark = pytest.mark.skipif(
    CHROMIUM is None or DRIVER is None,
    reason="no Chromium here: install it with `apt-get install -y chromium chromium-driver` (.ci/run does)")


@pytest.fixture
def served(sqlite_rworld: ReportWorld) -> Iterator[tuple[ReportWorld, str]]:
    """The report pages on a real HTTP server (waitress, as `rehearse serve` runs them) on a free port."""
    w = sqlite_rworld

    def health(environ, start_response):  # type: ignore[no-untyped-def]
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    server = make_server(mount(w.browser.app, health), "127.0.0.1", 0, threads=4)
    base = f"http://127.0.0.1:{server.effective_port}"
    w.reports.signer = LinkSigner(SECRET, base, w.clock)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield w, base
    finally:
        shutdown(server)
        thread.join(timeout=30)
        assert not thread.is_alive()


@pytest.fixture
def chrome() -> Iterator[object]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM  # type: ignore[assignment]
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1280,1600", "--no-first-run", "--disable-extensions"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


def test_a_manager_clicks_from_the_report_link_to_one_reps_session_transcript(
        served: tuple[ReportWorld, str], chrome, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    w, _ = served
    seeded = w.seed(reps_per_manager=8)
    manager, rep = seeded.manager_ids[0], seeded.rep_ids[0][0]
    rep_name = w.repos.people.get(rep).display_name  # type: ignore[union-attr]
    sid = w.add_session(rep, DIGEST_DAY - timedelta(days=1), {"open_question": 77}, shared=True)
    w.repos.sessions.add_turns([
        TurnRecord(session_id=sid, seq=1, speaker="buyer", text="Procurement wants three quotes.", created_at=DIGEST_DAY),
        TurnRecord(session_id=sid, seq=2, speaker="rep", text="What happens if this slips a quarter?",
                   created_at=DIGEST_DAY)])

    chrome.get(w.link(manager))

    assert chrome.title.startswith("Team report")
    rows = chrome.find_elements(By.CSS_SELECTOR, "#team-table tbody tr")
    assert len(rows) == 8 and rows[0].find_element(By.TAG_NAME, "th").text == rep_name
    chart = chrome.find_element(By.CSS_SELECTOR, "figure.chart img")
    assert chart.get_attribute("alt").startswith("Line chart of team average")
    assert chrome.execute_script("return arguments[0].complete && arguments[0].naturalWidth", chart) >= 800
    chrome.save_screenshot(str(tmp_path / "manager-report.png"))

    rows[0].find_element(By.LINK_TEXT, rep_name).click()
    assert chrome.find_element(By.ID, "rep-name").text.startswith(rep_name)
    assert chrome.find_element(By.ID, "action").text.startswith("The one coaching action")
    chrome.find_element(By.CSS_SELECTOR, f"a[href$='/sessions/{sid}']").click()

    lines = [li.text for li in chrome.find_elements(By.CSS_SELECTOR, "ol.transcript li")]
    assert lines == ["BUYER\nProcurement wants three quotes.", "REP\nWhat happens if this slips a quarter?"]
    assert "77/100" in chrome.find_element(By.TAG_NAME, "main").text
    chrome.save_screenshot(str(tmp_path / "session.png"))
    assert (tmp_path / "manager-report.png").stat().st_size > 10_000
