"""A digest in every shape it is read in: the chat card and chart image, plain text, JSON and HTML.

All renderers read the same `DigestData`; none computes anything new, so the
card, the terminal preview and the full report always agree.
"""

from __future__ import annotations

import base64
import html
import json
from collections.abc import Iterable, Sequence

from bot.digests.model import MIN_TREND_SESSIONS, BehaviorFigures, DigestData, TeamBehavior
from bot.messages import Action, Card, Field, Image

NUDGE = "rehearse_digest_nudge"
ASSIGN = "rehearse_digest_assign"
REPORT = "rehearse_digest_report"

# Discord caps an embed field at 1024 characters and an embed at 6000; Slack a section at 3000.
FIELD_LIMIT = 1000
CARD_BUDGET = 5200

SLOPE_NOTE = (
    "Scores are 0–100. Improvement per session is the least-squares slope of each rep's scores over their "
    f"sessions in the chart's window (± one standard error); under {MIN_TREND_SESSIONS} sessions there is no slope."
)


def title(data: DigestData) -> str:
    return f"Team digest · {data.period_label}" + (" (so far)" if data.in_progress else "")


# ---- chat ----------------------------------------------------------------------


def digest_card(data: DigestData, digest_id: int) -> Card:
    """The digest as a chat card with its three buttons (value = the digest's id)."""
    value = str(digest_id)
    fields: list[Field] = []
    budget = [CARD_BUDGET]
    fields += capped_fields("Practice vs cadence", [f"{r.name}: {r.status_label}" for r in data.reps], budget)
    fields += capped_fields("Behaviors (team)", [_team_line(b) for b in data.behaviors] or ["No scores yet."], budget)
    reinforce = [f"{r.name}: {r.reinforcement.name} ({r.reinforcement.reason})"
                 for r in data.reps if r.reinforcement is not None]
    fields += capped_fields("Needs reinforcement", reinforce or ["No one this period."], budget)
    fields += capped_fields("One coaching action per rep", [f"{r.name}: {r.action.text}" for r in data.reps], budget)
    actions = []
    if data.not_practised:
        actions.append(Action(NUDGE, "Nudge the reps who haven't practised", value))
    if data.focus is not None:
        fields.append(Field("Suggested for the team",
                            f"“{data.focus.title}” practises {data.focus.behavior_name} "
                            f"(about {data.focus.minutes} min)"))
        actions.append(Action(ASSIGN, "Assign this scenario to the team", value, "primary"))
    actions.append(Action(REPORT, "Open the full report", value))
    return Card(title=title(data), body=data.headline, fields=tuple(fields), actions=tuple(actions),
                footer=SLOPE_NOTE, kind="digest")


def digest_image(data: DigestData, png: bytes) -> Image:
    return Image(data=png, filename=f"rehearse-digest-{data.manager_id}-{data.period_start}.png",
                 title=f"Team trend and heat map · {data.period_label}",
                 alt="Line chart of the team's average per behavior over recent periods, and a heat map of each "
                     "rep's average per behavior this period (hatched cells: no sessions).")


def capped_fields(name: str, lines: Sequence[str], budget: list[int],
                  more: str = "in the full report") -> list[Field]:
    """Lines packed into fields under the platforms' size limits; what does not fit points to `more`."""
    fields: list[Field] = []
    chunk: list[str] = []
    size = 0
    for i, line in enumerate(lines):
        line = line if len(line) <= FIELD_LIMIT - 60 else line[: FIELD_LIMIT - 61] + "…"
        if budget[0] - len(line) < 0:
            chunk.append(f"…and {len(lines) - i} more {more}.")
            break
        if size + len(line) + 1 > FIELD_LIMIT - 60 and chunk:
            fields.append(Field(name if not fields else f"{name} (cont.)", "\n".join(chunk)))
            chunk, size = [], 0
        chunk.append(line)
        size += len(line) + 1
        budget[0] -= len(line) + 1
    if chunk:
        fields.append(Field(name if not fields else f"{name} (cont.)", "\n".join(chunk)))
    return fields


def _team_line(b: TeamBehavior) -> str:
    return f"{b.name}: {b.mean_label()} ({b.change_label()}) · {b.slope.label()}"


# ---- plain text ------------------------------------------------------------------


