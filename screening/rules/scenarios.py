"""Rule-file scenarios: worked cases the policy team writes in YAML, read and checked against the rules.

Why: the routing rules encode safeguards (no factor in isolation, protective factors never lower a
route, the Shawcross and Anderson lessons).  A scenario pins one realistic case to the outcome the
policy team agreed, so an edit that changes it is caught before it goes live, in words that name
the scenario's file:line, what was expected, what the rules now say, and which rules said it.

A scenario file (``<rules>/tests/*.yaml``) is a list of scenarios, or a mapping holding
``scenarios:``.  Each scenario::

    - name: unique_name
      description: A short vignette of observable behaviour, from the worker's point of view.
      answers: {indicator_id: yes | no | unknown, ...}     # missing = unknown
      expect:
        outcome: outcome_id                                # required
        additional_steps: [step_id, ...]                   # optional, exact list
        fired: [rule_id, ...]                              # optional, these rules must fire
        not_fired: [rule_id, ...]                          # optional, these must not
        could_become: outcome_id | none | {outcome: id, if_yes: [indicator_id, ...]}

The loader here and the runner in :mod:`screening.rules.scenario_results` serve ``python -m screening
test`` (:func:`screening.rules.scenario_results.main`) and the pytest plugin in ``rules/tests/conftest.py``,
so both report identical catalogue messages.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..engine import normalise_answers
from ..errors import AnswersError, Problem, problem, suggest
from ..proofs.fairness import find_terms
from .ruleset import RuleSet
from .yamlio import LINES, line_of, own_line, read_yaml

SCENARIO_KEYS = ("name", "description", "answers", "expect")
REQUIRED_KEYS = ("name", "description", "answers", "expect")
EXPECT_KEYS = ("outcome", "additional_steps", "fired", "not_fired", "could_become")
FILE_KEYS = ("scenarios", "description")
CB_KEYS = ("outcome", "if_yes")
SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class CouldBecomeExpectation:
    """What ``expect.could_become`` asks for: no escalation (outcome None), or this one."""

    outcome: str | None
    if_yes: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Expectation:
    """The agreed result of a scenario; unset optional parts are not checked."""

    outcome: str
    additional_steps: tuple[str, ...] | None = None
    fired: tuple[str, ...] = ()
    not_fired: tuple[str, ...] = ()
    could_become: CouldBecomeExpectation | None = None


@dataclass(frozen=True)
class Scenario:
    """One worked case, with where it was written so failures can point at it."""

    name: str
    description: str
    answers: Mapping[str, str]
    expect: Expectation
    path: str
    line: int

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"


def scenario_dir(rules_path: Path) -> Path:
    """Scenarios live in ``<rules folder>/tests`` (beside ruleset.yaml when given a file)."""
    return (rules_path if rules_path.is_dir() else rules_path.parent) / "tests"


def scenario_files(folder: Path) -> list[Path]:
    """The scenario files in a folder, in a stable order."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in SUFFIXES and p.is_file())


