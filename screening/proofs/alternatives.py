"""What would have to be different for another recommendation: the smallest change of answers.

A supervisor reviewing a screening asks "what would make this more serious?" and "is anything
holding it up?".  For each outcome more serious than the current one, and for the nearest less
serious one, z3 finds the fewest answers to change (exact, over every possible change,
not a heuristic).  Among equally small changes it prefers turning questions still unknown over
contradicting what the worker answered, because unknowns are what the *Check* step finds out.

This explains the rules; it never recommends changing an answer.  The rule encoding is the one the
safeguard proofs use (:class:`screening.proofs.checks.Encoding`), so both read the rules the same way.
Each explanation solves in a z3 context of its own (:mod:`screening.proofs.solver`): Streamlit serves
every session from a thread of one process, and z3 objects must never be shared between threads.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from ..engine import decide, normalise_answers
from ..rules.ruleset import RuleSet
from ..words import join_words
from .checks import Encoding, Undecided, fewest
from .solver import Solving, solving

Direction = Literal["more_serious", "less_serious"]


@dataclass(frozen=True)
class Change:
    """One answer that would have to be different."""

    indicator: str
    question: str
    answer: str  # as given: yes / no / unknown
    would_be: str  # yes or no

    def to_dict(self) -> dict[str, str]:
        return {"indicator": self.indicator, "question": self.question, "answer": self.answer,
                "would_be": self.would_be}


@dataclass(frozen=True)
class Alternative:
    """Another recommendation and the fewest changed answers that would lead to it."""

    direction: Direction
    outcome: str
    title: str
    changes: tuple[Change, ...]
    rule: str | None  # the rule that would decide it (None: no rule fires, the 'otherwise' outcome)
    sentence: str

    def to_dict(self) -> dict[str, Any]:
        return {"direction": self.direction, "outcome": self.outcome, "title": self.title,
                "changes": [c.to_dict() for c in self.changes], "rule": self.rule,
                "sentence": self.sentence}


def _question(ruleset: RuleSet, indicator: str) -> str:
    return ruleset.indicator(indicator).question.strip().rstrip("?")


def _sentence(ruleset: RuleSet, changes: tuple[Change, ...], title: str, rule: str | None) -> str:
    parts = join_words([f"'{c.question}' were {c.would_be}" for c in changes], "and")
    why = f"rule {rule}" if rule else "no rule would apply"
    return f"If {parts}, the recommendation would be '{title}' ({why})."


def explain_alternatives(ruleset: RuleSet, answers: Mapping[str, Any]) -> list[Alternative]:
    """For each more serious outcome, then the nearest less serious one, the smallest change.

    Outcomes no change can reach are left out, and so is "less serious" when nothing lowers the
    current outcome (it is already the least serious one, or every rule it rests on is certain).
    Solving takes tens of milliseconds and the result page, the Markdown, the PDF and the JSON
    all ask for the same answers, so results are remembered per rule set and answers.
    """
    given = normalise_answers(ruleset, answers)
    return list(_explain(ruleset, tuple(sorted(given.items()))))


@lru_cache(maxsize=256)
def _explain(ruleset: RuleSet, answers: tuple[tuple[str, str], ...]) -> tuple[Alternative, ...]:
    given = dict(answers)
    # A z3 context no other thread holds while this runs (screening/proofs/solver.py); only plain Python
    # leaves this function.
    with solving() as s:
        return _explain_in(ruleset, given, s)


def _explain_in(ruleset: RuleSet, given: dict[str, str], s: Solving) -> tuple[Alternative, ...]:
    enc = Encoding(ruleset, s)
    z3 = s.z3
    full = {i: given.get(i, "unknown") for i in enc.ids}
    yes = frozenset(i for i, a in full.items() if a == "yes")
    current, _ = decide(ruleset, yes)
    k_now = ruleset.rank(current)
    changed = {i: (z3.Not(enc.x[i]) if i in yes else enc.x[i]) for i in enc.ids}
    overruled = [c for i, c in changed.items() if full[i] != "unknown"]

    def smallest(goal: Any, direction: Direction) -> Alternative | None:
        # first fewest answers changed; then, among those, fewest answers the worker gave
        try:
            m = fewest(s, [goal], list(changed.values()), overruled)
        except Undecided:  # an explanation is optional; never let it stop a screening
            return None
        if m is None:
            return None
        new_yes = frozenset(i for i in enc.ids if z3.is_true(m.eval(enc.x[i], True)))
        outcome, rule = decide(ruleset, new_yes)
        changes = tuple(Change(i, _question(ruleset, i), full[i], "yes" if i in new_yes else "no")
                        for i in enc.ids if (i in new_yes) != (i in yes))
        title = ruleset.outcome(outcome).title
        return Alternative(direction, outcome, title, changes, rule,
                           _sentence(ruleset, changes, title, rule))

    out: list[Alternative] = []
    for k in range(k_now):
        alt = smallest(enc.rank == k, "more_serious")
        if alt is not None:
            out.append(alt)
    lower = smallest(z3.And(enc.rank > k_now, enc.rank < enc.none_rank), "less_serious")
    if lower is not None:
        out.append(lower)
    return tuple(out)