def to_text(data: DigestData, chart_path: str | None = None) -> str:
    out = [title(data), f"for {data.manager_name}", "", data.headline, ""]
    out.append("Practice vs cadence")
    width = max((len(r.name) for r in data.reps), default=4)
    for r in data.reps:
        missed = f", {r.missed} skipped" if r.missed else ""
        out.append(f"  {r.name:<{width}}  {r.status_label}{missed}")
    if not data.reps:
        out.append("  No one reports to you yet.")
    out += ["", "Behaviors: team average this period, change vs last period, improvement per session"]
    for b in data.behaviors:
        out.append(f"  {b.name}: {b.mean_label()} ({b.change_label()}), {b.reps_scored} reps scored · "
                   f"{b.slope.label()}")
    if not data.behaviors:
        out.append("  No scores yet.")
    out += ["", "Per rep: average this period · improvement per session"]
    for r in data.reps:
        out.append(f"  {r.name}")
        for f in r.behaviors:
            out.append(f"    {f.name}: {_rep_mean(f)} · {f.slope.label()}")
    out += ["", "Needs reinforcement"]
    needs = data.needs_reinforcement
    out += [f"  {r.name}: {r.reinforcement.name} — {r.reinforcement.reason}" for r in needs if r.reinforcement]
    if not needs:
        out.append("  No one this period.")
    out += ["", "One coaching action per rep"]
    out += [f"  {r.name}: {r.action.text}" for r in data.reps]
    if data.focus is not None:
        out += ["", f"Suggested for the team: “{data.focus.title}” ({data.focus.id}), practises "
                    f"{data.focus.behavior_name}, about {data.focus.minutes} min"]
    if chart_path:
        out += ["", f"Chart: {chart_path}"]
    out += ["", SLOPE_NOTE]
    return "\n".join(out) + "\n"


def _rep_mean(f: BehaviorFigures) -> str:
    if f.mean is None:
        return "no sessions this period"
    change = f" ({f.change_label()})" if f.previous is not None else ""
    return f"{f.mean:.0f} over {f.n} session{'s' if f.n != 1 else ''}{change}"


# ---- JSON ------------------------------------------------------------------------


def to_json(data: DigestData) -> str:
    return json.dumps(data.model_dump(mode="json"), ensure_ascii=False, indent=2)


# ---- HTML ------------------------------------------------------------------------


def to_html(data: DigestData, png: bytes | None) -> str:
    """A self-contained report: tables plus the chart embedded as a data URI (no files beside it)."""
    e = html.escape
    parts = [
        "<!doctype html><html lang=en><head><meta charset=utf-8>",
        f"<title>{e(title(data))}</title>",
        "<style>body{font:15px/1.45 system-ui,sans-serif;max-width:1080px;margin:2rem auto;padding:0 1rem;color:#222}"
        "table{border-collapse:collapse;margin:.5rem 0 1.5rem}td,th{border-bottom:1px solid #ddd;padding:.3rem .6rem;"
        "text-align:left;vertical-align:top}th{background:#f6f6f6}.none{color:#888;font-style:italic}"
        ".warn{color:#b03a2e}img{max-width:100%;border:1px solid #eee}small{color:#666}</style></head><body>",
        f"<h1>{e(title(data))}</h1><p>For {e(data.manager_name)}. {e(data.headline)}</p>",
    ]
    if png:
        parts.append(f'<img alt="Team trend and rep heat map" src="data:image/png;base64,'
                     f'{base64.b64encode(png).decode("ascii")}">')
    parts.append("<h2>Behaviors</h2>")
    parts.append(_table(["Behavior", "This period", "Change", "Improvement per session", "Reps scored"], [
        [e(b.name), _cell(b.mean_label(), b.mean is None), e(b.change_label()), e(b.slope.label()),
         str(b.reps_scored)] for b in data.behaviors]))
    head = ["Rep", "Practice vs cadence"] + [e(b.name) for b in data.behaviors] + ["Coaching action"]
    rows = []
    for r in data.reps:
        cells = [e(r.name), _cell(r.status_label, r.status in ("not_practised", "behind"), "warn")]
        for f in r.behaviors:
            cells.append(_cell(_rep_mean(f), f.mean is None) + f"<br><small>{e(f.slope.label())}</small>")
        cells.append(e(r.action.text))
        rows.append(cells)
    parts.append("<h2>Reps</h2>" + _table(head, rows))
    needs = [[e(r.name), e(r.reinforcement.name), e(r.reinforcement.reason)]
             for r in data.reps if r.reinforcement is not None]
    parts.append("<h2>Needs reinforcement</h2>" + (_table(["Rep", "Behavior", "Why"], needs) if needs
                                                   else "<p class=none>No one this period.</p>"))
    if data.focus is not None:
        parts.append(f"<h2>Suggested for the team</h2><p>“{e(data.focus.title)}” (<code>{e(data.focus.id)}</code>) "
                     f"practises {e(data.focus.behavior_name)}, about {data.focus.minutes} minutes.</p>")
    parts.append(f"<p><small>{e(SLOPE_NOTE)} Generated {data.generated_at:%Y-%m-%d %H:%M} UTC.</small></p>")
    parts.append("</body></html>")
    return "".join(parts)


def _cell(text: str, flagged: bool, css: str = "none") -> str:
    return f'<span class="{css}">{html.escape(text)}</span>' if flagged else html.escape(text)


def _table(head: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    th = "".join(f"<th>{h}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"


def join_names(names: Sequence[str]) -> str:
    """'Ana', 'Ana and Ben', 'Ana, Ben and Chloé' (for replies to a manager)."""
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + f" and {names[-1]}"
