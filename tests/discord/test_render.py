"""How core messages look on Discord, checked on the rendered payloads Discord would receive."""

from __future__ import annotations

import asyncio
import json

import pytest

from adapters.discord.render import CUSTOM_ID, action_view, card_embed, custom_id, render, voice_message_form
from bot.messages import Action, Audio, Card, Field, Text
from bot.practice import cards


def test_buyer_lines_carry_the_persona_name_and_long_text_splits_below_discords_limit() -> None:
    [line] = render(Text("Can you just send me pricing?", author="Dana Whitfield"))
    assert line.content == "**Dana Whitfield:** Can you just send me pricing?"
    parts = render(Text(("word " * 900).strip()))
    assert len(parts) == 3 and all(0 < len(p.content or "") <= 2000 for p in parts)
    assert " ".join(p.content or "" for p in parts) == ("word " * 900).strip()


def test_a_scorecard_keeps_its_bold_scores_and_quotes_and_fits_embed_limits() -> None:
    card = Card(kind="scorecard", title="Scorecard: " + "x" * 300, body="", footer="Write `done` to finish.",
                fields=(Field("Empathy", "*72/100* · first time\n> “That sounds stressful”\n_Not seen._"),
                        Field("Long", "y" * 1500)))
    embed = card_embed(card).to_dict()
    assert len(embed["title"]) == 256 and embed["title"].endswith("…")
    assert embed["fields"][0]["value"] == "**72/100** · first time\n> “That sounds stressful”\n_Not seen._"
    assert len(embed["fields"][1]["value"]) == 1024
    assert embed["footer"]["text"] == "Write done to finish."
    assert embed["color"] == 0x57F287


def test_card_buttons_encode_the_action_and_value_and_refuse_what_discord_cannot_hold() -> None:
    assert CUSTOM_ID.fullmatch(custom_id(cards.FINISH, "0f8c3f0e-1f7a-4b9e-9a61-3d2f6c1d2e10"))
    with pytest.raises(ValueError, match="100-character"):
        custom_id("digest_open", "v" * 100)

    async def build() -> list[dict]:  # discord.py views need a running loop
        return action_view((Action(cards.FINISH, "Finish", "s1", "primary"),
                            Action(cards.SKIP, "Skip", "s1", "danger"))).to_components()

    [row] = asyncio.run(build())
    assert [(b["label"], b["style"], b["custom_id"]) for b in row["components"]] == [
        ("Finish", 1, "rehearse:rehearse_finish:s1"), ("Skip", 4, "rehearse:rehearse_skip:s1")]


def test_a_voice_reply_is_a_flagged_voice_message_with_a_file_fallback() -> None:
    [part] = render(Audio(b"OggS...", "audio/ogg", "buyer.ogg", 3.04, "AAEC", transcript="Hi there", author="Dana"))
    assert part.voice is not None and part.content == "**Dana:** 🔊 Hi there"
    form, file = voice_message_form(part.voice)
    payload = json.loads(form[0]["value"])
    assert payload == {"flags": 8192, "attachments": [{"id": 0, "filename": "buyer.ogg", "duration_secs": 3.04,
                                                       "waveform": "AAEC"}]}
    assert form[1]["name"] == "files[0]" and form[1]["content_type"] == "audio/ogg"
    file.close()
