"""Which days of a week carry a practice push: spread out, and feasible with the spacing rule.

Pure and memoised: the planner asks the same question for every rep who shares a
cadence and a calendar, so the answer is computed once per distinct input.
"""

from __future__ import annotations

from functools import lru_cache
from itertools import combinations

WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def day_names(days: tuple[int, ...] | list[int]) -> str:
    return ", ".join(WEEKDAY_NAMES[d] for d in days)


def chain_fits(days: tuple[int, ...], spacing_h: float, window_start_h: float, window_end_h: float) -> bool:
    """True when one push a day on `days` can keep `spacing_h` hours apart inside the daily window.

    Earliest-possible placement (each push as early as its window and the previous push allow)
    is optimal for a chain of minimum gaps, so one forward pass decides it."""
    previous: float | None = None
    for day in days:
        start, end = day * 24 + window_start_h, day * 24 + window_end_h
        earliest = start if previous is None else max(start, previous + spacing_h)
        if earliest > end:
            return False
        previous = earliest
    return True


@lru_cache(maxsize=4096)
def choose_days(available: tuple[int, ...], wanted: int, spacing_h: float, window_start_h: float,
                window_end_h: float) -> tuple[int, ...]:
    """The most spread-out feasible choice of up to `wanted` days from `available` (0=Mon..6=Sun).

    Spread means the largest smallest gap, counting the wrap into next week (so Mon/Wed/Fri,
    not three in a row); ties go to the earliest days so the answer is stable. When fewer days
    fit (holidays, a snooze, a short week) it returns as many as fit."""
    days = tuple(sorted(set(available)))
    for count in range(min(wanted, len(days)), 0, -1):
        best: tuple[int, ...] | None = None
        best_key: tuple[int, ...] | None = None
        for combo in combinations(days, count):
            if not chain_fits(combo, spacing_h, window_start_h, window_end_h):
                continue
            gaps = sorted([b - a for a, b in zip(combo, combo[1:])] + [7 - combo[-1] + combo[0]])
            key = tuple(gaps)  # compare smallest gap first, then the next smallest...
            if best_key is None or key > best_key:
                best, best_key = combo, key
        if best is not None:
            return best
    return ()
