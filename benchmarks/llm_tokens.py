"""Claude token use for one scripted practice session, measured against the fake Messages API.

A curious rep plays the 6-turn discovery scenario through the real composition
root (build_core, the practice engine, LlmBuyer and LlmJudge, the real
SDK) against tests/fakes/anthropic_api.py, whose usage figures come from the
cache_control breakpoints we actually send (about 4 characters per token; the
fake's prompt cache follows the service's documented rules, including the
1,024-token minimum for Sonnet). Printed: every call with its uncached input,
cache writes, cache reads and output; then the targets:

- at most one call per rep turn plus one judge call per session;
- from the second turn on, at least 70 % of input tokens are cache reads.

A second rep then plays the same scenario straight after, to show that the
scenario's stable prefix is shared between sessions. `--transcripts` also
prints a session the offline buyer answers (every Claude buyer call fails with
529) and the judge's output for it.

`--provider openai` plays the same session on an own model instead: the real
`openai` SDK against tests/fakes/openai_api.py (an OpenAI-compatible server,
tokens from its `usage` field), printing calls, tokens and latency per turn.

Run: .venv/bin/python benchmarks/llm_tokens.py [--transcripts] [--provider anthropic|openai]
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import logging  # noqa: E402
import warnings  # noqa: E402

from bot.app import build_core  # noqa: E402
from bot.llm.pricing import price_of  # noqa: E402
from bot.messages import Card, Inbound, PersonRef, Text  # noqa: E402
from bot.settings import Settings  # noqa: E402
from tests.core.testbot import ManualClock, RecordingChat  # noqa: E402
from tests.fakes.anthropic_api import FakeAnthropic, Fault, Recorded, Reply  # noqa: E402
from tests.fakes.openai_api import Answer, FakeOpenAI  # noqa: E402

SCENARIO = "discovery-procurement-stall"
REP_TURNS = [
    "Happy to send pricing. Before I do, what's driving this for you right now?",
    "How is that affecting the business? What does a late shipment actually cost you?",
    "What happens if this isn't fixed by the end of the quarter?",
    "Who else feels this besides you and the CFO?",
    "What would a good outcome look like for you in ninety days?",
    "Would it help if I sent a one-page summary tied to the chargeback numbers by Friday?",
]
BUYER_LINES = [
    ("Honestly, late shipments. We've missed our on-time target three months running.", ["late_shipments"]),
    ("Every late truck is a chargeback. About forty thousand a month, and Halvorsen is twelve percent of revenue.",
     ["cost_of_delay"]),
    ("Between us, the CFO wants a plan by quarter end. A number tied to chargebacks moves procurement.",
     ["cfo_deadline"]),
    ("The warehouse leads, mostly. They take the calls from the retail accounts.", []),
    ("On-time back above ninety-five percent, and Halvorsen off my back.", []),
    ("Okay, I need to jump. Send me that note and we'll see about next steps.", []),
]
FENCED = re.compile(r"<rep_turn\b[^>]*>(.*?)</rep_turn>", re.DOTALL)


def responder(request: dict[str, Any]) -> Reply:
    """The fake's answers: the scripted buyer line for this turn, or a judge verdict quoting the rep."""
    tool = (request.get("tool_choice") or {}).get("name")
    if tool == "buyer_reply":
        turn = sum(1 for m in request["messages"] if m["role"] == "user") - 2  # minus the opening cue
        text, revealed = BUYER_LINES[min(turn, len(BUYER_LINES) - 1)]
        return Reply.tool(tool, {"text": text, "revealed_fact_ids": revealed})
    rep = [html.unescape(m.group(1)) for b in request["messages"][0]["content"] for m in FENCED.finditer(b["text"])]
    enum = request["tools"][0]["input_schema"]["properties"]["scores"]["items"]["properties"]["behavior"]["enum"]
    return Reply.tool("record_scores", {"scores": [
        {"behavior": b, "level": 3, "score": 78, "confidence": 0.8,
         "evidence": [rep[1].split("?")[0] + "?", "I asked about the business before the product"],
         "went_well": "You asked what a late shipment costs before talking product.",
         "try_next": "Quantify the impact back to them before you offer the summary.",
         "rewrite": "So late trucks cost you about forty thousand a month. What would cutting that in half mean for the CFO?"}
        for b in enum]})


