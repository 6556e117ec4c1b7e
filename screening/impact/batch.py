"""Many screenings at once: a DataFrame of answers -> outcomes, additional steps and urgent checks.

Why: re-screening thousands of stored or synthetic screenings under a changed rule set (the impact
report) must take a blink, not minutes, and must agree exactly with :func:`screening.evaluate`.

Semantics are the engine's (screening/engine.py), vectorised:
* one column per question id; a missing column, or a missing cell (NaN / None), is ``unknown``;
* a cell is ``yes``, ``no`` or ``unknown`` (true / false / y / n / dont_know ... as the engine
  accepts them); a column that is not a question is refused with AN001, a bad value with AN002;
* the outcome is the most serious among the rules that hold, else ``otherwise``;
* additional steps and urgent checks are ``'|'``-joined ids in rule-file (steps) and journey
  (urgent checks) order, ``''`` when there are none: one string per row keeps the result a flat
  table (CSV-ready).  All three result columns are categoricals whose categories are the outcomes
  (every one, most serious first) and the combinations of steps / urgent checks that occur.

How, and why it is fast: each "answered yes" column is compared once against the code of ``yes``
among its categories and packed eight rows to a byte (``np.packbits``); every condition is compiled
once per rule set into a straight-line program over those packed columns, a part shared by several
rules (a group, "every context factor") computed once; the outcome and the combinations are chosen
as disjoint packed masks and only their integer codes are unpacked, straight into categoricals.
Memory traffic per row is then about one byte per question read, and no Python loop runs per row.

Fast path: categorical columns (``frame.astype("category")``) are read through their few categories;
any other column is factorised first, which costs more than the routing itself.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from ..engine import _FALSE, _TRUE, _UNKNOWN, compile_ruleset
from ..errors import AnswersError, Problem, problem, shown_value, suggest
from ..rules.ruleset import ANSWERS, All, AnyOf, AtLeast, Condition, Not, RuleSet, Yes, indicators_in

Bools = npt.NDArray[np.bool_]
#: Packed rows: row ``i`` is bit ``i % 8`` of byte ``i // 8`` (little bit order).  Bits past the
#: last row are padding whose value means nothing: they are masked out before anything is read.
Bits = npt.NDArray[np.uint8]
#: Answer codes inside the batch engine.
NO, YES, UNKNOWN, BAD = 0, 1, 2, 3
COLUMNS = ("outcome", "additional_steps", "urgent_checks")
#: Most distinct combinations of steps / urgent checks found by splitting packed masks; beyond it
#: rows are unpacked and sorted (no shipped rule set comes near).
MAX_SPLIT = 64


def answer_code(value: Any) -> int:
    """One cell -> NO / YES / UNKNOWN / BAD, accepting exactly what engine.normalise_answers accepts.

    numpy booleans count as booleans (a bool column of a DataFrame yields them).
    """
    if isinstance(value, str):
        if value in ANSWERS:
            return {"yes": YES, "no": NO, "unknown": UNKNOWN}[value]
        v = value.strip().lower()
        return YES if v in _TRUE else NO if v in _FALSE else UNKNOWN if v in _UNKNOWN else BAD
    if value is None:
        return UNKNOWN
    if isinstance(value, (bool, np.bool_)):
        return YES if value else NO
    if isinstance(value, float) and value != value:  # NaN: a missing cell
        return UNKNOWN
    return BAD


def pack(flags: Bools) -> Bits:
    """One flag per row -> packed rows."""
    return np.packbits(flags, bitorder="little")


def unpack(bits: Bits, rows: int) -> Bools:
    """Packed rows -> one flag per row (padding dropped)."""
    return np.unpackbits(bits, count=rows, bitorder="little").view(np.bool_)


def valid_bits(rows: int) -> Bits:
    """Every real row set, the padding clear: the start of every mask that is read."""
    out = np.full((rows + 7) // 8, 0xFF, dtype=np.uint8)
    if rows % 8:
        out[-1] = (1 << (rows % 8)) - 1
    return out


@dataclass(frozen=True)
class Matrix:
    """The answers as packed columns: ``yes[i]`` and ``unknown[i]`` for question ``ids[i]``.

    Only what routing reads is filled in: ``yes`` of questions a rule or step reads, ``unknown`` of
    danger questions; the others are all clear.
    """

    ids: tuple[str, ...]
    yes: tuple[Bits, ...]
    unknown: tuple[Bits, ...]
    rows: int


def answers_matrix(ruleset: RuleSet, frame: pd.DataFrame, path: str = "") -> Matrix:
    """Validate a frame of answers and turn it into packed yes / unknown columns (AN001-AN003)."""
    if not isinstance(frame, pd.DataFrame):
        raise AnswersError([problem("AN003", path, 0, reason="they must be a table (a DataFrame)")])
    c = compile_ruleset(ruleset)
    problems: list[Problem] = []
    cols = list(frame.columns)
    if not frame.columns.is_unique:
        dup = sorted({str(k) for k in cols if cols.count(k) > 1})
        raise AnswersError([problem("AN003", path, 0,
                                    reason=f"the column {dup[0]!r} appears more than once")])
    for key in cols:
        if not isinstance(key, str) or key not in c.valid:
            problems.append(problem("AN001", path, 0, id=key, ruleset=ruleset.id,
                                    suggestion=suggest(str(key), c.valid)))
    if problems:
        raise AnswersError(problems)
    n = len(frame)
    used = _read_by_rules(ruleset)
    yes: dict[str, Bits] = {}
    unknown: dict[str, Bits] = {}
    scratch = np.empty(n, dtype=bool)         # one flag per row, reused: only packed bits are kept
    for key in cols:
        raw, uniques = _codes(frame[key])
        answer = [answer_code(u) for u in uniques]
        bad = [u for u, code in zip(uniques, answer, strict=True) if code == BAD]
        if bad:
            problems.append(problem("AN002", path, 0, id=key, value=shown_value(bad[0])))
            continue
        if key in used:
            yes[key] = pack(_where(raw, [k for k, a in enumerate(answer) if a == YES], scratch))
        if key in c.gate:  # only danger questions' unknowns are read (urgent checks)
            unknown[key] = pack(_where(raw, [-1] + [k for k, a in enumerate(answer) if a == UNKNOWN],
                                       scratch))
    if problems:
        raise AnswersError(problems)
    nothing = np.zeros((n + 7) // 8, dtype=np.uint8)
    all_unknown = valid_bits(n)
    yes_cols = tuple(yes.get(i, nothing) for i in c.ids)
    unknown_cols = tuple(unknown.get(i, all_unknown if i in c.gate and i not in cols else nothing)
                         for i in c.ids)
    return Matrix(c.ids, yes_cols, unknown_cols, n)


def _codes(col: pd.Series) -> tuple[npt.NDArray[Any], list[Any]]:
    """A column -> (integer code per row, -1 for missing; the value of each code).

    A categorical's codes are read in place (``Series.cat.codes`` would copy them); any other
    column is factorised.
    """
    values = col.array
    if isinstance(values, pd.Categorical):
        return values.codes, list(values.categories)
    fcodes, funiq = pd.factorize(col, use_na_sentinel=True)
    return fcodes, list(funiq)


def _where(raw: npt.NDArray[Any], codes: list[int], out: Bools) -> Bools:
    """Rows whose code is one of ``codes``, written into ``out`` (one comparison for one spelling)."""
    if not codes:
        out[:] = False
    elif len(codes) == 1:
        np.equal(raw, codes[0], out=out)
    elif len(codes) == 2 and codes[0] == -1:
        np.equal(raw, codes[1], out=out)
        out |= raw < 0
    else:
        out[:] = np.isin(raw, codes)
    return out


@lru_cache(maxsize=16)
def _read_by_rules(ruleset: RuleSet) -> frozenset[str]:
    """The questions a routing rule or a step reads: only their yes columns are built."""
    out: frozenset[str] = frozenset()
    for cond in [r.when for r in ruleset.rules] + [st.when for st in ruleset.steps]:
        out |= indicators_in(cond)
    return out


# One operation of a compiled program: (name, how many must hold for at_least, operand slots).
Op = tuple[str, int, tuple[int, ...]]


@dataclass(frozen=True)
class Program:
    """Conditions compiled into straight-line operations over packed columns (engine.predicate).

    Slots ``0 .. len(reads) - 1`` hold the yes columns of ``reads``; each operation appends one slot;
    ``results[k]`` is the slot of the ``k``-th condition.  Equal parts (the same group in two rules)
    share one slot, so they are computed once.  Immutable: one program serves every thread.
    """

    reads: tuple[str, ...]
    ops: tuple[Op, ...]
    results: tuple[int, ...]

    def run(self, yes: Mapping[str, Bits], nbytes: int) -> list[Bits]:
        """The packed result of every condition (padding bits meaningless)."""
        slots: list[Bits] = [yes[i] for i in self.reads]
        for name, need, args in self.ops:
            slots.append(_OPS[name](need, [slots[a] for a in args], nbytes))
        return [slots[r] for r in self.results]


def compile_conditions(conds: Sequence[Condition]) -> Program:
    """Compile conditions into one :class:`Program`, each distinct part once."""
    reads = sorted({i for cond in conds for i in indicators_in(cond)})
    slot_of: dict[Any, int] = {("yes", i): k for k, i in enumerate(reads)}
    ops: list[Op] = []

    def emit(key: Any, op: Op) -> int:
        if key not in slot_of:
            ops.append(op)
            slot_of[key] = len(reads) + len(ops) - 1
        return slot_of[key]

    def slot(cond: Condition) -> int:
        if isinstance(cond, Yes):
            return slot_of[("yes", cond.indicator)]
        if isinstance(cond, AtLeast):
            args = tuple(sorted({slot_of[("yes", i)] for i in cond.indicators}))
            if cond.n <= 0 or cond.n > len(args):
                return emit(("const", cond.n <= 0), ("const", int(cond.n <= 0), ()))
            if cond.n == 1:
                return args[0] if len(args) == 1 else emit(("or", args), ("or", 0, args))
            return emit(("at_least", cond.n, args), ("at_least", cond.n, args))
        if isinstance(cond, Not):
            inner = slot(cond.part)
            return emit(("not", inner), ("not", 0, (inner,)))
        name = "and" if isinstance(cond, All) else "or"
        assert isinstance(cond, (All, AnyOf))
        args = tuple(sorted({slot(p) for p in cond.parts}))
        if not args:
            return emit(("const", name == "and"), ("const", int(name == "and"), ()))
        return args[0] if len(args) == 1 else emit((name, args), (name, 0, args))

    results = tuple(slot(cond) for cond in conds)
    return Program(tuple(reads), tuple(ops), results)


def _or(_: int, cols: list[Bits], nbytes: int) -> Bits:
    out = np.bitwise_or(cols[0], cols[1])
    for col in cols[2:]:
        out |= col
    return out


def _and(_: int, cols: list[Bits], nbytes: int) -> Bits:
    out = np.bitwise_and(cols[0], cols[1])
    for col in cols[2:]:
        out &= col
    return out


def _not(_: int, cols: list[Bits], nbytes: int) -> Bits:
    return np.invert(cols[0])


def _const(value: int, cols: list[Bits], nbytes: int) -> Bits:
    return np.full(nbytes, 0xFF if value else 0, dtype=np.uint8)


def _at_least(need: int, cols: list[Bits], nbytes: int) -> Bits:
    """At least ``need`` of the columns set, bit-sliced: ``ge[j]`` = "at least j seen so far".

    Each new column x moves rows up one step: ge[j] |= ge[j-1] & x, highest j first.
    """
    ge: list[Bits | None] = [None] * (need + 1)
    for seen, x in enumerate(cols):
        for j in range(min(need, seen + 1), 1, -1):
            below = ge[j - 1]
            if below is None:
                continue
            step = below & x
            prev = ge[j]
            ge[j] = step if prev is None else np.bitwise_or(prev, step, out=prev)
        first = ge[1]
        ge[1] = x.copy() if first is None else np.bitwise_or(first, x, out=first)
    top = ge[need]
    return np.zeros(nbytes, dtype=np.uint8) if top is None else top


_OPS = {"or": _or, "and": _and, "not": _not, "const": _const, "at_least": _at_least}


@dataclass(frozen=True)
class Plan:
    """A rule set compiled for the batch engine, once (cached per rule set, immutable)."""

    program: Program          # results: the routing rules in file order, then the steps
    rule_ids: tuple[str, ...]
    rule_ranks: tuple[int, ...]
    step_ids: tuple[str, ...]
    order: tuple[str, ...]    # outcomes, most serious first
    otherwise_rank: int
    emergency_ranks: frozenset[int]
    gates: tuple[str, ...]    # danger questions, journey order


@lru_cache(maxsize=16)
def plan(ruleset: RuleSet) -> Plan:
    """Compile once per rule set, like engine.compile_ruleset (a RuleSet is immutable)."""
    c = compile_ruleset(ruleset)
    return Plan(
        program=compile_conditions([r.when for r in ruleset.rules] + [s.when for s in ruleset.steps]),
        rule_ids=tuple(r.id for r in ruleset.rules),
        rule_ranks=tuple(ruleset.rank(r.outcome) for r in ruleset.rules),
        step_ids=tuple(s.id for s in ruleset.steps),
        order=c.order, otherwise_rank=c.otherwise_rank, emergency_ranks=c.emergency_ranks,
        gates=tuple(i for i in c.ids if i in c.gate))


def _run(p: Plan, m: Matrix) -> list[Bits]:
    return p.program.run(dict(zip(m.ids, m.yes, strict=True)), (m.rows + 7) // 8)


def fired_matrix(ruleset: RuleSet, m: Matrix) -> dict[str, Bools]:
    """Which routing rules hold on each row (rule id -> bool column), as the engine's ``fired``."""
    p = plan(ruleset)
    out = _run(p, m)
    return {rid: unpack(out[k], m.rows) for k, rid in enumerate(p.rule_ids)}


