"""Small GOV.UK-style pieces shared by the pages: Back, the error summary, progress, answer labels.

Text from the rule file or from a person is never handed to Streamlit as Markdown as it is: bodies
(``st.markdown``, alerts, titles, captions, tooltips) go through :func:`md`, widget labels and
radio options through :func:`label`.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

from screening import RuleSet
from screening.ruleset import ANSWERS
from screening.summary import WORD_JOINER, md
from screening.text import neutral

__all__ = ["ANSWER_OPTIONS", "answer_label", "answer_labels", "back_button", "choose_message",
           "error_summary", "label", "md", "next_button", "progress", "start_at_top"]

#: Answer values (what the engine reads); what the worker sees comes from the rule file.
ANSWER_OPTIONS: tuple[str, ...] = ANSWERS


#: Where Markdown would start a link, image, HTML tag, entity, autolink or Streamlit directive: an
#: invisible word joiner goes at each such place (after ``](``'s ``]``, after ``<`` before a tag, ...).
_LABEL_BREAK = re.compile(
    r"(?<=\])(?=[(\[:])"                          # [text](url), ![alt](src), [text][ref], [ref]: url
    r"|(?<=<)(?=[A-Za-z/!?])"                     # <tag>, </tag>, <!-- -->, <?...>, <http://...>
    r"|(?<=&)(?=#?\w+;)"                          # &lt; &#60;
    r"|(?i:(?<=www)(?=\.\w)|(?<=[a-z])(?=://)|(?<=mailto)(?=:)|(?<=script)(?=:)|(?=@\w))"  # bare links
    r"|(?<=:)(?=[\w-]+\[|material/)"               # Streamlit's :red[...] and :material/icon:
)


def label(text: str) -> str:
    """Text for a widget label or a radio option: shown as written, never a link, image or HTML.

    A label is Markdown to Streamlit, but it is also the field's accessible name as given, so
    backslash escapes (:func:`md`) would be read out by screen readers.  Instead an invisible word
    joiner breaks each piece of syntax that could fetch or link anything; ordinary wording is left
    exactly as it is.  Direction controls are removed and spacing folded to one line.
    """
    return _LABEL_BREAK.sub(WORD_JOINER, " ".join(neutral(text).split()))


def answer_labels(ruleset: RuleSet) -> dict[str, str]:
    labels = ruleset.wording.answer_labels
    return {"yes": labels.yes, "no": labels.no, "unknown": labels.unknown}


def answer_label(ruleset: RuleSet, value: str | None) -> str:
    labels = answer_labels(ruleset)
    return labels.get(value or "", f"Not answered (counts as {labels['unknown']})")


def choose_message(ruleset: RuleSet) -> str:
    """'Select yes, no or don't know', in the rule file's words."""
    labels = answer_labels(ruleset)
    return f"Select {labels['yes'].lower()}, {labels['no'].lower()} or {labels['unknown'].lower()}"


def back_button(on_click: Callable[..., None], args: tuple[Any, ...] = (), label: str = "Back") -> None:
    """The GOV.UK Back link, as a quiet button at the top left."""
    st.button(f"← {label}", key="nav.back", type="tertiary", on_click=on_click, args=args)


def error_summary(items: Sequence[str]) -> None:
    """'There is a problem' at the top of the page, listing what needs an answer."""
    if items:
        lines = "\n".join(f"- {md(i)}" for i in items)
        st.error(f"**There is a problem**\n\n{lines}", icon=":material/error:")


def progress(step: int, total: int) -> None:
    st.caption(f"Step {step} of {total}")


def next_button(on_click: Callable[..., None], args: tuple[Any, ...] = (), label: str = "Next") -> None:
    st.button(label, key="nav.next", type="primary", on_click=on_click, args=args)


_TO_TOP = """<script data-page="%s">
(() => {
  const doc = window.parent === window ? document : window.parent.document;
  const toTop = () => {
  for (const sel of ['[data-testid="stMain"]', '[data-testid="stAppViewContainer"]', 'section.main']) {
    for (const el of doc.querySelectorAll(sel)) { el.scrollTop = 0; }
  }
  window.scrollTo(0, 0);
  const h1 = doc.querySelector('h1');
  if (h1) { h1.setAttribute('tabindex', '-1'); h1.style.outline = 'none'; h1.focus({preventScroll: true}); }
  };
  toTop();
  setTimeout(toTop, 150);  // again once the rest of the page has been drawn
})();
</script>"""


def start_at_top(page_key: str) -> None:
    """Each new step opens at its heading, as a new page would (GOV.UK question pages).

    Streamlit keeps the scroll position between reruns, so after Next at the bottom of a long step
    the next one (or the recommendation) would open half way down.  The element is drawn on every
    run (so the elements after it keep their places) and its text changes only with the page, so
    the browser runs the script once per new page, not on every click.
    """
    st.html(_TO_TOP % html.escape(page_key, quote=True), unsafe_allow_javascript=True)
