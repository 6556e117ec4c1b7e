"""Accessibility: the GOV.UK error summary, keyboard-only use, axe-core on every page, 200% zoom.

The error summary's behaviour is checked headless (AppTest: what it lists, where each item links,
that it clears) and in the browser (focus moves to it, a link moves focus to its field).  The rest
is in a real browser (Debian's chromium): a whole screening with the keyboard alone, axe-core
(WCAG 2 A and AA) on every page and state a worker can reach, and the pages at 200% zoom.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from journeys import draft_address, question, settle, step_of
from playwright.sync_api import Browser, BrowserContext, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from streamlit.testing.v1 import AppTest
from test_app import start, title, to_account
from test_browser import KNOWN_ISSUES, _export, assert_accessible, only_the_apps_own_origin

import screening
from screening.access import LOCAL_USER
from screening.store import Store
from ui.state import ordered_factors
from ui.widgets import SERVICE_NAME, anchor

ROOT = Path(__file__).resolve().parents[1]
RULES = screening.load(ROOT / "rules", check=False)
GATE = next(f for f in ordered_factors(RULES) if f.kind.value == "gate")
NOTICED = "Said an attack on a group of people was deserved and more should follow."


# --- the error summary, headless ---------------------------------------------------------------------
def summary(at: AppTest) -> str:
    """The error summary's Markdown ('' when there is none)."""
    return next((str(e.value) for e in at.error if "There is a problem" in str(e.value)), "")


def test_anchor_is_the_class_streamlit_gives_a_keyed_widget() -> None:
    # Streamlit: "st-key-" + the key with every character but [a-zA-Z0-9_-] made "-"
    assert anchor("answer.0.imminent_danger") == "st-key-answer-0-imminent_danger"
    assert anchor("account.3.noticed_what") == "st-key-account-3-noticed_what"
    assert anchor(" a b/c ") == "st-key-a-b-c"


def test_unanswered_questions_are_listed_as_links_to_their_radios() -> None:
    at = start()
    at.button(key="nav.next").click().run()
    text = summary(at)
    assert text.startswith("**There is a problem**")
    links = re.findall(r"\]\(#([^)]+)\)", text)
    assert links == [anchor(f"answer.0.{i.id}") for i in GATE.indicators]
    for i in GATE.indicators:  # each link names its question
        assert re.search(rf"\[[^\]]*{re.escape(i.question[:20])}", re.sub(r"\\(.)", r"\1", text))
    assert any("data-summary" in str(h.proto) for h in at.get("html"))  # the script that moves the focus


def test_the_summary_clears_as_soon_as_the_questions_are_answered() -> None:
    at = start()
    at.button(key="nav.next").click().run()
    for n, i in enumerate(GATE.indicators):
        at.radio(key=f"answer.0.{i.id}").set_value("no").run()
        left = GATE.indicators[n + 1:]
        assert len(re.findall(r"\]\(#", summary(at))) == len(left)
    assert summary(at) == ""
    assert not any("data-summary" in str(h.proto) for h in at.get("html"))


def test_account_summary_clears_when_what_was_noticed_is_typed() -> None:
    at = to_account(start(), {})
    at.button(key="nav.next").click().run()
    required = next(f for f in RULES.wording.account.fields if f.required_message)
    assert f"({'#' + anchor('account.0.' + required.id)})" in summary(at)
    at.text_area(key=f"account.0.{required.id}").input(NOTICED).run()
    assert summary(at) == "", "the summary still lists a problem that is fixed"
    assert title(at) == "What happened"  # fixed, but the worker has not pressed Next yet


def test_personal_data_in_the_account_is_listed_and_linked_to_its_warning() -> None:
    at = to_account(start(), {})
    at.text_area(key="account.0.noticed_what").input("Mrs Okafor rang about her son.")
    at.button(key="nav.next").click().run()
    text = re.sub(r"\\(.)", r"\1", summary(at))
    assert "'What did you notice?' may contain a name" in text
    assert "(#st-key-personal_data-0-noticed_what)" in text


# --- in the browser --------------------------------------------------------------------------------
@pytest.fixture
def own_origin_only(context: BrowserContext, app_url: str) -> Iterator[None]:
    """As in test_browser.py: no page here asks any other host for anything."""
    foreign = only_the_apps_own_origin(context, app_url)
    yield
    assert foreign == [], f"the page asked other hosts: {foreign}"


def accessible(page: Page, where: str, known: tuple[str, ...] = ()) -> None:
    """axe-core on the page once it has settled (a page mid-run is drawn faded, which axe would
    rightly call low contrast)."""
    settle(page)
    assert_accessible(page, where, known)


