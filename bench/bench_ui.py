"""Script time of one wizard click, against an empty Streamlit script run the same way, same run.

AppTest runs the script in-process, so ``AppTest.run()`` time = AppTest's own overhead + our script.
The empty script measures the overhead; the difference is what a worker's click costs on the
server.  Target: a Next click under 50 ms of script time on the shipped rules.

    .venv/bin/python bench/bench_ui.py            # 30 samples per row
    .venv/bin/python bench/bench_ui.py --smoke    # 3 samples, just proves it runs
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
TARGET_MS = 50.0


def _timed(fn: Callable[[], object]) -> float:
    t = time.perf_counter()
    fn()
    return (time.perf_counter() - t) * 1000


def _answer_all(at: AppTest, value: str = "no") -> None:
    for r in at.radio:
        r.set_value(value)


def _next(at: AppTest) -> AppTest:
    return at.button(key="nav.next").click().run()


def _set_and_run(radio: Any) -> AppTest:
    return radio.set_value("no").run()


def sample_next_clicks(n: int) -> tuple[list[float], list[float], list[float]]:
    """(Next click on a question page, one radio change, the result page) in ms, n of each."""
    nexts: list[float] = []
    radios: list[float] = []
    results: list[float] = []
    while len(nexts) < n or len(results) < n:
        at = AppTest.from_file(APP, default_timeout=60).run()
        while at.radio:
            radio = at.radio[0]
            radios.append(_timed(partial(_set_and_run, radio)))
            _answer_all(at)
            at.run()  # the answers' own reruns are not part of the Next click
            nexts.append(_timed(partial(_next, at)))
            assert not at.exception, at.exception
        at.text_area(key=f"account.{at.session_state['journey'].nonce}.noticed_what").input("x").run()
        at.button(key="nav.next").click().run()  # to the check page
        results.append(_timed(partial(_next, at)))
        assert not at.exception and at.download_button, "the result page did not render"
    return nexts[:n], radios[:n], results[:n]


def sample_empty(n: int) -> list[float]:
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "empty.py"
        script.write_text("import streamlit as st\n")
        at = AppTest.from_file(str(script), default_timeout=60).run()
        return [_timed(at.run) for _ in range(n)]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--smoke", action="store_true", help="3 samples per row: proves it runs")
    ap.add_argument("-n", type=int, default=30, help="samples per row (default 30)")
    args = ap.parse_args(argv)
    n = 3 if args.smoke else args.n

    AppTest.from_file(APP, default_timeout=60).run()  # warm the rule-set cache and imports
    base = statistics.median(sample_empty(n))
    nexts, radios, results = sample_next_clicks(n)
    rows = [("empty script (baseline)", base, 0.0),
            ("Next click, question page", statistics.median(nexts), statistics.median(nexts) - base),
            ("radio answer", statistics.median(radios), statistics.median(radios) - base),
            ("See the recommendation (result page)", statistics.median(results),
             statistics.median(results) - base)]
    print(f"AppTest runs, median of {n}, shipped rules at {ROOT / 'rules'}")
    print(f"{'run':40} {'AppTest ms':>11} {'script ms':>10}")
    for name, total, script in rows:
        print(f"{name:40} {total:11.1f} {script:10.1f}")
    worst = max(rows[1:], key=lambda r: r[2])
    verdict = "OK" if worst[2] < TARGET_MS else "OVER TARGET"
    print(f"Slowest click ({worst[0]}) {worst[2]:.1f} ms of script time, "
          f"target < {TARGET_MS:.0f} ms: {verdict}")
    return 0 if args.smoke or worst[2] < TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
