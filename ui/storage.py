"""The store as the app uses it: one per process (its engine is thread-safe), and who is acting.

Who is acting comes from the guard (ui/access.py): the signed-in email in council mode, "local user"
in local mode (no sign-in, one user with every role), so every audit record names a person.  When
the store cannot be opened, pages say so with the catalogue's message and the worker's answers stay
on screen.
"""

from __future__ import annotations

import streamlit as st

from screening import Problem
from screening.access import LOCAL_USER, handover_team
from screening.store import Store, StoreError, default_url
from ui import access as guard

__all__ = ["LOCAL_USER", "NotSignedIn", "actor", "get_store", "team_for"]


class NotSignedIn(RuntimeError):
    """Something tried to act for nobody: the page guard should have stopped it (app.py shows a failure)."""


@st.cache_resource(show_spinner=False)
def _store(url: str) -> Store:
    return Store(url)


def get_store() -> tuple[Store | None, tuple[Problem, ...]]:
    """The store, or the problems that stop it being opened (never an exception)."""
    try:
        return _store(default_url()), ()
    except StoreError as e:
        return None, e.problems


def actor() -> str:
    """Who is acting, for the audit trail: the signed-in email, or "local user" in local mode."""
    who = guard.current()
    if who is None:
        raise NotSignedIn("no signed-in person may act here")
    return who.email


def team_for(typed: str) -> str:
    """The team a screening is handed over to: the worker's own from the roles file (council mode)."""
    who = guard.current()
    if who is None:
        raise NotSignedIn("no signed-in person may act here")
    return handover_team(who, typed)