def _see(page: Page, heading: str) -> None:
    """The page with this heading is drawn and settled."""
    expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    settle(page)


def _answer_no(page: Page, factor_title: str) -> None:
    """Click No for every question on the page (the tests here are about something else)."""
    _see(page, factor_title)
    factor = next(f for f in RULES.factors if f.title == factor_title)
    for ind in factor.indicators:
        group = question(page, ind.question)
        group.get_by_text("No", exact=True).click()
        expect(group.get_by_role("radio", name="No", exact=True)).to_be_checked()


def _open(page: Page, url: str, heading: str = GATE.title) -> None:
    page.set_default_timeout(30_000)
    expect.set_options(timeout=30_000)
    page.goto(url)
    _see(page, heading)


def _wait_for_focus_in(page: Page, css_class: str) -> None:
    """Until the focused element is inside the element with this class."""
    page.wait_for_function(
        f"() => !!document.activeElement && !!document.activeElement.closest('.{css_class}')")


@pytest.mark.usefixtures("own_origin_only")
def test_error_summary_takes_the_focus_links_to_fields_and_titles_the_page(page: Page, app_url: str) -> None:
    _open(page, app_url)
    expect(page).to_have_title(f"{GATE.title} – {SERVICE_NAME}")  # WCAG 2.4.2: the step in the title
    page.get_by_role("button", name="Next", exact=True).click()
    expect(page).to_have_title(f"Error: {GATE.title} – {SERVICE_NAME}")
    box = page.locator(".st-key-error_summary")
    expect(box.get_by_text("There is a problem")).to_be_visible()
    expect(box).to_be_in_viewport()
    _wait_for_focus_in(page, "st-key-error_summary")
    accessible(page, "question page with the error summary")
    second = GATE.indicators[1]
    box.get_by_role("link", name=re.compile(re.escape(second.question[:30]))).click()
    _wait_for_focus_in(page, anchor(f"answer.0.{second.id}"))
    expect(question(page, second.question)).to_be_in_viewport()
    _answer_no(page, GATE.title)
    expect(box).to_have_count(0)  # fixed: the summary is gone on the next rerun
    expect(page).to_have_title(f"{GATE.title} – {SERVICE_NAME}")


def _focused(page: Page) -> str:
    return str(page.evaluate("""() => { const e = document.activeElement; if (!e) return '';
        const name = e.getAttribute('aria-label') || (e.labels && e.labels[0] ? e.labels[0].innerText : '')
                     || e.innerText || '';
        return `${e.tagName} ${e.type || ''} ${e.checked ? 'checked' : ''}|${name.trim()}`; }"""))


def _tab_to(page: Page, want: re.Pattern[str], limit: int = 80) -> str:
    """Press Tab until the focused element matches ``want`` (its tag, type and name); return it."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        now = _focused(page)
        if want.search(now):
            return now
    raise AssertionError(f"Tab never reached {want.pattern}; last focus {_focused(page)!r}")


def _at_new_page(page: Page, heading: str) -> None:
    """A new step opens with the focus on its heading (as a new page would): wait for that, so the
    keyboard starts from the top like a person's would."""
    expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    settle(page)
    # on a slow machine the page may be drawn before its heading: Tab then starts where focus is
    with contextlib.suppress(PlaywrightTimeoutError):
        page.wait_for_function("() => document.activeElement && document.activeElement.tagName === 'H1'",
                               timeout=5_000)
    page.wait_for_timeout(400)  # the page puts the focus there twice, the second time 150 ms later


def _keyboard_answers(page: Page, title_text: str, yes: set[str]) -> None:
    """Answer every question on the page from the keyboard, then press Next with Enter.

    Tab reaches each radio group once (on its first option, as browsers do); Space chooses the
    focused option (Yes) and the arrow key moves to and chooses the next (No), as in every browser.
    """
    _at_new_page(page, title_text)
    factor = next(f for f in RULES.factors if f.title == title_text)
    for ind in factor.indicators:
        group = question(page, ind.question)
        _tab_to(page, re.compile(r"^INPUT radio"))
        expect(group.get_by_role("radio").first).to_be_focused()  # groups are reached in order
        chosen = "Yes" if ind.id in yes else "No"
        page.keyboard.press("Space" if chosen == "Yes" else "ArrowRight")
        expect(group.get_by_role("radio", name=chosen, exact=True)).to_be_checked()
        settle(page)  # as a person would: the next Tab once the page has taken in the answer
    _tab_to(page, re.compile(r"^BUTTON .*\|(Next|Continue to check your answers)$"))
    page.keyboard.press("Enter")


