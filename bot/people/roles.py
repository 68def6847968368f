"""Who may do what: rep, manager, enablement. One check, one polite refusal."""

from __future__ import annotations

from storage.models import Person

REP, MANAGER, ENABLEMENT = "rep", "manager", "enablement"
ROLES = (REP, MANAGER, ENABLEMENT)


class NotAllowed(PermissionError):
    """Raised before anything changes; `user_message` is safe to show where the person is."""

    def __init__(self, user_message: str) -> None:
        super().__init__(user_message)
        self.user_message = user_message


def parse_roles(text: str) -> list[str]:
    """'rep, Manager' -> ['rep', 'manager']; unknown roles are an error naming the allowed ones."""
    roles = [r.strip().lower() for r in text.replace(";", ",").split(",") if r.strip()]
    unknown = [r for r in roles if r not in ROLES]
    if unknown:
        raise ValueError(f"unknown role(s) {', '.join(unknown)}; use {', '.join(ROLES)}")
    return sorted(set(roles) or {REP}, key=ROLES.index)


def require(person: Person | None, role: str, doing: str) -> Person:
    """The person, if they hold `role`; otherwise NotAllowed with a sentence they can act on."""
    if person is None or person.deleted_at is not None or not person.has_role(role):
        who = {ENABLEMENT: "your enablement team", MANAGER: "managers"}.get(role, f"people with the {role} role")
        raise NotAllowed(f"Sorry, only {who} can {doing}. Nothing was changed.")
    return person


def may_see(viewer: Person, subject: Person) -> bool:
    """A rep sees themself; a manager sees their reports; enablement sees aggregates (not this)."""
    return viewer.id == subject.id or (viewer.has_role(MANAGER) and subject.manager_id == viewer.id)