def run_session(core: Any, chat: RecordingChat, user: str, lines: list[str]) -> str:
    service = core.practice({"console": chat})
    person = PersonRef("console", "W1", user, f"Rep {user}")
    started = service.start(person, SCENARIO)
    for i, line in enumerate(lines):
        if core.repos.sessions.get(started.session.id).state not in ("offered", "started"):
            break
        core.clock.advance(seconds=40)
        service.handle(Inbound(started.ref, person, f"{user}-{i}", core.clock.now(), line))
    return started.session.id


def table(calls: list[Recorded]) -> None:
    print(f"{'#':>2} {'purpose':<7} {'uncached in':>11} {'cache write':>11} {'cache read':>10} {'output':>6} {'read %':>7}")
    for i, r in enumerate(calls, 1):
        u = r.usage or {}
        total = u["input_tokens"] + u["cache_creation_input_tokens"] + u["cache_read_input_tokens"]
        purpose = "buyer" if r.tool_choice == "buyer_reply" else "judge"
        print(f"{i:>2} {purpose:<7} {u['input_tokens']:>11,} {u['cache_creation_input_tokens']:>11,} "
              f"{u['cache_read_input_tokens']:>10,} {u['output_tokens']:>6,} {100 * u['cache_read_input_tokens'] / total:>6.1f}%")


def sums(calls: list[Recorded]) -> dict[str, int]:
    keys = ("input_tokens", "cache_creation_input_tokens", "cache_read_input_tokens", "output_tokens")
    return {k: sum((r.usage or {}).get(k, 0) for r in calls) for k in keys}


def print_transcripts(fake: FakeAnthropic, settings: Settings) -> None:
    core = build_core(settings, clock=ManualClock())
    chat = RecordingChat()
    fake.reset()
    lines = REP_TURNS[:3]
    attempts = 1 + settings.anthropic_max_retries
    fake.script(*[Fault(529, retry_after_s=0.01)] * (attempts * len(lines)))  # every buyer attempt fails; the judge answers
    session_id = run_session(core, chat, "U-offline", lines + ["done"])
    print("\n== Transcript: Claude overloaded (529), the offline buyer answers ==")
    for t in core.repos.sessions.turns(session_id):
        print(f"[{t.speaker:<5} {t.engine or 'typed':<17}] {t.text}")
    card = next(m for _, m in reversed(chat.posted) if isinstance(m, Card))
    verdict = responder(fake.calls("record_scores")[-1].body).content[0]["input"]
    print("\n== What the (fake) judge answered through record_scores ==")
    print(json.dumps(verdict, indent=2))
    print("\n== The stored scores after the blend (session judge_engine: "
          f"{core.repos.sessions.get(session_id).judge_engine}) ==")
    for s in core.repos.sessions.scores_for_session(session_id):
        print(json.dumps({"behavior": s.behavior, "score": s.score, "detected": s.detected, "level": s.level,
                          "confidence": s.confidence, "engine": s.engine, "evidence": s.evidence,
                          "feedback": s.feedback}, indent=2))
    print("\n== The scorecard the rep sees ==")
    print(card.title)
    for f in card.fields:
        print(f"  {f.title}: {f.value}")
    core.repos.db.dispose()


