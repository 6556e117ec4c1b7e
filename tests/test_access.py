"""Sign-in and roles: every rule of screening/access.py, the roles file, and each role's pages.

The rules are tested as pure functions; the pages with AppTest in council mode (SCREENING_AUTH=council,
an [auth] section in the test's secrets, the signed-in person set as ``AppTest.user``), and in local
mode on another address.  The real sign-in against an OpenID provider is tests/test_signin_browser.py.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import test_app
from sqlalchemy import select
from streamlit import config as st_config
from streamlit.testing.v1 import AppTest

from screening import evaluate, load
from screening.access import (
    ACTIONS,
    LOCAL,
    Access,
    AccessError,
    Identity,
    expired,
    handover_team,
    is_loopback,
    load_roles,
    parse_roles,
    reached_from_elsewhere,
    refusal,
    roles_of,
    visible_teams,
)
from screening.access import can as allowed
from screening.exports import summary
from screening.record import ScreeningRecord
from screening.rules.yamlio import parse
from screening.store import Store
from screening.store.tables import audit

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
EMERGENCY = test_app.EMERGENCY

ROLES_YAML = """\
supervisors_see_all_teams: false
people:
  - email: Fran.Frontline@council.example
    roles: [frontline]
    teams: [Housing]
  - email: yan@council.example
    roles: [frontline]
    teams: [Youth service]
  - email: sue@council.example
    roles: [supervisor]
    teams: [Housing]
  - email: lead@council.example
    roles: [supervisor, policy_approver]
    all_teams: true
  - email: ed@council.example
    roles: [policy_editor]
  - email: ann@council.example
    roles: [policy_approver]
groups:
  - group: youth-workers
    roles: [frontline]
    teams: [Youth service]
  - group: housing-leads
    roles: [supervisor]
    teams: [Housing]