@pytest.mark.usefixtures("own_origin_only")
def test_a_whole_screening_with_the_keyboard_alone(page: Page, app_url: str) -> None:
    """No click anywhere: Tab, Space, Enter (and the arrow key inside a radio group) reach the result."""
    _open(page, app_url)
    yes = {"justifies_violence"}
    for factor in ordered_factors(RULES):
        _keyboard_answers(page, factor.title, yes)
    _at_new_page(page, "What happened")
    _tab_to(page, re.compile(r"^TEXTAREA.*\|What did you notice\?"))
    page.keyboard.type(NOTICED)
    _tab_to(page, re.compile(r"^INPUT.*\|.*(age|Choose)"))  # the age band's combobox
    page.keyboard.type("16 to 17")
    page.keyboard.press("Enter")
    _tab_to(page, re.compile(r"^INPUT text.*\|Your role"))
    page.keyboard.type("Housing officer")
    _tab_to(page, re.compile(r"^BUTTON .*\|Next$"))
    page.keyboard.press("Enter")
    _at_new_page(page, "Check your answers")
    _tab_to(page, re.compile(r"^BUTTON .*\|See the recommendation$"), limit=150)
    page.keyboard.press("Enter")
    outcome = RULES.outcome("contact_prevent_lead")
    expect(page.get_by_role("heading", name=outcome.title, exact=True)).to_be_visible()


@pytest.mark.usefixtures("own_origin_only")
def test_the_first_answer_keeps_the_focus_in_place(page: Page, app_url: str) -> None:
    """After answering the first question from the keyboard, Tab goes on to the second question, also
    when the page offers an unfinished screening to carry on with (that offer goes with the first
    answer; at the top of the page it moved every question under the focus)."""
    Store().save_draft(actor=LOCAL_USER, team="", reference=None, step=1, payload={"journey": {}},
                       ruleset=(RULES.id, RULES.version, RULES.sha256))
    _open(page, app_url)
    expect(page.get_by_text("Carry on with an unfinished screening", exact=False)).to_be_visible()
    _at_new_page(page, GATE.title)
    one, two = GATE.indicators[:2]
    _tab_to(page, re.compile(r"^INPUT radio"))
    expect(question(page, one.question).get_by_role("radio").first).to_be_focused()
    page.keyboard.press("ArrowRight")
    expect(question(page, one.question).get_by_role("radio", name="No", exact=True)).to_be_checked()
    settle(page)
    _tab_to(page, re.compile(r"^INPUT radio"))
    expect(question(page, two.question).get_by_role("radio").first).to_be_focused(timeout=5_000)


def _no_sideways_scroll(page: Page, where: str) -> None:
    settle(page)
    wide = page.evaluate("""() => [document.scrollingElement,
                                   document.querySelector('[data-testid="stMain"]')]
        .filter(Boolean)
        .map(e => e.scrollWidth - e.clientWidth)""")
    assert max(wide) <= 1, f"{where}: the page scrolls sideways by {max(wide)}px at 200% zoom"


def _next_reachable(page: Page, name: str, where: str) -> None:
    """The button can be scrolled to, is on screen, and nothing (the sticky bar) covers it."""
    settle(page)  # measured once the page is drawn, not while the last answer's run redraws it
    button = page.get_by_role("button", name=name, exact=True)
    button.scroll_into_view_if_needed()
    expect(button).to_be_in_viewport()
    box = button.bounding_box()
    assert box is not None
    hit = page.evaluate(
        "([x, y]) => { const e = document.elementFromPoint(x, y); return !!e && !!e.closest('button'); }",
        [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2])
    assert hit, f"{where}: something covers the {name} button"


def test_usable_at_200_percent_zoom(browser: Browser, app_url: str) -> None:
    """A 1280-pixel screen at 200% zoom: 640 CSS pixels wide, every pixel drawn twice."""
    context = browser.new_context(viewport={"width": 640, "height": 450}, device_scale_factor=2)
    foreign = only_the_apps_own_origin(context, app_url)
    page = context.new_page()
    _open(page, app_url)
    _no_sideways_scroll(page, "first question page")
    _next_reachable(page, "Next", "first question page")
    for factor in ordered_factors(RULES):
        _answer_no(page, factor.title)
        _no_sideways_scroll(page, factor.title)
        _next_reachable(page, "Next", factor.title)
        page.get_by_role("button", name="Next", exact=True).click()
    expect(page.get_by_role("heading", name="What happened", exact=True)).to_be_visible()
    page.get_by_label("What did you notice?").fill("Mrs Okafor rang; " + NOTICED)
    page.get_by_label("Your role").fill("Housing officer")
    page.get_by_role("button", name="Next", exact=True).click()
    expect(page.get_by_role("button", name="This is not personal data")).to_be_visible()
    settle(page)
    _no_sideways_scroll(page, "account page with a personal-data warning")
    _next_reachable(page, "Next", "account page")
    accessible(page, "account page at 200% zoom")
    context.close()
    assert foreign == []


