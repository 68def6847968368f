"""Typed voice errors, each carrying the friendly message a rep sees.

A bad clip never ends a session: the core catches `VoiceError`, posts
`user_message` in the thread, and waits for the rep to re-record or type.
"""

from __future__ import annotations


class VoiceError(Exception):
    """A clip we cannot use. `user_message` is safe to show the rep verbatim."""

    user_message: str = (
        "I couldn't play that clip — could you re-record it, or type your answer?"
    )

    def __init__(self, detail: str = "", *, user_message: str | None = None) -> None:
        # `detail` is for logs (ffmpeg output, sizes); never shown to the rep.
        super().__init__(detail or self.user_message)
        if user_message is not None:
            self.user_message = user_message


class UnsupportedAudio(VoiceError):
    """Not an audio format we decode (or not audio at all)."""

    user_message = (
        "I can't open that kind of file. Voice clips, voice messages, WAV or MP3 work — "
        "could you re-record it, or type your answer?"
    )


class TooManyChannels(UnsupportedAudio):
    """A container with more audio channels than any voice recording has (a decoding bomb, or a film mix)."""

    user_message = (
        "That file has more audio channels than a voice note, so I didn't play it. "
        "Could you re-record your answer with your microphone, or type it?"
    )


class CorruptAudio(VoiceError):
    """Looks like audio but is damaged, truncated or empty."""

    user_message = (
        "That clip seems damaged or cut off, so I couldn't play it. "
        "Could you re-record it, or type your answer?"
    )


class ClipTooLong(VoiceError):
    """Longer than the limit (3 minutes by default)."""

    user_message = (
        "That clip is longer than 3 minutes — a bit long for one turn. "
        "Could you record a shorter answer, or type it?"
    )

    def __init__(self, detail: str = "", *, max_seconds: float = 180, user_message: str | None = None) -> None:
        if user_message is None and max_seconds != 180:
            user_message = (
                f"That clip is longer than {_limit_text(max_seconds)} — a bit long for one turn. "
                "Could you record a shorter answer, or type it?"
            )
        super().__init__(detail, user_message=user_message)
        self.max_seconds = max_seconds


class ClipTooBig(VoiceError):
    """More bytes than any voice answer needs: refused while downloading, before decoding."""

    user_message = (
        "That file is too large for one spoken answer, so I stopped downloading it. "
        "Could you record a shorter answer, or type it?"
    )


class SilentClip(VoiceError):
    """Nothing to hear: an empty or silent clip, or sound with no words we could make out."""

    user_message = (
        "I couldn't hear anything in that clip. Could you check your microphone and "
        "re-record it, or type your answer?"
    )


class NoSpeechHeard(SilentClip):
    """The clip has sound but no words we could make out (noise, music, mumbling)."""

    user_message = (
        "I couldn't make out any words in that clip. Could you re-record it somewhere "
        "quieter, or type your answer?"
    )


def _limit_text(seconds: float) -> str:
    if seconds >= 60 and seconds % 60 == 0:
        minutes = int(seconds // 60)
        return f"{minutes} minute" + ("s" if minutes != 1 else "")
    return f"{seconds:g} seconds"
