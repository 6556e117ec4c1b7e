"""How long one evaluation (with its trace and could_become) takes on the shipped rules.

Compared, in the same run, against a baseline: the same routing done by walking the condition trees
without compiling them, and against validating the answers alone (the floor any evaluation pays).
Target from the issue: well under 100 µs per evaluation.  Run: ``.venv/bin/python bench/bench_engine.py``.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import timeit
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from screening import evaluate, load
from screening.engine import holds, normalise_answers
from screening.rules.ruleset import RuleSet


def route_uncompiled(rs: RuleSet, answers: dict[str, str]) -> str:
    """The baseline: the engine's tree walk (engine.holds), with no compiled closures."""
    yes = frozenset(k for k, v in normalise_answers(rs, answers).items() if v == "yes")
    fired = [rs.rank(r.outcome) for r in rs.rules if holds(r.when, yes)]
    return rs.outcomes[min(fired)].id if fired else rs.document.routing.otherwise


def cases(rs: RuleSet, n: int, seed: int = 7) -> list[dict[str, str]]:
    rnd = random.Random(seed)
    ids = rs.indicator_ids()
    return [{i: rnd.choices(["yes", "no", "unknown"], [1, 6, 3])[0] for i in ids} for _ in range(n)]


def per_call_us(fn, items, repeat: int) -> float:  # type: ignore[no-untyped-def]
    runs = timeit.repeat(lambda: [fn(x) for x in items], number=1, repeat=repeat)
    return statistics.median(runs) / len(items) * 1e6


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--smoke", action="store_true", help="a quick run for CI")
    args = ap.parse_args()
    n, repeat = (200, 3) if args.smoke else (2000, 7)
    rs = load()
    items = cases(rs, n)
    for a in items:  # same answers, same outcome: the comparison is like for like
        assert evaluate(rs, a).outcome == route_uncompiled(rs, a)
    rows = [
        ("validate answers only (floor)", per_call_us(lambda a: normalise_answers(rs, a), items, repeat)),
        ("route by tree walk (baseline)", per_call_us(lambda a: route_uncompiled(rs, a), items, repeat)),
        ("evaluate: outcome + trace + could_become", per_call_us(lambda a: evaluate(rs, a), items, repeat)),
    ]
    print(f"Engine, shipped rules ({len(rs.indicator_ids())} questions, {len(rs.rules)} rules), "
          f"{n} answer sets, median of {repeat}")
    print(f"{'what':45} {'µs per call':>12}")
    for name, us in rows:
        print(f"{name:45} {us:12.1f}")
    print("target: evaluate well under 100 µs")


if __name__ == "__main__":
    main()
