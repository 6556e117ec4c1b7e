"""Batch engine vs per-record engine vs the PyPI ``rule-engine`` package, on the shipped rules, one run.

Why: the impact report re-screens a whole corpus under two rule sets; the issue asks for at least
300 times the per-record path and 20 million screenings a second.  All three paths route the same
synthetic answers (screening.impact.corpus) and are checked to agree before anything is timed.
Run: ``.venv/bin/python bench/bench_batch.py`` (``--smoke`` for a quick check that it still runs,
``--rows 5000000`` for a bigger batch).  The load average is printed: on a shared machine the figures
move with it, so run it several times and quote the median.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import rule_engine

from screening import evaluate, evaluate_frame, load
from screening.impact.batch import answers_matrix, evaluate_matrix
from screening.impact.corpus import generate
from screening.rules.ruleset import All, AnyOf, AtLeast, Condition, Not, RuleSet, Yes


def expression(cond: Condition) -> str:
    """A condition in rule-engine's language (at_least as a ternary sum, STACK-NOTES section 5)."""
    if isinstance(cond, Yes):
        return cond.indicator
    if isinstance(cond, AtLeast):
        if cond.n == 1:
            return "(" + " or ".join(cond.indicators) + ")"
        return "(" + " + ".join(f"({i} ? 1 : 0)" for i in cond.indicators) + f" >= {cond.n})"
    if isinstance(cond, Not):
        return f"(not {expression(cond.part)})"
    joiner = " and " if isinstance(cond, All) else " or "
    assert isinstance(cond, (All, AnyOf))
    return "(" + joiner.join(expression(p) for p in cond.parts) + ")"


def rule_engine_router(rs: RuleSet) -> Callable[[dict[str, bool]], tuple[str, tuple[str, ...]]]:
    """Route one record of yes flags with rule-engine: every rule matched, most serious wins."""
    rules = [(rs.rank(r.outcome), rule_engine.Rule(expression(r.when))) for r in rs.rules]
    steps = [(s.id, rule_engine.Rule(expression(s.when))) for s in rs.steps]
    order = [o.id for o in rs.outcomes]
    otherwise = rs.rank(rs.document.routing.otherwise)

    def route(record: dict[str, bool]) -> tuple[str, tuple[str, ...]]:
        ranks = [rank for rank, rule in rules if rule.matches(record)]
        return (order[min(ranks) if ranks else otherwise],
                tuple(sid for sid, rule in steps if rule.matches(record)))
    return route


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, float]:
    """Median wall-clock and median CPU seconds of ``repeat`` runs.

    CPU time (this process only) leaves out the time spent waiting for a core, so on a shared,
    loaded machine it says what the code costs while the wall clock says what a user waits.
    """
    walls, cpus = [], []
    for _ in range(repeat):
        c, t = time.process_time(), time.perf_counter()
        fn()
        walls.append(time.perf_counter() - t)
        cpus.append(time.process_time() - c)
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--smoke", action="store_true", help="a quick run for CI")
    ap.add_argument("--rows", type=int, default=1_000_000, help="rows in the batch (categorical)")
    args = ap.parse_args()
    n_rec, n_ref, n_batch, repeat = (300, 100, 20_000, 2) if args.smoke else (5_000, 1_000, args.rows, 5)
    load_before = os.getloadavg()[0]
    rs = load()
    ids = rs.indicator_ids()
    big = generate(rs, n_batch, seed=12)                       # categorical columns: the fast path
    small = big.head(n_rec)
    records = small.astype(str).to_dict("records")
    yes_records = [{i: r[i] == "yes" for i in ids} for r in records[:n_ref]]
    route = rule_engine_router(rs)

    batch_small = evaluate_frame(rs, small)                    # the three paths agree, row for row
    for k, rec in enumerate(records):
        a = evaluate(rs, rec)
        assert batch_small["outcome"].iloc[k] == a.outcome
        assert batch_small["additional_steps"].iloc[k] == "|".join(a.additional_steps)
    for k, yrec in enumerate(yes_records):
        assert route(yrec) == (batch_small["outcome"].iloc[k],
                               tuple(filter(None, batch_small["additional_steps"].iloc[k].split("|"))))

    strings = big.head(min(n_batch, 200_000)).astype(str)      # plain string columns: factorised
    many = repeat * 3                                           # the batch runs are short
    prepared = answers_matrix(rs, big)
    runs = [("evaluate in a loop (per record, with trace)", n_rec,
             timed(lambda: [evaluate(rs, r) for r in records], repeat)),
            ("rule-engine 5.x: Rule.matches per rule (reference)", n_ref,
             timed(lambda: [route(r) for r in yes_records], max(1, repeat // 2))),
            ("evaluate_frame, categorical columns", n_batch, timed(lambda: evaluate_frame(rs, big), many)),
            ("evaluate_frame, string columns", len(strings),
             timed(lambda: evaluate_frame(rs, strings), repeat)),
            ("routing only (evaluate_matrix, columns prepared)", n_batch,
             timed(lambda: evaluate_matrix(rs, prepared), many))]
    print(f"Batch engine, shipped rules ({len(ids)} questions, {len(rs.rules)} rules, "
          f"{len(rs.steps)} steps), median of {repeat} ({many} for the batch); load average (1 min) "
          f"{load_before:.2f} before, {os.getloadavg()[0]:.2f} after, {os.cpu_count()} cores")
    print(f"{'path':51} {'rows':>9} {'µs per row':>11} {'rows per s':>13} {'rows per CPU s':>15}")
    for name, n, (wall, cpu) in runs:
        print(f"{name:51} {n:9,d} {wall / n * 1e6:11.3f} {n / wall:13,.0f} {n / max(cpu, 1e-9):15,.0f}")
    t_rec, t_ref, t_batch, t_str = (wall / n for _, n, (wall, _) in runs[:4])
    print(f"batch (categorical) vs per record: {t_rec / t_batch:,.0f}x; "
          f"vs rule-engine: {t_ref / t_batch:,.0f}x; string columns vs per record: {t_rec / t_str:,.0f}x")
    if not args.smoke:
        print(f"targets: >= 300x per record: {'met' if t_rec / t_batch >= 300 else 'NOT met'}; "
              f">= 20,000,000 rows per s (wall clock): {'met' if 1 / t_batch >= 20e6 else 'NOT met'}")


if __name__ == "__main__":
    main()
