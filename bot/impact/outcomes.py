"""Parse an outcome-figures CSV (rep, period, metric, value): one clear error per bad row, the rest kept.

`rep` may be a person id, an email address or a platform user id; `period`
is YYYY-MM, YYYY-MM-DD, YYYY-Qn or YYYY-Www (so periods sort in time order);
`value` is a number (a trailing % is allowed). Pure: the caller hands in how
rep keys resolve to people.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from bot.people.roster import RowError

COLUMNS = ("rep", "period", "metric", "value")
PERIOD = re.compile(r"^\d{4}-(?:(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?|Q[1-4]|W(?:0[1-9]|[1-4]\d|5[0-3]))$")
METRIC = re.compile(r"^[a-z][a-z0-9_ .%/-]{0,59}$")


@dataclass(frozen=True)
class OutcomeLine:
    line: int
    person_id: int
    period: str
    metric: str
    value: float


@dataclass
class ParsedOutcomes:
    rows: list[OutcomeLine] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def _value(text: str) -> float:
    cleaned = text.strip().removesuffix("%").strip()
    # "1,234.5" has a thousands separator; "4,5" is a decimal comma (spreadsheets in many locales).
    cleaned = cleaned.replace(",", "") if "." in cleaned else cleaned.replace(",", ".")
    number = float(cleaned)
    if not math.isfinite(number):
        raise ValueError
    return number


def parse_outcomes(text: str, people: Mapping[str, Sequence[int]],
                   progress: Callable[[Iterable[dict[str, str]]], Iterable[dict[str, str]]] = iter,
                   ) -> ParsedOutcomes:
    """Rows that can be stored, and an error naming the line and the problem for each that cannot."""
    result = ParsedOutcomes()
    reader = csv.DictReader(io.StringIO(text))
    headers = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in COLUMNS if c not in headers]
    if missing:
        result.errors.append(RowError(1, f"missing column(s) {', '.join(missing)}; the header must be "
                                         f"{','.join(COLUMNS)}"))
        return result
    reader.fieldnames = headers
    for raw in progress(reader):
        line = reader.line_num
        row = {k: (v or "").strip() for k, v in raw.items() if k}
        problems: list[str] = []
        rep = row.get("rep", "")
        matches = people.get(rep) or people.get(rep.lower()) or []
        if not rep:
            problems.append("rep is empty (use a person id, an email or a platform user id)")
        elif not matches:
            problems.append(f"no person '{rep}' (use a person id, an email or a platform user id)")
        elif len(set(matches)) > 1:
            problems.append(f"'{rep}' matches {len(set(matches))} people; use the person id instead")
        period = row.get("period", "").upper()  # 2026-q1 -> 2026-Q1; dates are unchanged
        if not PERIOD.match(period):
            problems.append(f"period '{row.get('period', '')}' must look like 2026-03, 2026-03-31, 2026-Q1 or 2026-W14")
        metric = row.get("metric", "").lower()
        if not METRIC.match(metric):
            problems.append("metric must be a name such as csat, conversion, escalation_rate or handle_time")
        value = 0.0
        try:
            value = _value(row.get("value", ""))
        except ValueError:
            problems.append(f"value '{row.get('value', '')}' is not a number")
        if problems:
            result.errors.append(RowError(line, "; ".join(problems)))
        else:
            result.rows.append(OutcomeLine(line, matches[0], period, metric, value))
    return result
