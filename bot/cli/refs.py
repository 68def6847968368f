"""Team and workspace references on the command line: a name or an id, both accepted everywhere.

`programme --team`, `cadence` and `people list --team` all resolve through `resolve_team`, so one
kind of reference works for every command (`rehearse teams list` shows both).
"""

from __future__ import annotations

from collections.abc import Sequence

from storage.models import Team, Workspace

TeamRow = tuple[Team, Workspace]


class UnknownReference(LookupError):
    """A name or id that matches nothing, or more than one thing; `user_message` says what to type."""

    def __init__(self, user_message: str, ambiguous: bool = False) -> None:
        super().__init__(user_message)
        self.user_message = user_message
        self.ambiguous = ambiguous

    def __str__(self) -> str:
        return self.user_message


def workspace_matches(workspace: Workspace, ref: str) -> bool:
    ref = ref.strip()
    return ref in (str(workspace.id), workspace.external_id) or workspace.name.lower() == ref.lower()


def resolve_workspace(rows: Sequence[TeamRow], ref: str) -> Workspace:
    found = {w.id: w for _, w in rows if workspace_matches(w, ref)}
    if len(found) == 1:
        return next(iter(found.values()))
    known = sorted({f"{w.name or w.external_id} ({w.id})" for _, w in rows})
    if not found:
        raise UnknownReference(f"No workspace called '{ref}'." + (f" Workspaces: {', '.join(known)}." if known else ""))
    raise UnknownReference(f"'{ref}' matches {len(found)} workspaces; use the workspace id.", ambiguous=True)


def resolve_team(rows: Sequence[TeamRow], ref: str, workspace: str | None = None) -> Team:
    """The team whose id or name (any case) is `ref`, within `workspace` (id, external id or name) if given."""
    ref = ref.strip()
    if workspace is not None:
        ws = resolve_workspace(rows, workspace)
        rows = [(t, w) for t, w in rows if w.id == ws.id]
    by_id = [t for t, _ in rows if ref.isdigit() and t.id == int(ref)]
    matches = by_id or [t for t, _ in rows if t.name.lower() == ref.lower()]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        known = ", ".join(f"{t.name} ({t.id})" for t, _ in rows)
        hint = f" Teams: {known}." if known else " No teams yet: `rehearse roster import` creates them."
        raise UnknownReference(f"I don't know a team called '{ref}'.{hint} See `rehearse teams list`.")
    ids = ", ".join(str(t.id) for t in matches)
    raise UnknownReference(f"More than one team is called '{ref}' (ids {ids}); use the id or --workspace.",
                           ambiguous=True)
