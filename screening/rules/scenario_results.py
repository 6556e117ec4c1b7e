"""Running the rule-file scenarios: what each gives, what it missed, and the ``test`` command.

A scenario (:mod:`screening.rules.scenarios`) pins one realistic case to the outcome the policy team
agreed; :func:`run` evaluates it and lists every expectation the rules no longer meet, in words that
name the scenario's file:line, what was expected, what the rules now say, and which rules said it.
:func:`main` is ``python -m screening test``; the pytest plugin in ``rules/tests/conftest.py`` uses
the same :func:`run`, so both report identical catalogue messages.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from ..engine import Assessment, evaluate
from ..errors import CATALOGUE, Problem, RuleSetError, Severity, problem
from ..words import count
from .loading import load
from .ruleset import RuleSet
from .scenarios import Scenario, load_dir, scenario_dir


@dataclass(frozen=True)
class Mismatch:
    """One expectation the rules no longer meet."""

    what: str
    expected: str
    actual: str

    def __str__(self) -> str:
        return f"expected {self.what} {self.expected}, got {self.actual}"


@dataclass(frozen=True)
class Result:
    """A scenario run: the engine's assessment and every expectation it missed."""

    scenario: Scenario
    assessment: Assessment
    mismatches: tuple[Mismatch, ...]

    @property
    def passed(self) -> bool:
        return not self.mismatches

    def problem(self) -> Problem | None:
        """The TS001 catalogue message (one line), or None when the scenario passes."""
        if self.passed:
            return None
        return problem("TS001", self.scenario.path, self.scenario.line, name=self.scenario.name,
                       mismatches="; ".join(str(m) for m in self.mismatches),
                       trace=trace_line(self.assessment))

    def report(self) -> str:
        """A multi-line account for pytest: the message, the answers and the full trace."""
        p = self.problem()
        status = f"{p.code} {CATALOGUE[p.code].title.lower()}" if p else "passes"
        a = self.assessment
        lines = [f"{self.scenario.where}: scenario '{self.scenario.name}' {status}", "",
                 f"  {self.scenario.description}", ""]
        for m in self.mismatches:
            lines.append(f"  {m.what}: expected {m.expected}")
            lines.append(f"  {' ' * len(m.what)}  actual   {m.actual}")
        yes = ", ".join(a.yes) or "(none)"
        lines += ["", f"  answered yes: {yes}", "  rules that fired:"]
        lines += [f"    {line}" for line in trace_lines(a)]
        lines.append(f"  additional steps: {_fmt_list(a.additional_steps)}")
        cb = a.could_become
        lines.append("  could become: " + ("nothing more serious" if cb is None else
                                           f"{cb.outcome} if yes to {', '.join(cb.if_yes)}"))
        if p:
            lines += ["", f"  {p.fix}"]
        return "\n".join(lines)


def trace_lines(a: Assessment) -> list[str]:
    """One line per fired rule: its outcome, whether it decided, and the answers it relied on."""
    if not a.fired:
        return [f"no rule fired, so the outcome is '{a.outcome}' (otherwise)"]
    out = []
    for f in a.fired:
        evidence = ", ".join(f"{e.indicator}={e.answer}" for e in f.evidence) or "no answers"
        decisive = ", decisive" if f.decisive else ""
        out.append(f"{f.id} -> {f.outcome}{decisive}, on {evidence}")
    return out


def trace_line(a: Assessment) -> str:
    """The trace on one line, for the CLI's one-line-per-failure output."""
    return " | ".join(trace_lines(a))


def _fmt_list(items: Iterable[str]) -> str:
    return "[" + ", ".join(items) + "]"


