"""Authoring in the terminal, through the real CLI's stdin and stdout: the wizard, import, export, practice --file."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from scenarios.drafting import to_yaml
from storage import Repositories
from tests.authoring.conftest import LIBRARY
from tests.prewarmed import run_bot

WIZARD = [
    "empathy, next_steps",  # behaviors
    "Clinic double bookings",  # title
    "Dana Reed", "Practice manager", "Northside Clinic", "angry",
    "the double bookings",
    "Your booking system put two patients in the same slot again this morning. I've had enough.",
    "Two of our patients were elderly and waited an hour in the corridor. One of them cried.",
    "the patients who waited", "empathy",
    "We have a board review on Friday and I have to explain why we haven't switched providers.",
    "the board review", "next_steps, empathy",
    "",  # no third fact
    "",  # the brief is written from the answers
]
TRY = ["t", "That sounds awful, I'm so sorry. How are the patients who waited doing?",
       "What happens next with the board review? Let's set up a call before Friday.", "done"]


def rehearse(args: list[str], stdin: str, tmp_path: Path, db_url: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": db_url or f"sqlite:///{tmp_path / 'r.db'}", "DATA_DIR": str(tmp_path / "var"),
           "COLUMNS": "120", "TERM": "dumb"}
    for key in ("SLACK_BOT_TOKEN", "DISCORD_TOKEN", "ANTHROPIC_API_KEY", "SCENARIOS_DIR"):
        env.pop(key, None)
    return run_bot(args, input=stdin, env=env, cwd=tmp_path, timeout=120)


def test_the_wizard_drafts_tries_and_publishes_a_scenario_the_terminal_rep_then_practises(
        tmp_path: Path, db_url: str) -> None:
    result = rehearse(["scenarios", "new"], "\n".join([*WIZARD, *TRY, "p"]) + "\n", tmp_path, db_url)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Saved draft 1: clinic-double-bookings version 1." in out
    assert "Dana Reed: Two of our patients were elderly" in out  # the try: the fact unlocked
    assert "Unlocked 2 of 2 hidden facts: the_patients_who_waited, the_board_review." in out
    assert "Published clinic-double-bookings version 1" in out
    listed = rehearse(["scenarios", "list", "--workspace", "local"], "", tmp_path, db_url)
    assert "clinic-do" in listed.stdout and "workspace v1" in listed.stdout
    practised = rehearse(["practice", "clinic-double-bookings"], "done\n", tmp_path, db_url)
    assert practised.returncode == 0, practised.stderr
    assert "Your booking system put two patients in the same slot" in practised.stdout


def test_a_behavior_typo_costs_one_question_and_discard_leaves_nothing_published(tmp_path: Path) -> None:
    answers = ["empathie", *WIZARD, "d"]
    result = rehearse(["scenarios", "new"], "\n".join(answers) + "\n", tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Unknown behavior empathie." in result.stdout
    assert "Discarded draft 1." in result.stdout
    repos = Repositories.open(f"sqlite:///{tmp_path / 'r.db'}")
    from storage.repos.scenarios import WorkspaceScenarioRepo

    (row,) = WorkspaceScenarioRepo(repos.db).of_workspace(1)
    assert row.status == "discarded"


def test_describing_without_an_llm_says_so_and_the_form_makes_the_scenario(tmp_path: Path) -> None:
    result = rehearse(["scenarios", "new", "--describe", "An angry clinic manager whose system double-books.",
                       "--behaviors", "empathy"], "\n".join([*WIZARD, "k"]) + "\n", tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Drafting from a description needs an LLM, and none is configured here" in result.stdout
    assert "Let's use the short form." in result.stdout
    assert "Kept as draft 1." in result.stdout


def test_import_publishes_a_yaml_file_and_export_gives_it_back(tmp_path: Path, db_url: str) -> None:
    data = LIBRARY.get("pricing-objection").model_dump(mode="json")
    data.update(id="our-pricing", title="Our pricing objection")
    (tmp_path / "our-pricing.yaml").write_text(to_yaml(data), encoding="utf-8")
    imported = rehearse(["scenarios", "import", "our-pricing.yaml", "--workspace", "local"], "", tmp_path, db_url)
    assert imported.returncode == 0, imported.stderr
    assert "Published our-pricing version 1 to workspace local." in imported.stdout
    exported = rehearse(["scenarios", "export", "our-pricing"], "", tmp_path, db_url)
    assert exported.returncode == 0 and exported.stdout.startswith("id: our-pricing\nversion: 1\n")
    assert "title: Our pricing objection" in exported.stdout
    missing = rehearse(["scenarios", "export", "our-pricing", "--workspace", "T-NOPE"], "", tmp_path, db_url)
    assert missing.returncode == 1 and "I don't know a workspace called 'T-NOPE'" in missing.stderr


def test_an_invalid_import_names_file_line_and_field_and_saves_nothing(tmp_path: Path) -> None:
    data = LIBRARY.get("pricing-objection").model_dump(mode="json")
    data["behaviors"] = ["charm"]
    (tmp_path / "bad.yaml").write_text(to_yaml(data), encoding="utf-8")
    result = rehearse(["scenarios", "import", "bad.yaml"], "", tmp_path)
    assert result.returncode == 2
    line = next(i for i, text in enumerate(to_yaml(data).splitlines(), 1) if text == "- charm")
    assert f"bad.yaml:{line}: behaviors: unknown behavior id(s) charm" in result.stderr
    drafts = rehearse(["scenarios", "drafts", "--all"], "", tmp_path)
    assert "No drafts." in drafts.stdout


def test_practice_file_plays_a_scenario_file_before_it_is_published(tmp_path: Path) -> None:
    data = LIBRARY.get("healthcare-scheduling").model_dump(mode="json")
    data.update(id="my-draft", title="My draft scan booking")
    (tmp_path / "anything.yaml").write_text(to_yaml(data), encoding="utf-8")
    result = rehearse(["practice", "--file", "anything.yaml"], "Hi Ruth, how are you feeling about it?\ndone\n",
                      tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Trying anything.yaml (my-draft)" in result.stdout and "My draft scan booking" in result.stdout
    assert "Scorecard" in result.stdout
    (tmp_path / "broken.yaml").write_text("id: x\ntitle: [unclosed\n", encoding="utf-8")
    bad = rehearse(["practice", "--file", "broken.yaml"], "", tmp_path)
    assert bad.returncode == 2 and "broken.yaml:" in bad.stderr and "not valid YAML" in bad.stderr
