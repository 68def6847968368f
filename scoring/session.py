"""Session scoring: score each rep turn, then aggregate the way a coach would.

Each behavior's `session` rule in the catalog picks the aggregation:
- peak: the best moment, nudged by consistency (0.7 best + 0.3 mean);
- mean: tone behaviors, where every turn counts;
- present: done clearly at least once;
- closing: the last two rep turns (next steps belong at the end);
- order: business questions must come before product talk, across turns;
- first_fix: judged on the turn where the rep first offers a fix, crediting
  impact named in an earlier turn.
Delivery (voice), latency and talk share add penalties and lead the feedback.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from scoring import feedback as fb
from scoring.catalog import Behavior, get_behavior
from scoring.delivery import Note, delivery_notes, latency_note, talk_share_note
from scoring.scorer import MAX_EVIDENCE, Verdict, confidence_of, level_of, verdict_of
from scoring.signals import Analysis, analyse
from scoring.types import BehaviorScore, Feedback, InvalidReply, Setting, Turn

ORDER_CAP = 35  # product talk before any business question caps business_impact_first here


@dataclass
class _RepTurn:
    number: int  # 1-based among rep turns
    turn: Turn
    context: str
    analysis: Analysis


def _rep_turns(turns: Sequence[Turn]) -> list[_RepTurn]:
    out: list[_RepTurn] = []
    last_buyer = ""
    for t in turns:
        if t.speaker == "buyer":
            last_buyer = t.text or ""
            continue
        try:
            a = analyse(t.text, last_buyer)
        except InvalidReply:
            continue  # an empty or junk turn shows nothing; it is not evidence either way
        out.append(_RepTurn(len(out) + 1, t, last_buyer, a))
    return out


def _talk_share(turns: Sequence[Turn]) -> float:
    rep = sum(len((t.text or "").split()) for t in turns if t.speaker == "rep")
    total = sum(len((t.text or "").split()) for t in turns)
    return rep / total if total else 0.0


#: A behavior's session value, whether it was shown, the turns that carry it, and an optional note.
_Aggregate = tuple[float, bool, list[int], str | None]


def _turn_score(b: Behavior, rt: _RepTurn) -> tuple[Verdict, list[Note]]:
    where = f"in turn {rt.number}"
    if b.id in ("acknowledge_objection", "patience", "empathy") and rt.context:
        where = "during the objection" if b.id == "acknowledge_objection" else f"in turn {rt.number}"
    notes = delivery_notes(b.id, rt.turn.delivery, where) + latency_note(b.id, rt.turn.latency_s, rt.context)
    penalty = sum(n.penalty for n in notes)
    return verdict_of(b, rt.analysis, penalty), notes


def _empty(b: Behavior, setting: Setting = fb.SALES) -> BehaviorScore:
    return BehaviorScore(
        behavior=b.id,
        score=0,
        detected=False,
        evidence=(),
        feedback=Feedback(went_well="", try_next=fb.try_next(b, False, setting), rewrite=None),  # nothing to praise
        level=0,
        confidence=1.0,
    )


def _aggregate(b: Behavior, reps: list[_RepTurn], scored: list[Verdict]) -> _Aggregate:
    """(score, detected, turn indices to quote, extra coaching note)."""
    scores = [s.score for s in scored]
    best = max(range(len(scored)), key=lambda i: scores[i])
    mean = sum(scores) / len(scores)
    rule = b.session
    if rule == "mean":
        worst = min(range(len(scored)), key=lambda i: scores[i])
        note = None
        if scores[worst] < b.threshold <= mean:
            note = f"Turn {reps[worst].number} slipped; keep it up in every reply."
        return mean, mean >= b.threshold, [best], note
    if rule == "present":
        return scores[best], scored[best].detected, [best], None
    if rule == "closing":
        tail = list(range(max(0, len(scored) - 2), len(scored)))
        last_best = max(tail, key=lambda i: scores[i])
        note = None
        if not scored[last_best].detected and scored[best].detected:
            note = "You had a next step earlier; restate it with an owner and a time at the end."
        return scores[last_best], scored[last_best].detected, [last_best], note
    if rule == "order":
        return _order(b, reps, scored, scores, best, mean)
    if rule == "first_fix":
        return _first_fix(b, reps, scored, scores, best, mean)
    value = 0.7 * scores[best] + 0.3 * mean  # peak
    return value, any(s.detected for s in scored), [best], None


def _order(b: Behavior, reps: list[_RepTurn], scored: list[Verdict], scores: list[int], best: int,
           mean: float) -> _Aggregate:
    """business_impact_first: what came first across the session decides the ceiling."""
    first_business = first_product = None
    for i, rt in enumerate(reps):
        s = rt.analysis.signals
        if first_business is None and s.business_questions:
            first_business = (i, 0 if s.business_question_first else 1)
        if first_product is None and (s.product_pitch or s.product_questions or s.pitch_statements or s.product_mentions):
            first_product = (i, 0 if s.product_pitch else 1)
    value = 0.7 * scores[best] + 0.3 * mean
    if first_product is not None and (first_business is None or first_product < first_business):
        turn = reps[first_product[0]].number
        return min(value, ORDER_CAP), False, [best], f"You talked product or price in turn {turn} before asking about the business; lead with the problem and its impact."
    if first_business is not None:
        before = sum(1 for rt in reps[: (first_product or (len(reps), 0))[0]] if rt.analysis.signals.business_questions)
        value = min(100.0, value + 5 * max(0, before - 1))  # sustained curiosity before capability
    return value, value >= b.threshold, [best], None


def _first_fix(b: Behavior, reps: list[_RepTurn], scored: list[Verdict], scores: list[int], best: int,
               mean: float) -> _Aggregate:
    """impact_before_fix: judge the first fix; impact named earlier in the session counts."""
    fix = next((i for i, rt in enumerate(reps) if rt.analysis.signals.fix_statements), None)
    if fix is None:
        return 0.7 * scores[best] + 0.3 * mean, any(s.detected for s in scored), [best], None
    earlier = [i for i in range(fix) if reps[i].analysis.signals.impact_statements]
    value = float(scores[fix])
    if earlier:
        value = max(value, min(100.0, scores[earlier[0]] + 30))
        quote = [earlier[0], fix]
    else:
        quote = [fix]
    note = None
    if not reps[fix].analysis.signals.impact_before_fix and not earlier:
        note = f"You offered the fix in turn {reps[fix].number} before naming what the problem cost them."
    return value, value >= b.threshold, quote, note


def score_session_behavior(b: Behavior, turns: Sequence[Turn], setting: Setting = fb.SALES,
                           reps: list[_RepTurn] | None = None) -> BehaviorScore:
    """`reps`: the session's rep turns already analysed (score_session analyses them once for every behavior)."""
    reps = _rep_turns(turns) if reps is None else reps
    if not reps:
        return _empty(b, setting)
    pairs = [_turn_score(b, rt) for rt in reps]
    scored = [p[0] for p in pairs]
    value, detected, quote_turns, note = _aggregate(b, reps, scored)
    share = _talk_share(turns)
    share_notes = talk_share_note(b.id, share) if len(reps) >= 2 else []
    if share_notes:
        value -= share_notes[0].penalty * 100
    score = round(min(max(value, 0.0), 100.0))
    detected = detected and score >= b.threshold

    evidence: list[str] = []
    for i in quote_turns + [i for i in range(len(scored)) if i not in quote_turns]:
        for q in scored[i].evidence:
            if q not in evidence:
                evidence.append(q)
    evidence = evidence[:MAX_EVIDENCE] if score > 0 else []

    delivery_msgs = [n.message for _, notes in pairs for n in notes]
    # When the behavior never counted, a turn that had its words without its substance says why first.
    reason = None if detected else next((sc.reason for sc in scored if sc.reason), None)
    lead = ([reason] if reason else []) + (delivery_msgs[:1] or []) + ([note] if note else []) + [n.message for n in share_notes]
    feeling = fb.rep_feeling(" ".join(rt.turn.text or "" for rt in reps))  # the rep's own word, kept in advice
    try_next = lead[0] if lead else fb.try_next(b, detected, setting, feeling)
    went_well = fb.went_well(b, evidence)
    if b.session == "order" and note and went_well:
        went_well = fb.tidy(f"You did get to the business problem: “{fb.short(evidence[0])}”.")
    # Rewrite the turn that most needs it: the weakest turn, unless everything was strong.
    weakest = min(range(len(scored)), key=lambda i: scored[i].score)
    rewrite = (fb.rewrite(b, reps[weakest].analysis, setting, feeling)
               or fb.rewrite(b, reps[quote_turns[0]].analysis, setting, feeling))
    try_next = fb.tidy(try_next)

    signals: dict[str, float] = {}
    for s in scored:
        for k, v in s.signals.items():
            signals[k] = signals.get(k, 0.0) + v
    signals["rep_turns"] = float(len(reps))
    signals["talk_share"] = round(share, 3)
    latencies = [rt.turn.latency_s for rt in reps if rt.turn.latency_s is not None]
    if latencies:
        signals["mean_latency_s"] = round(sum(latencies) / len(latencies), 2)
    paces = [rt.turn.delivery.words_per_minute for rt in reps if rt.turn.delivery is not None]
    if paces:
        signals["words_per_minute"] = round(sum(paces) / len(paces), 1)
        signals["filler_count"] = float(sum(rt.turn.delivery.filler_count for rt in reps if rt.turn.delivery))

    return BehaviorScore(
        behavior=b.id,
        score=score,
        detected=detected,
        evidence=tuple(evidence),
        feedback=Feedback(went_well=went_well, try_next=try_next, rewrite=rewrite),
        level=level_of(score),
        confidence=confidence_of(score, b.threshold),
        engine="offline",
        signals=signals,
        reason=reason,
    )


def score_session(behaviors: Sequence[str], turns: Sequence[Turn], setting: Setting = fb.SALES) -> list[BehaviorScore]:
    """One BehaviorScore per behavior for a whole session. Raises UnknownBehavior before scoring anything.

    `setting` (sales or service, the customer's goal) makes the feedback's rewrites fit the call."""
    catalog = [get_behavior(b) for b in behaviors]
    # A turn's analysis depends only on its text and the buyer's line before it, so it is made once here,
    # not once per behavior: the `done` scorecard analysed every rep turn two or three times, CPU that
    # held the GIL while other reps' turns waited (issue 26).
    reps = _rep_turns(turns)
    return [score_session_behavior(b, turns, setting, reps) for b in catalog]
