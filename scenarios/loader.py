"""Load scenario YAML files; every error names the file, the line and the field."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from scenarios import yaml_text
from scenarios.schema import Scenario
from scenarios.topics import prepare, topic_problems

BUILTIN_DIRS = (Path(__file__).parent / "library", Path(__file__).parent / "assessments")


@dataclass(frozen=True)
class ScenarioProblem:
    path: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class ScenarioError(ValueError):
    """A scenario file that cannot be used; `problems` lists each one with its line."""

    def __init__(self, problems: list[ScenarioProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class UnknownScenario(KeyError):
    def __init__(self, scenario_id: str, known: Iterable[str]) -> None:
        super().__init__(scenario_id)
        self.scenario_id = scenario_id
        self.known = sorted(known)

    def __str__(self) -> str:
        return f"no scenario called '{self.scenario_id}'. Try one of: {', '.join(self.known)}"


def parse_scenario(text: str, path: str = "<string>") -> Scenario:
    try:
        data, node = yaml_text.parse(text)
    except yaml_text.YamlSyntaxError as exc:
        raise ScenarioError([ScenarioProblem(path, exc.line, "", f"not valid YAML: {exc.problem}")]) from None
    if not isinstance(data, dict):
        raise ScenarioError([ScenarioProblem(path, 1, "", "a scenario file must be a mapping of fields")])
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = tuple(err["loc"])
            field = ".".join(str(p) for p in loc) or "(top level)"
            message = err["msg"].removeprefix("Value error, ")
            if err["type"] == "extra_forbidden":
                message = "unknown field (check the spelling)"
            problems.append(ScenarioProblem(path, yaml_text.line_of(node, loc), field, message))
        raise ScenarioError(problems) from None
    fit = topic_problems(scenario)
    if fit:
        raise ScenarioError([ScenarioProblem(path, yaml_text.line_of(node, loc), ".".join(str(p) for p in loc), message)
                             for loc, message in fit])
    return scenario


def load_file(path: Path) -> Scenario:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ScenarioError([ScenarioProblem(str(path), None, "", "not UTF-8 text")]) from None
    try:
        scenario = parse_scenario(text, str(path))
    except ScenarioError as exc:  # every problem in one pass: a wrong id too, beside the field errors
        raise ScenarioError(exc.problems + _id_problems(text, path)) from None
    if scenario.id != path.stem:
        raise ScenarioError(_id_problems(text, path))
    return scenario


def _id_problems(text: str, path: Path) -> list[ScenarioProblem]:
    """The file's `id` when it is a string other than the file's name (load_file's rule)."""
    try:
        data, node = yaml_text.parse(text)
    except yaml_text.YamlSyntaxError:
        return []
    found = data.get("id") if isinstance(data, dict) else None
    if not isinstance(found, str) or found == path.stem:
        return []
    return [ScenarioProblem(str(path), yaml_text.line_of(node, ("id",)), "id",
                            f"'{found}' must match the file name '{path.stem}'")]


def checksum(scenario: Scenario) -> str:
    return hashlib.sha256(json.dumps(scenario.model_dump(mode="json"), sort_keys=True).encode()).hexdigest()


class ScenarioLibrary:
    """All scenarios from the built-in folder plus any extra folders, by id."""

    def __init__(self, scenarios: Iterable[Scenario]) -> None:
        self._by_id = {s.id: s for s in scenarios}
        for scenario in self._by_id.values():
            prepare(scenario)

    @classmethod
    def load(cls, *extra_dirs: str | Path | None) -> ScenarioLibrary:
        dirs = [*BUILTIN_DIRS, *(Path(d) for d in extra_dirs if d)]
        scenarios: dict[str, Scenario] = {}
        problems: list[ScenarioProblem] = []
        for folder in dirs:
            if not folder.is_dir():  # a mistyped SCENARIOS_DIR would otherwise hide its scenarios silently
                problems.append(ScenarioProblem(str(folder), None, "", "scenario folder not found (check SCENARIOS_DIR)"))
                continue
            for path in sorted(folder.glob("*.y*ml")):
                try:
                    s = load_file(path)
                except ScenarioError as exc:
                    problems.extend(exc.problems)
                    continue
                scenarios[s.id] = s
        if problems:
            raise ScenarioError(problems)
        return cls(scenarios.values())

    def get(self, scenario_id: str) -> Scenario:
        try:
            return self._by_id[scenario_id]
        except KeyError:
            raise UnknownScenario(scenario_id, self._by_id) from None

    def __contains__(self, scenario_id: object) -> bool:
        return scenario_id in self._by_id

    def all(self, kind: str | None = None) -> list[Scenario]:
        return [s for s in self._by_id.values() if kind is None or s.kind == kind]

    def ids(self) -> list[str]:
        return sorted(self._by_id)