def codes_of(masks: Sequence[tuple[int, Bits]], rows: int) -> npt.NDArray[np.int8]:
    """Disjoint packed masks, each with its code (0-127) -> one int8 code per row (0 elsewhere).

    Only the bit planes of the codes are unpacked: three for five outcomes, not one per rule.
    """
    top = max((code for code, _ in masks), default=0)
    assert top < 128
    out: npt.NDArray[np.uint8] | None = None
    for b in range(top.bit_length()):
        held = [mask for code, mask in masks if code >> b & 1]
        if not held:
            continue
        bits = np.unpackbits(held[0] if len(held) == 1 else _or(0, held, 0), count=rows,
                             bitorder="little")
        if b:  # times 2**b: numpy's multiply is vectorised, its left_shift on bytes is not
            np.multiply(bits, np.uint8(1 << b), out=bits)
        if out is None:
            out = bits
        else:
            out |= bits
    return (np.zeros(rows, dtype=np.uint8) if out is None else out).view(np.int8)


def outcome_column(p: Plan, fired: Sequence[Bits], valid: Bits,
                   rows: int) -> tuple[pd.Categorical, Bits]:
    """The most serious outcome among the rules that hold, and the rows routed to an emergency one."""
    masks: list[tuple[int, Bits]] = []
    free = valid.copy()                        # rows no more serious rule has taken yet
    emergency = np.zeros_like(valid)
    for rank in sorted(set(p.rule_ranks)):
        held = [fired[k] for k, r in enumerate(p.rule_ranks) if r == rank]
        here = np.bitwise_and(free, held[0] if len(held) == 1 else _or(0, held, 0))
        if not here.any():
            continue
        free &= ~here
        masks.append((rank, here))
        if rank in p.emergency_ranks:
            emergency |= here
    masks.append((p.otherwise_rank, free))
    if p.otherwise_rank in p.emergency_ranks:
        emergency |= free
    cat = pd.Categorical.from_codes(codes_of(masks, rows), categories=list(p.order), validate=False)
    return cat, emergency


