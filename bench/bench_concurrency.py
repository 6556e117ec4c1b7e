"""The result page's solver work when 8 workers reach their result at once, against 1 worker.

What a result page computes that can be slow is the engine's evaluation and the explanations of
"what would change this recommendation" (z3).  Streamlit serves every session from a thread of one
process and z3 is not thread-safe, so the solver work must be made safe; two ways are measured here
side by side, in the same run, on the same random answers (never cached):

* **context per call, one at a time** (what the product does, screening/proofs/solver.py): each
  explanation makes a z3 context of its own and explanations take turns.
* **contexts side by side**: a context per call and no turn-taking, so sessions solve in parallel.
* **one lock** (the baseline): one shared z3 context, and a lock held around all solver work.

Reported: median and p95 time to a result page per worker, for 1 worker alone and for 8 arriving
at once (each worker reaches ``--rounds`` results in a row).  Machine: 2 cores.

    .venv/bin/python bench/bench_concurrency.py            # 8 workers x 20 results
    .venv/bin/python bench/bench_concurrency.py --smoke    # 8 workers x 2 results: proves it runs
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from screening import evaluate, load
from screening.proofs import alternatives, solver
from screening.rules.ruleset import RuleSet

ROOT = Path(__file__).resolve().parents[1]


def answers_for(rs: RuleSet, worker: int, rounds: int) -> list[dict[str, str]]:
    rnd = random.Random(1000 + worker)
    ids = rs.indicator_ids()
    return [{i: rnd.choices(["yes", "no", "unknown"], [1, 6, 3])[0] for i in ids} for _ in range(rounds)]


def result_page(rs: RuleSet, answers: dict[str, str]) -> float:
    """Seconds for the result page's work: evaluation and explanations (uncached)."""
    t = time.perf_counter()
    a = evaluate(rs, answers)
    alternatives._explain.__wrapped__(rs, tuple(sorted(a.answer_map.items())))  # type: ignore[attr-defined]
    return time.perf_counter() - t


def run(rs: RuleSet, workers: int, rounds: int) -> list[float]:
    work = [answers_for(rs, w, rounds) for w in range(workers)]
    start = threading.Barrier(workers)

    def worker(k: int) -> list[float]:
        start.wait()  # they arrive at once
        return [result_page(rs, a) for a in work[k]]

    with ThreadPoolExecutor(workers) as pool:
        return [t for ts in pool.map(worker, range(workers)) for t in ts]


@contextmanager
def side_by_side() -> Iterator[None]:
    """A context per call and no turn-taking: sessions solve in parallel."""

    @contextmanager
    def untaken() -> Iterator[solver.Solving]:
        yield solver._new()

    with mock.patch.object(alternatives, "solving", untaken):
        yield


@contextmanager
def one_lock() -> Iterator[None]:
    """The baseline: one shared context, every piece of solver work under one lock."""
    lock = threading.Lock()
    shared = solver._new()

    @contextmanager
    def locked() -> Iterator[solver.Solving]:
        with lock:
            yield shared

    with mock.patch.object(alternatives, "solving", locked):
        yield


def p95(xs: list[float]) -> float:
    return statistics.quantiles(xs, n=20)[-1] if len(xs) > 1 else xs[0]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--smoke", action="store_true", help="2 results per worker: proves it runs")
    ap.add_argument("--rounds", type=int, default=20, help="results each worker reaches (default 20)")
    args = ap.parse_args(argv)
    rounds = 2 if args.smoke else args.rounds
    rs = load(ROOT / "rules")
    run(rs, 8, 2)  # warm imports and threads: the first row measured was penalised without it

    rows = []
    for name, how in (("own context, in turn (product)", None), ("one lock (baseline)", one_lock),
                      ("own contexts side by side", side_by_side)):
        for workers in (1, 8):
            if how is None:
                times = run(rs, workers, rounds)
            else:
                with how():
                    times = run(rs, workers, rounds)
            ms = [t * 1000 for t in times]
            rows.append((name, workers, statistics.median(ms), p95(ms), len(ms)))
    print(f"Time to a result page (evaluation + explanations, uncached), {rounds} results per worker")
    print(f"{'solver use':32} {'workers':>7} {'median ms':>10} {'p95 ms':>8} {'pages':>6}")
    for name, workers, med, high, n in rows:
        print(f"{name:32} {workers:7d} {med:10.1f} {high:8.1f} {n:6d}")
    ours, base = rows[1], rows[3]
    para = rows[5]
    print(f"8 at once, p95: product {ours[3]:.0f} ms, one lock {base[3]:.0f} ms, "
          f"side by side {para[3]:.0f} ms; 1 alone {rows[0][3]:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
