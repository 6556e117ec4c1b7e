"""The workbench's core (screening/workbench.py) and rule changes in the store
(screening/store/rule_changes.py).

Drafts are real edits of the shipped rules: the broken-rule fixtures in tests/broken (each a whole
ruleset.yaml with one thing wrong) and hand-made edits of rules/ruleset.yaml.
"""

from __future__ import annotations

import io
import shutil
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pandas as pd
import pytest
import yaml
from markdown_it import MarkdownIt
from sqlalchemy import select, update

from screening import RuleSet, ScreeningError, evaluate, load
from screening.cli import main as cli
from screening.impact.corpus import generate
from screening.rules.approvals import APPROVALS_FILE
from screening.rules.yamlio import decode
from screening.store import RuleChanges, Store, StoreError
from screening.store.store import now
from screening.store.tables import audit, rule_changes
from screening.workbench import (
    DraftReport,
    approvals_needed,
    approvals_yaml,
    change_report,
    check_draft,
    put_forward,
    section_of,
    word_diff,
    wording_changes,
)
from tests.test_hostile_input import TABLE, build
from tests.test_store import KEY, _postgres_database

ROOT = Path(__file__).resolve().parents[1]
RULES = ROOT / "rules"
BROKEN = ROOT / "tests" / "broken"
LIVE_TEXT = (RULES / "ruleset.yaml").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def live() -> RuleSet:
    return load(RULES)


def broken(name: str) -> str:
    return (BROKEN / name / "ruleset.yaml").read_text(encoding="utf-8")


def edited(old: str, new: str, text: str = LIVE_TEXT) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def codes(report: DraftReport, section: str) -> list[str]:
    return [f.problem.code for f in report.section(section)]  # type: ignore[arg-type]


# --- the report -----------------------------------------------------------------------------------
def test_the_live_rules_as_a_draft_are_ready_and_change_nothing(live: RuleSet) -> None:
    r = check_draft(LIVE_TEXT, live)
    assert r.verdict == "ready" and r.unchanged and not r.blocking
    assert [f for f in r.findings if f.problem.severity.value == "error"] == []
    assert r.scenarios and all(s.passed for s in r.scenarios)
    assert r.impact is not None and r.impact.changed == 0 and r.impact.rows == 100_000
    assert r.changes == ()


def test_a_broken_draft_names_its_line_and_shows_it(live: RuleSet) -> None:
    text = edited("  id: rochford_prevent_screening\n", "  id: rochford_prevent_screening\n  colour: blue\n")
    line = text.splitlines().index("  colour: blue") + 1
    r = check_draft(text, live, name="my edit.yaml")
    assert r.verdict == "unreadable" and r.blocking and r.draft is None
    (f,) = r.section("reading")
    assert f.problem.code == "RS004" and f.problem.line == line and f.where == f"my edit.yaml:{line}"
    assert (line, "  colour: blue") in f.excerpt  # the offending line, as written
    assert r.impact is None and r.scenarios == () and not r.section("proofs")
    assert "Not run: the draft cannot be read." in change_report(r)


def test_not_yaml_at_all_is_a_finding_not_a_crash(live: RuleSet) -> None:
    for text in ("", "- just\n- a list\n", "key: [unclosed\n", "a: &x 1\nb: *x\n", "\x00\x01"):
        r = check_draft(text, live)
        assert r.verdict == "unreadable" and r.findings, text
        assert all(f.problem.code.startswith("RS") for f in r.findings)


def test_a_draft_too_large_is_refused_before_reading(live: RuleSet) -> None:
    r = check_draft(LIVE_TEXT + "#" * 1_100_000, live)
    assert r.verdict == "unreadable" and [f.problem.code for f in r.findings] == ["RS016"]


