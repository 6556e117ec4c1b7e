"""How long the safeguard proofs take, and why a solver is needed rather than trying every answer.

A rule set of N indicators has 2^N sets of yes answers.  The proofs in screening/proofs/checks.py cover
them all with z3.  This benchmark generates rule sets shaped like the shipped one (gate, engagement,
intent, context, protective and profile factors; groups; at_least and all/any rules) at several
sizes, writes them to a temp folder and times, in the same run:

* ``check_ruleset`` on a clean rule set (every property proved: the solver must show "no
  counterexample exists") and on the same set with one defect (a context-only rule to a Prevent
  outcome, so the smallest counterexample has to be found by Optimize);
* ``explain_alternatives`` on random answers (the review screen's "what would change it");
* the baseline: brute-force enumeration of every set of answers, measured for small N and
  extrapolated (it only routes each set once, the least any exhaustive check must do).

Target from the issue: about 200 indicators checked in a few seconds.
Run: ``.venv/bin/python bench/bench_checks.py`` (``--smoke`` for a tiny, quick run).
"""

from __future__ import annotations

import argparse
import itertools
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from screening import load  # noqa: E402
from screening.engine import predicate  # noqa: E402
from screening.proofs.alternatives import _explain, explain_alternatives  # noqa: E402
from screening.proofs.checks import check_ruleset  # noqa: E402
from screening.rules.ruleset import RuleSet  # noqa: E402
from screening.rules.yamlio import parse, strip_lines  # noqa: E402

SHARES = {"gate": 0.05, "engagement": 0.25, "intent": 0.10, "context": 0.40, "protective": 0.20}


def uncached_alternatives(rs: RuleSet, answers: dict[str, str]) -> object:
    """Time the solving itself: the app remembers results per answers, the bench must not."""
    _explain.cache_clear()
    return explain_alternatives(rs, answers)


def _indicator(i: str, kind: str) -> dict[str, str]:
    # a sign of concern is worded as something the person did (CK026 refuses a circumstance there)
    question = (f"Have they threatened synthetic harm {i} ({kind})?"
                if kind in ("gate", "engagement", "intent", "capability") else
                f"Synthetic question {i} ({kind})?")
    return {"id": i, "question": question,
            "definition": "A synthetic definition.", "example": "A synthetic example."}


def generate(n: int, defect: bool = False) -> dict[str, Any]:
    """A rule document with about ``n`` indicators, shaped like the shipped rules."""
    # the project's reader: plain YAML 1.1 would turn the 'yes'/'no' answer-label keys into booleans
    shipped = strip_lines(parse((ROOT / "rules" / "ruleset.yaml").read_text(encoding="utf-8"), "")[0])
    counts = {k: max(1, round(n * s)) for k, s in SHARES.items()}
    ids = {k: [f"{k[:3]}_{j:03d}" for j in range(c)] for k, c in counts.items()}
    ids["profile"] = ["under_18", "care_and_support_needs"]
    factors: list[dict[str, Any]] = []
    for kind, members in ids.items():
        for start in range(0, len(members), 6):
            factors.append({"id": f"{kind}_f{start // 6}", "kind": kind, "title": f"{kind} factor",
                            "intro": "Synthetic.",
                            "indicators": [_indicator(i, kind) for i in members[start:start + 6]]})
    eng = ids["engagement"]
    cut = max(1, len(eng) * 2 // 5)
    stronger, weaker = eng[:cut], eng[cut:] or eng[:1]
    rules: list[dict[str, Any]] = [
        {"id": "danger", "outcome": "emergency", "because": "x", "when": {"any_yes": {"kind": "gate"}}},
        {"id": "intent", "outcome": "contact_prevent_lead", "because": "x",
         "when": {"any_yes": {"kind": "intent"}}},
        {"id": "stronger", "outcome": "contact_prevent_lead", "because": "x",
         "when": {"any_yes": {"group": "stronger"}}},
        {"id": "many_weaker", "outcome": "prevent_lead_advice", "because": "x",
         "when": {"at_least": min(3, len(weaker)), "of": {"group": "weaker"}}},
    ]
    for f in factors:
        if f["kind"] == "context":
            rules.append({"id": f"weaker_with_{f['id']}", "outcome": "prevent_lead_advice",
                          "because": "x", "when": {"all": [{"any_yes": {"group": "weaker"}},
                                                          {"any_yes": {"factor": f["id"]}}]}})
        if f["kind"] == "engagement":
            rules.append({"id": f"pattern_in_{f['id']}", "outcome": "contact_prevent_lead",
                          "because": "x", "when": {"all": [
                              {"at_least": min(2, len(f["indicators"])), "of": {"factor": f["id"]}},
                              {"at_least": 2, "of": {"kind": "context"}},
                              {"not": {"all": [{"any_yes": {"kind": "gate"}},
                                               {"any_yes": {"kind": "intent"}}]}}]}})
    if defect:
        rules.append({"id": "context_pile_up", "outcome": "prevent_lead_advice", "because": "x",
                      "when": {"at_least": 4, "of": {"kind": "context"}}})
    rules += [
        {"id": "weaker_alone", "outcome": "consider_safeguarding", "because": "x",
         "when": {"any_yes": {"group": "weaker"}}},
        {"id": "context_only", "outcome": "consider_safeguarding", "because": "x",
         "when": {"any_yes": {"kind": "context"}}},
    ]
    return {**{k: shipped[k] for k in ("ruleset", "contacts", "emergency_contact", "default_contact",
                                       "outcomes", "additional_steps", "journey")},
            "factors": factors,
            "groups": [{"id": "stronger", "title": "stronger", "indicators": stronger},
                       {"id": "weaker", "title": "weaker", "indicators": weaker}],
            "routing": {"rules": rules, "otherwise": "no_prevent_concern"}}


def write(doc: dict[str, Any], folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "ruleset.yaml").write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    shutil.copy(ROOT / "rules" / "fairness.yaml", folder / "fairness.yaml")
    return folder


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Median seconds over ``repeat`` runs, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), result


