"""How long the policy workbench takes to report on a draft, against what it is made of, in one run.

The workbench report (screening.workbench.check_draft) is the command line's lint, test and impact on
the draft, side by side with the live rules.  Baseline, measured in the same run on the same draft:
the three commands' work done one after the other in this process (load with the proofs, the
scenarios, the impact on the same 100,000-row corpus), so the figure shows what the report adds (the
temporary folder, reading findings' lines, the wording diff) and that it stays fast enough to
re-check on every edit.  Drafts: the shipped rules unchanged, an unsafe edit (a routing rule on
circumstances alone) and a broken one (an unknown setting).

Run: ``.venv/bin/python bench/bench_workbench.py`` (``--smoke`` for a quick run).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from screening import RuleSet, RuleSetError, load  # noqa: E402
from screening.impact.report import compare  # noqa: E402
from screening.rules.scenario_results import run_all  # noqa: E402
from screening.rules.scenarios import load_dir  # noqa: E402
from screening.workbench import check_draft, reference_corpus  # noqa: E402

RULES = ROOT / "rules"
LIVE_TEXT = (RULES / "ruleset.yaml").read_text(encoding="utf-8")
DRAFTS = {
    "unchanged": LIVE_TEXT,
    "unsafe (circumstances alone route to the Prevent Lead)":
        (ROOT / "tests" / "broken" / "ck001_context_alone" / "ruleset.yaml").read_text(encoding="utf-8"),
    "broken (unknown setting)": LIVE_TEXT.replace("  id: rochford_prevent_screening\n",
                                                  "  id: rochford_prevent_screening\n  colour: blue\n", 1),
}


def timed(fn: Callable[[], object], repeats: int) -> float:
    """Median seconds over ``repeats`` runs (one warm-up first)."""
    fn()
    runs = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def commands_one_after_another(text: str, folder: Path, live: RuleSet) -> None:
    """lint, test and impact's work on the draft, done directly (the baseline): each command runs
    even when lint refuses the draft, as a policy officer would run all three."""
    (folder / "ruleset.yaml").write_text(text, encoding="utf-8")
    with contextlib.suppress(RuleSetError):
        load(folder)  # lint: reading and every proof
    try:
        draft = load(folder, check=False)  # test and impact read the draft without the proofs
    except RuleSetError:
        return
    scenarios, _ = load_dir(RULES / "tests", draft)
    run_all(scenarios, draft)
    compare(live, draft, reference_corpus(live), source="synthetic")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="one repeat (CI)")
    args = parser.parse_args()
    repeats = 1 if args.smoke else 5
    os.environ.setdefault("SCREENING_REGISTER", tempfile.mkdtemp(prefix="bench-register-"))
    live = load(RULES)
    reference_corpus(live)  # made once per rule set and shared, as in the app
    load_avg = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"load average {load_avg:.1f}; median of {repeats}")
    print(f"{'draft':58} {'workbench report':>17} {'lint+test+impact':>17}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for name in ("fairness.yaml", "approvals.yaml"):
            shutil.copyfile(RULES / name, folder / name)
        for label, text in DRAFTS.items():
            report = timed(lambda text=text: check_draft(text, live), repeats)  # type: ignore[misc]
            base = timed(lambda text=text: commands_one_after_another(text, folder, live), repeats)  # type: ignore[misc]
            print(f"{label:58} {report * 1000:14.0f} ms {base * 1000:14.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
