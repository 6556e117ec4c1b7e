"""How long `python -m screening lint` takes on a large rule set, and what compiling the fairness list
once saves.

The fairness lint used to build one regular expression per term for every text it read (hundreds of
terms x every question, definition, example, outcome and reason): about 90% of lint time.  It now
compiles the list once per fairness file (screening.proofs.fairness.matcher) and reads each text in one pass
over its words, with the route and circumstance classifiers and the approvals on top.  Measured in the
same run:

* the whole command, ``python -m screening lint`` in a fresh process (imports, reading, every check,
  the proofs, the approvals), on the shipped rules and on a generated 300-question rule set, and
  the same reading and checking in a warm process (imports excluded);
* the fairness scan of the 300-question rule set's wording: the matcher as it is, against the
  baseline of one regular expression per term per text (the old way), timed on a sample of the
  same texts and scaled to all of them (it takes minutes in full).

Target from the issue: a 300-question rule set lints in under 2 s.
Run: ``.venv/bin/python bench/bench_lint.py`` (``--smoke`` for a quick run).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_checks import generate, write  # noqa: E402

from screening import RuleSetError, load  # noqa: E402
from screening.proofs.fairness import fairness_problems, matcher  # noqa: E402
from screening.rules.approvals import seed  # noqa: E402
from screening.rules.ruleset import FairnessList, RuleSet  # noqa: E402


def texts_of(rs: RuleSet) -> list[str]:
    """Every text the fairness lint reads."""
    out = [rs.meta.description, rs.wording.disclaimer]
    for f in rs.factors:
        out += [f.title, f.intro]
        for i in f.indicators:
            out += [i.id.replace("_", " "), i.question, i.definition, i.example, i.help]
    for o in rs.outcomes:
        out += [o.title, o.summary, *o.what_to_do]
    out += [s.title for s in rs.steps] + [s.what_to_do for s in rs.steps]
    return out + [r.because for r in rs.rules]


def pattern(term: str) -> re.Pattern[str]:
    words = [re.escape(w) for w in term.replace("_", " ").split()]
    return re.compile(r"(?<![a-z0-9])" + r"\s+".join(words) + r"(?:s|es|ed|ing)?(?![a-z0-9])",
                      re.IGNORECASE)


def per_term_regex(fair: FairnessList, text: str) -> int:
    """Baseline 1: a pattern built for every term for each text (what the lint used to do; with
    more terms than re's cache of 512 patterns, each is compiled again every time)."""
    return sum(bool(pattern(t).search(text)) for cat in fair.protected for t in cat.terms)


def precompiled(patterns: list[re.Pattern[str]], text: str) -> int:
    """Baseline 2: the patterns compiled once, but one search per term for each text."""
    return sum(bool(rx.search(text)) for rx in patterns)


def lint_seconds(folder: Path, repeat: int) -> tuple[float, str]:
    """Median wall time of `python -m screening lint FOLDER` in a fresh process, and its last line."""
    times, last = [], ""
    for _ in range(repeat):
        t = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "screening", "lint", str(folder)], cwd=ROOT,
                              capture_output=True, text=True, check=False)
        times.append(time.perf_counter() - t)
        last = (proc.stdout.strip().splitlines() or [""])[-1]
    return statistics.median(times), last


def in_process_seconds(folder: Path, repeat: int) -> float:
    """Median time of what lint does after the imports: read, validate, every check, approvals."""
    times = []
    for _ in range(repeat):
        matcher.cache_clear()
        t = time.perf_counter()
        with contextlib.suppress(RuleSetError):
            load(folder)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--smoke", action="store_true", help="a tiny, quick run for CI")
    args = ap.parse_args()
    n, repeat, samples = (30, 1, 5) if args.smoke else (300, 3, 60)
    with tempfile.TemporaryDirectory() as tmp:
        folder = write(generate(n), Path(tmp) / "big")
        rs = load(folder, check=False)
        (folder / "approvals.yaml").write_text(seed(rs, "Prevent Lead", dt.date.today(),
                                                    "Synthetic rules for the benchmark only."),
                                               encoding="utf-8")
        assert rs.fairness is not None
        texts = texts_of(rs)
        matcher.cache_clear()
        t = time.perf_counter()
        fairness_problems(rs)
        t_new = time.perf_counter() - t
        sample = texts[:: max(1, len(texts) // samples)]  # baseline 1 is slow: time a sample, scale up
        t = time.perf_counter()
        for text in sample:
            per_term_regex(rs.fairness, text)
        t_old = (time.perf_counter() - t) * len(texts) / len(sample)
        patterns = [pattern(t) for c in rs.fairness.protected for t in c.terms]
        t = time.perf_counter()
        for text in texts:
            precompiled(patterns, text)
        t_pre = time.perf_counter() - t
        print(f"fairness scan of {len(texts):,} texts against {len(patterns)} terms: "
              f"{t_new * 1000:.0f} ms, one pass over each text's words (terms, roles and "
              f"generalisations); baselines: {t_pre * 1000:.0f} ms with one precompiled pattern per "
              f"term, {t_old:.0f} s building a pattern per term per text as the lint used to "
              f"(timed on {len(sample)} texts and scaled)")
        for what, where, count in (("shipped rules", ROOT / "rules",
                                    len(load(ROOT / "rules", check=False).indicator_ids())),
                                   ("generated rules", folder, len(rs.indicator_ids()))):
            t_fresh, last = lint_seconds(where, repeat)
            t_warm = in_process_seconds(where, repeat)
            print(f"lint, {what} ({count} questions): {t_fresh:.2f} s in a fresh process (imports "
                  f"included), {t_warm:.2f} s of reading and checking   [{last[:60]}]")
        print("(the generated rules are refused by the stable-id contract, CK016, after every check "
              "has run: their ids are synthetic)")


if __name__ == "__main__":
    main()
