"""A scenario's checksum and stored body, worked out once per scenario object.

Every /practice records the version of the scenario it runs (ScenarioRepo.record,
keyed by the checksum); the checksum dumps the whole scenario to JSON and hashes
it, and the stored body is a second dump: about 1.5 % of a process's CPU in the
saturation run of benchmarks/turn_floor.py (py-spy, issue #26). Scenarios are
frozen pydantic models, so both are fixed for an object's life. Keyed by the
object's identity (a scenario holds lists, so it cannot be hashed) with a weak
reference to tell a live object from a new one at a reused address; bounded,
since a workspace's library is re-parsed whenever its authors publish.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from scenarios.loader import checksum
from scenarios.schema import Scenario

MAX_SCENARIOS = 512  # the shipped library is ~a dozen; each workspace's published ones add a few


@dataclass(frozen=True)
class ScenarioFacts:
    checksum: str
    body: dict[str, Any]  # the JSON the version row stores; callers must not change it


_known: OrderedDict[int, tuple[weakref.ref[Scenario], ScenarioFacts]] = OrderedDict()
_guard = threading.Lock()


def facts_of(scenario: Scenario) -> ScenarioFacts:
    key = id(scenario)
    with _guard:
        entry = _known.get(key)
        if entry is not None and entry[0]() is scenario:
            _known.move_to_end(key)
            return entry[1]
    facts = ScenarioFacts(checksum(scenario), scenario.model_dump(mode="json"))
    with _guard:
        _known[key] = (weakref.ref(scenario), facts)
        while len(_known) > MAX_SCENARIOS:
            _known.popitem(last=False)
    return facts
