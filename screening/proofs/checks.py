"""Safeguard proofs over a rule set: what holds for EVERY possible set of answers, not a sample.

Method.  Rules read only which questions are answered yes, so a set of answers is, for routing, one
boolean per indicator ("answered yes"; no and unknown are the same).  Each rule's condition becomes
a z3 formula over those booleans (``at_least`` a pseudo-boolean constraint), a rule *fires* when its
formula holds, and the outcome is a z3 term: the rank of the most serious outcome with a firing rule,
else the rank of ``otherwise``.  A property is proved by asking z3 for answers that BREAK it: when z3
answers "unsatisfiable", no such answers exist among all 2^n (the proof); when it finds some, it is
asked again for at most 0, 1, 2, ... yes answers until it succeeds, so the counterexample shown to the
policy team is the smallest one (exact; z3's Optimize gave the same answers but 300 times slower).
Properties about changing one answer (protective, profile, monotonicity) use two copies of the
outcome term: the answers as given, and the same answers with exactly one chosen indicator turned to
yes (one selector boolean per indicator, exactly one true), so one query covers every indicator;
only when it fails is each indicator asked about on its own.  The solver is spared the cases the
shape of the rules settles: an indicator read only outside any ``not`` can only make rules start
firing, so turning it yes can never lower the outcome, and one that no rule reads changes nothing.

The counterexample is replayed through :func:`screening.engine.predicate` to name the rule involved,
so the message speaks of the rule the policy team would edit.  z3 is imported here only (the loader
imports this module lazily): it takes a fraction of a second to load.  Each run of the proofs works
in a z3 context of its own (:mod:`screening.proofs.solver`), so sessions checking rule sets at the same
time never share solver state.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from ..engine import decide, predicate
from ..errors import Problem, problem
from ..rules.contract import contract_problems
from ..rules.ruleset import (
    CONCERN_KINDS,
    SERIOUS,
    All,
    AtLeast,
    Category,
    Condition,
    Kind,
    Not,
    RuleSet,
    Yes,
)
from ..words import join_words
from .fairness import fairness_problems
from .routes import route_problems
from .solver import Solving, solving
from .structure import structure_problems


def _kind_words(kinds: Iterable[Kind]) -> str:
    order = [k for k in Kind if k in set(kinds)]
    return join_words([k.value for k in order], "or")


def polarity(cond: Condition, positive: bool = True) -> Iterator[tuple[str, bool]]:
    """Each indicator a condition reads, and whether it is read outside (True) or inside an odd
    number of 'not's (False).  Conditions are monotone in the indicators they read positively."""
    if isinstance(cond, Yes):
        yield cond.indicator, positive
    elif isinstance(cond, AtLeast):
        for i in cond.indicators:
            yield i, positive
    elif isinstance(cond, Not):
        yield from polarity(cond.part, not positive)
    else:
        for p in cond.parts:
            yield from polarity(p, positive)


def example(yes: Iterable[str]) -> str:
    """The counterexample in words: which questions are answered yes (all others no or unknown)."""
    ids = list(yes)
    if not ids:
        return "with no question answered yes"
    return f"with yes only to {join_words([repr(i) for i in ids], 'and')}"


#: Longest one solver question may take; beyond it the rule set is refused, never trusted unproved.
TIMEOUT_MS = 30_000


class Undecided(Exception):
    """z3 gave up (time limit) before settling a property."""


def solve(z3: Any, solver: Any) -> bool:
    """sat -> True, unsat -> False; anything else raises :class:`Undecided`."""
    solver.set("timeout", TIMEOUT_MS)
    result = solver.check()
    if result == z3.unknown:
        raise Undecided(str(solver.reason_unknown()))
    return bool(result == z3.sat)


def fewest(s: Solving, constraints: Sequence[Any], literals: Sequence[Any],
           then: Sequence[Any] = ()) -> Any:
    """A model of ``constraints`` with the fewest ``literals`` true (then fewest ``then``), or None.

    Counterexamples are small, so asking "at most 0? 1? 2? ..." is exact and, measured on a
    200-indicator rule set, hundreds of times faster than z3's Optimize over a sum.
    """
    z3 = s.z3
    solver = s.solver()
    solver.add(*constraints)
    if not solve(z3, solver):
        return None
    for bound in (literals, then):
        if not bound:
            continue
        for k in itertools.count():
            solver.push()
            solver.add(z3.AtMost(*bound, k))
            if solve(z3, solver):
                break
            solver.pop()
        # keep the bound found (the push stays) so the next objective is minimised under it
    return solver.model()


class Encoding:
    """The rule set as z3 terms: one boolean per indicator, a fired formula per rule, the rank."""

    def __init__(self, ruleset: RuleSet, s: Solving, env: dict[str, Any] | None = None,
                 tag: str = "yes_"):
        self.rs, self.s, self.z3 = ruleset, s, s.z3
        z3 = s.z3
        self.ids = ruleset.indicator_ids()
        self.x: dict[str, Any] = {i: s.boolean(f"{tag}{i}") for i in self.ids}
        self.env = env if env is not None else self.x
        self.order = [o.id for o in ruleset.outcomes]
        self.fired = [self.condition(r.when) for r in ruleset.rules]
        otherwise = ruleset.document.routing.otherwise
        #: rank when nothing fires; len(order) stands for "no outcome at all"
        self.none_rank = len(self.order)
        rank: Any = s.integer(self.order.index(otherwise) if otherwise in self.order
                              else self.none_rank)
        for k in reversed(range(len(self.order))):
            fk = [f for r, f in zip(ruleset.rules, self.fired, strict=True)
                  if self.order.index(r.outcome) == k]
            if fk:
                rank = z3.If(z3.Or(fk), s.integer(k), rank)
        self.rank = rank

    def condition(self, cond: Condition) -> Any:
        """One condition tree as a z3 formula over ``env``."""
        z3, env = self.z3, self.env
        if isinstance(cond, Yes):
            return env[cond.indicator]
        if isinstance(cond, AtLeast):
            vs = [env[i] for i in cond.indicators]
            return z3.Or(vs) if cond.n == 1 else z3.AtLeast(*vs, cond.n)
        if isinstance(cond, Not):
            return z3.Not(self.condition(cond.part))
        parts = [self.condition(p) for p in cond.parts]
        return z3.And(parts) if isinstance(cond, All) else z3.Or(parts)

    def smallest(self, constraints: Sequence[Any]) -> frozenset[str] | None:
        """The answers with fewest yes that satisfy ``constraints`` (None if there are none)."""
        model = fewest(self.s, constraints, [self.x[i] for i in self.ids])
        if model is None:
            return None
        return frozenset(i for i in self.ids if self.z3.is_true(model.eval(self.x[i], True)))

    def sat(self, *constraints: Any) -> bool:
        solver = self.s.solver()
        solver.add(*constraints)
        return solve(self.z3, solver)


class _Replay:
    """Concrete evaluation of a counterexample with the engine's own routing (engine.decide)."""

    def __init__(self, ruleset: RuleSet):
        self.rs = ruleset
        self.preds = [(r, predicate(r.when)) for r in ruleset.rules]

    def fired(self, yes: frozenset[str]) -> list[str]:
        return [r.id for r, p in self.preds if p(yes)]

    def outcome(self, yes: frozenset[str]) -> str:
        return decide(self.rs, yes)[0]

    def decider(self, yes: frozenset[str]) -> str | None:
        """The first rule (file order) that fires with the outcome it gives."""
        return decide(self.rs, yes)[1]

    def sorted(self, yes: frozenset[str]) -> list[str]:
        ids = self.rs.indicator_ids()
        return [i for i in ids if i in yes]