class _FileReader:
    """Validates one scenario file against a rule set, collecting every problem with its line."""

    def __init__(self, ruleset: RuleSet, path: str):
        self.ruleset, self.path = ruleset, path
        self.problems: list[Problem] = []
        self.outcomes = [o.id for o in ruleset.outcomes]
        self.rules = [r.id for r in ruleset.rules]
        self.steps = [s.id for s in ruleset.steps]
        self.indicators = list(ruleset.indicator_ids())

    def bad(self, line: int, reason: str) -> None:
        self.problems.append(problem("TS002", self.path, line, reason=reason))

    def unknown(self, line: int, name: str, value: str, what: str, known: Sequence[str]) -> None:
        self.problems.append(problem("TS003", self.path, line, name=name, id=value, what=what,
                                     ruleset=self.ruleset.id, suggestion=suggest(value, known)))

    def unknown_keys(self, node: dict[Any, Any], allowed: Sequence[str], where: str) -> None:
        for key in node:
            if key == LINES or key in allowed:
                continue
            self.bad(line_of(node, (key,)),
                     f"'{key}' is not a setting {where}{suggest(str(key), allowed)}; "
                     f"use one of: {', '.join(allowed)}")

    def read(self, raw: Any) -> list[Scenario]:
        items: Any = raw
        if isinstance(raw, dict):
            if "scenarios" not in raw:
                looks_like_one = any(k in raw for k in SCENARIO_KEYS)
                self.bad(own_line(raw, 1), "the file has no 'scenarios:' list" + (
                    "; to write a single scenario, start it with '- name:' to make a list"
                    if looks_like_one else ""))
                return []
            self.unknown_keys(raw, FILE_KEYS, "of a scenario file")
            items = raw["scenarios"]
        if not isinstance(items, list) or not items:
            line = line_of(raw, ("scenarios",)) if isinstance(raw, dict) else 1
            self.bad(line, "the file holds no scenarios: it must be a list of scenarios "
                           "(or 'scenarios:' holding one)")
            return []
        out = []
        for index, item in enumerate(items):
            scenario = self.scenario(item, index)
            if scenario is not None:
                out.append(scenario)
        return out

    def scenario(self, node: Any, index: int) -> Scenario | None:
        if not isinstance(node, dict):
            self.bad(0, f"scenario number {index + 1} is not a mapping of name, description, "
                        "answers and expect")
            return None
        line = own_line(node)
        before = len(self.problems)
        self.unknown_keys(node, SCENARIO_KEYS, "of a scenario")
        name = node.get("name")
        if not isinstance(name, str) or not name.strip():
            self.bad(line, f"scenario number {index + 1} has no name (a short unique text)")
            name = f"number {index + 1}"
        for key in REQUIRED_KEYS[1:]:
            if key not in node:
                self.bad(line, f"scenario '{name}' has no '{key}'")
        description = node.get("description")
        if "description" in node and (not isinstance(description, str) or not description.strip()):
            self.bad(line_of(node, ("description",)),
                     f"scenario '{name}': description must be a short text vignette")
        elif isinstance(description, str):
            self.fairness(description, name, line_of(node, ("description",)))
        answers = self.answers(node, name)
        expect = self.expect(node, name) if "expect" in node else None
        if len(self.problems) > before or expect is None or answers is None:
            return None
        return Scenario(name=name, description=str(description).strip(), answers=answers,
                        expect=expect, path=self.path, line=line)

    def fairness(self, text: str, name: str, line: int) -> None:
        """TS006: a vignette describes what was seen or heard, never who the person is.

        Why: scenarios are read as examples of good practice; one that names a faith, ethnicity or
        lawful political view teaches the very bias the rules exclude (words from fairness.yaml).
        """
        fair = self.ruleset.fairness
        if fair is None:
            return
        for term, group in find_terms(fair, text)[:1]:
            self.problems.append(problem("TS006", self.path, line, name=name, term=term,
                                         category=group.category))

    def answers(self, node: dict[Any, Any], name: str) -> dict[str, str] | None:
        raw = node.get("answers")
        if raw is None and "answers" in node:
            return {}
        if raw is None:
            return None
        if not isinstance(raw, dict):
            self.bad(line_of(node, ("answers",)),
                     f"scenario '{name}': answers must map question ids to yes, no or unknown")
            return None
        out: dict[str, str] = {}
        for key, value in raw.items():
            if key == LINES:
                continue
            try:
                out.update(normalise_answers(self.ruleset, {key: value}, self.path))
            except AnswersError as e:
                # The engine knows what a valid answer is; we only know where it was written.
                line = line_of(raw, (key,))
                self.problems += [dataclasses.replace(p, line=line) for p in e.problems]
        return out

    def id_list(self, expect: dict[Any, Any], key: str, name: str, what: str,
                known: Sequence[str]) -> tuple[str, ...] | None:
        value = expect.get(key)
        line = line_of(expect, (key,))
        if value is None:
            return None
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.bad(line, f"scenario '{name}': expect.{key} must be a list of {what} ids")
            return None
        for v in value:
            if v not in known:
                self.unknown(line, name, v, what, known)
        return tuple(value)

    def expect(self, node: dict[Any, Any], name: str) -> Expectation | None:
        raw = node.get("expect")
        line = line_of(node, ("expect",))
        if not isinstance(raw, dict):
            self.bad(line, f"scenario '{name}': expect must be a mapping with at least 'outcome'")
            return None
        self.unknown_keys(raw, EXPECT_KEYS, "under expect")
        outcome = raw.get("outcome")
        if not isinstance(outcome, str):
            self.bad(line, f"scenario '{name}': expect has no outcome "
                           f"(one of: {', '.join(self.outcomes)})")
            return None
        if outcome not in self.outcomes:
            self.unknown(line_of(raw, ("outcome",)), name, outcome, "outcome", self.outcomes)
        steps = self.id_list(raw, "additional_steps", name, "additional step", self.steps)
        if "additional_steps" in raw and raw["additional_steps"] is None:
            steps = ()
        fired = self.id_list(raw, "fired", name, "rule", self.rules) or ()
        not_fired = self.id_list(raw, "not_fired", name, "rule", self.rules) or ()
        return Expectation(outcome=outcome, additional_steps=steps, fired=fired,
                           not_fired=not_fired, could_become=self.could_become(raw, name))

    def could_become(self, expect: dict[Any, Any], name: str) -> CouldBecomeExpectation | None:
        if "could_become" not in expect:
            return None
        value = expect["could_become"]
        line = line_of(expect, ("could_become",))
        if value is None or value == "none":
            return CouldBecomeExpectation(None)
        if isinstance(value, str):
            if value not in self.outcomes:
                self.unknown(line, name, value, "outcome", self.outcomes)
            return CouldBecomeExpectation(value)
        if isinstance(value, dict) and isinstance(value.get("outcome"), str):
            self.unknown_keys(value, CB_KEYS, "under could_become")
            outcome = value["outcome"]
            if outcome not in self.outcomes:
                self.unknown(line_of(value, ("outcome",)), name, outcome, "outcome", self.outcomes)
            if_yes = self.id_list(value, "if_yes", name, "indicator", self.indicators)
            return CouldBecomeExpectation(outcome, if_yes)
        self.bad(line, f"scenario '{name}': could_become must be an outcome id, none, "
                       "or a mapping with outcome and if_yes")
        return None