def test_an_unsafe_draft_shows_the_counterexample_and_whose_route_changes(live: RuleSet) -> None:
    r = check_draft(broken("ck001_context_alone"), live)
    assert r.verdict == "unsafe" and r.blocking
    (proof,) = r.errors("proofs")
    assert proof.problem.code == "CK001" and "isolated" in proof.problem.message  # the counterexample
    assert proof.excerpt and any("debt_and_isolation" in t for _, t in proof.excerpt)
    assert r.impact is not None and r.impact.changed > 0
    assert ("consider_safeguarding", "contact_prevent_lead") in r.impact.examples
    ex = r.impact.examples[("consider_safeguarding", "contact_prevent_lead")][0]
    assert "debt_and_isolation" in ex.new_fired and "debt_and_isolation" not in ex.old_fired
    assert r.failed_scenarios  # the worked cases of circumstances alone now differ
    assert [c.where for c in r.changes] == ["routing > rules > debt_and_isolation > because"]


def test_an_unfair_draft_is_refused_in_the_fairness_section(live: RuleSet) -> None:
    r = check_draft(broken("ck008_protected_term"), live)
    assert r.verdict == "unfair" and r.blocking
    assert "CK008" in codes(r, "fairness")


@pytest.mark.parametrize(("folder", "section", "code"), [
    ("ck022_support_reports_to_police", "fairness", "CK022"),
    ("ck029_generalisation", "fairness", "CK029"),
    ("ck016_no_emergency_route", "structure", "CK016"),
    ("ck002_protective_lowers", "proofs", "CK002"),
])
def test_each_kind_of_problem_lands_in_its_section(live: RuleSet, folder: str, section: str,
                                                    code: str) -> None:
    r = check_draft(broken(folder), live)
    assert r.blocking and code in codes(r, section)
    assert section_of(code) == section


def test_a_new_question_needs_approval_and_the_approval_closes_the_loop(live: RuleSet,
                                                                        tmp_path: Path) -> None:
    """A safe, fair new question is 'needs_approval'; the entries an approver's decision adds make the
    copy pass lint with the new question approved (CK030 gone)."""
    text = broken("ck030_unapproved_question")
    r = check_draft(text, live)
    assert r.verdict == "needs_approval" and not r.blocking
    assert codes(r, "approvals") == ["CK030"]
    needed = approvals_needed(r)
    (ck030,) = r.section("approvals")
    assert len(needed) == 1 and f"'{needed[0]['question']}'" in ck030.problem.message  # the one it names
    entries = approvals_yaml(needed, role="Prevent Lead", date="2026-12-01",
                             note="Asks only about recruiting others to violence; no group is named.")
    folder = tmp_path / "rules"
    shutil.copytree(RULES, folder)
    (folder / "ruleset.yaml").write_text(text, encoding="utf-8")
    approvals = yaml.safe_load((folder / APPROVALS_FILE).read_text(encoding="utf-8"))
    approvals["approvals"] += yaml.safe_load(entries)
    (folder / APPROVALS_FILE).write_text(yaml.safe_dump(approvals, sort_keys=False), encoding="utf-8")
    out = io.StringIO()
    assert cli(["lint", str(folder)], out=out, err=io.StringIO()) == 0, out.getvalue()


def test_the_workbench_shows_what_the_impact_command_prints(live: RuleSet, tmp_path: Path) -> None:
    """Done when: `python -m screening impact` on the shipped rules against an edited copy, and the
    workbench, report the same changes."""
    text = broken("ck001_context_alone")  # the shipped rules plus one routing rule
    folder = tmp_path / "edited"
    shutil.copytree(RULES, folder)
    (folder / "ruleset.yaml").write_text(text, encoding="utf-8")
    report_md = tmp_path / "impact.md"
    out = io.StringIO()
    args = ["impact", str(RULES), str(folder), "--report", str(report_md)]
    assert cli(args, out=out, err=io.StringIO()) == 0
    r = check_draft(text, live)
    assert r.impact is not None and r.impact.changed > 0
    assert f"Route changes for {r.impact.changed:,} of {r.impact.rows:,} screenings" in out.getvalue()
    cli_md = report_md.read_text(encoding="utf-8")
    for line in cli_md.splitlines():
        if line.startswith("| `"):  # every row of the matrix and of the examples
            assert line in change_report(r), line


