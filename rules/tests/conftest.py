"""pytest plugin: every scenario in rules/tests/*.yaml becomes one test item (as OpenFisca does).

Why: the policy team's worked cases run in the same ``pytest`` as the code, each with its own
pass/fail line and node id (``rules/tests/emergency.yaml::caller_on_way_to_hurt_people``), and a
failure reads exactly like ``python -m screening test``: file:line, expected, actual, the trace.
The rule set is the folder above this one, loaded once per session.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest

from screening import RuleSet, RuleSetError, load
from screening.errors import Problem
from screening.rules.scenario_results import run
from screening.rules.scenarios import SUFFIXES, Scenario, load_file

HERE = Path(__file__).resolve().parent


class ScenarioFileError(Exception):
    """A rule set or scenario file that cannot be used: carries catalogue problems."""

    def __init__(self, problems: tuple[Problem, ...]):
        self.problems = problems
        super().__init__("\n".join(p.format() for p in problems))


class ScenarioFailed(Exception):
    """A scenario whose expectations the rules no longer meet."""


@lru_cache(maxsize=4)
def _ruleset(rules_dir: Path) -> RuleSet | tuple[Problem, ...]:
    """Load the rules once per folder; return the problems instead of raising, so each file says so."""
    try:
        return load(rules_dir)
    except RuleSetError as e:
        return e.problems


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    """Collect scenario files that sit in this folder (not YAML elsewhere)."""
    if file_path.suffix in SUFFIXES and file_path.resolve().parent == HERE:
        return ScenarioFile.from_parent(parent, path=file_path)
    return None


class ScenarioFile(pytest.File):
    """One YAML scenario file; each scenario in it is a :class:`ScenarioItem`."""

    def collect(self) -> Iterator[pytest.Item]:
        loaded = _ruleset(self.path.resolve().parent.parent)
        if not isinstance(loaded, RuleSet):
            raise ScenarioFileError(loaded)
        scenarios, problems = load_file(self.path, loaded)
        if problems:
            raise ScenarioFileError(tuple(problems))
        for s in scenarios:
            yield ScenarioItem.from_parent(self, name=s.name, scenario=s, ruleset=loaded)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException],
                     style: Any = None) -> str:
        if isinstance(excinfo.value, ScenarioFileError):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo))


class ScenarioItem(pytest.Item):
    """One scenario: passes when every expectation it states holds."""

    def __init__(self, *, scenario: Scenario, ruleset: RuleSet, **kwargs: Any):
        super().__init__(**kwargs)
        self.scenario, self.ruleset = scenario, ruleset

    def runtest(self) -> None:
        result = run(self.scenario, self.ruleset)
        if not result.passed:
            raise ScenarioFailed(result.report())

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException],
                     style: Any = None) -> str:
        if isinstance(excinfo.value, ScenarioFailed):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, self.scenario.line - 1, f"scenario: {self.scenario.name}"