def joined_column(flags: Sequence[Bits], names: Sequence[str], valid: Bits, rows: int,
           limit: int = MAX_SPLIT) -> pd.Categorical:
    """Packed flags per name -> a categorical of the '|'-joined names set on each row.

    The combinations present are found by splitting packed masks one flag at a time (at most
    ``limit`` of them), so only the few codes are unpacked; categories are ordered by the
    combination read as a binary number (flag k = bit k), ``''`` first when present.
    """
    limit = min(limit, 127)                    # codes stay int8
    masks: dict[int, Bits] = {0: valid}
    for k, flag in enumerate(flags):
        nxt: dict[int, Bits] = {}
        for code, mask in masks.items():
            hit = np.bitwise_and(mask, flag)
            if not hit.any():
                nxt[code] = mask
                continue
            miss = np.bitwise_xor(mask, hit)
            if miss.any():
                nxt[code] = miss
            nxt[code | 1 << k] = hit
        masks = nxt
        if len(masks) > limit:
            return _joined_by_rows(flags, names, rows)
    present = sorted(masks)
    cats = [_join(names, code) for code in present]
    codes = codes_of([(i, masks[code]) for i, code in enumerate(present) if i], rows)
    return pd.Categorical.from_codes(codes, categories=cats, validate=False)


