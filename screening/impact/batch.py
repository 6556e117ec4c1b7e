"""Many screenings at once: a DataFrame of answers -> outcomes, additional steps and urgent checks.

Why: re-screening thousands of stored or synthetic screenings under a changed rule set (the impact
report) must take a blink, not minutes, and must agree exactly with :func:`screening.evaluate`.

Semantics are the engine's (screening/engine.py), vectorised:
* one column per question id; a missing column, or a missing cell (NaN / None), is ``unknown``;
* a cell is ``yes``, ``no`` or ``unknown`` (true / false / y / n / dont_know ... as the engine
  accepts them); a column that is not a question is refused with AN001, a bad value with AN002;
* each condition is compiled once into boolean numpy operations over the columns of "answered yes";
  the outcome is the most serious among the rules that hold, else ``otherwise``;
* additional steps and urgent checks are ``'|'``-joined ids in rule-file (steps) and journey
  (urgent checks) order, ``''`` when there are none: one string per row keeps the result a flat
  table (CSV-ready, and a categorical with few distinct values, so it costs almost nothing).

Fast path: categorical columns (``frame.astype("category")``) are read through their few categories;
any other column is factorised first, which costs more than the routing itself.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from ..engine import _FALSE, _TRUE, _UNKNOWN, compile_ruleset
from ..errors import AnswersError, Problem, problem, suggest
from ..rules.ruleset import ANSWERS, All, AnyOf, AtLeast, Condition, Not, RuleSet, Yes, indicators_in

Bools = npt.NDArray[np.bool_]
#: Answer codes inside the batch engine.
NO, YES, UNKNOWN, BAD = 0, 1, 2, 3
COLUMNS = ("outcome", "additional_steps", "urgent_checks")


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


@dataclass(frozen=True)
class Matrix:
    """The answers as columns: ``yes[i]`` and ``unknown[i]`` for question ``ids[i]``.

    Only what routing reads is filled in: ``yes`` of questions a rule or step reads, ``unknown`` of
    danger questions; the others are all False.
    """

    ids: tuple[str, ...]
    yes: tuple[Bools, ...]
    unknown: tuple[Bools, ...]
    rows: int


def answers_matrix(ruleset: RuleSet, frame: pd.DataFrame, path: str = "") -> Matrix:
    """Validate a frame of answers and turn it into yes / unknown columns (AN001-AN003 refused)."""
    if not isinstance(frame, pd.DataFrame):
        raise AnswersError([problem("AN003", path, 0, reason="they must be a table (a DataFrame)")])
    c = compile_ruleset(ruleset)
    problems: list[Problem] = []
    cols = list(frame.columns)
    dup = sorted({str(k) for k in cols if cols.count(k) > 1})
    if dup:
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
    all_unknown = np.ones(n, dtype=bool)
    nothing = np.zeros(n, dtype=bool)
    yes: dict[str, Bools] = {}
    unknown: dict[str, Bools] = {}
    for key in cols:
        col = frame[key]
        if isinstance(col.dtype, pd.CategoricalDtype):
            raw, uniques = col.cat.codes.to_numpy(), list(col.cat.categories)
        else:
            fcodes, funiq = pd.factorize(col, use_na_sentinel=True)
            raw, uniques = fcodes, list(funiq)
        answer = [answer_code(u) for u in uniques]
        bad = [u for u, code in zip(uniques, answer, strict=True) if code == BAD]
        if bad:
            problems.append(problem("AN002", path, 0, id=key, value=bad[0]))
            continue
        if key in used:
            yes[key] = _where(raw, [k for k, a in enumerate(answer) if a == YES], n)
        if key in c.gate:  # only danger questions' unknowns are read (urgent checks)
            unknown[key] = _where(raw, [-1] + [k for k, a in enumerate(answer) if a == UNKNOWN], n)
    if problems:
        raise AnswersError(problems)
    yes_cols = tuple(yes.get(i, nothing) for i in c.ids)
    unknown_cols = tuple(unknown.get(i, all_unknown if i in c.gate and i not in cols else nothing)
                         for i in c.ids)
    return Matrix(c.ids, yes_cols, unknown_cols, n)


def _where(raw: npt.NDArray[Any], codes: list[int], n: int) -> Bools:
    """Rows whose code is one of ``codes`` (one comparison in the usual case of one spelling)."""
    if not codes:
        return np.zeros(n, dtype=bool)
    if len(codes) == 1:
        return np.asarray(raw == codes[0])
    if len(codes) == 2 and codes[0] == -1:
        return np.asarray((raw == codes[1]) | (raw < 0))
    return np.isin(raw, codes)


@lru_cache(maxsize=16)
def _read_by_rules(ruleset: RuleSet) -> frozenset[str]:
    """The questions a routing rule or a step reads: only their yes columns are built."""
    out: frozenset[str] = frozenset()
    for cond in [r.when for r in ruleset.rules] + [st.when for st in ruleset.steps]:
        out |= indicators_in(cond)
    return out


Vec = Callable[[dict[Any, Bools], int], Bools]


def vectorise(cond: Condition) -> Vec:
    """Compile a condition tree into a function of the yes columns (engine.predicate, vectorised).

    A part shared by several rules (a group, "every context factor") is computed once per call: the
    result is kept in the columns' dict under the condition itself (results are never written to).
    """
    inner = _vectorise(cond)
    key = ("condition", cond)

    def cached(yes: dict[Any, Bools], n: int) -> Bools:
        hit = yes.get(key)
        if hit is None:
            hit = yes[key] = inner(yes, n)
        return hit
    return cached


def _vectorise(cond: Condition) -> Vec:
    if isinstance(cond, Yes):
        ind = cond.indicator
        return lambda yes, n: yes[ind]
    if isinstance(cond, AtLeast):
        ids, need = tuple(dict.fromkeys(cond.indicators)), cond.n
        if need <= 0:
            return lambda yes, n: np.ones(n, dtype=bool)
        if need > len(ids):
            return lambda yes, n: np.zeros(n, dtype=bool)
        if need == 1:
            return lambda yes, n: _reduce(np.logical_or, [yes[i] for i in ids], n, False)
        return lambda yes, n: _count(yes, ids, n) >= need
    if isinstance(cond, Not):
        inner = vectorise(cond.part)
        return lambda yes, n: ~inner(yes, n)
    parts = tuple(vectorise(p) for p in cond.parts)
    if isinstance(cond, All):
        return lambda yes, n: _reduce(np.logical_and, [p(yes, n) for p in parts], n, True)
    assert isinstance(cond, AnyOf)
    return lambda yes, n: _reduce(np.logical_or, [p(yes, n) for p in parts], n, False)


def _reduce(op: Any, cols: Sequence[Bools], n: int, empty: bool) -> Bools:
    if not cols:
        return np.full(n, empty, dtype=bool)
    out = cols[0].copy()
    for col in cols[1:]:
        op(out, col, out=out)
    return out


def _count(yes: dict[Any, Bools], ids: Sequence[str], n: int) -> npt.NDArray[np.int64]:
    out: npt.NDArray[Any] = np.zeros(n, dtype=np.uint8 if len(ids) < 255 else np.int64)
    for i in ids:
        np.add(out, yes[i], out=out, casting="unsafe")
    return out


@dataclass(frozen=True)
class Vectorised:
    """A rule set's rules and steps as vectorised predicates."""

    rules: tuple[tuple[str, int, Vec], ...]   # (rule id, rank, predicate), file order
    steps: tuple[tuple[str, Vec], ...]


