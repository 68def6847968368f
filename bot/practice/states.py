"""The session state machine. Every state change goes through `transition`."""

from __future__ import annotations

from enum import StrEnum


class State(StrEnum):
    OFFERED = "offered"  # card posted, the rep has not answered yet
    STARTED = "started"  # at least one rep turn
    FINISHED = "finished"  # scored
    ABANDONED = "abandoned"  # the rep pressed Skip
    EXPIRED = "expired"  # no activity for the expiry window


ALLOWED: dict[State, frozenset[State]] = {
    State.OFFERED: frozenset({State.STARTED, State.FINISHED, State.ABANDONED, State.EXPIRED}),
    State.STARTED: frozenset({State.FINISHED, State.ABANDONED, State.EXPIRED}),
    State.FINISHED: frozenset(),
    State.ABANDONED: frozenset(),
    State.EXPIRED: frozenset(),
}

OPEN = frozenset({State.OFFERED, State.STARTED})


class IllegalTransition(ValueError):
    pass


def transition(current: str, target: State) -> State:
    state = State(current)
    if state == target:
        return state
    if target not in ALLOWED[state]:
        raise IllegalTransition(f"a session cannot go from {state} to {target}")
    return target


def is_open(state: str) -> bool:
    return State(state) in OPEN