def _join(names: Sequence[str], code: int) -> str:
    return "|".join(nm for k, nm in enumerate(names) if code >> k & 1)


def _joined_by_rows(flags: Sequence[Bits], names: Sequence[str], rows: int) -> pd.Categorical:
    """Many combinations: unpack the flags and sort the rows' combinations (same categories order)."""
    if not rows:
        return pd.Categorical.from_codes(np.zeros(0, dtype=np.int8), categories=[""], validate=False)
    table = np.column_stack([unpack(f, rows) for f in reversed(flags)])  # highest flag first
    keys, inverse = np.unique(np.packbits(table, axis=1), axis=0, return_inverse=True)
    cats = []
    for key in keys:
        bits = np.unpackbits(key, count=len(flags))[::-1]             # back to flag k = bit k
        cats.append("|".join(nm for nm, b in zip(names, bits, strict=True) if b))
    return pd.Categorical.from_codes(inverse.reshape(-1), categories=cats or [""], validate=False)


def evaluate_matrix(ruleset: RuleSet, m: Matrix, index: pd.Index | None = None) -> pd.DataFrame:
    """Route validated answer columns (see :func:`answers_matrix`)."""
    p = plan(ruleset)
    n = m.rows
    out = _run(p, m)
    fired, steps = out[:len(p.rule_ids)], out[len(p.rule_ids):]
    valid = valid_bits(n)
    outcome, emergency = outcome_column(p, fired, valid, n)
    unknown = dict(zip(m.ids, m.unknown, strict=True))
    not_emergency = np.bitwise_and(valid, np.invert(emergency))
    urgent = [np.bitwise_and(unknown[g], not_emergency) for g in p.gates]
    return pd.DataFrame({"outcome": outcome,
                         "additional_steps": joined_column(steps, p.step_ids, valid, n),
                         "urgent_checks": joined_column(urgent, p.gates, valid, n)},
                        index=pd.RangeIndex(n) if index is None else index, copy=False)


def evaluate_frame(ruleset: RuleSet, frame: pd.DataFrame) -> pd.DataFrame:
    """Route every row of ``frame`` exactly as :func:`screening.evaluate` routes one set of answers.

    Returns a frame with the same index and the columns ``outcome``, ``additional_steps`` and
    ``urgent_checks`` (categoricals; the last two '|'-joined ids, '' when none).  Raises
    :class:`AnswersError` (AN001 unknown column, AN002 bad value, AN003 not a table) before routing
    anything.
    """
    return evaluate_matrix(ruleset, answers_matrix(ruleset, frame), frame.index)


def split(joined: str) -> tuple[str, ...]:
    """'a|b' -> ('a', 'b'); '' -> () (the inverse of the joined columns)."""
    return tuple(joined.split("|")) if joined else ()
