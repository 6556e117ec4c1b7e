"""Council sign-in end to end: a real OpenID Connect provider, the real app server, real browsers.

The provider is ``oidc-provider-mock`` (a Flask OpenID provider made for tests) started in this
process; the app is ``streamlit run app.py`` in council mode with a secrets file written to a
temporary folder (never the repository's .streamlit/).  Streamlit's own st.login code, Authlib and
the signed cookie are exercised as a council deployment would, only the provider is a stand-in.
"""

from __future__ import annotations

import json
import os
import secrets
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import oidc_provider_mock
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Route, expect
from servers import app_server, free_port
from sqlalchemy import select

import screening
from screening import evaluate
from screening.exports import summary
from screening.record import ScreeningRecord
from screening.store import Store
from screening.store.tables import audit
from ui.state import ordered_factors

ROOT = Path(__file__).resolve().parents[1]
RULES = screening.load(ROOT / "rules")
FIRST = ordered_factors(RULES)[0].title
TIMEOUT_MS = 30_000

ROLES = """\
people:
  - email: fran@council.example
    roles: [frontline]
    teams: [Housing]
  - email: sue@council.example
    roles: [supervisor]
    teams: [Housing]
  - email: ed@council.example
    roles: [policy_editor, policy_approver]  # may approve others' changes, never their own
  - email: ann@council.example
    roles: [policy_approver]
groups:
  - group: youth-leads
    roles: [supervisor]
    teams: [Youth service]
"""


@dataclass
class Provider:
    url: str

    def user(self, sub: str, **claims: Any) -> None:
        """Tell the provider what the ID token says about ``sub`` (email unless given)."""
        body = json.dumps({"email": sub, **claims}).encode()
        req = urllib.request.Request(f"{self.url}/users/{quote(sub)}", data=body, method="PUT",
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=5) as r:
            assert r.status == 204


@pytest.fixture(scope="module")
def provider() -> Iterator[Provider]:
    with oidc_provider_mock.run_server_in_thread() as server:
        yield Provider(f"http://localhost:{server.server_port}")


