"""The workbench page (ui/workbench.py) with AppTest: a broken, an unsafe, an unfair and a good draft,
putting a change forward, and a second person approving it (council mode); the editor never can.

Each draft is a whole ruleset.yaml pasted into the page, as a policy officer would.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from screening.store import Store
from screening.store.tables import audit, rule_changes
from tests.test_access import AUTH, council, plain, signed_in  # noqa: F401  (council: a fixture)

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
PAGE = str(ROOT / "ui" / "workbench.py")
BROKEN = ROOT / "tests" / "broken"
LIVE_TEXT = (ROOT / "rules" / "ruleset.yaml").read_text(encoding="utf-8")


def draft(name: str) -> str:
    return (BROKEN / name / "ruleset.yaml").read_text(encoding="utf-8")


def workbench(at: AppTest | None = None) -> AppTest:
    """The app in local mode (or as signed in), on the workbench page."""
    at = at or AppTest.from_file(APP, default_timeout=90).run()
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    assert [t.value for t in at.title] == ["Policy workbench"]
    return at


def check(at: AppTest, text: str) -> AppTest:
    at.text_area(key="wb.text").input(text).run()
    at.button(key="wb.check").click().run()
    assert not at.exception, at.exception
    return at


def errors(at: AppTest) -> str:
    return plain("\n".join(e.value for e in at.error))


def warnings(at: AppTest) -> str:
    return plain("\n".join(e.value for e in at.warning))


def codes_shown(at: AppTest) -> str:
    return "\n".join(c.value for c in at.code)


@pytest.fixture(autouse=True)
def _local(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SCREENING_AUTH", raising=False)


def test_a_broken_draft_shows_the_problem_and_its_line() -> None:
    at = workbench()
    text = LIVE_TEXT.replace("  id: rochford_prevent_screening\n",
                             "  id: rochford_prevent_screening\n  colour: blue\n", 1)
    check(at, text)
    shown = errors(at)
    assert "The draft cannot be read" in shown and "RS004" in shown
    assert "'colour' is not a setting here" in shown
    line = text.splitlines().index("  colour: blue") + 1
    assert f"draft ruleset.yaml:{line}" in shown
    assert f"> {line} |   colour: blue" in codes_shown(at)  # the offending line, marked, as written
    assert "Not measured: the draft cannot be read." in plain(" ".join(m.value for m in at.markdown))
    assert not at.button(key="wb.check").disabled


def test_an_unsafe_draft_shows_the_counterexample_and_the_impact() -> None:
    at = check(workbench(), draft("ck001_context_alone"))
    shown = errors(at)
    assert "breaks a safeguard" in shown and "CK001" in shown and "debt_and_isolation" in shown
    assert any("debt_and_isolation" in c.value for c in at.code)
    text = plain(" ".join(m.value for m in at.markdown))
    assert "the route changes for" in text and "(0.00%)" not in text
    assert at.dataframe  # the outcome matrix, scenarios and examples
    assert "This draft is unsafe" in plain(" ".join(c.value for c in at.caption))  # never put forward
    assert not [b for b in at.button if b.label == "Put forward for approval"]


def test_an_unfair_draft_is_refused_with_the_term() -> None:
    at = check(workbench(), draft("ck008_protected_term"))
    shown = errors(at)
    assert "unfair" in shown and "CK008" in shown


def test_a_good_draft_is_put_forward_and_its_own_editor_cannot_approve_it() -> None:
    at = check(workbench(), draft("ck030_unapproved_question"))
    assert "a policy approver must approve" in warnings(at)
    assert "CK030" in warnings(at) + errors(at)
    at.text_input(key="wb.title").input("Ask about recruiting others").run()
    next(b for b in at.button if b.label == "Put forward for approval").click().run()
    assert not at.exception, at.exception
    done = plain(" ".join(s.value for s in at.success))
    assert "Put forward as rule change" in done
    ref = done.split("rule change ")[1].split(".")[0]
    at.button(key="wb.open").click().run()
    assert not at.exception, at.exception
    assert "AU010" in errors(at)  # local mode: one user with every role edited it, so may not approve it
    assert not [b for b in at.button if b.label == "Record the decision"]
    with Store().engine.begin() as conn:
        row = conn.execute(select(rule_changes).where(rule_changes.c.reference == ref)).one()
        actions = [r.action for r in conn.execute(select(audit).where(audit.c.reference == ref)).all()]
    assert row.status == "awaiting" and row.editor == "local user"
    assert actions == ["rule_change", "view_rule_change"]


def test_another_approver_approves_with_a_reason_and_sees_what_to_publish(
        council: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    monkeypatch.setenv("SCREENING_AUTH", "council")
    ed = signed_in("ed@council.example")
    ed.default_timeout = 90
    assert [t.value for t in ed.title] == ["Policy workbench"]
    check(ed, draft("ck030_unapproved_question"))
    ed.text_input(key="wb.title").input("New question on recruiting others").run()
    next(b for b in ed.button if b.label == "Put forward for approval").click().run()
    ref = plain(" ".join(s.value for s in ed.success)).split("rule change ")[1].split(".")[0]

    ann = signed_in("ann@council.example")
    ann.default_timeout = 90
    ann.selectbox(key="wb.pick").set_value(ref).run()
    ann.button(key="wb.open").click().run()
    assert not ann.exception, ann.exception
    decision = next(r for r in ann.radio if r.label == "Your decision")
    decision.set_value("approve")
    reason = next(t for t in ann.text_area if t.label.startswith("Reason"))
    reason.input("ok")
    next(b for b in ann.button if b.label == "Record the decision").click().run()
    assert "ST013" in errors(ann)  # a reason is needed
    reason = next(t for t in ann.text_area if t.label.startswith("Reason"))
    reason.input("Asks about behaviour only; no group is named or implied.")
    next(b for b in ann.button if b.label == "Record the decision").click().run()
    assert not ann.exception, ann.exception
    info = plain(" ".join(i.value for i in ann.info))
    assert "Approved by ann@council.example" in info
    published = codes_shown(ann)
    assert "approver_role: Prevent Lead" in published and "Asks about behaviour only" in published
    with Store().engine.begin() as conn:
        row = conn.execute(select(rule_changes).where(rule_changes.c.reference == ref)).one()
    assert (row.status, row.editor) == ("approved", "ed@council.example")
    assert row.decided_by == "ann@council.example"