"""


def roles(text: str = ROLES_YAML) -> Any:
    raw, problems = parse(text, "roles.yaml")
    assert not problems
    return parse_roles(raw, "roles.yaml")


def person(email: str, *groups: str) -> Access:
    return roles_of(Identity(email, groups), roles())


FRAN, YAN, SUE, LEAD, ED, ANN = (person(e) for e in (
    "fran.frontline@council.example", "yan@council.example", "sue@council.example",
    "lead@council.example", "ed@council.example", "ann@council.example"))
NOBODY = person("stranger@council.example")


def code(p: object) -> str | None:
    return getattr(p, "code", None)


# --- who holds what -----------------------------------------------------------------------------
def test_roles_come_from_the_email_and_every_group_together() -> None:
    assert FRAN.roles == {"frontline"} and FRAN.teams == ("Housing",) and not FRAN.all_teams
    assert FRAN.email == "fran.frontline@council.example"  # the file's capitals do not matter
    both = person("Kim@Council.Example", "youth-workers", "housing-leads", "not-a-mapped-group")
    assert both.roles == {"frontline", "supervisor"}
    assert both.teams == ("Youth service", "Housing")
    assert LEAD.all_teams and not SUE.all_teams
    assert NOBODY.roles == frozenset() and NOBODY.teams == ()


def test_supervisors_see_all_teams_by_configuration() -> None:
    r = roles(ROLES_YAML.replace("supervisors_see_all_teams: false", "supervisors_see_all_teams: true"))
    sue = roles_of(Identity("sue@council.example"), r)
    assert sue.all_teams
    assert allowed(sue, "view_screening", author="yan@council.example", team="Youth service")
    assert not roles_of(Identity("fran.frontline@council.example"), r).all_teams  # supervisors only


def test_the_shipped_example_roles_file_reads() -> None:
    r = load_roles(ROOT / "config" / "roles.yaml")
    assert r.people and r.groups and r.groups_claim == "groups"


# --- each rule ----------------------------------------------------------------------------------
def test_screen_is_for_frontline_only() -> None:
    assert allowed(FRAN, "screen") and allowed(LOCAL, "screen")
    why = refusal(SUE, "screen")
    assert code(why) == "AU007" and "supervisor" in why.message and "screen a concern" in why.message
    assert not allowed(ED, "screen") and not allowed(NOBODY, "screen")


def test_a_draft_is_resumed_only_by_its_author() -> None:
    assert allowed(FRAN, "resume_own_draft", author="fran.frontline@council.example")
    assert allowed(FRAN, "resume_own_draft", author="FRAN.FRONTLINE@council.example ")
    assert code(refusal(FRAN, "resume_own_draft", author="yan@council.example")) == "AU008"
    assert code(refusal(FRAN, "resume_own_draft", author=None)) == "AU008"
    assert code(refusal(SUE, "resume_own_draft", author="sue@council.example")) == "AU007"  # not frontline


def test_frontline_see_only_their_own_screenings() -> None:
    assert allowed(FRAN, "view_screening", author="fran.frontline@council.example", team="Housing")
    same_team = refusal(FRAN, "view_screening", author="someone@council.example", team="Housing",
                        reference="KQ3X-M7TD")
    assert code(same_team) == "AU008" and "KQ3X-M7TD" in same_team.message
    assert not allowed(YAN, "view_screening", author="fran.frontline@council.example", team="Housing")


def test_supervisors_see_their_teams_screenings_only() -> None:
    assert allowed(SUE, "view_screening", author="fran.frontline@council.example", team="Housing")
    assert allowed(SUE, "view_screening", author="x@council.example", team="  housing ")  # case, spaces
    assert code(refusal(SUE, "view_screening", author="yan@council.example", team="Youth service")) == "AU008"
    assert not allowed(SUE, "view_screening", author="x@council.example", team="")  # no team: not theirs
    assert allowed(LEAD, "view_screening", author="yan@council.example", team="Youth service")
    assert allowed(LEAD, "view_screening", author="x@council.example", team="")
    assert code(refusal(ED, "view_screening", author="yan@council.example", team="Housing")) == "AU007"


def test_review_is_for_supervisors_of_the_team() -> None:
    assert allowed(SUE, "review") and allowed(LEAD, "review")
    assert allowed(SUE, "review", author="fran.frontline@council.example", team="Housing")
    assert code(refusal(SUE, "review", author="yan@council.example", team="Youth service")) == "AU008"
    assert code(refusal(FRAN, "review", author="fran.frontline@council.example", team="Housing")) == "AU007"
    assert code(refusal(FRAN, "review")) == "AU007"


def test_queue_and_dashboard_are_for_supervisors() -> None:
    for action in ("view_queue", "view_dashboard"):
        assert allowed(SUE, action) and allowed(LEAD, action) and allowed(LOCAL, action)
        for who in (FRAN, ED, ANN, NOBODY):
            assert code(refusal(who, action)) == "AU007"


def test_purge_needs_a_supervisor_of_every_team() -> None:
    assert allowed(LEAD, "purge") and allowed(LOCAL, "purge")
    assert code(refusal(SUE, "purge")) == "AU007" and not allowed(FRAN, "purge")


def test_workbench_is_for_policy_editors_and_approvers() -> None:
    assert allowed(ED, "use_workbench") and allowed(ANN, "use_workbench")
    assert not allowed(FRAN, "use_workbench") and not allowed(SUE, "use_workbench")


def test_an_approver_never_approves_their_own_change() -> None:
    assert allowed(ANN, "approve_rules", editor="ed@council.example")
    own = refusal(ANN, "approve_rules", editor="Ann@Council.example")
    assert code(own) == "AU010" and "Ann@Council.example" in own.message
    assert code(refusal(ANN, "approve_rules", editor="")) == "AU010"  # unknown: not a second person
    assert code(refusal(ANN, "approve_rules")) == "AU010"
    assert code(refusal(ED, "approve_rules", editor="someone@council.example")) == "AU007"  # not an approver
    assert code(refusal(LOCAL, "approve_rules", editor=LOCAL.email)) == "AU010"  # not even locally


def test_the_local_user_holds_every_role() -> None:
    assert LOCAL.local and LOCAL.all_teams
    for action in ACTIONS:
        if action in ("resume_own_draft",):
            assert allowed(LOCAL, action, author=LOCAL.email)
        elif action == "approve_rules":
            assert allowed(LOCAL, action, editor="another person")
        else:
            assert allowed(LOCAL, action, author="x", team="any team"), action


def test_an_unknown_action_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        refusal(LOCAL, "delete_everything")  # type: ignore[arg-type]


def test_team_scope_of_a_queue_or_dashboard() -> None:
    assert visible_teams(LEAD) is None and visible_teams(LEAD, ["Housing"]) == ("Housing",)
    assert visible_teams(SUE) == ("Housing",) and visible_teams(SUE, [" housing"]) == ("Housing",)
    assert visible_teams(SUE, ["Youth service"]) == ()  # asking for another team gives nothing
    assert visible_teams(FRAN.__class__(email="x", roles=frozenset({"supervisor"}))) == ()


def test_a_screening_is_handed_over_to_the_workers_own_team() -> None:
    assert handover_team(FRAN, "Youth service") == "Housing"  # whatever was typed
    two = person("kim@council.example", "youth-workers", "housing-leads")
    assert handover_team(two, "HOUSING") == "Housing" and handover_team(two, "Parks") == "Youth service"
    assert handover_team(LOCAL, " Parks ") == "Parks" and handover_team(NOBODY, "Parks") == "Parks"


def test_loopback_addresses() -> None:
    for host in ("127.0.0.1", "127.0.0.2", "localhost", "::1", "[::1]", "LOCALHOST"):
        assert is_loopback(host), host
    for host in ("", None, "0.0.0.0", "::", "10.0.0.5", "screening.council.example", "127.0.0.1.nip.io"):
        assert not is_loopback(host), host


@pytest.mark.parametrize(("headers", "named"), [
    ({}, None),  # no request (a test) or a client that sends nothing
    ({"host": "127.0.0.1:8501", "origin": "http://127.0.0.1:8501"}, None),
    ({"host": "localhost:8501", "origin": "http://localhost:8501"}, None),
    ({"host": "[::1]:8501", "origin": "null"}, None),
    ({"host": "screening.council.example"}, "screening.council.example"),  # a proxy that keeps Host
    ({"host": "127.0.0.1:8501", "origin": "https://screening.council.example"}, "https://screening"),
    ({"host": "127.0.0.1:8501", "x-forwarded-for": "10.1.2.3"}, "a proxy (x-forwarded-for: 10.1.2.3)"),
    ({"host": "127.0.0.1:8501", "forwarded": "for=10.1.2.3"}, "a proxy (forwarded"),
    ({"host": "[::1"}, "[::1"),  # unreadable: not this computer
])
def test_a_request_from_elsewhere_is_seen(headers: dict[str, str], named: str | None) -> None:
    found = reached_from_elsewhere(headers)
    assert found == named if named is None else (found or "").startswith(named)


def test_expiry_of_a_sign_in() -> None:
    assert not expired(1000, 999.0) and expired(1000, 1000.0) and expired(1000, 1001.0)
    assert not expired("2000", 1999.0)
    for missing in (None, "", "soon", True, [1]):  # no usable claim counts as run out
        assert expired(missing, 0.0), missing


# --- the roles file -------------------------------------------------------------------------------
def problems_of(text: str) -> list[Any]:
    raw, problems = parse(text, "roles.yaml")
    assert not problems
    with pytest.raises(AccessError) as e:
        parse_roles(raw, "roles.yaml")
    return list(e.value.problems)


def test_an_unknown_role_is_refused_at_its_line() -> None:
    (p,) = problems_of("people:\n  - email: c@b.example\n    roles: [frontline]\n  - email: a@b.example\n"
                       "    roles: [frontline, supervsior]\n    teams: [Housing]\n")
    assert (p.code, p.line) == ("AU001", 5)
    assert "'supervsior'" in p.message and "did you mean 'supervisor'" in p.message
    assert "a@b.example" in p.message


@pytest.mark.parametrize(("text", "line", "words"), [
    ("peeple: []\n", 1, "did you mean 'people'"),
    ("people:\n  - email: not-an-email\n    roles: [frontline]\n", 2, "'not-an-email' is not an email"),
    ("people:\n  - email: s@b.example\n    roles: [supervisor]\n", 2, "supervisor of no team"),
    ("people:\n  - email: a@b.example\n    roles: [frontline]\n  - email: A@B.example\n"
     "    roles: [supervisor]\n    all_teams: true\n", 4, "listed twice (first on line 2)"),
    ("people:\n  - email: a@b.example\n", 2, "has no roles"),
    ("people:\n  - email: a@b.example\n    roles: [frontline]\n    teams: Housing\n", 4,
     "list of team names"),
    ("people:\n  - email: a@b.example\n    roles: [frontline]\n    team: [Housing]\n", 4,
     "did you mean 'teams'"),
    ("groups:\n  - grop: g\n    roles: [frontline]\n", 2, "did you mean 'group'"),
    ("supervisors_see_all_teams: yes\n", 1, "true or false"),
    ("- a\n", 0, "not a list of settings"),
])
def test_roles_file_entries_not_understood_name_their_line(text: str, line: int, words: str) -> None:
    found = problems_of(text)
    assert any(p.code == "AU003" and p.line == line and words in p.message for p in found), \
        [p.format() for p in found]


def test_an_unreadable_roles_file_is_au002(tmp_path: Path) -> None:
    with pytest.raises(AccessError) as e:
        load_roles(tmp_path / "missing.yaml")
    assert e.value.problems[0].code == "AU002" and "RS001" in e.value.problems[0].message
    aliased = tmp_path / "roles.yaml"
    aliased.write_text("people:\n  - &p {email: a@b.example, roles: [frontline]}\n  - *p\n")
    with pytest.raises(AccessError) as e:
        load_roles(aliased)
    (p,) = e.value.problems
    assert p.code == "AU002" and "RS015" in p.message and p.line == 2  # anchors refused as everywhere


# --- the pages, by role (AppTest, council mode) --------------------------------------------------
AUTH = {"redirect_uri": "http://127.0.0.1:8501/oauth2callback", "cookie_secret": "c" * 40,
        "client_id": "screening", "client_secret": "s" * 20,
        "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration"}


@pytest.fixture
def council(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.delenv("SCREENING_RULES", raising=False)
    monkeypatch.setenv("SCREENING_AUTH", "council")
    path = tmp_path / "roles.yaml"
    path.write_text(ROLES_YAML)
    monkeypatch.setenv("SCREENING_ROLES_FILE", str(path))
    return path


def signed_in(email: str | None, script: str = APP, *, exp: float | None = None,
              auth: dict[str, str] | None = AUTH, **claims: Any) -> AppTest:
    at = AppTest.from_file(script, default_timeout=30)
    if auth is not None:
        at.secrets["auth"] = auth
    if email is None:
        at.user = {"is_logged_in": False}
    else:
        at.user = {"is_logged_in": True, "email": email, "exp": time.time() + 600 if exp is None else exp,
                   **claims}
    at.run()
    assert not at.exception, at.exception
    return at


def pages_of(at: AppTest) -> list[str]:
    """The pages st.navigation registered for this person (what AppTest.switch_page can reach)."""
    return sorted(Path(str(info["script_path"])).name for info in at._registered_pages.values()
                  if info.get("script_path") and "url_pathname" in info)


def switch_refused(at: AppTest, page: str, title: str) -> None:
    """Switching to ``page`` either finds no such page, or the page itself refuses with ``title``."""
    try:
        at.switch_page(str(ROOT / "ui" / page))
    except ValueError:
        return
    at.run()
    assert not at.exception
    assert [t.value for t in at.title] == [title]
    assert not at.dataframe and not at.radio and not at.text_input and not at.get("file_uploader")


def shown(at: AppTest) -> str:
    parts = [e.value for kind in ("title", "markdown", "error", "info", "caption", "warning")
             for e in getattr(at, kind)]
    return plain("\n".join(parts))


def plain(text: str) -> str:
    """Markdown without its escapes and word joiners (what a reader sees)."""
    return text.replace("\\", "").replace("\u2060", "")


def test_signed_out_sees_only_the_sign_in_page_and_the_numbers(council: Path) -> None:
    at = signed_in(None)
    assert [t.value for t in at.title] == ["Sign in"]
    assert [b.label for b in at.button] == ["Sign in with your council account"]
    assert EMERGENCY.replace(" ", "\u00a0") in shown(at).replace(" ", "\u00a0")
    assert not at.text_input and not at.radio and not at.dataframe
    switch_refused(at, "queue.py", "Sign in")


@pytest.mark.parametrize(("email", "title", "pages"), [
    ("fran.frontline@council.example", "Is anyone in immediate danger?", ["screen.py"]),
    ("sue@council.example", "Review queue", ["dashboard.py", "queue.py", "review.py"]),
    ("lead@council.example", "Review queue", ["dashboard.py", "queue.py", "review.py", "workbench.py"]),
    ("ed@council.example", "Policy workbench", ["workbench.py"]),
    ("ann@council.example", "Policy workbench", ["workbench.py"]),
])
def test_each_role_gets_its_pages_and_no_others(council: Path, email: str, title: str,
                                                pages: list[str]) -> None:
    at = signed_in(email)
    assert at.title[0].value == title
    assert pages_of(at) == pages
    assert f"Signed in as {email}" in plain(" ".join(c.value for c in at.sidebar.caption))
    assert any(b.label == "Sign out" for b in at.sidebar.button)


def test_roles_from_a_group_claim(council: Path) -> None:
    at = signed_in("kim@council.example", groups=["youth-workers", "housing-leads"])
    assert pages_of(at) == ["dashboard.py", "queue.py", "review.py", "screen.py"]


def test_policy_roles_reach_only_the_workbench(council: Path) -> None:
    at = signed_in("ed@council.example")
    assert [t.value for t in at.title] == ["Policy workbench"]
    for page in ("queue.py", "review.py", "dashboard.py"):
        switch_refused(at, page, "Policy workbench")
    front = signed_in("fran.frontline@council.example")
    switch_refused(front, "workbench.py", "Is anyone in immediate danger?")


def test_no_role_sees_ask_your_administrator_and_the_numbers_only(council: Path) -> None:
    at = signed_in("stranger@council.example")
    assert [t.value for t in at.title] == ["Ask your administrator"]
    text = shown(at)
    assert "AU005" in text and "stranger@council.example" in text and "ask your administrator" in text.lower()
    assert EMERGENCY.replace(" ", "\u00a0") in text.replace(" ", "\u00a0")
    assert [b.label for b in at.button] == ["Sign out"]
    switch_refused(at, "screen.py", "Ask your administrator")


def test_an_unverified_email_gives_no_role(council: Path) -> None:
    at = signed_in("fran.frontline@council.example", email_verified=False)
    assert "AU005" in shown(at)


def test_an_expired_sign_in_signs_in_again(council: Path) -> None:
    at = signed_in("fran.frontline@council.example", exp=time.time() - 5)
    assert [t.value for t in at.title] == ["Sign in again"]
    assert "AU006" in shown(at) and [b.label for b in at.button] == ["Sign in again"]
    assert not at.radio  # no question of the journey
    no_exp = AppTest.from_file(APP, default_timeout=30)
    no_exp.secrets["auth"] = AUTH
    no_exp.user = {"is_logged_in": True, "email": "fran.frontline@council.example"}
    no_exp.run()
    assert "AU006" in shown(no_exp)  # a token without an expiry is not trusted either


@pytest.mark.parametrize(("page", "email"), [
    ("queue.py", "fran.frontline@council.example"),
    ("dashboard.py", "fran.frontline@council.example"),
    ("review.py", "fran.frontline@council.example"),
    ("screen.py", "sue@council.example"),
    ("queue.py", "ed@council.example"),
])
def test_a_page_reached_directly_refuses_a_role_without_it(council: Path, page: str, email: str) -> None:
    at = signed_in(email, str(ROOT / "ui" / page))
    assert [t.value for t in at.title] == ["Not available to you"]
    assert "AU007" in at.error[0].value
    assert not at.dataframe and not at.text_input and not at.radio and not at.get("file_uploader")


def test_a_page_reached_directly_while_signed_out_shows_sign_in(council: Path) -> None:
    at = signed_in(None, str(ROOT / "ui" / "queue.py"))
    assert [t.value for t in at.title] == ["Sign in"] and not at.dataframe


def test_a_broken_roles_file_lets_nobody_in(council: Path) -> None:
    council.write_text(ROLES_YAML.replace("roles: [supervisor]\n    teams: [Housing]\n  - email: lead",
                                          "roles: [superviser]\n    teams: [Housing]\n  - email: lead"))
    at = signed_in("sue@council.example")
    text = shown(at)
    assert "AU001" in text and "superviser" in text and not at.dataframe
    council.write_text(ROLES_YAML)  # mended: read again at once
    assert signed_in("sue@council.example").title[0].value == "Review queue"


@pytest.mark.parametrize(("auth", "env", "words"), [
    (None, "council", "there is no [auth] section"),
    ({"redirect_uri": "http://127.0.0.1:8501/oauth2callback", "cookie_secret": "c" * 40}, "council",
     "[auth] has no client_id, client_secret, server_metadata_url"),
    ({**AUTH, "redirect_uri": "http://127.0.0.1:8501/"}, "", "ending in /oauth2callback"),
    ({**AUTH, "cookie_secret": "short"}, "", "shorter than 32"),
    (AUTH, "Council-ish", "SCREENING_AUTH is 'council-ish'"),
])
def test_sign_in_that_cannot_start_is_au009_never_local_mode(
        council: Path, monkeypatch: pytest.MonkeyPatch, auth: dict[str, str] | None, env: str,
        words: str) -> None:
    monkeypatch.setenv("SCREENING_AUTH", env)
    at = signed_in("lead@council.example", auth=auth)
    text = shown(at)
    assert "AU009" in text and words in text, text
    assert not at.dataframe and not at.radio


def test_an_auth_section_alone_chooses_council_mode(council: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SCREENING_AUTH")
    assert signed_in(None).title[0].value == "Sign in"
    monkeypatch.setenv("SCREENING_AUTH", "local")  # said on purpose: local mode, no sign-in
    at = signed_in(None)
    assert "Local mode: no sign-in" in shown(at)


# --- local mode ----------------------------------------------------------------------------------
@pytest.fixture
def address() -> Iterator[Any]:
    old = {k: st_config.get_option(k) for k in ("server.address", "browser.serverAddress")}

    def set_to(server: str, browser: str = "127.0.0.1") -> None:
        st_config.set_option("server.address", server)
        st_config.set_option("browser.serverAddress", browser)

    yield set_to
    for k, v in old.items():
        st_config.set_option(k, v)


def test_local_mode_says_so_on_every_page(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SCREENING_AUTH", raising=False)
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert "Local mode: no sign-in" in at.info[0].value
    assert pages_of(at) == ["dashboard.py", "queue.py", "review.py", "screen.py", "workbench.py"]


@pytest.mark.parametrize(("server", "browser", "named"), [
    ("0.0.0.0", "127.0.0.1", "0.0.0.0"),
    ("", "127.0.0.1", "every address"),
    ("10.0.0.5", "127.0.0.1", "10.0.0.5"),
    ("127.0.0.1", "screening.council.example", "screening.council.example"),  # behind a proxy
])
def test_local_mode_refuses_another_address(monkeypatch: pytest.MonkeyPatch, address: Any, server: str,
                                            browser: str, named: str) -> None:
    monkeypatch.delenv("SCREENING_AUTH", raising=False)
    address(server, browser)
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception
    text = shown(at)
    assert "AU004" in text and named in text
    assert EMERGENCY.replace(" ", "\u00a0") in text.replace(" ", "\u00a0")
    assert [t.value for t in at.title] == ["This tool is not available here"]
    assert not at.radio and not at.button
    for page in ("screen.py", "queue.py", "dashboard.py", "review.py"):
        switch_refused(at, page, "This tool is not available here")


def test_local_mode_refuses_a_page_asked_for_through_a_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Started on 127.0.0.1, but a proxy on the same machine passes on requests from the network."""
    from ui import access as guard

    monkeypatch.delenv("SCREENING_AUTH", raising=False)
    monkeypatch.setattr(guard, "_headers", lambda: {"host": "127.0.0.1:8501", "x-forwarded-for": "10.1.2.3"})
    at = AppTest.from_file(APP, default_timeout=30).run()
    text = shown(at)
    assert "AU004" in text and "x-forwarded-for: 10.1.2.3" in text and not at.radio


