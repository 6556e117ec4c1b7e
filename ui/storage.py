"""The store as the app uses it: one per process (its engine is thread-safe), and who is acting.

In local mode (the default of ``make run``) there is no sign-in and one local user holds every role;
the sign-in issue replaces :func:`actor` with the signed-in identity.  When the store cannot be
opened, pages say so with the catalogue's message and the worker's answers stay on screen.
"""

from __future__ import annotations

import streamlit as st

from screening import Problem
from screening.store import Store, StoreError, default_url

LOCAL_USER = "local user"


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
    """Who is acting, for the audit trail."""
    return LOCAL_USER
