"""Who is using the app, and the guard every page passes before it shows anything.

Two modes, chosen by configuration (README "Sign-in and roles"):

- **local** (the default of ``make run``): no sign-in; one local user holds every role, and the app
  answers only on this computer: started on any other address it shows the contacts and AU004.
- **council** (``SCREENING_AUTH=council``, or an ``[auth]`` section in ``.streamlit/secrets.toml``):
  sign-in through the council's OpenID Connect provider with ``st.login``; roles come from the roles
  file (:mod:`screening.access`).  No role: only the contacts and AU005.  A sign-in whose token has
  run out (its ``exp`` claim) signs in again (AU006).

:func:`resolve` decides; :func:`gate` (app.py) and :func:`require` (each page's first line) draw the
refusal.  The identity comes from ``st.user``, which tests set with ``AppTest.user``.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal
from weakref import ref

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from screening import Problem, RuleSet
from screening import access as rules
from screening.access import LOCAL, Access, AccessError, Action, Identity, Roles
from screening.errors import problem
from screening.exports import summary as summ
from ui import contacts

log = logging.getLogger("screening.access")

MODE_ENV = "SCREENING_AUTH"
#: What ``[auth]`` in secrets.toml must hold (Streamlit's keys for one unnamed OIDC provider).
AUTH_KEYS = ("redirect_uri", "cookie_secret", "client_id", "client_secret", "server_metadata_url")

State = Literal["ok", "sign_in", "expired", "no_role", "refused"]


@dataclass(frozen=True)
class Gate:
    """The outcome of the guard: who (when allowed) or why not."""

    state: State
    access: Access | None = None
    problems: tuple[Problem, ...] = ()
    mode: Literal["local", "council"] = "local"


def now() -> float:
    """The clock expiry is judged by (a function, so a test can move it)."""
    return time.time()


def _secrets_auth() -> tuple[Mapping[str, Any] | None, str]:
    """(the [auth] section or None, why the secrets file is unusable or '')."""
    files = [Path(f) for f in (st.get_option("secrets.files") or [])]
    try:
        loaded = st.secrets.load_if_toml_exists()
    except Exception as e:  # Streamlit says it never raises here; a broken file must still not pass
        log.warning("secrets: %s", e)
        loaded = False
    if not loaded:
        if any(f.is_file() for f in files):
            return None, "the secrets file cannot be read (check its TOML syntax)"
        return None, ""
    try:
        section = st.secrets.get("auth")
    except Exception:
        return None, "the secrets file cannot be read (check its TOML syntax)"
    return (section if isinstance(section, Mapping) else None), ""


def auth_mode() -> tuple[Literal["local", "council"], Problem | None]:
    """Local or council sign-in, and the AU009 problem when council sign-in is asked for but unusable.

    A broken secrets file or a half-written ``[auth]`` section never falls back to local mode.
    """
    wanted = os.environ.get(MODE_ENV, "").strip().lower()
    if wanted not in ("", "local", "council"):
        return "council", problem("AU009", reason=f"{MODE_ENV} is '{wanted[:40]}'; it may be local or "
                                  "council")
    if wanted == "local":
        return "local", None
    section, broken = _secrets_auth()
    if broken:
        return "council", problem("AU009", reason=broken)
    if section is None:
        if wanted == "council":
            return "council", problem("AU009", reason="there is no [auth] section in .streamlit/secrets.toml")
        return "local", None
    missing = [k for k in AUTH_KEYS if not str(section.get(k, "") or "").strip()]
    if missing:
        return "council", problem("AU009", reason=f"[auth] has no {', '.join(missing)}")
    if not str(section["redirect_uri"]).rstrip().endswith("/oauth2callback"):
        return "council", problem("AU009", reason="redirect_uri must be the app's address ending in "
                                  "/oauth2callback")
    if len(str(section["cookie_secret"])) < 32:
        return "council", problem("AU009", reason="cookie_secret is shorter than 32 characters")
    try:
        import authlib  # noqa: F401  (st.login needs it; pinned in requirements.txt)
    except ImportError:
        return "council", problem("AU009", reason="the Authlib package is not installed")
    return "council", None


def _addresses() -> tuple[str, str]:
    return str(st.get_option("server.address") or ""), str(st.get_option("browser.serverAddress") or "")


def _headers() -> dict[str, str]:
    """This session's request headers, names in lower case ({} when there is no request, as in tests)."""
    try:
        return {str(k).lower(): str(v) for k, v in st.context.headers.items()}
    except Exception:
        return {}


@st.cache_resource(show_spinner=False, max_entries=4)
def _roles(path: str, stamp: tuple[int, int]) -> Roles | tuple[Problem, ...]:
    """The roles file, read again whenever it changes (``stamp`` is only the cache key)."""
    del stamp
    try:
        return rules.load_roles(Path(path))
    except AccessError as e:
        return e.problems


def roles_file() -> Roles | tuple[Problem, ...]:
    path = rules.roles_path()
    try:
        st_ = path.stat()
        stamp = (st_.st_mtime_ns, st_.st_size)
    except OSError:
        stamp = (0, -1)
    return _roles(str(path), stamp)


def identity(user: Mapping[str, Any], groups_claim: str) -> Identity:
    """The signed-in person from the token's claims: a verified email (else the sign-in name) and groups."""
    email = str(user.get("email") or "")
    if user.get("email_verified") is False:
        email = ""
    if "@" not in email:
        name = str(user.get("preferred_username") or "")
        email = name if "@" in name else ""
    raw = user.get(groups_claim) or ()
    if isinstance(raw, str):
        groups: tuple[str, ...] = (raw,)
    else:
        groups = tuple(str(g) for g in raw) if isinstance(raw, (list, tuple)) else ()
    return Identity(email.strip().lower(), groups)