@lru_cache(maxsize=16)
def vectorise_ruleset(ruleset: RuleSet) -> Vectorised:
    """Compile once per rule set, like engine.compile_ruleset."""
    return Vectorised(
        rules=tuple((r.id, ruleset.rank(r.outcome), vectorise(r.when)) for r in ruleset.rules),
        steps=tuple((s.id, vectorise(s.when)) for s in ruleset.steps))


def fired_matrix(ruleset: RuleSet, m: Matrix) -> dict[str, Bools]:
    """Which routing rules hold on each row (rule id -> bool column), as the engine's ``fired``."""
    yes: dict[Any, Bools] = dict(zip(m.ids, m.yes, strict=True))
    return {rid: pred(yes, m.rows) for rid, _, pred in vectorise_ruleset(ruleset).rules}


def _joined(bits: Sequence[Bools], names: Sequence[str], n: int,
            index: pd.Index) -> pd.Series:
    """Rows of flags -> a categorical of '|'-joined names, built from the few combinations present."""
    if not bits:
        return pd.Series(pd.Categorical.from_codes(np.zeros(n, dtype=np.int8), [""]), index=index)
    if len(bits) > 62:  # too many for a bit code: join row by row (no shipped rule set comes near)
        vals = ["|".join(nm for nm, b in zip(names, row, strict=True) if b)
                for row in np.column_stack(bits)]
        return pd.Series(vals, index=index, dtype="category")
    if len(bits) <= 16:
        small = np.uint8 if len(bits) <= 8 else np.uint16
        code: npt.NDArray[Any] = np.zeros(n, dtype=small)
        for k, b in enumerate(bits):
            flag: npt.NDArray[Any] = b.view(np.uint8).astype(small, copy=False)
            code |= np.left_shift(flag, k, dtype=small)
        present = np.flatnonzero(np.bincount(code, minlength=1 << len(bits)))
        remap = np.zeros(1 << len(bits), dtype=np.int32)
        remap[present] = np.arange(len(present), dtype=np.int32)
        cats_codes: npt.NDArray[Any] = present
        codes: npt.NDArray[Any] = remap[code]
    else:
        code = np.zeros(n, dtype=np.int64)
        for k, b in enumerate(bits):
            code |= b.astype(np.int64) << k
        cats_codes, codes = np.unique(code, return_inverse=True)
    cats = ["|".join(nm for k, nm in enumerate(names) if int(cc) >> k & 1) for cc in cats_codes]
    if not cats:
        cats = [""]
    return pd.Series(pd.Categorical.from_codes(codes, cats), index=index)


