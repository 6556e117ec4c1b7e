"""Small GOV.UK-style pieces shared by the pages: Back, the error summary, progress, answer labels."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

#: Answer values (what the engine reads) and what the worker sees.
ANSWER_OPTIONS: tuple[str, ...] = ("yes", "no", "unknown")
ANSWER_LABELS: dict[str, str] = {"yes": "Yes", "no": "No", "unknown": "Don't know"}
NOT_ANSWERED = "Not answered (counts as don't know)"


def answer_label(value: str | None) -> str:
    return ANSWER_LABELS.get(value or "", NOT_ANSWERED)


def back_button(on_click: Callable[..., None], args: tuple[Any, ...] = (), label: str = "Back") -> None:
    """The GOV.UK Back link, as a quiet button at the top left."""
    st.button(f"← {label}", key="nav.back", type="tertiary", on_click=on_click, args=args)


def error_summary(items: Sequence[str]) -> None:
    """'There is a problem' at the top of the page, listing what needs an answer."""
    if items:
        lines = "\n".join(f"- {i}" for i in items)
        st.error(f"**There is a problem**\n\n{lines}", icon=":material/error:")


def progress(step: int, total: int) -> None:
    st.caption(f"Step {step} of {total}")


def next_button(on_click: Callable[..., None], args: tuple[Any, ...] = (), label: str = "Next") -> None:
    st.button(label, key="nav.next", type="primary", on_click=on_click, args=args)
