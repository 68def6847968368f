"""Personal data out of authored scenarios: email addresses and phone numbers are found and stripped.

An enablement person drafting from a real customer call may paste the customer's
address or number into the description; a scenario is shown to every rep of the
workspace, so neither may survive into a persona or a line. Pure: text in, text
and what was removed out.

A phone number is seven or more digits written as one (spaces, dots, dashes,
brackets and a leading + between them), which keeps "3,000 seats", "2026",
"30%" and "Q3" while catching "+44 7700 900123", "(555) 123-4567" and
"555.123.4567". Checked against every shipped scenario: none of their lines match.
"""

from __future__ import annotations

import re
from typing import Any

from scenarios.schema import Scenario

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# A run of digits and phone punctuation, starting with + or ( or a digit, ending with a digit.
_PHONE_RUN = re.compile(r"(?<![\w@])(?:\+|\()?\d[\d\s().\-]{5,}\d(?![\w@])")
MIN_PHONE_DIGITS = 7
REDACTED = {"email": "[email removed]", "phone": "[phone removed]"}


def _is_phone(run: str) -> bool:
    # Commas never join a phone run, so "1,200 seats in 2025" is two short runs; a bare seven-digit
    # order number does count, and is as unwelcome in a persona as a phone.
    return sum(ch.isdigit() for ch in run) >= MIN_PHONE_DIGITS and "\n" not in run


def personal_data(text: str) -> list[str]:
    """The email addresses and phone numbers in `text`, as written."""
    found = [m.group(0) for m in EMAIL.finditer(text)]
    without_emails = EMAIL.sub(" ", text)
    found += [m.group(0).strip() for m in _PHONE_RUN.finditer(without_emails) if _is_phone(m.group(0))]
    return found


def scrub_text(text: str) -> tuple[str, list[str]]:
    """`text` without its email addresses and phone numbers (and the "at"/"on" that led to them),
    and what was taken out."""
    removed: list[str] = []

    def cut(m: re.Match[str]) -> str:
        if m.re is _PHONE_RUN and not _is_phone(m.group(0)):
            return m.group(0)
        removed.append(m.group(0).strip())
        return _GAP

    out = _PHONE_RUN.sub(cut, EMAIL.sub(cut, text))
    if not removed:
        return text, []
    out = _LEAD_IN.sub(_GAP, out)
    out = _JOINED_GAPS.sub(_GAP, out)
    out = re.sub(r"[ \t]*" + _GAP + r"[ \t]*", " ", out)
    out = re.sub(r"\(\s*\)|\[\s*\]", "", out)
    out = re.sub(r"[ \t]+([,.;:!?])", r"\1", out)
    out = re.sub(r"([,;:])(?:\s*[,;:])+", r"\1", out)
    out = re.sub(r"[,;:]\s*([.!?])", r"\1", out)
    return re.sub(r"[ \t]{2,}", " ", out).strip(), removed


_GAP = "\x00"
# "at", "on", "email:" ... right before what was cut goes with it; so does the "or"/"and" between two cuts.
_LEAD_IN = re.compile(r"[ \t]*\b(?:at|on|via|e-?mail(?: address)?|phone(?: number)?|tel|mobile|cell|number|"
                      r"contact)\b[ \t]*:?[ \t]*" + _GAP, re.IGNORECASE)
_JOINED_GAPS = re.compile(_GAP + r"(?:[ \t]*(?:,|/|\bor\b|\band\b)[ \t]*" + _GAP + r")+", re.IGNORECASE)


def scrub_data(value: Any) -> tuple[Any, list[str]]:
    """Every string in a JSON-like value scrubbed (ids and behavior ids never hold personal data)."""
    removed: list[str] = []
    if isinstance(value, str):
        clean, gone = scrub_text(value)
        return clean, gone
    if isinstance(value, list):
        out = []
        for item in value:
            clean, gone = scrub_data(item)
            out.append(clean)
            removed += gone
        return out, removed
    if isinstance(value, dict):
        result = {}
        for key, item in value.items():
            clean, gone = scrub_data(item)
            result[key] = clean
            removed += gone
        return result, removed
    return value, removed


def personal_data_in(scenario: Scenario) -> list[tuple[tuple[str | int, ...], str]]:
    """Where a scenario still carries personal data: (location, what) pairs."""
    found: list[tuple[tuple[str | int, ...], str]] = []

    def walk(value: Any, loc: tuple[str | int, ...]) -> None:
        if isinstance(value, str):
            found.extend((loc, item) for item in personal_data(value))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                walk(item, (*loc, i))
        elif isinstance(value, dict):
            for key, item in value.items():
                walk(item, (*loc, key))

    walk(scenario.model_dump(mode="json"), ())
    return found
