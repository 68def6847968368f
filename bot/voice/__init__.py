"""Voice notes both ways, platform-free: decode a rep's clip, transcribe it, measure its
delivery, and speak the buyer's lines as OGG/Opus voice notes.

Adapters only move bytes; everything audio happens here. Nothing in this package
imports a chat platform, storage or an LLM SDK.
"""

from bot.voice.errors import (
    ClipTooLong,
    CorruptAudio,
    NoSpeechHeard,
    SilentClip,
    UnsupportedAudio,
    VoiceError,
)

__all__ = [
    "VoiceError",
    "UnsupportedAudio",
    "CorruptAudio",
    "ClipTooLong",
    "SilentClip",
    "NoSpeechHeard",
]