#: id(script run context) -> (the context, weakly; that run's ``cursors``; the gate)
_runs: dict[int, tuple[ref[Any], object, Gate]] = {}
_runs_lock = threading.Lock()


def resolve() -> Gate:
    """Who is here and whether they may come in at all (pages then ask :func:`screening.access.refusal`).

    Worked out once per script run (app.py, the page and every audited action ask): about 3 ms a
    time on a busy machine, mostly finding the secrets file.  Streamlit gives each run a new
    ``cursors`` dict, so a rerun, a new sign-in or a changed roles file is seen on the next run.
    """
    ctx = get_script_run_ctx()
    if ctx is None:
        return _resolve()
    with _runs_lock:
        hit = _runs.get(id(ctx))
    if hit is not None and hit[1] is ctx.cursors and hit[0]() is ctx:
        return hit[2]
    gate_ = _resolve()
    with _runs_lock:
        if len(_runs) > 1000:  # forget sessions that have ended
            for k in [k for k, v in _runs.items() if v[0]() is None]:
                del _runs[k]
        _runs[id(ctx)] = (ref(ctx), ctx.cursors, gate_)
    return gate_


def _resolve() -> Gate:
    mode, bad = auth_mode()
    if bad is not None:
        return Gate("refused", problems=(bad,), mode=mode)
    if mode == "local":
        server, browser = _addresses()
        for shown, addr in ((server or "every address (0.0.0.0)", server), (browser, browser)):
            if not rules.is_loopback(addr):
                return Gate("refused", problems=(problem("AU004", address=shown[:80]),))
        via = rules.reached_from_elsewhere(_headers())
        if via is not None:  # started on 127.0.0.1, but asked through a proxy or another name
            return Gate("refused", problems=(problem("AU004", address=via),))
        return Gate("ok", LOCAL)
    user = st.user
    if not user.get("is_logged_in"):
        return Gate("sign_in", mode="council")
    exp = user.get("exp")
    if rules.expired(exp, now()):
        when = (datetime.fromtimestamp(float(exp), UTC).strftime("%H:%M UTC on %d %b %Y")
                if isinstance(exp, (int, float)) and not isinstance(exp, bool) else "an unknown time")
        return Gate("expired", problems=(problem("AU006", when=when),), mode="council")
    roles = roles_file()
    if isinstance(roles, tuple):
        log.error("roles file: %s", "; ".join(p.format() for p in roles))
        return Gate("refused", problems=roles, mode="council")
    who = identity(user, roles.groups_claim)
    access = rules.roles_of(who, roles)
    if not who.email or not access.roles:
        return Gate("no_role", problems=(problem("AU005", email=who.email or "an account with no email"),),
                    mode="council")
    return Gate("ok", access, mode="council")


def current() -> Access | None:
    """Who is acting, or None when nobody may (for the audit trail: see ui/storage.actor)."""
    return resolve().access


# --- drawing -------------------------------------------------------------------------------------
def show(problems: tuple[Problem, ...]) -> None:
    for p in problems:
        st.error(f"**{summ.md(p.code)}**: {summ.md(p.message)}.\n\n{summ.md(p.fix[:1].upper() + p.fix[1:])}.",
                 icon=":material/lock:")


def _sign_in_button(label: str) -> None:
    st.button(label, type="primary", on_click=st.login, key="access.sign_in")


def _sign_out_button() -> None:
    st.button("Sign out", on_click=st.logout, key="access.sign_out")


def render_gate(g: Gate) -> None:
    """The page shown instead of the app when the guard says no: the contacts stay on screen."""
    if g.state == "sign_in":
        st.title("Sign in")
        st.markdown("This tool keeps records of safeguarding concerns, so only council staff with a "
                    "role in it may use it. Sign in with your council account.")
        _sign_in_button("Sign in with your council account")
        return
    if g.state == "expired":
        st.title("Sign in again")
        show(g.problems)
        _sign_in_button("Sign in again")
        return
    if g.state == "no_role":
        st.title("Ask your administrator")
        show(g.problems)
        _sign_out_button()
        return
    st.title("This tool is not available here")
    show(g.problems)


def gate(ruleset: RuleSet | None) -> Access | None:
    """app.py's guard: the person who may come in, or None after drawing why not (with the contacts)."""
    g = resolve()
    if g.access is not None:
        return g.access
    contacts.contact_banner(ruleset)
    render_gate(g)
    return None


def require(action: Action, *, author: str | None = None, team: str | None = None) -> Access | None:
    """A page's first line: the person when they may do ``action``, else None after drawing why not.

    Pages run only from app.py's navigation (built from the same rules), so this is the second
    lock: a page reached any other way still shows nothing it should not.
    """
    g = resolve()
    if g.access is None:
        render_gate(g)
        return None
    why = rules.refusal(g.access, action, author=author, team=team)
    if why is not None:
        st.title("Not available to you")
        show((why,))
        return None
    return g.access


def mode_banner(access: Access) -> None:
    """Local mode says so on every page; council mode shows who is signed in, and sign-out."""
    if access.local:
        st.info("**Local mode: no sign-in.** This copy answers on this computer only, and whoever uses "
                "it acts as one local user with every role. A council serves it to staff with "
                "council sign-in (see the README).", icon=":material/computer:")
        return
    with st.sidebar:
        st.caption(summ.md(f"Signed in as {access.email} ({access.role_words})"))
        _sign_out_button()


def nothing_for(access: Access) -> None:
    """Signed in with roles that have no page in this copy (a role added before its page is)."""
    st.title("Nothing here for your role yet")
    show((problem("AU007", roles=access.role_words, what="use any page of this copy yet",
                  needed="frontline, supervisor, policy editor or policy approver"),))
    mode_banner(access)
