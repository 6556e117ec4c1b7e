"""Answers -> :class:`Assessment`: the outcome, the rules that fired and why, and what to check next.

Semantics, stated once so every reader (policy team, supervisor, tests) agrees:
* an answer is ``yes``, ``no`` or ``unknown``; a missing answer is ``unknown``;
* conditions look only at which indicators are answered ``yes``;
* every rule whose condition holds *fires*; the outcome is the most serious outcome among the
  fired rules (outcomes are listed most serious first), or ``otherwise`` when none fires;
* additional steps are added whatever the outcome;
* a danger (gate) question answered ``unknown`` is an open *urgent check* (:class:`UrgentCheck`):
  rule the danger out first (999 if it cannot be), else call the Prevent Lead now.  Once the route
  is already the emergency one, 999 is the instruction and no check is listed separately.

The rule set is compiled once into closures (:func:`compile_ruleset`, cached per rule set) so one
evaluation with its trace costs tens of microseconds.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from .errors import AnswersError, problem, shown_value, suggest
from .rules.ruleset import (
    ANSWERS,
    All,
    AtLeast,
    Category,
    CompiledRule,
    Condition,
    Kind,
    Not,
    RuleSet,
    Yes,
    indicators_in,
)

Pred = Callable[[frozenset[str]], bool]


@dataclass(frozen=True)
class Evidence:
    """One answer that a fired rule relied on."""

    indicator: str
    answer: str


@dataclass(frozen=True)
class FiredRule:
    """A rule whose condition held, with the answers that satisfied it."""

    id: str
    outcome: str
    because: str
    decisive: bool
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True)
class CouldBecome:
    """The most serious outcome reachable if some unknowns turned out yes, and which ones."""

    outcome: str
    if_yes: tuple[str, ...]
    rule: str


@dataclass(frozen=True)
class UrgentContact:
    """Who to call for one line of an urgent check's advice (from the rule file's contacts)."""

    id: str
    name: str
    phone: str


@dataclass(frozen=True)
class UrgentCheck:
    """A danger question answered Don't know: rule it out before anything else.

    ``advice[i]`` is done by calling ``contacts[i]``: first the emergency contact (if the danger
    cannot be ruled out), then the default contact, the Prevent Lead (otherwise, before going on).
    The wording is the rule file's (``journey.urgent``), so a council can edit it.
    """

    indicator: str
    question: str
    advice: tuple[str, ...]
    contacts: tuple[UrgentContact, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"indicator": self.indicator, "question": self.question, "advice": list(self.advice),
                "contacts": [{"id": c.id, "name": c.name, "phone": c.phone} for c in self.contacts]}


@dataclass(frozen=True)
class Assessment:
    """The engine's result: plain, immutable data that renderers and stores read."""

    outcome: str
    fired: tuple[FiredRule, ...]
    yes_by_factor: tuple[tuple[str, tuple[str, ...]], ...]
    unknowns: tuple[str, ...]
    could_become: CouldBecome | None
    additional_steps: tuple[str, ...]
    answers: tuple[tuple[str, str], ...]
    ruleset_id: str
    ruleset_version: str
    ruleset_sha256: str
    urgent_checks: tuple[UrgentCheck, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=dict, compare=False)

    @property
    def answer_map(self) -> dict[str, str]:
        return dict(self.answers)

    @property
    def yes(self) -> tuple[str, ...]:
        return tuple(i for _, ids in self.yes_by_factor for i in ids)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data (the trace included); open urgent checks lead, as on every page."""
        return {
            "urgent_checks": [u.to_dict() for u in self.urgent_checks],
            "outcome": self.outcome,
            "could_become": None if self.could_become is None else {
                "outcome": self.could_become.outcome, "if_yes": list(self.could_become.if_yes),
                "rule": self.could_become.rule},
            "fired": [{"rule": f.id, "outcome": f.outcome, "because": f.because,
                       "decisive": f.decisive,
                       "evidence": [{"indicator": e.indicator, "answer": e.answer}
                                    for e in f.evidence]} for f in self.fired],
            "additional_steps": list(self.additional_steps),
            "unknowns": list(self.unknowns),
            "yes_by_factor": {f: list(ids) for f, ids in self.yes_by_factor},
            "answers": dict(self.answers),
            "ruleset": {"id": self.ruleset_id, "version": self.ruleset_version,
                        "sha256": self.ruleset_sha256},
        }


def predicate(cond: Condition) -> Pred:
    """Compile a condition tree into a closure over the set of yes-answered ids."""
    if isinstance(cond, Yes):
        ind = cond.indicator
        return lambda yes: ind in yes
    if isinstance(cond, AtLeast):
        ids, n = frozenset(cond.indicators), cond.n
        if n == 1:
            return lambda yes: not ids.isdisjoint(yes)
        return lambda yes: len(ids & yes) >= n
    if isinstance(cond, Not):
        inner = predicate(cond.part)
        return lambda yes: not inner(yes)
    parts = tuple(predicate(p) for p in cond.parts)
    if isinstance(cond, All):
        return lambda yes: all(p(yes) for p in parts)
    return lambda yes: any(p(yes) for p in parts)


def _evidence(cond: Condition, answers: Mapping[str, str], yes: frozenset[str]) -> list[str]:
    """The indicators whose answers made a (true) condition true."""
    if isinstance(cond, Yes):
        return [cond.indicator]
    if isinstance(cond, AtLeast):
        return [i for i in cond.indicators if i in yes]
    if isinstance(cond, Not):
        return sorted(indicators_in(cond.part))
    if isinstance(cond, All):
        return [i for p in cond.parts for i in _evidence(p, answers, yes)]
    return [i for p in cond.parts if holds(p, yes) for i in _evidence(p, answers, yes)]


def holds(cond: Condition, yes: frozenset[str]) -> bool:
    """Walk a condition tree (used off the hot path, where compiling would cost more)."""
    if isinstance(cond, Yes):
        return cond.indicator in yes
    if isinstance(cond, AtLeast):
        return sum(1 for i in cond.indicators if i in yes) >= cond.n
    if isinstance(cond, Not):
        return not holds(cond.part, yes)
    if isinstance(cond, All):
        return all(holds(p, yes) for p in cond.parts)
    return any(holds(p, yes) for p in cond.parts)


def _flips(cond: Condition, yes: frozenset[str], unknown: frozenset[str]) -> frozenset[str] | None:
    """A small set of unknowns that, answered yes, would make ``cond`` hold (None if none can)."""
    if isinstance(cond, Yes):
        if cond.indicator in yes:
            return frozenset()
        return frozenset({cond.indicator}) if cond.indicator in unknown else None
    if isinstance(cond, AtLeast):
        need = cond.n - sum(1 for i in cond.indicators if i in yes)
        if need <= 0:
            return frozenset()
        cand = [i for i in cond.indicators if i in unknown]
        return frozenset(cand[:need]) if len(cand) >= need else None
    if isinstance(cond, Not):
        return None if holds(cond.part, yes) else frozenset()
    options = [_flips(p, yes, unknown) for p in cond.parts]
    if isinstance(cond, All):
        if any(o is None for o in options):
            return None
        return frozenset().union(*[o for o in options if o is not None])
    found = [o for o in options if o is not None]
    return min(found, key=len) if found else None


@dataclass(frozen=True)
class Compiled:
    """A rule set prepared for fast evaluation."""

    ruleset: RuleSet
    order: tuple[str, ...]
    ids: tuple[str, ...]
    valid: frozenset[str]
    rules: tuple[tuple[int, Pred], ...]   # (rank of outcome, predicate), same order as ruleset.rules
    by_rank: tuple[tuple[CompiledRule, int], ...]  # rules, most serious outcome first
    steps: tuple[tuple[str, Pred], ...]
    factor_of: Mapping[str, str]
    factor_order: tuple[str, ...]
    otherwise_rank: int
    gate: frozenset[str]                       # the danger questions
    questions: Mapping[str, str]               # id -> question, for urgent checks
    urgent_advice: tuple[str, ...]
    urgent_contacts: tuple[UrgentContact, ...]
    emergency_ranks: frozenset[int]            # outcomes of the emergency category


@lru_cache(maxsize=16)
def compile_ruleset(ruleset: RuleSet) -> Compiled:
    """Compile once per rule set (cached by identity and hash)."""
    order = tuple(o.id for o in ruleset.outcomes)
    urgent = ruleset.wording.urgent
    contacts = (ruleset.emergency_contact, ruleset.default_contact)
    return Compiled(
        ruleset=ruleset, order=order, ids=ruleset.indicator_ids(),
        valid=frozenset(ruleset.indicator_ids()),
        by_rank=tuple(sorted(((r, order.index(r.outcome)) for r in ruleset.rules), key=lambda x: x[1])),
        rules=tuple((order.index(r.outcome), predicate(r.when)) for r in ruleset.rules),
        steps=tuple((s.id, predicate(s.when)) for s in ruleset.steps),
        factor_of={i.id: f.id for f in ruleset.factors for i in f.indicators},
        factor_order=tuple(f.id for f in ruleset.factors),
        otherwise_rank=order.index(ruleset.document.routing.otherwise),
        gate=frozenset(i.id for f in ruleset.factors if f.kind is Kind.GATE for i in f.indicators),
        questions={i.id: i.question for f in ruleset.factors for i in f.indicators},
        urgent_advice=(urgent.cannot_rule_out, urgent.otherwise),
        urgent_contacts=tuple(UrgentContact(c.id, c.name, c.phone) for c in contacts),
        emergency_ranks=frozenset(n for n, o in enumerate(ruleset.outcomes)
                                  if o.category is Category.EMERGENCY),
    )


_ANSWER_SET = frozenset(ANSWERS)
_TRUE = {"yes", "y", "true"}
_FALSE = {"no", "n", "false"}
_UNKNOWN = {"unknown", "dont_know", "don't know", "not_known", ""}


def normalise_answers(ruleset: RuleSet, answers: Mapping[str, Any], path: str = "",
                      lines: Mapping[str, int] | None = None) -> dict[str, str]:
    """Validate answers: every id must be a question and every value yes / no / unknown.

    ``path`` and ``lines`` (key -> line) locate problems when the answers came from a file.
    """
    lines = lines or {}
    valid = compile_ruleset(ruleset).valid
    out: dict[str, str] = {}
    problems = []
    for key, value in answers.items():
        if key in valid and isinstance(value, str) and value in _ANSWER_SET:
            out[key] = value
            continue
        if not isinstance(key, str) or key not in valid:
            problems.append(problem("AN001", path, lines.get(key, 0), id=key, ruleset=ruleset.id,
                                    suggestion=suggest(str(key), valid)))
            continue
        if value is True:
            out[key] = "yes"
        elif value is False:
            out[key] = "no"
        elif value is None:
            out[key] = "unknown"
        elif isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE | _UNKNOWN:
            v = value.strip().lower()
            out[key] = "yes" if v in _TRUE else "no" if v in _FALSE else "unknown"
        else:
            problems.append(problem("AN002", path, lines.get(key, 0), id=key, value=shown_value(value)))
    if problems:
        raise AnswersError(problems)
    return out


def evaluate(ruleset: RuleSet, answers: Mapping[str, Any]) -> Assessment:
    """Route one set of answers; raise :class:`AnswersError` for unknown ids or values."""
    c = compile_ruleset(ruleset)
    given = normalise_answers(ruleset, answers)
    ids = c.ids
    full = {i: given.get(i, "unknown") for i in ids}
    yes = frozenset(i for i, a in full.items() if a == "yes")
    unknown = frozenset(i for i, a in full.items() if a == "unknown")

    rank = _route(c, yes)
    outcome = c.order[rank]
    fired = tuple(
        FiredRule(r.id, r.outcome, r.because, r_rank == rank,
                  tuple(Evidence(i, full[i]) for i in dict.fromkeys(_evidence(r.when, full, yes))))
        for r, (r_rank, pred) in zip(ruleset.rules, c.rules, strict=True) if pred(yes))
    by_factor: dict[str, list[str]] = {}
    for i in ids:
        if i in yes:
            by_factor.setdefault(c.factor_of[i], []).append(i)
    return Assessment(
        outcome=outcome, fired=fired,
        yes_by_factor=tuple((f, tuple(by_factor[f])) for f in c.factor_order if f in by_factor),
        unknowns=tuple(i for i in ids if i in unknown),
        could_become=_could_become(c, yes, unknown, rank),
        additional_steps=tuple(s for s, pred in c.steps if pred(yes)),
        answers=tuple(full.items()),
        ruleset_id=ruleset.id, ruleset_version=ruleset.version, ruleset_sha256=ruleset.sha256,
        urgent_checks=_urgent(c, unknown, rank),
    )


def _urgent(c: Compiled, unknown: frozenset[str], rank: int) -> tuple[UrgentCheck, ...]:
    """Every danger question answered unknown, in journey order, unless the route is already 999."""
    if rank in c.emergency_ranks:
        return ()
    return tuple(UrgentCheck(i, c.questions[i], c.urgent_advice, c.urgent_contacts)
                 for i in c.ids if i in c.gate and i in unknown)


def _route(c: Compiled, yes: frozenset[str]) -> int:
    """Rank of the most serious outcome among the fired rules, or of ``otherwise``."""
    best: int | None = None
    for rank, pred in c.rules:
        if (best is None or rank < best) and pred(yes):
            best = rank
    return c.otherwise_rank if best is None else best


def decide(ruleset: RuleSet, yes: frozenset[str]) -> tuple[str, str | None]:
    """The outcome for a set of yes answers and the first rule (file order) that gives it.

    The one routing function the proofs, the explanations and the engine share.
    """
    c = compile_ruleset(ruleset)
    rank = _route(c, yes)
    rule = next((r.id for r, (r_rank, pred) in zip(ruleset.rules, c.rules, strict=True)
                 if r_rank == rank and pred(yes)), None)
    return c.order[rank], rule


def _could_become(c: Compiled, yes: frozenset[str], unknown: frozenset[str],
                  rank: int) -> CouldBecome | None:
    if not unknown:
        return None
    for r, r_rank in c.by_rank:
        if r_rank >= rank:
            break
        flips = _flips(r.when, yes, unknown)
        if flips is None:
            continue
        if _route(c, yes | flips) <= r_rank:
            return CouldBecome(c.order[r_rank], tuple(i for i in c.ids if i in flips), r.id)
    return None


@dataclass(frozen=True)
class IfYesAlone:
    """What each unknown answer could do on its own, for "what to check next".

    ``raises`` groups the unknowns by the route each one *alone* would reach if it turned out yes
    (the engine's routing with that one answer added), most serious route first, keeping only
    routes more serious than today's; ``nothing`` holds the unknowns that alone would not raise it.
    """

    raises: tuple[tuple[str, tuple[str, ...]], ...]
    nothing: tuple[str, ...]


def if_yes_alone(ruleset: RuleSet, a: Assessment) -> IfYesAlone:
    """Every unknown of ``a`` by the route it alone would reach if yes (``a`` made with ``ruleset``).

    Every unknown is tried, not one representative: a worker checking only the example named
    could miss another question that leads to the same, or a more serious, route.
    """
    c = compile_ruleset(ruleset)
    yes = frozenset(a.yes)
    now = _route(c, yes)
    groups: dict[int, list[str]] = {}
    nothing: list[str] = []
    for i in a.unknowns:
        rank = _route(c, yes | {i}) if i in c.valid else now
        if rank < now:
            groups.setdefault(rank, []).append(i)
        else:
            nothing.append(i)
    return IfYesAlone(tuple((c.order[r], tuple(ids)) for r, ids in sorted(groups.items())),
                      tuple(nothing))
