"""Two app servers on one PostgreSQL, in a real browser: what a council behind a load balancer runs.

A draft begun on one server resumes on the other; killing a server mid-journey loses nothing the
worker had moved past; the browser's Refresh and Back work; the screening handed over on one server
is in the review queue on the other.  Nothing lives only in one server's memory.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from journeys import question
from playwright.sync_api import Browser, Page, expect
from servers import app_servers
from test_store import _postgres_database

import screening
from ui.state import ordered_factors

ROOT = Path(__file__).resolve().parents[1]
RULES = screening.load(ROOT / "rules")
FACTORS = ordered_factors(RULES)
TIMEOUT_MS = 45_000


@pytest.fixture
def two_servers(tmp_path: Path) -> Iterator[tuple[list[subprocess.Popen[bytes]], list[str]]]:
    """Two app servers on one fresh PostgreSQL database, started side by side."""
    for database in _postgres_database():
        env = {**os.environ, "SCREENING_DATABASE_URL": database}
        with app_servers([tmp_path / f"server{i}.log" for i in range(2)], env=env) as servers:
            yield [s.proc for s in servers], [s.url for s in servers]


def _settle(page: Page) -> None:
    expect(page.locator('[data-testid="stApp"][data-test-script-state="running"]')).to_have_count(0)


def _answer(page: Page, factor: screening.rules.ruleset.Factor, yes: set[str]) -> None:
    expect(page.get_by_role("heading", name=factor.title, exact=True)).to_be_visible()
    _settle(page)
    for ind in factor.indicators:
        group = question(page, ind.question)
        label = "Yes" if ind.id in yes else "No"
        group.get_by_text(label, exact=True).click()
        expect(group.get_by_role("radio", name=label, exact=True)).to_be_checked()
    _settle(page)
    page.get_by_role("button", name="Next", exact=True).click()


def test_a_draft_moves_between_servers_and_survives_a_killed_one(
        browser: Browser, two_servers: tuple[list[subprocess.Popen[bytes]], list[str]]) -> None:
    procs, (first, second) = two_servers
    expect.set_options(timeout=TIMEOUT_MS)
    page = browser.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(first)
    _answer(page, FACTORS[0], set())
    _answer(page, FACTORS[1], {"us_and_them"})
    expect(page.get_by_role("heading", name=FACTORS[2].title, exact=True)).to_be_visible()
    expect(page).to_have_url(re.compile(r"[?&]step=2"))
    page.go_back()  # the browser's Back: the step before, with its answers
    expect(page.get_by_role("heading", name=FACTORS[1].title, exact=True)).to_be_visible()
    group = question(page, RULES.indicator("us_and_them").question)
    expect(group.get_by_role("radio", name="Yes", exact=True)).to_be_checked()
    page.go_forward()
    expect(page.get_by_role("heading", name=FACTORS[2].title, exact=True)).to_be_visible()
    page.reload()  # a refresh: a new session, resumed from the store
    expect(page.get_by_role("heading", name=FACTORS[2].title, exact=True)).to_be_visible()
    expect(page.get_by_text("Resumed your draft")).to_be_visible()

    query = page.url.split("?", 1)[1]
    procs[0].send_signal(signal.SIGKILL)  # the first server dies; the load balancer sends us on
    procs[0].wait()
    page.goto(f"{second}/?{query}")
    expect(page.get_by_role("heading", name=FACTORS[2].title, exact=True)).to_be_visible()
    for factor in FACTORS[2:]:
        _answer(page, factor, set())
    expect(page.get_by_role("heading", name="What happened", exact=True)).to_be_visible()
    page.get_by_label("What did you notice?").fill("Said some groups are the enemy and must be fought.")
    page.get_by_label("Your role").fill("Housing officer")
    _settle(page)
    page.get_by_role("button", name="Next", exact=True).click()
    _settle(page)
    page.get_by_role("button", name="See the recommendation").click()
    outcome = RULES.outcome(screening.evaluate(RULES, {"us_and_them": "yes"}).outcome)
    expect(page.get_by_role("heading", name=outcome.title, exact=True)).to_be_visible()
    _settle(page)
    page.get_by_role("button", name="Save and hand over").click()
    said = page.get_by_text("Your reference is")
    expect(said).to_be_visible()
    ref = re.search(r"[A-Z0-9]{4}-[A-Z0-9]{4}", said.inner_text())
    assert ref is not None
    page.goto(f"{second}/queue")
    expect(page.get_by_role("heading", name="Review queue")).to_be_visible()
    page.get_by_label("Open a screening by its reference").fill(ref.group(0))
    page.get_by_label("Open a screening by its reference").press("Enter")
    expect(page.get_by_role("heading", name=f"Screening {ref.group(0)}")).to_be_visible()
    expect(page.get_by_text("The summary as it was made")).to_be_visible()
