"""The short form in the terminal: `rehearse scenarios new` asks for a scenario one question at a time.

The same fields as the Slack modal (scenarios.drafting.ScenarioForm); editing a
draft asks again with the previous answers as defaults. Answers are checked as
they come (behavior ids against the catalog), so a typo costs one question,
not the form.
"""

from __future__ import annotations

from collections.abc import Sequence

import typer
from rich.console import Console

from scenarios.drafting import FactForm, ScenarioForm
from scoring import all_behaviors

MAX_FACTS = 3


def ask_behaviors(console: Console, label: str, default: Sequence[str] = ()) -> tuple[str, ...]:
    known = {b.id for b in all_behaviors()}
    while True:
        answer = typer.prompt(label, default=", ".join(default) if default else None)
        picked = tuple(dict.fromkeys(b.strip() for b in answer.replace(";", ",").split(",") if b.strip()))
        unknown = [b for b in picked if b not in known]
        if picked and not unknown:
            return picked
        console.print(f"Unknown behavior {', '.join(unknown)}." if unknown else "Pick at least one behavior.",
                      markup=False)
        console.print(f"Known: {', '.join(sorted(known))}", markup=False)


def show_catalog(console: Console) -> None:
    console.print("Behaviors a scenario can coach:", markup=False)
    for b in all_behaviors():
        console.print(f"  {b.id:<24} {b.name}", markup=False)


def _text(label: str, default: str = "", required: bool = True) -> str:
    while True:
        answer = typer.prompt(label, default=default, show_default=bool(default)).strip()
        if answer or not required:
            return answer
        typer.echo("This one is needed.")


def ask_form(console: Console, before: ScenarioForm | None = None) -> ScenarioForm:
    """Every field of the short form; `before` supplies the defaults when editing."""
    b = before
    show_catalog(console)
    behaviors = ask_behaviors(console, "Target behaviors (comma-separated, most important first)",
                              b.behaviors if b else ())
    title = _text("Title", b.title if b else "")
    buyer_name = _text("Buyer's name (fictional)", b.buyer_name if b else "")
    buyer_role = _text("Buyer's role", b.buyer_role if b else "")
    company = _text("Buyer's company (fictional)", b.company if b else "")
    mood = _text("Buyer's mood", b.mood if b else "neutral")
    concern = _text("What the buyer wants sorted, as a phrase (e.g. 'the double bookings')", b.concern if b else "")
    opening = _text("The buyer's opening line", b.opening_line if b else "")
    facts: list[FactForm] = []
    for i in range(MAX_FACTS):
        old = b.facts[i] if b and i < len(b.facts) else None
        fact = _text(f"Hidden fact {i + 1}: what the buyer says once the rep earns it (Enter when done)",
                     old.fact if old else "", required=False)
        if not fact:
            break
        about = _text("  What is it about, in a few words", old.about if old else "")
        unlocked = ask_behaviors(console, "  Unlocked by (behaviors)", old.unlocked_by if old else behaviors[:1])
        facts.append(FactForm(fact, about, unlocked))
    summary = _text("The rep's brief (Enter to write one from the above)", b.summary if b else "", required=False)
    return ScenarioForm(title=title, behaviors=behaviors, buyer_name=buyer_name, buyer_role=buyer_role,
                        company=company, concern=concern, opening_line=opening, facts=tuple(facts), summary=summary,
                        mood=mood)