def own_model_responder(request: dict[str, Any]) -> Answer:
    """The same script for an OpenAI-compatible server: the request is read in chat-completions form."""
    tool = ((request.get("tool_choice") or {}).get("function") or {}).get("name")
    if tool == "buyer_reply":
        turn = sum(1 for m in request["messages"] if m["role"] == "user") - 2  # minus the opening cue
        text, revealed = BUYER_LINES[min(turn, len(BUYER_LINES) - 1)]
        return Answer.function(tool, {"text": text, "revealed_fact_ids": revealed})
    body = request["messages"][-1]["content"]
    rep = [html.unescape(m.group(1)) for m in FENCED.finditer(body)]
    enum = request["tools"][0]["function"]["parameters"]["properties"]["scores"]["items"]["properties"]["behavior"]["enum"]
    return Answer.function("record_scores", {"scores": [
        {"behavior": b, "level": 3, "score": 78, "confidence": 0.8, "evidence": [rep[1].split("?")[0] + "?"],
         "try_next": "Quantify the impact back to them before you offer the summary."} for b in enum]})


def main_own_model() -> int:
    """Six turns and the judge on an OpenAI-compatible server: calls, tokens and latency per turn."""
    import statistics
    import time

    with FakeOpenAI(own_model_responder) as fake, tempfile.TemporaryDirectory() as tmp:
        settings = Settings(_env_file=None, database_url=f"sqlite:///{tmp}/bench.db",  # type: ignore[call-arg]
                            openai_base_url=fake.url, llm_model="llama-3.1-8b-instruct")
        core = build_core(settings, clock=ManualClock())
        service = core.practice({"console": RecordingChat()})
        person = PersonRef("console", "W1", "U-own", "Rep U-own")
        started = service.start(person, SCENARIO)
        print(f"Scripted {len(REP_TURNS)}-turn session, scenario {SCENARIO}, provider openai "
              f"(model {settings.llm_model}) on the fake OpenAI-compatible server; tokens from its usage field\n")
        print(f"{'turn':>4} {'calls':>5} {'prompt tok':>10} {'output tok':>10} {'latency ms':>10}  engine")
        latencies: list[float] = []
        for i, line in enumerate(REP_TURNS):
            if core.repos.sessions.get(started.session.id).state not in ("offered", "started"):
                break
            before = len(fake.requests)
            core.clock.advance(seconds=40)
            t0 = time.perf_counter()
            service.handle(Inbound(started.ref, person, f"own-{i}", core.clock.now(), line))
            latencies.append((time.perf_counter() - t0) * 1000)
            calls = fake.requests[before:]
            usage = [c.usage_tokens for c in calls]
            engine = core.repos.sessions.turns(started.session.id)[-1].engine
            print(f"{i + 1:>4} {len(calls):>5} {sum(u[0] for u in usage):>10,} {sum(u[1] for u in usage):>10,} "
                  f"{latencies[-1]:>10.1f}  {engine}")
        session = core.repos.sessions.get(started.session.id)
        buyer = [r for r in fake.requests if r.purpose == "buyer"]
        judge = [r for r in fake.requests if r.purpose == "judge"]
        total_in = sum(r.usage_tokens[0] for r in fake.requests)
        total_out = sum(r.usage_tokens[1] for r in fake.requests)
        print(f"\ncalls: {len(fake.requests)} ({len(buyer)} buyer + {len(judge)} judge) for {len(latencies)} rep turns;"
              f" session state {session.state}, judge engine {session.judge_engine}")
        print(f"tokens: {total_in:,} prompt, {total_out:,} output; turn latency median "
              f"{statistics.median(latencies):.1f} ms, max {max(latencies):.1f} ms (the last turn includes the judge)")
        ok = len(buyer) <= len(latencies) and len(judge) == 1
        print(f"target <= 1 buyer call per turn and 1 judge call per session: {'PASS' if ok else 'FAIL'}")
        core.repos.db.dispose()
    return 0 if ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--transcripts", action="store_true", help="also print an offline-buyer transcript and the judge's output")
    parser.add_argument("--provider", choices=("anthropic", "openai"), default="anthropic",
                        help="anthropic: Claude's Messages API (fake); openai: an OpenAI-compatible server (fake)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)  # the fallback warnings of --transcripts are expected here
    if args.provider == "openai":
        return main_own_model()
    warnings.simplefilter("ignore", DeprecationWarning)  # the SDK warns about the default model's end of life
    with FakeAnthropic(responder) as fake, tempfile.TemporaryDirectory() as tmp:
        os.environ["ANTHROPIC_BASE_URL"] = fake.url
        settings = Settings(_env_file=None, database_url=f"sqlite:///{tmp}/bench.db",  # type: ignore[call-arg]
                            anthropic_api_key="sk-ant-bench-not-a-real-key")
        core = build_core(settings, clock=ManualClock())
        chat = RecordingChat()
        run_session(core, chat, "U-first", REP_TURNS)
        first = list(fake.calls())
        run_session(core, chat, "U-second", REP_TURNS)
        second = fake.calls()[len(first):]

        buyer = [r for r in first if r.tool_choice == "buyer_reply"]
        judge = [r for r in first if r.tool_choice == "record_scores"]
        print(f"Scripted {len(REP_TURNS)}-turn session, scenario {SCENARIO}, model {settings.anthropic_model}, "
              "tokens ~ chars/4 (fake API)\n")
        table(first)
        later = sums(buyer[1:])
        later_total = later["input_tokens"] + later["cache_creation_input_tokens"] + later["cache_read_input_tokens"]
        share = later["cache_read_input_tokens"] / later_total
        worst = min((r.usage or {})["cache_read_input_tokens"] / sum((r.usage or {})[k] for k in (
            "input_tokens", "cache_creation_input_tokens", "cache_read_input_tokens")) for r in buyer[1:])
        s = sums(first)
        print(f"\ncalls: {len(first)} ({len(buyer)} buyer + {len(judge)} judge) for {len(buyer)} rep turns")
        print(f"input tokens: {s['input_tokens']:,} uncached, {s['cache_creation_input_tokens']:,} cache writes, "
              f"{s['cache_read_input_tokens']:,} cache reads; output tokens: {s['output_tokens']:,}")
        print(f"turns 2-{len(buyer)}: {100 * share:.1f}% of input tokens are cache reads (lowest single turn "
              f"{100 * worst:.1f}%)")
        price = price_of(settings.anthropic_model)
        if price is not None:
            cost = price.cost(s["input_tokens"], s["output_tokens"], s["cache_read_input_tokens"],
                              s["cache_creation_input_tokens"])
            plain = price.cost(s["input_tokens"] + s["cache_read_input_tokens"] + s["cache_creation_input_tokens"],
                               s["output_tokens"], 0, 0)
            print(f"estimated cost: ${cost:.4f} per session (${plain:.4f} without prompt caching)")
        s2 = sums(second)
        first_turn = second[0].usage or {}
        print(f"\nsecond rep, same scenario: turn 1 reads {first_turn['cache_read_input_tokens']:,} of "
              f"{first_turn['cache_read_input_tokens'] + first_turn['input_tokens'] + first_turn['cache_creation_input_tokens']:,} "
              f"input tokens from cache; session total {s2['input_tokens']:,} uncached, "
              f"{s2['cache_creation_input_tokens']:,} writes, {s2['cache_read_input_tokens']:,} reads")

        ok_calls = len(first) <= len(REP_TURNS) + 1 and len(judge) == 1
        ok_cache = worst >= 0.70
        print(f"\ntarget calls <= rep turns + 1 judge: {'PASS' if ok_calls else 'FAIL'}")
        print(f"target >= 70% cache reads from turn 2 (every turn): {'PASS' if ok_cache else 'FAIL'}")
        sample = next(m for _, m in chat.posted if isinstance(m, Text))
        assert sample.author == "Dana Whitfield"
        core.repos.db.dispose()
        if args.transcripts:
            print_transcripts(fake, settings)
    return 0 if ok_calls and ok_cache else 1


if __name__ == "__main__":
    raise SystemExit(main())
