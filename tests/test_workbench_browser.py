"""The approve flow in real browsers, signed in through a real OpenID Connect provider: a policy editor
checks a draft and puts it forward, cannot approve it themselves, and a policy approver in another
browser approves it with a reason.  Servers and sign-in come from tests/test_signin_browser.py.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from journeys import settle
from playwright.sync_api import Page, expect
from sqlalchemy import select

from screening.store import Store
from screening.store.tables import audit, rule_changes
from tests.test_signin_browser import (  # noqa: F401  (fixtures: provider, council_url, new_browser)
    Provider,
    council_url,
    heading,
    new_browser,
    provider,
    sign_in,
)

ROOT = Path(__file__).resolve().parents[1]
DRAFT = (ROOT / "tests" / "broken" / "ck030_unapproved_question" / "ruleset.yaml").read_text(encoding="utf-8")
REASON = "Asks about behaviour only; no group is named or implied by the wording."


def _open_change(page: Page, reference: str) -> None:
    page.get_by_role("tab", name="Rule changes").click()
    picker = page.get_by_label("Rule change", exact=False).first
    expect(picker).to_be_visible()
    settle(page)
    page.get_by_role("button", name="Open this change").click()
    expect(page.get_by_text(f"Rule change {reference}:")).to_be_visible()


def test_editor_puts_forward_and_another_approver_approves(
        new_browser: Any, council_url: str, provider: Provider) -> None:  # noqa: F811
    provider.user("ed@council.example")
    provider.user("ann@council.example")
    ed = new_browser()
    sign_in(ed, council_url, "ed@council.example")
    expect(heading(ed, "Policy workbench")).to_be_visible()
    box = ed.get_by_role("textbox", name="The edited ruleset.yaml")
    box.fill(DRAFT)
    box.press("Control+Enter")  # Streamlit takes a text area's value on Ctrl+Enter or leaving it
    settle(ed)
    ed.get_by_role("button", name="Check this draft").click()
    expect(ed.get_by_text("a policy approver must approve the changes listed")).to_be_visible()
    expect(ed.get_by_text("Whose route would change")).to_be_visible()
    ed.get_by_label("What the change is, in a line").fill("Ask about recruiting others")
    ed.get_by_role("button", name="Put forward for approval").click()
    done = ed.get_by_text(re.compile(r"Put forward as rule change [A-Z0-9]{4}-[A-Z0-9]{4}"))
    expect(done).to_be_visible()
    reference = re.search(r"[A-Z0-9]{4}-[A-Z0-9]{4}", done.inner_text().replace("\u2060", ""))
    assert reference is not None
    ref = reference.group(0)

    _open_change(ed, ref)  # the editor, an approver too, may look, never decide their own
    expect(ed.get_by_text("AU010").first).to_be_visible()
    expect(ed.get_by_role("button", name="Record the decision")).to_have_count(0)

    ann = new_browser()
    sign_in(ann, council_url, "ann@council.example")
    expect(heading(ann, "Policy workbench")).to_be_visible()
    _open_change(ann, ref)
    expect(ann.get_by_text("a policy approver must approve the changes listed").first).to_be_visible()
    ann.get_by_text("Approve", exact=True).click()
    ann.get_by_label(re.compile("^Reason")).fill(REASON)
    ann.get_by_role("button", name="Record the decision").click()
    expect(ann.get_by_text(re.compile("Approved by ann\u2060?@council.example"))).to_be_visible()
    expect(ann.locator("code.language-yaml", has_text="approver_role: Prevent Lead")).to_be_visible()

    with Store().engine.begin() as conn:
        row = conn.execute(select(rule_changes).where(rule_changes.c.reference == ref)).one()
        trail = [(r.actor, r.action) for r in
                 conn.execute(select(audit).where(audit.c.reference == ref).order_by(audit.c.seq)).all()]
    assert (row.status, row.editor, row.decided_by, row.reason) == (
        "approved", "ed@council.example", "ann@council.example", REASON)
    assert trail[0] == ("ed@council.example", "rule_change")
    assert ("ed@council.example", "view_rule_change") in trail
    assert ("ann@council.example", "rule_change_approved") in trail
