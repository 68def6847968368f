"""`rehearse scenarios list|show|validate`, and enablement's own scenarios: `new|drafts|import|export|publish|
discard|retire` (issue #23).

`show` writes plain YAML (no Rich: Rich wraps at 80 columns when piped, which broke
`scenarios show ID > file.yaml`); `list` prints whole ids at any width (bot/cli/output.py).
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape

from bot.cli.errors import BAD_INPUT, NOT_FOUND
from bot.cli.output import print_rows
from bot.cli.root import app
from bot.settings import get_settings
from scenarios.loader import ScenarioError, ScenarioLibrary, UnknownScenario, load_file

scenarios_app = typer.Typer(help="List, show, validate and write practice scenarios.", no_args_is_help=True)
app.add_typer(scenarios_app, name="scenarios")

err = Console(stderr=True, highlight=False, soft_wrap=True)


def _problems(exc: ScenarioError, console: Console = err) -> None:
    for problem in exc.problems:
        console.print(f"[red]error[/red] {escape(str(problem))}")


def _library() -> ScenarioLibrary:
    try:
        return ScenarioLibrary.load(get_settings().scenarios_dir)
    except ScenarioError as exc:
        _problems(exc)
        raise typer.Exit(BAD_INPUT)


@scenarios_app.command("list")
def list_scenarios(kind: str = typer.Option(None, help="practice or assessment"),
                   workspace: str | None = typer.Option(None, "--workspace", "-w",
                                                        help="As this workspace sees them, its own included")) -> None:
    """Every scenario with its target behaviors (whole ids at any width; tab-separated when piped)."""
    if workspace is None:
        rows = [(s.id, s.title, s.skill_area, ", ".join(s.behaviors), s.kind)
                for s in sorted(_library().all(kind), key=lambda s: (s.kind, s.id))]
        print_rows(("id", "title", "area", "behaviors", "kind"), rows, title="Scenarios")
        return
    core = _core()
    workspace_id = _workspace_id(core, workspace)
    library, own = core.libraries.for_workspace(workspace_id), core.libraries.own_ids(workspace_id)
    sourced = [(s.id, s.title, s.skill_area, ", ".join(s.behaviors), s.kind,
                f"workspace v{s.version}" if s.id in own else "shipped")
               for s in sorted(library.all(kind), key=lambda s: (s.kind, s.id))]
    print_rows(("id", "title", "area", "behaviors", "kind", "source"), sourced, title=f"Scenarios in {workspace}")


@scenarios_app.command("show")
def show(scenario_id: str) -> None:
    """One scenario in full, as YAML you can redirect to a file and edit."""
    import yaml

    try:
        scenario = _library().get(scenario_id)
    except UnknownScenario as exc:
        err.print(f"[red]{escape(str(exc)[0].upper() + str(exc)[1:])}.[/red]")
        raise typer.Exit(NOT_FOUND)
    sys.stdout.write(yaml.safe_dump(scenario.model_dump(mode="json", exclude_defaults=False), sort_keys=False,
                                    allow_unicode=True, width=float("inf")))


@scenarios_app.command("validate")
def validate(paths: list[Path] = typer.Argument(None, help="Files or folders; default: every scenario")) -> None:
    """Check scenario files; every problem in every file is reported, each with its file, line and field."""
    out = Console(highlight=False, soft_wrap=True)
    if not paths:
        try:
            library = ScenarioLibrary.load(get_settings().scenarios_dir)
        except ScenarioError as exc:
            _problems(exc, out)
            raise typer.Exit(BAD_INPUT)
        out.print(f"[green]All {len(library.ids())} scenarios are valid.[/green]")
        return
    files: list[Path] = []
    for p in paths:
        files.extend(sorted(p.glob("*.y*ml")) if p.is_dir() else [p])
    bad = missing = 0
    for f in files:
        try:
            load_file(f)
            out.print(f"[green]ok[/green] {escape(str(f))}")
        except ScenarioError as exc:
            bad += 1
            _problems(exc, out)  # the report is this command's output
        except OSError as exc:
            missing += 1
            out.print(f"[red]error[/red] {escape(str(f))}: {escape(exc.strerror or str(exc))}")
    if bad:
        raise typer.Exit(BAD_INPUT)
    if missing:
        raise typer.Exit(NOT_FOUND)


# ---- authoring (issue #23): new, drafts, import, export, publish, discard, retire ---------------

out = Console(highlight=False, soft_wrap=True)


def _core():  # type: ignore[no-untyped-def]
    from bot.app import build_core

    return build_core(get_settings())


def _workspace_id(core, key: str) -> int:  # type: ignore[no-untyped-def]
    """The workspace a shell user names: `local` (the terminal's), an id on its platform, a name, or platform:id."""
    from storage.repos.scenarios import workspaces_matching

    if key in (TERMINAL_WORKSPACE, f"{TERMINAL_PLATFORM}:{TERMINAL_WORKSPACE}"):
        return int(core.authoring.workspace(TERMINAL_PLATFORM, TERMINAL_WORKSPACE).id)
    matches = workspaces_matching(core.repos.db, key)
    if not matches:
        err.print(f"I don't know a workspace called '{key}'. Workspaces appear when someone first uses Rehearse "
                  "there; `local` is this terminal's.", markup=False)
        raise typer.Exit(NOT_FOUND)
    if len(matches) > 1:
        named = ", ".join(f"{w.platform}:{w.external_id}" for w in matches)
        err.print(f"'{key}' names several workspaces ({named}); use platform:id.", markup=False)
        raise typer.Exit(BAD_INPUT)
    workspace_id = matches[0].id
    assert workspace_id is not None  # a stored row
    return workspace_id


# Where `rehearse practice` puts the terminal's rep (adapters/console/chat.py: PLATFORM, WORKSPACE).
TERMINAL_PLATFORM, TERMINAL_WORKSPACE = "console", "local"
WORKSPACE_OPTION = typer.Option("local", "--workspace", "-w",
                                help="Workspace: `local` (the terminal's), its id, its name, or platform:id")


def _print_problems(heading: str, problems: tuple[str, ...] | list[str]) -> None:
    err.print(heading, markup=False)
    for problem in problems:
        err.print(f"  error {problem}", markup=False)


def _print_removed(removed: tuple[str, ...]) -> None:
    if removed:
        out.print(f"Removed personal data from the draft: {', '.join(removed)}.", markup=False)


@scenarios_app.command("new")
def new(
    workspace: str = WORKSPACE_OPTION,
    describe: str | None = typer.Option(None, "--describe", help="Two or three sentences for Claude to draft from"),
    behaviors: str | None = typer.Option(None, "--behaviors", help="Target behavior ids, comma-separated"),
) -> None:
    """Write a scenario: from a description (with Claude) or a short form, then try, publish, edit or discard it."""
    from bot.authoring.service import NO_LLM
    from bot.cli.scenario_wizard import ask_behaviors, ask_form, show_catalog
    from bot.llm import LlmError
    from scenarios.drafting import DraftInvalid

    core = _core()
    authoring = core.authoring
    workspace_id = _workspace_id(core, workspace)
    draft, form = None, None
    if describe is None and authoring.can_describe:
        describe = typer.prompt("Describe the conversation in two or three sentences (Enter for the short form)",
                                default="", show_default=False).strip()
    if describe:
        if not authoring.can_describe:
            out.print(f"{NO_LLM} Let's use the short form.", markup=False)
        else:
            if behaviors:
                picked = tuple(b.strip() for b in behaviors.split(",") if b.strip())
            else:
                show_catalog(out)
                picked = ask_behaviors(out, "Target behaviors (comma-separated)")
            out.print("Drafting with Claude...", markup=False)
            try:
                draft = authoring.from_description(workspace_id, describe, picked)
            except DraftInvalid as exc:
                _print_problems("Claude's draft was still invalid after one fix, so nothing was saved:", exc.problems)
                out.print("Let's use the short form instead.", markup=False)
            except LlmError as exc:
                out.print(f"Claude could not draft it ({exc.reason}). Let's use the short form instead.", markup=False)
    while draft is None:
        form = ask_form(out, form)
        try:
            draft = authoring.from_form(workspace_id, form)
        except DraftInvalid as exc:
            _print_problems("That doesn't make a valid scenario yet:", exc.problems)
            out.print("Let's go through the form again with your answers.", markup=False)
    _review(core, draft, form)


def _review(core, draft, form) -> None:  # type: ignore[no-untyped-def]
    """Show the draft, then try / publish / edit / discard / keep until the author decides."""
    import click

    from bot.cli.scenario_wizard import ask_form
    from scenarios import yaml_text
    from scenarios.drafting import DraftInvalid

    authoring = core.authoring
    _print_removed(draft.removed)
    out.print(draft.yaml, markup=False)
    out.print(f"Saved draft {draft.row_id}: {draft.scenario.id} version {draft.version}.", markup=False)
    while True:
        try:
            choice = typer.prompt("[t]ry it, [p]ublish, [e]dit, [d]iscard or [k]eep as a draft", default="t")
        except click.exceptions.Abort:
            choice = "k"
        choice = choice.strip().lower()[:1]
        if choice == "t":
            _try(core, draft)
        elif choice == "p":
            published = authoring.publish(draft.row_id)
            out.print(f"Published {published.scenario.id} version {published.version}: reps in this workspace get it "
                      "from their next push.", markup=False)
            return
        elif choice == "d":
            authoring.discard(draft.row_id)
            out.print(f"Discarded draft {draft.row_id}.", markup=False)
            return
        elif choice == "k":
            out.print(f"Kept as draft {draft.row_id}. Later: `rehearse scenarios publish {draft.row_id}` or "
                      f"`rehearse scenarios discard {draft.row_id}`.", markup=False)
            return
        elif choice == "e":
            try:
                if form is not None:
                    form = ask_form(out, form)
                    draft = authoring.revise(draft.row_id, form)
                else:
                    edited = click.edit(draft.yaml, extension=".yaml")
                    if edited is None:
                        out.print("No changes.", markup=False)
                        continue
                    draft = authoring.revise(draft.row_id, yaml_text.load(edited))
            except DraftInvalid as exc:
                _print_problems("That edit doesn't make a valid scenario, so the draft is unchanged:", exc.problems)
                continue
            _print_removed(draft.removed)
            out.print(draft.yaml, markup=False)
            out.print(f"Saved draft {draft.row_id}: {draft.scenario.id} version {draft.version}.", markup=False)
        else:
            out.print("Type t, p, e, d or k.", markup=False)


def _try(core, draft) -> None:  # type: ignore[no-untyped-def]
    from bot.runtime import load_platform

    terminal = load_platform("console").build(core, core.settings)
    out.print("Trying the draft: you are the rep. Write `done` for the scorecard.", markup=False)
    session_id = terminal.practise(sys.stdin, draft=draft.scenario)
    if session_id:
        out.print(core.authoring.try_report(session_id, draft.scenario).describe(), markup=False)


@scenarios_app.command("drafts")
def drafts(workspace: str = WORKSPACE_OPTION,
           every: bool = typer.Option(False, "--all", help="Every version, not only open drafts")) -> None:
    """The workspace's drafts (or every version it authored)."""
    core = _core()
    authoring = core.authoring
    workspace_id = _workspace_id(core, workspace)
    rows = authoring.versions(workspace_id) if every else authoring.drafts(workspace_id)
    if not rows:
        out.print("No drafts. `rehearse scenarios new` writes one.", markup=False)
        return
    print_rows(("draft", "id", "version", "status", "title"),
               [(str(d.row_id), d.scenario.id, str(d.version), d.status, d.scenario.title) for d in rows],
               title="Drafts" if not every else "Versions")


@scenarios_app.command("import")
def import_(
    path: Path = typer.Argument(..., help="A scenario YAML file"),
    workspace: str = WORKSPACE_OPTION,
    draft_only: bool = typer.Option(False, "--draft", help="Keep it as a draft to try first"),
) -> None:
    """Add a YAML scenario to a workspace (published unless --draft); a scenario with a shipped id overrides it there."""
    from scenarios.drafting import DraftInvalid

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        err.print(f"error {path}: {getattr(exc, 'strerror', None) or 'not UTF-8 text'}", markup=False)
        raise typer.Exit(NOT_FOUND if isinstance(exc, FileNotFoundError) else BAD_INPUT) from None
    core = _core()
    authoring = core.authoring
    workspace_id = _workspace_id(core, workspace)
    try:
        draft = authoring.from_yaml(workspace_id, text, str(path))
    except DraftInvalid as exc:
        _print_problems(f"{path} was not imported:", exc.problems)
        raise typer.Exit(BAD_INPUT) from None
    _print_removed(draft.removed)
    if draft_only:
        out.print(f"Saved draft {draft.row_id}: {draft.scenario.id} version {draft.version}. Try it with "
                  f"`rehearse practice --file {path}`.", markup=False)
        return
    published = authoring.publish(draft.row_id)
    out.print(f"Published {published.scenario.id} version {published.version} to workspace {workspace}.", markup=False)


@scenarios_app.command("export")
def export(
    scenario_id: str = typer.Argument(..., help="Scenario id"),
    workspace: str = WORKSPACE_OPTION,
    output: Path | None = typer.Option(None, "--output", "-o", help="Write to this file instead of stdout"),
) -> None:
    """The YAML of a scenario as the workspace sees it (its own version, or the shipped one)."""
    core = _core()
    try:
        text = core.authoring.export(_workspace_id(core, workspace), scenario_id)
    except UnknownScenario as exc:
        err.print(str(exc), markup=False)
        raise typer.Exit(NOT_FOUND) from None
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
        out.print(f"Wrote {output}.", markup=False)


@scenarios_app.command("publish")
def publish(draft_id: int = typer.Argument(..., help="Draft number (see `rehearse scenarios drafts`)")) -> None:
    """Publish a draft to its workspace: reps get it from their next push; running sessions keep their version."""
    d = _on_draft(draft_id, "publish")
    out.print(f"Published {d.scenario.id} version {d.version}.", markup=False)


@scenarios_app.command("discard")
def discard(draft_id: int = typer.Argument(..., help="Draft number")) -> None:
    """Throw a draft away (its version number stays used)."""
    d = _on_draft(draft_id, "discard")
    out.print(f"Discarded draft {d.row_id} ({d.scenario.id} version {d.version}).", markup=False)


def _on_draft(draft_id: int, use_case: str):  # type: ignore[no-untyped-def]
    """Publish or discard as the shell operator: exit 1 for an unknown draft, 2 for one that is not a draft."""
    from bot.authoring.service import UnknownDraft
    from bot.people.roles import NotAllowed

    authoring = _core().authoring
    try:
        return getattr(authoring, use_case)(draft_id)
    except UnknownDraft as exc:
        err.print(exc.user_message, markup=False)
        raise typer.Exit(NOT_FOUND) from None
    except NotAllowed as exc:
        err.print(exc.user_message, markup=False)
        raise typer.Exit(BAD_INPUT) from None


@scenarios_app.command("retire")
def retire(scenario_id: str = typer.Argument(...), workspace: str = WORKSPACE_OPTION) -> None:
    """Stop pushing a scenario in a workspace; sessions already running finish on their version."""
    core = _core()
    try:
        d = core.authoring.retire(_workspace_id(core, workspace), scenario_id)
    except UnknownScenario as exc:
        err.print(str(exc), markup=False)
        raise typer.Exit(NOT_FOUND) from None
    out.print(f"Retired {d.scenario.id} in workspace {workspace}: no new pushes of it.", markup=False)