def load_file(path: Path, ruleset: RuleSet) -> tuple[list[Scenario], list[Problem]]:
    """Read one scenario file; return its scenarios, or every problem that stops it being used."""
    where = str(path)
    file = read_yaml(path)
    if file.problems:
        return [], list(file.problems)
    raw = file.raw
    reader = _FileReader(ruleset, where)
    scenarios = reader.read(raw)
    seen: dict[str, Scenario] = {}
    for s in scenarios:
        if s.name in seen:
            reader.bad(s.line, f"the scenario name '{s.name}' is used twice "
                               f"(first on line {seen[s.name].line}); give each scenario its own name")
        else:
            seen[s.name] = s
    if reader.problems:
        return [], reader.problems
    return scenarios, []


def load_dir(folder: Path, ruleset: RuleSet) -> tuple[list[Scenario], list[Problem]]:
    """Read every scenario file in a folder; names must be unique across files."""
    files = scenario_files(folder)
    if not files:
        return [], [problem("TS004", str(folder), 0, folder=str(folder))]
    scenarios: list[Scenario] = []
    problems: list[Problem] = []
    seen: dict[str, Scenario] = {}
    for f in files:
        found, probs = load_file(f, ruleset)
        problems += probs
        for s in found:
            if s.name in seen:
                problems.append(problem(
                    "TS002", s.path, s.line,
                    reason=f"the scenario name '{s.name}' is used twice (first at "
                           f"{seen[s.name].where}); give each scenario its own name"))
            else:
                seen[s.name] = s
                scenarios.append(s)
    return scenarios, problems