def test_council_mode_may_serve_another_address(council: Path, address: Any) -> None:
    address("10.0.0.5", "screening.council.example")
    assert signed_in("sue@council.example").title[0].value == "Review queue"


# --- stored screenings: each sees only their own, or their teams' --------------------------------
def handed_over(author: str, team: str, answers: dict[str, str]) -> str:
    rs = load()
    export = summary.to_json(rs, evaluate(rs, answers), ScreeningRecord(answers=answers))
    store = Store()
    a = evaluate(rs, answers)
    ref, _ = store.save_draft(actor=author, team=team, reference=None, step=0, payload={"export": export},
                              ruleset=(a.ruleset_id, a.ruleset_version, a.ruleset_sha256))
    store.submit(ref, actor=author, outcome=a.outcome, urgent=False, payload={"export": export})
    return ref


def views_by(reference: str) -> list[str]:
    with Store().engine.connect() as conn:
        return [r.actor for r in conn.execute(select(audit.c.actor).where(
            audit.c.reference == reference, audit.c.action == "view"))]


def test_a_supervisor_sees_and_opens_only_their_teams_screenings(council: Path) -> None:
    housing = handed_over("fran.frontline@council.example", "Housing", {"violence_fixation": "yes"})
    youth = handed_over("yan@council.example", "Youth service", {"us_and_them": "yes"})
    at = signed_in("sue@council.example", str(ROOT / "ui" / "queue.py"))
    listed = list(at.dataframe[0].value["Reference"])
    assert housing in listed and youth not in listed
    assert set(at.dataframe[0].value["Team"]) == {"Housing"}
    assert not at.get("expander") or "Retention" not in [e.label for e in at.get("expander")]  # no purge
    at.text_input(key="queue.team").input("Youth service").run()  # filtering to another team: nothing
    assert not at.dataframe and "not one of yours" in shown(at)
    at.text_input(key="queue.team").input("").run()
    at.text_input(key="queue.open").input(youth).run()
    text = shown(at)
    assert "AU008" in text and youth in text and "The summary as it was made" not in text
    assert views_by(youth) == []  # refused before the audited open: nothing was read
    at.text_input(key="queue.open").input("ZZZZ-ZZZZ").run()
    assert "AU008" in shown(at)  # an unknown reference reads exactly the same
    at.text_input(key="queue.open").input(housing).run()
    assert "The summary as it was made" in shown(at)
    assert views_by(housing) == ["sue@council.example"]  # the audit names the signed-in person
    at.radio(key=f"decide.{housing}.decision").set_value("agree").run()
    at.button(key=f"decide.{housing}.save").click().run()
    saved = Store().get(housing, actor="test")
    assert saved.status == "reviewed"