def run(scenario: Scenario, ruleset: RuleSet) -> Result:
    """Evaluate one scenario and compare every stated expectation with what the rules say."""
    a = evaluate(ruleset, scenario.answers)
    e = scenario.expect
    misses: list[Mismatch] = []
    if a.outcome != e.outcome:
        misses.append(Mismatch("outcome", e.outcome, a.outcome))
    if e.additional_steps is not None and tuple(e.additional_steps) != a.additional_steps:
        misses.append(Mismatch("additional_steps", _fmt_list(e.additional_steps),
                               _fmt_list(a.additional_steps)))
    fired = [f.id for f in a.fired]
    missing = [r for r in e.fired if r not in fired]
    if missing:
        misses.append(Mismatch("fired to include", _fmt_list(missing),
                               "fired " + _fmt_list(fired)))
    unwanted = [r for r in e.not_fired if r in fired]
    if unwanted:
        misses.append(Mismatch("not to fire", _fmt_list(unwanted), "fired " + _fmt_list(fired)))
    cb = e.could_become
    if cb is not None:
        actual = a.could_become
        got = "none" if actual is None else f"{actual.outcome} if yes to {_fmt_list(actual.if_yes)}"
        if cb.outcome is None:
            if actual is not None:
                misses.append(Mismatch("could_become", "none", got))
        elif actual is None or actual.outcome != cb.outcome or (
                cb.if_yes is not None and tuple(cb.if_yes) != actual.if_yes):
            want = cb.outcome if cb.if_yes is None else f"{cb.outcome} if yes to {_fmt_list(cb.if_yes)}"
            misses.append(Mismatch("could_become", want, got))
    return Result(scenario, a, tuple(misses))


def run_all(scenarios: Iterable[Scenario], ruleset: RuleSet) -> list[Result]:
    """Run every scenario (in file order)."""
    return [run(s, ruleset) for s in scenarios]


def coverage_warnings(results: Sequence[Result], ruleset: RuleSet) -> list[Problem]:
    """Rules that decide no scenario's outcome, and steps no scenario adds.

    Why: a rule with no scenario can be edited or broken without any test noticing.
    """
    decided = {f.id for r in results for f in r.assessment.fired if f.decisive}
    stepped = {s for r in results for s in r.assessment.additional_steps}
    out = [problem("TS005", ruleset.main_path, rule.line, what="rule", id=rule.id)
           for rule in ruleset.rules if rule.id not in decided]
    out += [problem("TS005", ruleset.main_path, step.line, what="additional step", id=step.id)
            for step in ruleset.steps if step.id not in stepped]
    return out


def main(rules_path: Path, out: TextIO) -> int:
    """``python -m screening test [RULES]``: 0 all pass, 1 any fails, 2 files cannot be read.

    One bad scenario file does not stop the others: its problems are listed, it is named as not run
    (TS007), and every scenario in the good files still runs and is reported.
    """
    try:
        ruleset = load(rules_path)
    except RuleSetError as e:
        for p in e.problems:
            out.write(p.format() + "\n")
        out.write("cannot run the scenarios: the rule set cannot be read\n")
        return 2
    folder = scenario_dir(rules_path)
    scenarios, problems = load_dir(folder, ruleset)
    for p in problems:
        out.write(p.format() + "\n")
    ran = {s.path for s in scenarios}
    skipped = sorted({p.path for p in problems if p.path not in ran and Path(p.path).is_file()})
    for path in skipped:
        n = sum(1 for p in problems if p.path == path)
        out.write(problem("TS007", path, 0, problems=count(n, "problem")).format() + "\n")
    if problems and not scenarios:
        out.write(f"cannot run the scenarios: {count(len(problems), 'problem')} in the scenario files\n")
        return 2
    results = run_all(scenarios, ruleset)
    failed = [r for r in results if not r.passed]
    for r in failed:
        failure = r.problem()
        if failure is not None:
            out.write(failure.format() + "\n")
    for w in coverage_warnings(results, ruleset) if not problems else []:  # not on a partial run
        if w.severity is Severity.WARNING:
            out.write(f"{w.where}: warning {w.code} {w.message}; {w.fix}\n")
    by_outcome = Counter(s.expect.outcome for s in scenarios)
    spread = ", ".join(f"{o.id} {by_outcome[o.id]}" for o in ruleset.outcomes)
    out.write(f"{len(results)} scenarios in {folder} ({spread}): {len(results) - len(failed)} passed, "
              f"{len(failed)} failed; rules {ruleset.id} {ruleset.version}\n")
    if problems:
        out.write(f"{count(len(skipped), 'scenario file')} not run: {count(len(problems), 'problem')} "
                  "in the scenario files\n")
        return 2
    return 1 if failed else 0
