"""Small GOV.UK-style pieces shared by the pages: Back, the error summary, progress, answer labels.

Text from the rule file or from a person is never handed to Streamlit as Markdown as it is: bodies
(``st.markdown``, alerts, titles, captions, tooltips) go through :func:`md`, widget labels and
radio options through :func:`label`.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

from screening import RuleSet
from screening.errors import Problem, capped
from screening.exports.summary import WORD_JOINER, md
from screening.rules.ruleset import ANSWERS
from screening.text import neutral

__all__ = ["ANSWER_OPTIONS", "ErrorItem", "anchor", "answer_label", "answer_labels", "back_button",
           "choose_message", "error_summary", "label", "md", "next_button", "progress", "start_at_top"]

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


#: An error summary item: its message, and the key of the widget it is about (its link), if any.
ErrorItem = str | tuple[str, str]

#: The summary's own container key: the focus script finds it by its class (``st-key-error_summary``).
SUMMARY_KEY = "error_summary"
#: Counts Next presses, so the focus moves to the summary after every press that finds problems,
#: not only the first (the browser runs the script again only when its text changes).
SUBMISSIONS = "ui.submissions"


def anchor(key: str) -> str:
    """The class Streamlit gives a keyed widget's container (``st-key-`` and the key, every character
    other than a letter, digit, '_' or '-' made '-'), also used as the id the summary links to."""
    return "st-key-" + re.sub(r"[^a-zA-Z0-9_-]", "-", key.strip())


def error_summary(items: Sequence[ErrorItem]) -> None:
    """GOV.UK's error summary: 'There is a problem' at the top, each item a link to its field.

    Focus moves to the summary when it appears (a screen reader reads it out, a keyboard user is
    at it), and a link moves focus to the field.  Nothing is drawn once every problem is fixed:
    callers build ``items`` from the state as it is now, not from the last press of Next.
    """
    if not items:
        return
    lines = []
    for item in items:
        text, key = (item, None) if isinstance(item, str) else item
        lines.append(f"- [{md(text)}](#{anchor(key)})" if key else f"- {md(text)}")
    with st.container(key=SUMMARY_KEY):
        st.error("**There is a problem**\n\n" + "\n".join(lines), icon=":material/error:")
    signature = f"{st.session_state.get(SUBMISSIONS, 0)}:{len(items)}:{hash(tuple(map(str, items)))}"
    st.html(_FOCUS_SUMMARY % html.escape(signature, quote=True), unsafe_allow_javascript=True)


_FOCUS_SUMMARY = """<script data-summary="%s">
(() => {
  const doc = window.parent === window ? document : window.parent.document;
  const focusable = 'input:not([type=hidden]), textarea, select, button, [tabindex]:not([tabindex="-1"])';
  const wire = (tries) => {
    const box = doc.querySelector('.st-key-error_summary');
    if (!box) { if (tries > 0) setTimeout(() => wire(tries - 1), 100); return; }
    box.setAttribute('tabindex', '-1');
    box.setAttribute('role', 'alert');
    for (const a of box.querySelectorAll('a[href^="#st-key-"]')) {
      const name = a.getAttribute('href').slice(1);
      const target = doc.querySelector('.' + CSS.escape(name));
      if (target && !target.id) { target.id = name; }
      if (a.dataset.wired) { continue; }
      a.dataset.wired = '1';
      a.addEventListener('click', (event) => {
        const field = doc.querySelector('.' + CSS.escape(name));
        if (!field) { return; }
        event.preventDefault();
        field.scrollIntoView({block: 'center'});
        const input = field.querySelector('input[type=radio]:checked') || field.querySelector(focusable);
        (input || field).focus({preventScroll: true});
      });
    }
    box.scrollIntoView({block: 'start'});
    box.focus({preventScroll: true});
  };
  setTimeout(() => wire(20), 50);
})();
</script>"""


def progress(step: int, total: int) -> None:
    st.caption(f"Step {step} of {total}")


def next_button(on_click: Callable[..., None], args: tuple[Any, ...] = (), label: str = "Next") -> None:
    """The page's main button; each press is counted, so a new error summary takes the focus."""
    st.button(label, key="nav.next", type="primary", on_click=_counted, args=(on_click, *args))


def _counted(on_click: Callable[..., None], *args: Any) -> None:
    st.session_state[SUBMISSIONS] = int(st.session_state.get(SUBMISSIONS, 0)) + 1
    on_click(*args)


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
  const win = window.parent === window ? window : window.parent;
  if (!win.__screeningTitle) {  // once per browser tab: the title follows the page from then on
    win.__screeningTitle = true;
    const title = () => {
      const h1 = doc.querySelector('[data-testid="stMain"] h1');
      const error = doc.querySelector('.st-key-error_summary');
      const want = (error ? 'Error: ' : '') + (h1 ? h1.textContent.trim() + ' – ' : '') + %s;
      if (doc.title !== want) { doc.title = want; }
    };
    const watch = {childList: true, subtree: true, characterData: true};
    new MutationObserver(title).observe(doc.body, watch);
    new MutationObserver(title).observe(doc.head, watch);
    title();
  }
})();
</script>"""

#: The browser tab's title after the step's heading (and "Error: " while the error summary shows),
#: as GOV.UK pages do: a screen reader user hears which step they are on (WCAG 2.4.2).
SERVICE_NAME = "Prevent concern screening"


def start_at_top(page_key: str) -> None:
    """Each new step opens at its heading, as a new page would (GOV.UK question pages).

    Streamlit keeps the scroll position between reruns, so after Next at the bottom of a long step
    the next one (or the recommendation) would open half way down.  The element is drawn on every
    run (so the elements after it keep their places) and its text changes only with the page, so
    the browser runs the script once per new page, not on every click.  The first run also makes
    the browser tab's title follow the page: "Error: " while the error summary is shown, then the
    step's heading, then the service's name.
    """
    st.html(_TO_TOP % (html.escape(page_key, quote=True), json.dumps(SERVICE_NAME)),
            unsafe_allow_javascript=True)


def first_upper(text: str) -> str:
    """Capitalise a sentence without lowering the rest (setting names such as SCREENING_REGISTER)."""
    return text[:1].upper() + text[1:]


def show_problems(problems: tuple[Problem, ...]) -> None:
    shown, more = capped(problems)  # at most ten boxes, then one line saying how many more
    for p in shown:
        st.error(f"**{md(p.code)}**: {md(p.message)}.\n\n{md(first_upper(p.fix))}.",
                 icon=":material/block:")
    if more:
        st.caption(more)