def brute_force_seconds(rs: RuleSet, limit: int) -> tuple[float, int]:
    """Route every set of yes answers over the first ``limit`` indicators; seconds per set."""
    ids = rs.indicator_ids()[:limit]
    preds = [(rs.rank(r.outcome), predicate(r.when)) for r in rs.rules]
    t = time.perf_counter()
    count = 0
    for size in range(len(ids) + 1):
        for combo in itertools.combinations(ids, size):
            yes = frozenset(combo)
            min((k for k, p in preds if p(yes)), default=len(rs.outcomes))
            count += 1
    return (time.perf_counter() - t) / count, count


def human(seconds: float) -> str:
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 3600:
        return f"{seconds:.1f} s"
    years = seconds / (3600 * 24 * 365)
    return f"{years:.1e} years" if years > 1 else f"{seconds / 3600:.1f} h"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--smoke", action="store_true", help="a tiny, quick run for CI")
    args = ap.parse_args()
    sizes, repeat, brute_n = ([20], 1, 10) if args.smoke else ([50, 100, 200, 300], 3, 16)
    print(f"{'rule set':<22}{'indicators':>11}{'rules':>7}{'check (clean)':>15}"
          f"{'check (defect)':>16}{'alternatives':>14}")
    with tempfile.TemporaryDirectory() as tmp:
        shipped = load(ROOT / "rules", check=False)
        t_shipped, found = timed(lambda: check_ruleset(shipped), repeat)
        assert not found, [p.format() for p in found]
        t_alt, _ = timed(lambda: uncached_alternatives(shipped, {"isolated": "yes"}), repeat)
        print(f"{'shipped rules':<22}{len(shipped.indicator_ids()):>11}{len(shipped.rules):>7}"
              f"{human(t_shipped):>15}{'':>16}{human(t_alt):>14}")
        per_set = 0.0
        for n in sizes:
            clean = load(write(generate(n), Path(tmp) / f"clean{n}"), check=False)
            broken = load(write(generate(n, defect=True), Path(tmp) / f"broken{n}"), check=False)
            # synthetic ids: the proofs are timed without the stable-id contract (CK016)
            t_clean, found = timed(lambda rs=clean: check_ruleset(rs, contract=False),  # type: ignore[misc]
                                   repeat)
            assert not found, [p.format() for p in found][:3]
            t_bad, found = timed(lambda rs=broken: check_ruleset(rs, contract=False),  # type: ignore[misc]
                                 repeat)
            assert [p.code for p in found] == ["CK001"], [p.format() for p in found]
            assert "with yes only to" in found[0].message and found[0].message.count("'con_") == 4
            rnd = random.Random(n)
            answers = {i: rnd.choice(["yes", "no", "unknown", "unknown"]) if rnd.random() < 0.1
                       else "unknown" for i in clean.indicator_ids()}
            t_alt, _ = timed(lambda rs=clean, a=answers: uncached_alternatives(rs, a), repeat)  # type: ignore[misc]
            print(f"{'generated':<22}{len(clean.indicator_ids()):>11}{len(clean.rules):>7}"
                  f"{human(t_clean):>15}{human(t_bad):>16}{human(t_alt):>14}")
            per_set, count = brute_force_seconds(clean, brute_n)
        print()
        print(f"Baseline, brute force: routing each of the {count:,} answer sets over {brute_n} "
              f"indicators took {per_set * 1e6:.1f} µs per set ({human(per_set * count)} in all).")
        for n in (brute_n, len(shipped.indicator_ids()), 200):
            print(f"  trying all 2^{n} sets would take {human(per_set * 2 ** n)}"
                  " (one routing each, before any property is checked)")


if __name__ == "__main__":
    main()