def evaluate_matrix(ruleset: RuleSet, m: Matrix, index: pd.Index | None = None) -> pd.DataFrame:
    """Route validated answer columns (see :func:`answers_matrix`)."""
    c = compile_ruleset(ruleset)
    v = vectorise_ruleset(ruleset)
    n = m.rows
    idx = pd.RangeIndex(n) if index is None else index
    yes: dict[Any, Bools] = dict(zip(m.ids, m.yes, strict=True))
    unknown = dict(zip(m.ids, m.unknown, strict=True))
    rank = np.full(n, c.otherwise_rank, dtype=np.int16)
    # least serious first, so that the most serious rule that holds is written last and wins
    for _, r_rank, pred in sorted(v.rules, key=lambda x: -x[1]):
        rank[pred(yes, n)] = r_rank
    outcome = pd.Series(pd.Categorical.from_codes(rank, list(c.order)), index=idx)
    steps = _joined([pred(yes, n) for _, pred in v.steps], [s for s, _ in v.steps], n, idx)
    gates = [i for i in c.ids if i in c.gate]
    is_emergency = np.array([k in c.emergency_ranks for k in range(len(c.order))], dtype=bool)
    not_emergency = ~is_emergency[rank]
    urgent = _joined([unknown[g] & not_emergency for g in gates], gates, n, idx)
    return pd.DataFrame({"outcome": outcome, "additional_steps": steps, "urgent_checks": urgent})


def evaluate_frame(ruleset: RuleSet, frame: pd.DataFrame) -> pd.DataFrame:
    """Route every row of ``frame`` exactly as :func:`screening.evaluate` routes one set of answers.

    Returns a frame with the same index and the columns ``outcome``, ``additional_steps`` and
    ``urgent_checks`` (the last two '|'-joined ids, '' when none).  Raises :class:`AnswersError`
    (AN001 unknown column, AN002 bad value, AN003 not a table) before routing anything.
    """
    return evaluate_matrix(ruleset, answers_matrix(ruleset, frame), frame.index)


def split(joined: str) -> tuple[str, ...]:
    """'a|b' -> ('a', 'b'); '' -> () (the inverse of the joined columns)."""
    return tuple(joined.split("|")) if joined else ()
