"""One real-browser screening: a person clicks through, sees the recommendation and saves the PDF."""

from __future__ import annotations

import io
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from journeys import question, settle
from playwright.sync_api import Browser, BrowserContext, Page, Route, expect
from pypdf import PdfReader

import screening
from screening.exports import summary
from screening.record import ScreeningRecord
from ui.downloads import LINGER_SECONDS

ROOT = Path(__file__).resolve().parents[1]
RULES = screening.load(ROOT / "rules")
YES = {"justifies_violence"}


AXE = Axe()


def only_the_apps_own_origin(context: BrowserContext, app_url: str) -> list[str]:
    """Cut the context off from everything but the app (as with no network); returns what it asked for."""
    foreign: list[str] = []

    def route(r: Route) -> None:
        if r.request.url == app_url or r.request.url.startswith(app_url + "/"):
            r.continue_()
        else:
            foreign.append(r.request.url)
            r.abort("internetdisconnected")

    context.route("**/*", route)
    return foreign


@pytest.fixture(autouse=True)
def _no_outside_requests(context: BrowserContext, app_url: str) -> Iterator[None]:
    """Every browser test here: no font, icon or anything else is fetched from another host."""
    foreign = only_the_apps_own_origin(context, app_url)
    yield
    assert foreign == [], f"the page asked other hosts: {foreign}"


#: axe-core findings that are known, outside this project's code, not a WCAG A/AA failure, and listed
#: in docs/accessibility-statement.md: Streamlit's file uploader marks its drop zone
#: role="presentation" yet gives it tabindex="-1" (axe's best-practice rule; the real file input
#: inside it is labelled and reachable by keyboard).
KNOWN_ISSUES = {"review": ("presentation-role-conflict",)}


def assert_accessible(page: Page, where: str, known: tuple[str, ...] = ()) -> None:
    """axe-core (every rule: WCAG 2 A/AA and best practice) finds no violation on the page as a
    person sees it now, except the ``known`` rule ids (each one in the accessibility statement)."""
    results = AXE.run(page)
    found = [v["id"] for v in results.response["violations"]]
    assert [v for v in found if v not in known] == [], f"{where}: {results.generate_report()}"


#: What a worker might paste into a free-text box: none of it may become a link, image or markup.
HOSTILE = ("[click](http://evil.example) www.evil.example foo@evil.example https://x.example "
           "<b>bold</b> ![img](http://i.example/x.png)")


def assert_no_links_from_free_text(page: Page, where: str) -> None:
    """Only the contacts' tel: links may be links in the main area; free text never becomes one."""
    targets = page.eval_on_selector_all(
        '[data-testid="stMain"] a[href], [data-testid="stMain"] img, [data-testid="stMain"] b',
        "els => els.map(e => e.tagName + ' ' + (e.getAttribute('href') || e.getAttribute('src') || ''))")
    bad = [t for t in targets if not t.startswith("A tel:") and not t.startswith("A #")]
    assert bad == [], f"{where}: free text became live markup: {bad}"


def _answer_page(page: Page, title: str) -> None:
    """Answer every question on the page: Yes for the ones in YES, No for the rest, then Next."""
    expect(page.get_by_role("heading", name=title, exact=True)).to_be_visible()
    factor = next(f for f in RULES.factors if f.title == title)
    for ind in factor.indicators:
        group = question(page, ind.question)
        group.get_by_text("Yes" if ind.id in YES else "No", exact=True).click()
        expect(group.get_by_role("radio", name="Yes" if ind.id in YES else "No", exact=True)).to_be_checked()
    page.get_by_role("button", name="Next", exact=True).click()


def test_complete_a_screening_and_download_the_pdf(page: Page, app_url: str) -> None:
    page.set_default_timeout(20_000)
    expect.set_options(timeout=20_000)  # the first page waits for the rule set to load and be proved
    page.goto(app_url)
    from ui.state import ordered_factors

    for number, factor in enumerate(ordered_factors(RULES)):
        if number == 0:
            expect(page.get_by_role("heading", name=factor.title, exact=True)).to_be_visible()
            assert_accessible(page, "first question page")
        _answer_page(page, factor.title)
    expect(page.get_by_role("heading", name="What happened", exact=True)).to_be_visible()
    noticed = "Said an attack on a group of people was deserved. " + HOSTILE
    page.get_by_label("What did you notice?").fill(noticed)
    page.get_by_label("Your role").fill("Housing officer")
    assert_accessible(page, "account page")
    page.get_by_role("button", name="Next", exact=True).click()
    # the pasted address is an email address: the page asks about it before going on
    # (md() puts an invisible word joiner before the @, so it can never become a mail link)
    expect(page.locator('[data-testid="stMain"] mark')).to_have_text("foo\u2060@evil.example")
    page.get_by_role("button", name="This is not personal data").click()
    expect(page.get_by_role("button", name="This is not personal data")).to_have_count(0)
    page.get_by_role("button", name="Next", exact=True).click()
    expect(page.get_by_role("heading", name="Check your answers", exact=True)).to_be_visible()
    assert_accessible(page, "check your answers page")
    assert_no_links_from_free_text(page, "check your answers page")
    page.get_by_role("button", name="See the recommendation").click()

    outcome = RULES.outcome("contact_prevent_lead")
    expect(page.get_by_role("heading", name=outcome.title, exact=True)).to_be_visible()
    # the button was at the foot of a long page: the recommendation must open at its heading
    expect(page.get_by_role("heading", name=outcome.title, exact=True)).to_be_in_viewport()
    expect(page.get_by_text(RULES.default_contact.phone.replace(" ", "\u00a0")).first).to_be_visible()
    assert_accessible(page, "result page")
    assert_no_links_from_free_text(page, "result page")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download PDF").click()
    data = Path(download.value.path()).read_bytes()
    assert data.startswith(b"%PDF")
    text = " ".join((p.extract_text() or "") for p in PdfReader(io.BytesIO(data)).pages)
    assert outcome.title in " ".join(text.split())
    assert "attack on a group of people was deserved" in " ".join(text.split())


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return int(r.status)
    except urllib.error.HTTPError as e:
        return int(e.code)