def test_at_400_percent_zoom_the_pinned_bar_lets_go(browser: Browser, app_url: str) -> None:
    """320x256 CSS pixels (a 1280x1024 screen at 400%): pinned under the header, the numbers would
    cover half the page, so the bar scrolls with it there; the page still reflows to one column."""
    context = browser.new_context(viewport={"width": 320, "height": 256}, device_scale_factor=4)
    foreign = only_the_apps_own_origin(context, app_url)
    page = context.new_page()
    _open(page, app_url)
    _no_sideways_scroll(page, "first question page at 400% zoom")
    settle(page)
    # The foot of the step (its Next button) scrolled into view, once the whole step is drawn: a
    # single scroll made while the page is still growing can leave it at the top.
    page.get_by_role("button", name="Next", exact=True).scroll_into_view_if_needed()
    settle(page)
    scrolled = page.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollTop")
    assert scrolled > 0, "the first step at 400% zoom should be longer than the screen"
    bar = page.locator(".st-key-contact_bar")
    expect(bar).not_to_be_in_viewport()
    context.close()
    assert foreign == []


@pytest.mark.usefixtures("own_origin_only")
def test_axe_finds_nothing_on_any_page_or_state(page: Page, app_url: str) -> None:
    """axe-core on every page a worker can reach, including errors, warnings and the 999 screen."""
    _open(page, app_url)
    accessible(page, "first question page")
    page.get_by_role("button", name="Next", exact=True).click()
    expect(page.locator(".st-key-error_summary")).to_be_visible()
    settle(page)
    accessible(page, "error summary")
    first = GATE.indicators[0]
    question(page, first.question).get_by_text("Yes", exact=True).click()
    _see(page, RULES.outcome("emergency").title)
    accessible(page, "emergency screen")
    page.get_by_role("button", name="I am safe: record this screening").click()
    _see(page, "What happened")
    page.get_by_role("button", name="Next", exact=True).click()
    expect(page.locator(".st-key-error_summary")).to_be_visible()
    settle(page)
    accessible(page, "account page with the error summary")
    page.get_by_label("What did you notice?").fill("His mobile is 07911 123456. " + NOTICED)
    page.get_by_label("Your role").fill("Jane Smith, housing officer")
    page.get_by_role("button", name="Next", exact=True).click()
    expect(page.get_by_role("button", name="This is not personal data").first).to_be_visible()
    settle(page)
    accessible(page, "account page with personal-data warnings")
    page.get_by_role("button", name="Replace with [phone number removed]").click()
    expect(page.get_by_role("button", name="Replace with [phone number removed]")).to_have_count(0)
    settle(page)
    page.get_by_role("button", name="Replace with [name removed]").click()
    expect(page.get_by_role("button", name="This is not personal data")).to_have_count(0)
    page.get_by_role("button", name="Next", exact=True).click()
    _see(page, "Check your answers")
    accessible(page, "check your answers page")
    page.get_by_role("button", name="See the recommendation").click()
    _see(page, RULES.outcome("emergency").title)
    accessible(page, "result page")
    page.goto(f"{app_url}/review")
    expect(page.locator("input[type=file]")).to_have_count(1)
    accessible(page, "review page, nothing opened", KNOWN_ISSUES["review"])
    page.locator("input[type=file]").set_input_files(
        files=[{"name": "screening.json", "mimeType": "application/json", "buffer": _export()}])
    expect(page.get_by_role("button", name="Download this summary (PDF)")).to_be_visible()
    accessible(page, "review page with a screening opened", KNOWN_ISSUES["review"])


@pytest.mark.usefixtures("own_origin_only")
@pytest.mark.parametrize("hostile", ["<b>Tyler</b> Bennett", "[Tyler Bennett](http://evil.example)"])
def test_the_highlighted_finding_is_text_never_markup(page: Page, app_url: str, hostile: str) -> None:
    # straight to the account page (every question answered No) from a saved draft: tests/journeys.py
    _open(page, app_url + draft_address(RULES, step=step_of(RULES, "account"), account={}), "What happened")
    page.get_by_label("What did you notice?").fill(f"His name is {hostile}.")
    page.get_by_label("What did you notice?").press("Tab")
    mark = page.locator('[data-testid="stMain"] mark').first
    expect(mark).to_be_visible()
    assert "Tyler" in mark.inner_text()
    tags = page.eval_on_selector_all('[data-testid="stMain"] b, [data-testid="stMain"] a[href^="http"]',
                                     "els => els.map(e => e.outerHTML)")
    assert tags == []
