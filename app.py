"""Streamlit entry point: the contacts first (they must survive any failure), then the pages.

Run with ``make run``.  The rule set is loaded once per content (see ui/state.py); if it cannot be
loaded the catalogue's problems are shown, with 999 and the Prevent Lead's number still on screen.
"""

from __future__ import annotations

import logging
from pathlib import Path

import streamlit as st
from streamlit import net_util

HERE = Path(__file__).resolve().parent

# The icon is a file of ours: a ":material/...:" icon makes every browser fetch it from fonts.gstatic.com.
st.set_page_config(page_title="Prevent concern screening", page_icon=str(HERE / "static" / "shield.svg"),
                   layout="centered", initial_sidebar_state="auto")  # open on desktop; on a phone it
# would cover the question, and the banner at the top of every page carries both numbers instead


def _no_external_ip() -> None:
    """Streamlit asks checkip.amazonaws.com for this machine's address whenever a page from another
    origin opens a websocket (before refusing it); this service never calls out, so there is none."""
    return None


net_util.get_external_ip = _no_external_ip  # from the first page run on; see README "Deployment defaults"

from screening import RuleSet  # noqa: E402  (set_page_config must come first)
from screening.access import Action, can  # noqa: E402
from ui import access as guard  # noqa: E402
from ui import contacts  # noqa: E402
from ui.nav import FAILED  # noqa: E402
from ui.state import get_ruleset  # noqa: E402

log = logging.getLogger("screening.app")

#: Every page: (file in ui/, title, URL path, icon, the action it needs); the first allowed is the default.
PAGES: tuple[tuple[str, str, str, str, Action], ...] = (
    ("screen.py", "Screen a concern", "screen", ":material/assignment:", "screen"),
    ("queue.py", "Review queue", "queue", ":material/inbox:", "view_queue"),
    ("review.py", "Open a screening file", "review", ":material/folder_open:", "review"),
    ("dashboard.py", "Dashboard", "dashboard", ":material/monitoring:", "view_dashboard"),
    ("workbench.py", "Policy workbench", "workbench", ":material/rule:", "use_workbench"),
)


def main() -> None:
    ruleset: RuleSet | None = None
    try:
        loaded = get_ruleset()
        ruleset = loaded.ruleset
    except Exception:  # an unexpected failure reading the rules: numbers first, then say so
        log.exception("loading the rule set failed")
        contacts.render_sidebar(None)
        contacts.render_failure(None)
        return
    contacts.render_sidebar(ruleset)
    who = guard.gate(ruleset)  # local mode on this computer, or signed in with a role; else why not
    if who is None:
        return
    if ruleset is None:
        contacts.render_broken_rules(loaded.problems)
        return
    # Only the pages this person's roles allow exist for them: any other URL is not a page here
    # (and each page checks again before it shows anything).
    allowed = [p for p in PAGES if can(who, p[4])]
    if not allowed:
        contacts.contact_banner(ruleset)
        guard.nothing_for(who)
        return
    pages = [st.Page(str(HERE / "ui" / file), title=title, url_path=url, icon=icon, default=i == 0)
             for i, (file, title, url, icon, _) in enumerate(allowed)]
    page = st.navigation(pages, position="top" if len(pages) > 1 else "hidden")
    contacts.contact_banner(ruleset)  # every page, above anything that can fail
    guard.mode_banner(who)
    if st.session_state.pop(FAILED, None):
        contacts.render_failure(ruleset)
    try:
        page.run()
    except Exception:  # never a traceback: a calm message with the numbers (details go to the log)
        log.exception("page %s failed", page.title)
        contacts.render_failure(ruleset)


main()
