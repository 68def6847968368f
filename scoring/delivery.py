"""How a reply was delivered (voice pace, pauses, fillers; typing latency; talk share).

Each check returns a penalty in raw score units and a coaching note a rep can
act on. Thresholds are conventional coaching figures, not fitted:
- conversational English runs ~140-160 words per minute; above 170 sounds
  rushed to a worried customer (contact-centre coaching guides use 150-160);
- more than ~6 fillers a minute is where listeners start to notice them;
- a reply sent faster than the buyer's line can be read (~5 words a second)
  means the rep did not let them finish;
- voiced pitch that varies by less than ~1.5 semitones (std-dev) is heard as
  flat: lively conversational speech spreads 2-4 semitones, and the voice
  tests' monotone synthetic reply measures under 1. Warmth is carried by the
  voice, so a flat delivery costs the behaviors that are about feeling.
"""

from __future__ import annotations

from dataclasses import dataclass

from scoring.types import Delivery

FAST_WPM = 170.0
TARGET_WPM = 150
FILLERS_PER_MIN = 6.0
READING_WORDS_PER_S = 5.0
TALK_SHARE_LIMIT = 0.65  # the rep doing two-thirds of the talking is a pitch, not a conversation
MONOTONE_ST = 1.5
MONOTONE_MIN_S = 3.0  # shorter replies carry too little voiced speech to judge the melody
PAUSE_MIN_S = 0.4  # a voice note over 15 s with no pause this long never lets the listener in

PACE_BEHAVIORS = frozenset({"patience", "concise", "empathy", "acknowledge_objection"})
FILLER_BEHAVIORS = frozenset({"concise", "transparency"})
PITCH_BEHAVIORS = frozenset({"empathy", "reassurance", "acknowledge_objection"})
TALK_SHARE_BEHAVIORS = frozenset({"patience", "concise", "business_impact_first", "open_question"})


@dataclass(frozen=True)
class Note:
    penalty: float
    message: str


def delivery_notes(behavior: str, delivery: Delivery | None, where: str = "") -> list[Note]:
    """Penalties and notes from a voice reply's delivery for one behavior."""
    if delivery is None:
        return []
    notes: list[Note] = []
    during = f" {where}" if where else ""
    wpm = delivery.words_per_minute
    if behavior in PACE_BEHAVIORS and wpm > FAST_WPM:
        notes.append(Note(min((wpm - FAST_WPM) / 100, 0.3), f"You spoke at {wpm:.0f} words per minute{during}; slow down to about {TARGET_WPM}."))
    minutes = max(delivery.duration_s / 60, 1 / 60)
    per_min = delivery.filler_count / minutes
    if behavior in FILLER_BEHAVIORS and per_min > FILLERS_PER_MIN:
        which = f" ({', '.join(sorted(set(delivery.fillers))[:3])})" if delivery.fillers else ""
        notes.append(Note(min((per_min - FILLERS_PER_MIN) / 30, 0.25), f"You used {delivery.filler_count} fillers{which} in {delivery.duration_s:.0f} seconds{during}; pause instead."))
    pitch = delivery.pitch_variation_st
    if behavior in PITCH_BEHAVIORS and pitch is not None and delivery.duration_s >= MONOTONE_MIN_S and pitch < MONOTONE_ST:
        notes.append(Note(0.1, f"Your voice stayed flat{during} (pitch varied by {pitch:.1f} semitones); let it rise and fall so the warmth comes through."))
    if behavior == "patience" and delivery.duration_s > 15 and delivery.longest_pause_s < PAUSE_MIN_S:
        notes.append(Note(0.1, f"You spoke for {delivery.duration_s:.0f} seconds without a real pause{during}; leave room for them to come in."))
    return notes


def latency_note(behavior: str, latency_s: float | None, buyer_line: str) -> list[Note]:
    """A reply sent before the buyer's line could have been read is an interruption."""
    if behavior != "patience" or latency_s is None or not buyer_line:
        return []
    needed = len(buyer_line.split()) / READING_WORDS_PER_S
    if needed >= 3 and latency_s < needed / 2:
        return [Note(0.2, f"You answered {latency_s:.0f} seconds after a {len(buyer_line.split())}-word message; read it all before replying.")]
    return []


def talk_share_note(behavior: str, talk_share: float) -> list[Note]:
    if behavior not in TALK_SHARE_BEHAVIORS or talk_share <= TALK_SHARE_LIMIT:
        return []
    return [Note(min((talk_share - TALK_SHARE_LIMIT) * 1.5, 0.3), f"You did {talk_share:.0%} of the talking; aim for under half and let the buyer tell you more.")]
