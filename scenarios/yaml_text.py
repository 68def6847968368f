"""YAML parsed once, by libyaml when PyYAML has it: the values to validate and the nodes that locate them.

Authored files (scenarios, cadences) must report problems by file, line and
field, so they need the node tree as well as the values. Composing the tree and
then loading the text again parsed every file twice in pure Python, about 1.7 s
for the scenario library at each start; one pass with the C parser is ~10x faster.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class YamlSyntaxError(Exception):
    line: int | None
    problem: str


def parse(text: str) -> tuple[Any, yaml.Node | None]:
    """The document's values and its root node (both None for an empty document)."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        return (loader.construct_document(node) if node is not None else None), node
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise YamlSyntaxError(mark.line + 1 if mark is not None else None,
                              getattr(exc, "problem", None) or str(exc)) from None
    finally:
        loader.dispose()


def load(text: str) -> Any:
    """Just the values, for files that need no line numbers."""
    return yaml.load(text, Loader=_Loader)  # noqa: S506 - a safe loader


def line_of(node: yaml.Node | None, loc: tuple[Any, ...]) -> int | None:
    """Walk the node tree along a pydantic error location to the offending line."""
    best = node.start_mark.line + 1 if node is not None else None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            match = next((v for k, v in node.value if getattr(k, "value", None) == part), None)
            if match is None:
                key = next((k for k, _ in node.value if getattr(k, "value", None) == part), None)
                return key.start_mark.line + 1 if key is not None else best
            node = match
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
        else:
            break
        best = node.start_mark.line + 1
    return best
