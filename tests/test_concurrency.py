"""Solver work from many threads at once, as Streamlit's session threads do it.

z3 is not thread-safe; before screening/proofs/solver.py, four threads explaining random answers crashed
the process within seconds.  These tests run the proofs and the explanations from several threads
at once and require the very answers a single thread gives.
"""

from __future__ import annotations

import random
import subprocess
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import screening
from screening.proofs import alternatives, solver
from screening.proofs.checks import check_ruleset

ROOT = Path(__file__).resolve().parents[1]
RULES = screening.load(ROOT / "rules")
THREADS = 8


def _random_answers(n: int, seed: int = 7) -> list[tuple[tuple[str, str], ...]]:
    rng = random.Random(seed)
    ids = RULES.indicator_ids()
    weights = ["yes", "no", "no", "no", "unknown", "unknown"]
    return [tuple(sorted((i, rng.choice(weights)) for i in ids)) for _ in range(n)]


def _explain_uncached(answers: tuple[tuple[str, str], ...]) -> tuple[alternatives.Alternative, ...]:
    return alternatives._explain.__wrapped__(RULES, answers)  # type: ignore[attr-defined, no-any-return]


def test_explanations_from_eight_threads_equal_one_thread() -> None:
    cases = _random_answers(12 * THREADS)
    serial = [_explain_uncached(a) for a in cases]
    with ThreadPoolExecutor(THREADS) as pool:
        parallel = list(pool.map(_explain_uncached, cases))
    assert parallel == serial
    assert any(serial), "the random answers should give some explanations"


def test_proofs_and_explanations_at_once_give_the_same_findings() -> None:
    """A rule set checked (the proofs) while other sessions explain: no crash, same findings."""
    broken = screening.rules.loading.load(ROOT / "tests" / "broken" / "ck001_context_alone", check=False)
    expected_ok = [p.code for p in check_ruleset(RULES)]
    expected_broken = [(p.code, p.line, p.message) for p in check_ruleset(broken)]
    cases = _random_answers(6 * THREADS, seed=11)
    serial = [_explain_uncached(a) for a in cases]

    def job(k: int) -> object:
        if k % 4 == 0:
            return [p.code for p in check_ruleset(RULES)]
        if k % 4 == 1:
            return [(p.code, p.line, p.message) for p in check_ruleset(broken)]
        return _explain_uncached(cases[k])

    with ThreadPoolExecutor(THREADS) as pool:
        got = list(pool.map(job, range(len(cases))))
    for k, value in enumerate(got):
        want = expected_ok if k % 4 == 0 else expected_broken if k % 4 == 1 else serial[k]
        assert value == want, f"job {k} differs"
    assert any(code == "CK001" for code, _, _ in expected_broken)


def test_each_block_has_a_context_of_its_own() -> None:
    """Two blocks open at once never hold the same context, nor does a later one."""
    with solver.solving() as a, solver.solving() as b:
        assert a.ctx is not b.ctx
        with solver.solving() as c:
            assert c.ctx not in (a.ctx, b.ctx)


def test_nothing_uses_z3s_global_context() -> None:
    """Every term is made in a lent context: z3's shared global one is never even created.

    Run in a fresh interpreter so no other test has touched z3 first.
    """
    code = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(ROOT)!r})
        import screening
        from screening.proofs.checks import check_ruleset
        rs = screening.load({str(ROOT / "rules")!r})
        check_ruleset(rs)
        screening.explain_alternatives(rs, {{"us_and_them": "yes", "isolated": "yes"}})
        import z3
        print("main context created:", z3.z3._main_ctx is not None)
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                         check=False)
    assert out.returncode == 0, out.stderr
    assert "main context created: False" in out.stdout


def test_eight_sessions_each_reach_20_results_and_open_20_files() -> None:
    """What the result page and the review page ask of the core, from 8 session threads at once:
    evaluation, explanations, every export, and opening an export; each as one thread alone gives."""
    from screening.exports import summary
    from screening.record import ScreeningRecord

    per_session = 20
    cases = _random_answers(per_session * THREADS, seed=23)

    def one_result(answers: tuple[tuple[str, str], ...]) -> tuple[object, ...]:
        given = dict(answers)
        a = screening.evaluate(RULES, given)
        record = ScreeningRecord(answers=given, screener_role="youth worker", noticed_what="Said it.")
        exported = summary.to_json(RULES, a, record, exported_at="2026-11-30T00:00:00Z")
        summary.to_markdown(RULES, a, record)
        opened = summary.read_export(exported.encode(), RULES)
        return (a.outcome, a.additional_steps, _explain_uncached(answers), opened.replay.outcome,
                opened.stored_assessment.outcome)

    def session(k: int) -> list[tuple[object, ...]]:
        return [one_result(c) for c in cases[k * per_session:(k + 1) * per_session]]

    serial = [one_result(c) for c in cases]
    with ThreadPoolExecutor(THREADS) as pool:
        parallel = [r for rs in pool.map(session, range(THREADS)) for r in rs]
    assert parallel == serial
    assert {r[0] for r in serial} >= {"contact_prevent_lead", "consider_safeguarding"}