@pytest.fixture(scope="module")
def council_url(provider: Provider, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app in council mode on a free local port, its secrets and roles in a temporary folder."""
    folder = tmp_path_factory.mktemp("council")
    port = free_port()  # the redirect address names it, so it is chosen before the server starts
    url = f"http://127.0.0.1:{port}"
    (folder / "secrets.toml").write_text(
        "[auth]\n"
        f'redirect_uri = "{url}/oauth2callback"\n'
        f'cookie_secret = "{secrets.token_urlsafe(32)}"\n'
        'client_id = "prevent-screening"\n'
        f'client_secret = "{secrets.token_urlsafe(24)}"\n'
        f'server_metadata_url = "{provider.url}/.well-known/openid-configuration"\n')
    (folder / "roles.yaml").write_text(ROLES)
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("STREAMLIT_") and k.lower() not in {"http_proxy", "https_proxy", "all_proxy"}}
    env.update(SCREENING_AUTH="council", SCREENING_ROLES_FILE=str(folder / "roles.yaml"))
    with app_server(folder / "streamlit.log", env=env, port=port,
                    args=["--secrets.files", str(folder / "secrets.toml")]) as server:
        yield server.url
    assert "Traceback" not in server.log_text(), server.log_text()


def _local_only(route: Route) -> None:
    """The provider's pages link a stylesheet on the internet: nothing leaves this machine in a test."""
    host = urlsplit(route.request.url).hostname
    if host in ("127.0.0.1", "localhost"):
        route.continue_()
    else:
        route.abort()


@pytest.fixture
def new_browser(browser: Browser) -> Iterator[Any]:
    """A fresh browser (its own cookies) per person, as two people on two computers."""
    made: list[BrowserContext] = []

    def make() -> Page:
        context = browser.new_context()
        context.route("**/*", _local_only)
        made.append(context)
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        return page

    expect.set_options(timeout=TIMEOUT_MS)
    yield make
    for c in made:
        c.close()


def heading(page: Page, name: str) -> Any:
    return page.get_by_role("heading", name=name, exact=True)


def start_sign_in(page: Page, url: str, button: str = "Sign in with your council account") -> None:
    page.goto(url)
    page.get_by_role("button", name=button).click()


def authorize(page: Page, url: str, sub: str) -> None:
    """The provider's form: sign in as ``sub``, then back to the app."""
    page.get_by_placeholder("sub").fill(sub)
    page.get_by_role("button", name="Authorize", exact=True).click()
    page.wait_for_url(f"{url}/**")


def sign_in(page: Page, url: str, sub: str) -> None:
    """From the app's sign-in page through the provider's form and back."""
    start_sign_in(page, url)
    authorize(page, url, sub)


def numbers_shown(page: Page) -> None:
    for phone in (RULES.emergency_contact.phone, RULES.default_contact.phone):
        expect(page.get_by_text(phone.replace(" ", "\u00a0")).first).to_be_visible()


def test_sign_in_pages_by_role_refusal_by_url_and_sign_out(
        new_browser: Any, council_url: str, provider: Provider) -> None:
    provider.user("fran@council.example")
    page = new_browser()
    page.goto(council_url)
    expect(heading(page, "Sign in")).to_be_visible()
    numbers_shown(page)
    page.get_by_role("button", name="Sign in with your council account").click()
    authorize(page, council_url, "fran@council.example")
    expect(heading(page, FIRST)).to_be_visible()  # a frontline worker starts a screening
    expect(page.get_by_text("Signed in as fran")).to_be_visible()
    expect(page.get_by_role("link", name="Review queue")).to_have_count(0)
    # not a page for this person, whatever the URL or query (tests/test_access.py tries each page)
    page.goto(f"{council_url}/queue?reference=AAAA-AAAA")
    expect(heading(page, FIRST)).to_be_visible()
    expect(page.get_by_text("Page not found")).to_be_visible()
    expect(heading(page, "Review queue")).to_have_count(0)
    page.keyboard.press("Escape")  # close Streamlit's notice
    expect(page.get_by_text("Page not found")).to_have_count(0)
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("button", name="End session").click()  # the provider's own sign-out
    expect(heading(page, "Sign in")).to_be_visible()  # a fresh page load: the cookie is gone
    expect(heading(page, FIRST)).to_have_count(0)
    expect(page.get_by_text("Signed in as")).to_have_count(0)


def test_no_role_sees_only_ask_your_administrator(new_browser: Any, council_url: str,
                                                  provider: Provider) -> None:
    provider.user("stranger@council.example")
    page = new_browser()
    sign_in(page, council_url, "stranger@council.example")
    expect(heading(page, "Ask your administrator")).to_be_visible()
    expect(page.get_by_text("AU005")).to_be_visible()
    numbers_shown(page)
    expect(heading(page, FIRST)).to_have_count(0)
    expect(page.get_by_role("link", name="Review queue")).to_have_count(0)


def test_an_expired_sign_in_signs_in_again(new_browser: Any, council_url: str, provider: Provider) -> None:
    # The ID token's exp claim 30 s ago: Authlib accepts it (it allows two minutes of clock skew),
    # the app must not.
    provider.user("fran@council.example", exp=int(time.time()) - 30)
    page = new_browser()
    sign_in(page, council_url, "fran@council.example")
    expect(heading(page, "Sign in again")).to_be_visible()
    expect(page.get_by_text("AU006")).to_be_visible()
    expect(heading(page, FIRST)).to_have_count(0)
    provider.user("fran@council.example")  # the provider issues fresh tokens again
    page.get_by_role("button", name="Sign in again").click()
    page.get_by_placeholder("sub").fill("fran@council.example")
    page.get_by_role("button", name="Authorize", exact=True).click()
    expect(heading(page, FIRST)).to_be_visible()


def _handed_over(author: str, team: str, answers: dict[str, str]) -> str:
    """A screening handed over by ``author`` (straight into the server's store)."""
    a = evaluate(RULES, answers)
    export = summary.to_json(RULES, a, ScreeningRecord(answers=answers))
    store = Store()
    ref, _ = store.save_draft(actor=author, team=team, reference=None, step=0, payload={"export": export},
                              ruleset=(a.ruleset_id, a.ruleset_version, a.ruleset_sha256))
    store.submit(ref, actor=author, outcome=a.outcome, urgent=False, payload={"export": export})
    return ref


def _open(page: Page, reference: str) -> None:
    box = page.get_by_label("Open a screening by its reference")
    box.fill(reference)
    box.press("Enter")


def test_two_supervisors_in_two_browsers_see_only_their_own_teams(
        new_browser: Any, council_url: str, provider: Provider) -> None:
    housing = _handed_over("fran@council.example", "Housing", {"violence_fixation": "yes"})
    youth = _handed_over("yan@council.example", "Youth service", {"us_and_them": "yes"})
    provider.user("sue@council.example")
    provider.user("yuri@council.example", groups=["youth-leads"])  # a supervisor through a group claim
    sue, yuri = new_browser(), new_browser()
    start_sign_in(sue, council_url)  # side by side, as two people at two desks
    start_sign_in(yuri, council_url)
    authorize(sue, council_url, "sue@council.example")
    authorize(yuri, council_url, "yuri@council.example")
    for page, mine, theirs in ((sue, housing, youth), (yuri, youth, housing)):
        expect(heading(page, "Review queue")).to_be_visible()
        table = page.get_by_test_id("stDataFrame")
        expect(table).to_be_visible()
        expect(page.get_by_text("Screenings handed over to your teams")).to_be_visible()
        _open(page, theirs)
        expect(page.get_by_text("AU008")).to_be_visible()
        expect(page.get_by_text("The summary as it was made")).to_have_count(0)
        _open(page, mine)
        expect(heading(page, f"Screening {mine}")).to_be_visible()
        expect(page.get_by_text("The summary as it was made")).to_be_visible()
    with Store().engine.connect() as conn:
        views = {(r.reference, r.actor) for r in conn.execute(
            select(audit.c.reference, audit.c.actor).where(audit.c.action == "view",
                                                           audit.c.reference.in_((housing, youth))))}
    assert views == {(housing, "sue@council.example"), (youth, "yuri@council.example")}