class _Prover:
    def __init__(self, ruleset: RuleSet, s: Solving):
        self.s = s  # this run's own z3 context: see screening/proofs/solver.py
        self.z3 = self.s.z3
        self.rs = ruleset
        self.path = ruleset.main_path
        self.enc = Encoding(ruleset, self.s)
        self.replay = _Replay(ruleset)
        self.kind_of = {i.id: f.kind for f in ruleset.factors for i in f.indicators}
        self.problems: list[Problem] = []

    def add(self, code: str, key: str, **fields: Any) -> None:
        self.problems.append(problem(code, self.path, self.rs.line_of(key), **fields))

    def of_kinds(self, kinds: Iterable[Kind]) -> list[str]:
        ks = set(kinds)
        return [i for i in self.enc.ids if self.kind_of[i] in ks]

    def run(self) -> list[Problem]:
        never = self.rules()
        self.completeness()
        self.outcomes(never)
        self.non_isolation()
        self.danger()
        self.flips()
        return self.problems

    # --- rules and outcomes ----------------------------------------------------------------
    def rules(self) -> set[str]:
        """CK005 (never fires) and CK006 (fires but never decides)."""
        enc, z3 = self.enc, self.z3
        never: set[str] = set()
        for r, f in zip(self.rs.rules, enc.fired, strict=True):
            k = enc.order.index(r.outcome)
            if not enc.sat(f):
                never.add(r.id)
                self.add("CK005", f"rule:{r.id}", rule=r.id)
                continue
            if enc.sat(f, enc.rank == k):
                continue
            serious = [(s, g) for s, g in zip(self.rs.rules, enc.fired, strict=True)
                       if enc.order.index(s.outcome) < k]
            covering = [s.id for s, g in serious if not enc.sat(f, z3.Not(g))]
            if covering:
                other = f"rule '{covering[0]}'"
            else:
                other = "one of rules " + join_words([f"'{s.id}'" for s, g in serious
                                                  if enc.sat(f, g)], "or")
            self.add("CK006", f"rule:{r.id}", rule=r.id, other=other)
        return never

    def completeness(self) -> None:
        """CK004: some outcome for every set of answers (today ``otherwise`` guarantees it)."""
        enc = self.enc
        yes = enc.smallest([enc.rank == enc.none_rank])
        if yes is not None:
            self.problems.append(problem("CK004", self.path, self.rs.line_of("ruleset"),
                                         example=example(self.replay.sorted(yes))))

    def outcomes(self, never: set[str]) -> None:
        """CK007: every outcome is the result for at least one set of answers."""
        for k, o in enumerate(self.rs.outcomes):
            if self.enc.sat(self.enc.rank == k):
                continue
            own = [r.id for r in self.rs.rules if r.outcome == o.id]
            if not own and o.id == self.rs.document.routing.otherwise:
                reason = ": it is the 'otherwise' outcome, but some rule fires for every set of answers"
            elif not own:
                reason = ""
            elif all(r in never for r in own):
                reason = ": its rules can never fire"
            else:
                reason = ": whenever its rules fire, a rule with a more serious outcome fires too"
            self.add("CK007", f"outcome:{o.id}", outcome=o.id, reason=reason)

    # --- non-isolation and declared kinds -------------------------------------------------
    def non_isolation(self) -> None:
        """CK001: no emergency/Prevent outcome on context/protective/profile answers alone;
        CK012: no outcome reached without a yes among the kinds it declares it needs."""
        enc, z3 = self.enc, self.z3
        for k, o in enumerate(self.rs.outcomes):
            checks: list[tuple[str, frozenset[Kind]]] = []
            if o.category in SERIOUS:
                checks.append(("CK001", CONCERN_KINDS))
            if o.needs_one_of_kinds:
                checks.append(("CK012", frozenset(o.needs_one_of_kinds)))
            for code, kinds in checks:
                silent = [z3.Not(enc.x[i]) for i in self.of_kinds(kinds)]
                yes = enc.smallest([enc.rank == k, *silent])
                if yes is None:
                    continue
                rule = self.replay.decider(yes)
                decided = (f"rule '{rule}' decides it" if rule
                           else "no rule fires, so it is the 'otherwise' outcome")
                key = f"rule:{rule}" if rule else f"outcome:{o.id}"
                self.add(code, key, outcome=o.id, category=o.category.value,
                         kinds=_kind_words(kinds), example=example(self.replay.sorted(yes)),
                         decided=decided, rule=rule or "otherwise")
                break  # CK001 already shows the declaration fails too

    def danger(self) -> None:
        """CK018: any gate (danger) question answered yes gives an emergency outcome, whatever
        else is answered; the counterexample names the gate question."""
        enc, z3 = self.enc, self.z3
        gates = self.of_kinds([Kind.GATE])
        if not gates:
            return  # the contract (CK016) requires the gate factor
        emergency = [k for k, o in enumerate(self.rs.outcomes) if o.category is Category.EMERGENCY]
        not_emergency = z3.And([enc.rank != k for k in emergency])
        if not enc.sat(z3.Or([enc.x[g] for g in gates]), not_emergency):
            return  # proved for every gate question at once
        first = next((r.id for r in self.rs.rules
                      if self.rs.outcome(r.outcome).category is Category.EMERGENCY), None)
        for g in gates:
            yes = enc.smallest([enc.x[g], not_emergency])
            if yes is None:
                continue
            out = self.replay.outcome(yes)
            rule = self.replay.decider(yes)
            decided = (f"rule '{rule}' decides it" if rule
                       else "no rule fires, so it is the 'otherwise' outcome")
            self.add("CK018", f"rule:{first}" if first else f"indicator:{g}", indicator=g,
                     outcome=out, category=next((o.category.value for o in self.rs.outcomes
                                                 if o.id == out), "no outcome"),
                     example=example(self.replay.sorted(yes)), decided=decided)

    # --- changing one answer ----------------------------------------------------------------
    def flips(self) -> None:
        """CK003 concern signs never lower; CK020 circumstances never lower; CK002/CK013
        protective never lowers/raises; CK011 profile never changes the outcome."""
        z3, enc = self.z3, self.enc
        negative = {i for r in self.rs.rules for i, pos in polarity(r.when) if not pos}
        read = {i for r in self.rs.rules for i, _ in polarity(r.when)}
        properties = [  # only indicators whose proof needs the solver (see the module docstring)
            ("CK003", [i for i in self.of_kinds(CONCERN_KINDS) if i in negative], "lower"),
            ("CK020", [i for i in self.of_kinds([Kind.CONTEXT]) if i in negative], "lower"),
            ("CK002", [i for i in self.of_kinds([Kind.PROTECTIVE]) if i in negative], "lower"),
            ("CK013", [i for i in self.of_kinds([Kind.PROTECTIVE]) if i in read], "higher"),
            ("CK011", [i for i in self.of_kinds([Kind.PROFILE]) if i in read], "changed"),
        ]
        candidates = sorted({i for _, ids, _ in properties for i in ids})
        if not candidates:
            return
        sel = {i: self.s.boolean(f"flip_{i}") for i in candidates}
        after = Encoding(self.rs, self.s, env={i: z3.Or(enc.x[i], sel[i]) if i in sel else enc.x[i]
                                            for i in enc.ids})
        frame = [z3.PbEq([(s, 1) for s in sel.values()], 1),
                 *[z3.Implies(sel[i], z3.Not(enc.x[i])) for i in candidates]]
        broken = {"lower": after.rank > enc.rank, "higher": after.rank < enc.rank,
                  "changed": after.rank != enc.rank}
        solver = self.s.solver()
        solver.add(*frame)
        for code, ids, how in properties:
            if not ids:
                continue
            solver.push()
            solver.add(broken[how], z3.Or([sel[i] for i in ids]))
            failed = solve(z3, solver)
            solver.pop()
            if not failed:
                continue  # proved for every indicator of these kinds at once
            for i in ids:
                yes = enc.smallest([*frame, broken[how], sel[i]])
                if yes is not None:
                    self.flip_problem(code, i, yes)

    def flip_problem(self, code: str, indicator: str, yes: frozenset[str]) -> None:
        rp = self.replay
        before, after = rp.outcome(yes), rp.outcome(yes | {indicator})
        fired_before, fired_after = set(rp.fired(yes)), set(rp.fired(yes | {indicator}))
        if self.rs.rank(after) < self.rs.rank(before):  # a rule started firing
            changed, target = fired_after - fired_before, after
        else:  # the rule that decided before stopped firing
            changed, target = fired_before - fired_after, before
        rule = next((r.id for r in self.rs.rules if r.outcome == target and r.id in changed),
                    "otherwise")
        self.add(code, f"rule:{rule}", indicator=indicator, before=before, after=after,
                 example=example(rp.sorted(yes)), rule=rule)


def check_ruleset(ruleset: RuleSet, *, contract: bool = True) -> list[Problem]:
    """Run every static check and proof; errors stop the rule set being used, warnings do not.

    ``contract=False`` skips only the stable-id contract (CK016), for synthetic rule sets such as
    the benchmark's; every rule set a council uses is loaded with it.
    """
    found = (contract_problems(ruleset) if contract else []) + structure_problems(ruleset) \
        + route_problems(ruleset, new_questions=contract) + fairness_problems(ruleset)
    try:
        with solving(take_turn=False) as s:  # never waits for, nor holds up, a result page
            found += _Prover(ruleset, s).run()
    except Undecided as e:
        found.append(problem("CK015", ruleset.main_path, ruleset.line_of("ruleset"),
                             seconds=TIMEOUT_MS // 1000, reason=str(e)))
    return sorted(found, key=lambda p: (p.path, p.line))