def test_an_all_teams_supervisor_sees_every_team_and_may_purge(council: Path) -> None:
    youth = handed_over("yan@council.example", "Youth service", {"us_and_them": "yes"})
    at = signed_in("lead@council.example", str(ROOT / "ui" / "queue.py"))
    assert youth in list(at.dataframe[0].value["Reference"])
    assert "Retention" in [e.label for e in at.get("expander")]
    at.text_input(key="queue.open").input("ZZZZ-ZZZZ").run()
    assert "ST002" in shown(at)  # may see every screening: 'unknown' tells them nothing new


def test_the_dashboard_counts_only_the_supervisors_teams(council: Path) -> None:
    handed_over("yan@council.example", "Only-youth-team", {"us_and_them": "yes"})
    mine = Store().stats(teams=("Only-youth-team",))
    assert len(mine.screenings) >= 1 and {t for _, _, t in mine.screenings} == {"Only-youth-team"}
    at = signed_in("sue@council.example", str(ROOT / "ui" / "dashboard.py"))
    assert "Your teams: Housing" in shown(at)


def test_a_council_hand_over_records_the_signed_in_author_and_their_team(
        council: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def start() -> AppTest:
        return signed_in("fran.frontline@council.example")

    monkeypatch.setattr(test_app, "start", start)
    at = test_app.complete({"violence_fixation": "yes"})
    at.button(key="handover.save.0").click().run()
    assert not at.exception
    ref = re.search(r"\b([A-Z0-9]{4}-[A-Z0-9]{4})\b", " ".join(s.value for s in at.success))
    assert ref
    saved = Store().get(ref.group(1), actor="test")
    assert (saved.author, saved.team) == ("fran.frontline@council.example", "Housing")
    with Store().engine.connect() as conn:
        actors = {r.actor for r in conn.execute(select(audit.c.actor).where(
            audit.c.reference == ref.group(1), audit.c.action.in_(("create", "submit"))))}
    assert actors == {"fran.frontline@council.example"}


# --- the guard is worked out once per run, and again on the next -------------------------------
def test_the_guard_is_worked_out_once_a_run_and_again_on_the_next(council: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from ui import access as guard

    calls: list[int] = []
    real = guard._resolve

    def counted() -> Any:
        calls.append(1)
        return real()

    monkeypatch.setattr(guard, "_resolve", counted)
    at = AppTest.from_file(APP, default_timeout=30)
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": False}
    at.run()
    assert [t.value for t in at.title] == ["Sign in"] and len(calls) == 1
    at.user = {"is_logged_in": True, "email": "sue@council.example", "exp": time.time() + 600}
    at.run()  # the same session signs in: the next run sees it
    assert at.title[0].value == "Review queue" and len(calls) == 2  # app.py and the page asked once
    council.write_text(ROLES_YAML.replace("roles: [supervisor]\n    teams: [Housing]\n  - email: lead",
                                          "roles: [frontline]\n    teams: [Housing]\n  - email: lead"))
    at.run()  # an administrator changed the roles file: the next run follows it
    assert at.title[0].value != "Review queue" and pages_of(at) == ["screen.py"]