def test_impact_figures_are_the_per_record_engine_row_by_row(live: RuleSet) -> None:
    """Hand-checkable: on a small corpus, the matrix is exactly the per-record outcomes tallied."""
    draft_text = broken("ck001_context_alone")
    corpus = generate(live, 600, seed=7)
    r = check_draft(draft_text, live, corpus=corpus, corpus_name="600 rows")
    assert r.impact is not None and r.draft is not None
    pairs: dict[tuple[str, str], int] = {}
    for _, row in corpus.iterrows():
        answers = {str(k): str(v) for k, v in row.items()}
        key = (evaluate(live, answers).outcome, evaluate(r.draft, answers).outcome)
        pairs[key] = pairs.get(key, 0) + 1
    for (old, new), n in pairs.items():
        assert int(r.impact.matrix.loc[old, new]) == n
    assert r.impact.changed == sum(n for (o, w), n in pairs.items() if o != w)


def test_a_corpus_that_does_not_fit_is_a_note_and_the_rest_stands(live: RuleSet) -> None:
    bad = pd.DataFrame({"not_a_question": ["yes"]})
    r = check_draft(LIVE_TEXT, live, corpus=bad, corpus_name="bad.csv")
    assert r.impact is None and any("IM003" in n for n in r.notes)
    assert r.verdict == "ready"


def test_wording_changes_are_words_not_logic(live: RuleSet) -> None:
    q = live.indicator("isolated").question
    text = edited(q, q + " Ask gently.")
    draft = check_draft(text, live).draft
    assert draft is not None
    changes = wording_changes(live, draft)
    assert [(c.kind, c.old, c.new) for c in changes] == [("changed", q, q + " Ask gently.")]
    assert changes[0].where.endswith("isolated > question")


def test_word_diff_keeps_both_texts_and_marks_only_what_changed() -> None:
    old, new = "Call the Prevent Lead today.", "Call the Safeguarding Officer today, or 999."
    left, right = word_diff(old, new)
    assert "".join(t for _, t in left) == old and "".join(t for _, t in right) == new
    assert [t.strip() for k, t in left if k == "removed"] == ["Prevent Lead"]
    assert [t.strip() for k, t in right if k == "added"] == ["Safeguarding Officer", ", or 999"]
    assert all(k != "added" for k, _ in left) and all(k != "removed" for k, _ in right)


def test_the_change_report_never_makes_rule_text_live(live: RuleSet) -> None:
    b = live.rules[0].because
    text = edited(b, b + " See [this](http://x.example/p.png) <img src=x>")
    report = change_report(check_draft(text, live))
    html = MarkdownIt("commonmark").enable("table").render(report)
    assert "<a " not in html and "<img" not in html  # shown as written, never live
    assert "[this](http" in html.replace("\u2060", "")


