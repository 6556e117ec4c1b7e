"""Moving through the journey in a browser test: a step reached from a saved draft, the question
as drawn now, and waiting until a page has settled.

Several browser tests are about what happens on the check page or the account page; clicking some
fifty radio buttons to get there is set-up, and on two cores it was most of their time (eight
sessions side by side in test_sessions.py: about two minutes).  Here the journey is saved as a draft
through the store, exactly as the page saves one (ui.drafts.to_payload), and the browser opens the
draft's address, as a refresh or another server does.  The walk itself stays tested where it is
the subject: test_browser.py, test_servers.py and test_accessibility.py click every step.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from playwright.sync_api import Locator, Page

from screening import RuleSet
from screening.access import LOCAL_USER
from screening.store import Store
from ui.drafts import to_payload
from ui.state import Journey, plan

#: What a worker types on the account page: enough for Next (no personal data in it).
ACCOUNT = {"noticed_what": "Said something worrying at the front desk.", "screener_role": "Housing officer"}


def step_of(ruleset: RuleSet, kind: str) -> int:
    """The index of the journey's "account" or "check" step."""
    return next(i for i, s in enumerate(plan(ruleset)) if s.kind == kind)


def draft_address(ruleset: RuleSet, *, step: int, yes: Collection[str] = (),
                  account: Mapping[str, str] = ACCOUNT) -> str:
    """Save the local user's draft at ``step`` (every question answered: Yes for ``yes``, No for the
    rest) to the store the test server uses; returns the address to open, e.g. ``/?draft=..&step=..``."""
    answers = {i: ("yes" if i in yes else "no") for i in ruleset.indicator_ids()}
    journey = Journey(step=step, answers=answers, account=dict(account))
    store = Store()  # SCREENING_DATABASE_URL and the keys: the test run's own (tests/conftest.py)
    try:
        ref, _ = store.save_draft(actor=LOCAL_USER, team="", reference=None, step=step,
                                  payload={"journey": to_payload(journey)},
                                  ruleset=(ruleset.id, ruleset.version, ruleset.sha256))
    finally:
        store.close()
    return f"/?draft={ref}&step={step}"


#: How long the page must go unchanged to count as settled.
QUIET_MS = 250

_SETTLED = """(quiet) => {
    if (!window.__screeningChanged) {  // once per page load: when the app's DOM last changed
        window.__screeningChanged = performance.now();
        new MutationObserver(() => { window.__screeningChanged = performance.now(); })
            .observe(document.body, {childList: true, subtree: true, attributes: true, characterData: true});
        return false;
    }
    return !document.querySelector('[data-stale="true"]')
        && !document.querySelector('[data-testid="stStatusWidgetRunningIcon"]')
        && !document.querySelector('[data-testid="stStatusWidgetRunningManIcon"]')
        && !document.querySelector('[data-testid="stApp"][data-test-script-state="running"]')
        && performance.now() - window.__screeningChanged >= quiet;
}"""


def settle(page: Page) -> None:
    """Until Streamlit has finished the run in progress and the page has stopped changing (nothing
    stale, nothing running, no change for QUIET_MS): a click or a Tab on a page still being redrawn
    can land on what is about to be replaced, and the page can be redrawn again just after a run
    seems to have finished (a fixed pause of 150 ms was not enough on a loaded machine)."""
    page.wait_for_function(_SETTLED, arg=QUIET_MS, polling=50)


#: Streamlit keeps an element's old copy on the page, marked stale, until the run that redraws it ends.
CURRENT = '[data-testid="stElementContainer"]:not([data-stale="true"])'


def question(page: Page, text: str) -> Locator:
    """The radio group asking ``text`` as drawn now: while Streamlit redraws a step, the page can
    briefly hold an old copy of the same question too (two matches, or a click on the old one)."""
    return page.locator(CURRENT).get_by_role("radiogroup", name=text, exact=True)