def _export() -> bytes:
    answers = {"justifies_violence": "yes", "isolated": "yes"}
    record = ScreeningRecord(answers=answers, screener_role="Housing officer",
                             noticed_what="Said an attack on a group of people was deserved.")
    return summary.to_json(RULES, screening.evaluate(RULES, answers), record).encode()


def _download_pdf(page: Page) -> str:
    """Press the review page's download button; the file arrives whole; returns its /media/ URL."""
    with page.expect_download() as download:
        page.get_by_role("button", name="Download this summary (PDF)").click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
    return download.value.url


def test_downloads_do_not_stay_on_the_server(browser: Browser, app_url: str) -> None:
    """A made file can be fetched only for LINGER_SECONDS: gone with the browser still open, made
    again by a second press, and gone after the browser closes (its session ends)."""
    context = browser.new_context(accept_downloads=True)
    foreign = only_the_apps_own_origin(context, app_url)
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(f"{app_url}/review")
    page.locator("input[type=file]").set_input_files(
        files=[{"name": "screening.json", "mimeType": "application/json", "buffer": _export()}])
    first = _download_pdf(page)
    assert first.startswith(f"{app_url}/media/"), first
    assert _status(first) == 200  # the URL is the file, fetchable by anyone who has it, for now
    assert _gone(first), "still on the server with the browser open"
    second = _download_pdf(page)  # pressing again makes it again
    assert _status(second) == 200
    context.close()
    assert _gone(second), "still on the server after the browser closed"
    assert foreign == []


def _gone(url: str) -> bool:
    """Does the URL answer 404 within LINGER_SECONDS (and a margin for a busy machine)? Asked every
    quarter second, so the test waits as long as the server keeps the file and no longer."""
    deadline = time.monotonic() + LINGER_SECONDS + 20
    while time.monotonic() < deadline:
        if _status(url) == 404:
            return True
        time.sleep(0.25)
    return False


def _scroll_to_the_bottom(page: Page) -> None:
    """To the foot of the page once it is drawn: scrolled again until the foot is on screen (a single
    scroll made while Streamlit is still drawing the page can stop short of it)."""
    settle(page)
    page.wait_for_function("""() => { const main = document.querySelector('[data-testid="stMain"]');
        for (const el of document.querySelectorAll('[data-testid="stMain"]')) {
            el.scrollTop = el.scrollHeight; }
        window.scrollTo(0, document.body.scrollHeight);
        return !!main && main.scrollTop + main.clientHeight >= main.scrollHeight - 1; }""", polling=100)


def _numbers_in_reach(page: Page, where: str) -> None:
    """999 and the Prevent Lead's number are on screen, in the main area, and nothing covers them."""
    for phone in (RULES.emergency_contact.phone, RULES.default_contact.phone):
        digits = "".join(c for c in phone if c.isdigit())
        link = page.locator(f'[data-testid="stMain"] a[href="tel:{digits}"]').first
        expect(link).to_be_in_viewport(ratio=1)
        box = link.bounding_box()
        assert box is not None
        on_top = page.evaluate("([x, y]) => document.elementFromPoint(x, y)?.closest('a')?.href ?? null",
                               [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2])
        assert on_top == f"tel:{digits}", f"{where}: the {phone} link is covered ({on_top})"


def test_on_a_phone_999_and_the_prevent_lead_stay_in_reach_on_every_step(browser: Browser,
                                                                         app_url: str) -> None:
    """At the foot of each step (the longest too) on a 390x844 phone, both numbers are on screen."""
    from ui.state import ordered_factors

    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    foreign = only_the_apps_own_origin(context, app_url)
    page = context.new_page()
    page.set_default_timeout(30_000)
    expect.set_options(timeout=30_000)
    page.goto(app_url)
    factors = ordered_factors(RULES)
    longest = max(factors, key=lambda f: len(f.indicators))
    for factor in factors:
        expect(page.get_by_role("heading", name=factor.title, exact=True)).to_be_visible()
        for ind in factor.indicators:
            group = question(page, ind.question)
            group.get_by_text("No", exact=True).click()
            expect(group.get_by_role("radio", name="No", exact=True)).to_be_checked()
        _scroll_to_the_bottom(page)
        if factor is longest:
            assert page.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollTop") > 844, \
                "the longest step should be longer than the screen"
        _numbers_in_reach(page, factor.title)
        page.get_by_role("button", name="Next", exact=True).click()
    expect(page.get_by_role("heading", name="What happened", exact=True)).to_be_visible()
    page.get_by_label("What did you notice?").fill("Said an attack on a group of people was deserved.")
    page.get_by_label("Your role").fill("Housing officer")
    _scroll_to_the_bottom(page)
    _numbers_in_reach(page, "account page")
    page.get_by_role("button", name="Next", exact=True).click()
    expect(page.get_by_role("heading", name="Check your answers", exact=True)).to_be_visible()
    _scroll_to_the_bottom(page)
    _numbers_in_reach(page, "check your answers page")
    page.get_by_role("button", name="See the recommendation").click()
    all_clear = RULES.outcome("no_prevent_concern").title
    expect(page.get_by_role("heading", name=all_clear, exact=True)).to_be_visible()
    _scroll_to_the_bottom(page)
    _numbers_in_reach(page, "result page")
    context.close()
    assert foreign == []