# --- rule changes in the store ----------------------------------------------------------------------
@pytest.fixture(params=["sqlite", "postgresql"])
def changes(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[RuleChanges]:
    urls = iter([f"sqlite:///{tmp_path / 's.db'}"]) if request.param == "sqlite" else _postgres_database()
    url = next(urls)
    store = Store(url, KEY)
    yield RuleChanges(store)
    store.close()
    for _ in urls:  # drop the PostgreSQL database
        pass


@pytest.fixture(scope="module")
def good(live: RuleSet) -> DraftReport:
    return check_draft(broken("ck030_unapproved_question"), live)


def _actions(c: RuleChanges) -> list[tuple[str, str]]:
    with c.store.engine.begin() as conn:
        return [(r.actor, r.action) for r in conn.execute(select(audit).order_by(audit.c.seq)).all()]


def test_put_forward_then_approved_by_someone_else(changes: RuleChanges, good: DraftReport) -> None:
    ref = put_forward(changes, good, actor="ed@council.example", title="  Ask about   recruiting others ")
    (listed,) = changes.listed("awaiting")
    assert listed.reference == ref and listed.title == "Ask about recruiting others"
    assert listed.text == good.text and listed.draft_sha256 == good.sha256
    assert listed.verdict == "needs_approval"
    opened = changes.get(ref.lower(), actor="ann@council.example")
    assert opened.reference == ref
    changes.decide(ref, actor="ann@council.example", decision="approve",
                   reason="Asks about behaviour only; no group is named or implied.")
    done = changes.get(ref, actor="ann@council.example")
    assert (done.status, done.decided_by) == ("approved", "ann@council.example")
    assert done.reason == "Asks about behaviour only; no group is named or implied."
    assert changes.listed("awaiting") == [] and [c.reference for c in changes.listed("approved")] == [ref]
    ann = "ann@council.example"
    assert _actions(changes) == [("ed@council.example", "rule_change"), (ann, "view_rule_change"),
                                 (ann, "rule_change_approved"), (ann, "view_rule_change")]
    assert changes.store.verify_audit()[1] is None


def test_four_eyes_reasons_and_one_decision_only(changes: RuleChanges, good: DraftReport) -> None:
    ref = put_forward(changes, good, actor="Ed@Council.example", title="New question")
    with pytest.raises(ScreeningError) as e:
        changes.decide(ref, actor="ed@council.example ", decision="approve",
                       reason="Looks fine to me, honestly.")
    assert e.value.problems[0].code == "AU010"  # the editor, whatever the case or spacing
    with pytest.raises(StoreError) as e:
        changes.decide(ref, actor="ann@council.example", decision="approve", reason="ok")
    assert e.value.code == "ST013"
    with pytest.raises(StoreError) as e:
        changes.decide(ref, actor="ann@council.example", decision="approve", reason="Fine by every check.",
                       blocking_now="is unsafe now that the live rules changed")
    assert e.value.code == "ST014"
    changes.decide(ref, actor="ann@council.example", decision="reject", reason="Ask the youth team first.")
    with pytest.raises(StoreError) as e:
        changes.decide(ref, actor="lead@council.example", decision="approve", reason="Overruling the reject.")
    assert e.value.code == "ST012"
    with pytest.raises(StoreError) as e:
        changes.get("ZZZZ-ZZZZ", actor="ann@council.example")
    assert e.value.code == "ST011"
    with pytest.raises(StoreError) as e:
        changes.decide(ref, actor="ann@council.example", decision="maybe", reason="Not a decision at all.")  # type: ignore[arg-type]
    assert e.value.code == "ST006"


def test_unsafe_or_unchanged_drafts_are_never_put_forward(changes: RuleChanges, live: RuleSet) -> None:
    for text in (broken("ck001_context_alone"), LIVE_TEXT):
        report = check_draft(text, live)
        with pytest.raises(ScreeningError) as e:
            put_forward(changes, report, actor="ed@council.example", title="x")
        assert e.value.problems[0].code == "ST015"
    assert changes.listed() == []


def test_decided_rule_changes_are_purged_after_six_years(changes: RuleChanges, good: DraftReport) -> None:
    old = put_forward(changes, good, actor="ed@council.example", title="Old")
    new = put_forward(changes, good, actor="ed@council.example", title="New")
    for ref in (old, new):
        changes.decide(ref, actor="ann@council.example", decision="reject", reason="Not now, thank you.")
    with changes.store.engine.begin() as conn:
        conn.execute(update(rule_changes).where(rule_changes.c.reference == old)
                     .values(decided_at=now() - timedelta(days=6 * 365 + 1)))
    assert changes.store.purge(actor="lead@council.example") == [old]
    assert [c.reference for c in changes.listed()] == [new]
    assert ("lead@council.example", "purge") in _actions(changes)


@pytest.mark.parametrize("case", [c for c in TABLE if c["reader"] == "rules"], ids=lambda c: c["name"])
def test_hostile_drafts_give_a_report_never_an_exception(live: RuleSet, case: dict[str, object]) -> None:
    """Every hand-made hostile rule file (bombs, anchors, deep nesting, huge files), pasted as a draft."""
    text, refused = decode(build(case["input"], "rules"), "upload.yaml")  # as the page reads an upload
    if refused is not None:  # the page refuses it before any check, with the same catalogue code
        assert refused.code == case["expect"]
        return
    assert text is not None
    r = check_draft(text, live)
    if case["expect"] == "ok":
        assert r.draft is not None and not r.blocking
        return
    assert r.verdict == "unreadable" and r.findings[0].problem.code == case["expect"]
