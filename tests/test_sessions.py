"""Several workers on one server at the same moment, in real browsers.

Before screening/proofs/solver.py, two people opening screening files at once, or four reaching their
result, crashed the server (z3 shared across Streamlit's session threads) and every user lost their
unsaved answers.  Here eight browser sessions on one server reach their results at the same moment,
round after round, and open screening files at the same moment; the server must stay up and each
page must show exactly what the core gives for that session's answers.  Each session starts from its
own draft at the check page (tests/journeys.py), all eight opened at once.
"""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

from journeys import draft_address, question, step_of
from playwright.sync_api import Browser, Page, expect

import screening
from screening.exports import summary
from screening.record import ScreeningRecord

ROOT = Path(__file__).resolve().parents[1]
RULES = screening.load(ROOT / "rules")
SESSIONS = 8
ROUNDS = 2  # results (and files) per session here; bench/bench_concurrency.py goes to 20
TIMEOUT_MS = 60_000  # eight sessions share two cores

#: The signs each session starts with, one per session: every route below the emergency one.
START = [
    {"justifies_violence"}, {"us_and_them", "isolated"}, {"us_and_them"}, {"violence_fixation"},
    {"closed_mindset", "extremist_contacts"}, set(), {"threatens_harm", "trusted_adult"},
    {"money_stress", "hostile_conspiracy"},
]
#: Flipped, one per round, so every round is a new set of answers (and a new explanation).
FLIPS = ["extremist_contacts", "no_belonging", "praises_attackers"]


def _factor_of(indicator: str) -> screening.rules.ruleset.Factor:
    return next(f for f in RULES.factors if any(i.id == indicator for i in f.indicators))


def _settle(page: Page) -> None:
    """Wait until this session's script run has finished, so the next click is not lost in a
    re-render (the page Streamlit draws marks its state on the app element)."""
    expect(page.locator('[data-testid="stApp"][data-test-script-state="running"]')).to_have_count(0)
    expect(page.locator('[data-stale="true"]')).to_have_count(0)


def _click(page: Page, name: str) -> None:
    _settle(page)
    page.get_by_role("button", name=name, exact=True).click()


def _answer_factor(page: Page, factor: screening.rules.ruleset.Factor, yes: set[str]) -> None:
    expect(page.get_by_role("heading", name=factor.title, exact=True)).to_be_visible()
    for ind in factor.indicators:
        group = question(page, ind.question)
        label = "Yes" if ind.id in yes else "No"
        if not group.get_by_role("radio", name=label, exact=True).is_checked():
            group.get_by_text(label, exact=True).click()
            expect(group.get_by_role("radio", name=label, exact=True)).to_be_checked()


def _all_to_check_page(pages: list[Page], url: str, answers: list[set[str]]) -> None:
    """Every session opens its own draft at the check page, all at once (tests/journeys.py: the
    walk there is set-up here; test_browser.py and others click through it)."""
    check = step_of(RULES, "check")
    for page, yes in zip(pages, answers, strict=True):
        page.goto(url + draft_address(RULES, step=check, yes=yes), wait_until="commit")
    for page in pages:
        expect(page.get_by_role("heading", name="Check your answers", exact=True)).to_be_visible()


def _change(page: Page, yes: set[str], indicator: str) -> None:
    """From the result page back to one factor, flip one answer, and return to the check page."""
    _click(page, "← Back to your answers")
    expect(page.get_by_role("heading", name="Check your answers", exact=True)).to_be_visible()
    factor = _factor_of(indicator)
    _settle(page)
    page.locator(f".st-key-change-{factor.id} button").first.click()  # the class of key change.<id>
    _answer_factor(page, factor, yes)
    _click(page, "Continue to check your answers")
    expect(page.get_by_role("heading", name="Check your answers", exact=True)).to_be_visible()


def _expect_result(page: Page, yes: set[str]) -> None:
    answers = {i: ("yes" if i in yes else "no") for i in RULES.indicator_ids()}
    outcome = RULES.outcome(screening.evaluate(RULES, answers).outcome)
    expect(page.get_by_role("heading", name=outcome.title, exact=True)).to_be_visible()
    expander = page.locator('[data-testid="stExpander"]').filter(has_text="What would change")
    for alt in screening.explain_alternatives(RULES, answers):
        expect(expander).to_contain_text(alt.title)


def _export(yes: set[str]) -> bytes:
    answers = {i: ("yes" if i in yes else "no") for i in RULES.indicator_ids()}
    record = ScreeningRecord(answers=answers, screener_role="youth worker",
                             noticed_what="Said something worrying.")
    return summary.to_json(RULES, screening.evaluate(RULES, answers), record).encode()


def _alive(url: str) -> None:
    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=5) as r:
        assert r.read() == b"ok", "the server is down"


def _no_page_failed(app_log: Path) -> None:
    """The server logged no failed page or callback (each would have shown 'Something went wrong')."""
    log = app_log.read_text(errors="replace")
    assert "Traceback" not in log, log[-4000:]


def test_eight_sessions_reach_results_and_open_files_at_once(browser: Browser, app_url: str,
                                                             app_log: Path) -> None:
    expect.set_options(timeout=TIMEOUT_MS)
    contexts = [browser.new_context(viewport={"width": 1280, "height": 900}) for _ in range(SESSIONS)]
    try:
        pages = [c.new_page() for c in contexts]
        for p in pages:
            p.set_default_timeout(TIMEOUT_MS)
        answers = [set(s) for s in START]
        _all_to_check_page(pages, app_url, answers)
        for round_ in range(ROUNDS):
            for page in pages:
                _settle(page)
            for page in pages:  # all at once: each click returns as soon as it is sent
                page.get_by_role("button", name="See the recommendation").click(no_wait_after=True)
            for page, yes in zip(pages, answers, strict=True):
                try:
                    _expect_result(page, yes)
                except AssertionError:
                    _no_page_failed(app_log)  # say why, when the server knows
                    raise
            _alive(app_url)
            if round_ + 1 < ROUNDS:
                for page, yes in zip(pages, answers, strict=True):
                    flip = FLIPS[round_]
                    yes ^= {flip}
                    _change(page, yes, flip)

        for round_ in range(ROUNDS):  # then everyone opens a screening file at the same moment
            files = [_export(yes ^ {FLIPS[round_]}) for yes in answers]
            for page in pages:
                page.goto(f"{app_url}/review")
                expect(page.get_by_role("heading", name="Open a screening file")).to_be_visible()
            for page, data in zip(pages, files, strict=True):
                page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
                    files=[{"name": "screening.json", "mimeType": "application/json", "buffer": data}])
            for page, data in zip(pages, files, strict=True):
                stored = json.loads(data)["assessment"]["outcome"]
                expect(page.get_by_text("The summary as it was made")).to_be_visible()
                expect(page.locator('[data-testid="stMain"]')).to_contain_text(RULES.outcome(stored).title)
            _alive(app_url)
        _no_page_failed(app_log)
    finally:
        for c in contexts:
            c.close()
