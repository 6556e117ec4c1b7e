"""The worker's account of what they noticed, and the 'Check your answers' page."""

from __future__ import annotations

from typing import Any

import streamlit as st

from screening import RuleSet, personal_data
from screening.errors import problem
from screening.personal_data import Finding
from screening.rules.ruleset import AccountField
from screening.text import limit, neutral, too_long
from screening.words import join_words

from . import nav
from .state import Journey, journey, plan
from .widgets import ErrorItem, answer_label, back_button, error_summary, label, md, next_button, progress


def length_messages(ruleset: RuleSet, account: dict[str, str]) -> dict[str, str]:
    """AN004 for each box that is full: a paste longer than the box was cut off at its limit.

    The boxes stop at their limit (``max_chars``, from :data:`screening.text.LIMITS`; Streamlit
    also cuts a longer value a client sends, and the record refuses one), so a worker who pasted
    more must be told, in the catalogue's words.
    """
    acc = ruleset.wording.account
    out: dict[str, str] = {}
    for f in (*acc.fields, *acc.screener_fields):
        found = too_long(f.id, account.get(f.id, ""), f.label, at_limit=True)
        if found is not None:
            out[f.id] = f"{found.message}; {found.fix}"
    return out


def account_page(ruleset: RuleSet, j: Journey) -> None:
    """Free text with a clear warning: no names or identifying details of the person.

    Likely personal details are pointed out under their box as soon as they are typed, each with a
    button that replaces it and one that says it is not personal data; Next goes on only when each
    has been dealt with.  The error summary is worked out from the boxes as they are now, so it
    clears as soon as the last problem is fixed.
    """
    acc = ruleset.wording.account
    required = nav.required_account(ruleset)
    lengths = length_messages(ruleset, j.account)
    unanswered = [m for m in j.missing if m in required and not j.account.get(m, "").strip()]
    findings = outstanding(ruleset, j)
    items: list[ErrorItem] = [(message, nav.account_key(f)) for f, message in lengths.items()]
    items += [(required[m], nav.account_key(m)) for m in unanswered]
    if st.session_state.get(_blocked_key()):
        items += [(personal_data_message(ruleset, f, found, fix=False), _box_key(f))
                  for f, found in findings.items()]
    back_button(nav.back, (ruleset,))
    error_summary(items)
    progress(j.step + 1, len(plan(ruleset)))
    st.title(md(acc.title))
    st.warning(f"**{md(acc.warning)}**", icon=":material/privacy_tip:")
    for f in acc.fields:
        if f.id in lengths:
            st.markdown(f":red[**{md(lengths[f.id])}**]")
        elif f.id in unanswered:
            st.markdown(f":red[**{md(f.required_message)}**]")
        _text_field(st, f, j)
        _personal_data_warning(ruleset, f, j, findings.get(f.id, ()))
    st.header("About the person and you")
    bands = [b.label for b in acc.age.bands]
    band = j.account.get("age_band")
    st.selectbox(label(acc.age.label), bands, index=bands.index(band) if band in bands else None,
                 placeholder=neutral(acc.age.placeholder), key=nav.account_key("age_band"),
                 format_func=neutral, on_change=nav.sync_account)
    if acc.screener_fields:
        for col, f in zip(st.columns(len(acc.screener_fields)), acc.screener_fields, strict=True):
            if f.id in lengths:
                col.markdown(f":red[**{md(lengths[f.id])}**]")
            _text_field(col, f, j)
        for f in acc.screener_fields:  # full width under the row: the columns are narrow on a phone
            _personal_data_warning(ruleset, f, j, findings.get(f.id, ()))
    next_button(next_account, (ruleset,), "Continue to check your answers" if j.returning else "Next")


# --- personal details typed anyway -------------------------------------------------------------------
def _dismissed_key() -> str:
    return f"personal_data.{journey().nonce}.dismissed"


def _blocked_key() -> str:
    return f"personal_data.{journey().nonce}.blocked"


def _box_key(field_id: str) -> str:
    """The container of one box's findings (the error summary links to it)."""
    return f"personal_data.{journey().nonce}.{field_id}"


def _dismissed() -> set[tuple[str, str, str]]:
    """(field, kind, text) the worker said are not personal data, for this screening."""
    found = st.session_state.get(_dismissed_key())
    if not isinstance(found, set):
        found = set()
        st.session_state[_dismissed_key()] = found
    return found


def known_numbers(ruleset: RuleSet) -> tuple[str, ...]:
    """The rule set's own contacts: the Prevent Lead's number in a note is not personal data."""
    return tuple(c.phone for c in ruleset.document.contacts)


def _find(field_id: str, text: str, known: tuple[str, ...]) -> tuple[Finding, ...]:
    """Findings for one box's text, worked out again only when the text changes (every rerun draws
    every box).  Kept in this session's state, never in a cache shared by sessions: what a worker
    typed must not outlive their session in the server's memory."""
    cache = st.session_state.setdefault(f"personal_data.{journey().nonce}.found", {})
    hit = cache.get(field_id)
    if hit is None or hit[0] != (text, known):
        hit = ((text, known), personal_data.find(text, known))
        cache[field_id] = hit
    found: tuple[Finding, ...] = hit[1]
    return found


def outstanding(ruleset: RuleSet, j: Journey) -> dict[str, tuple[Finding, ...]]:
    """Each box's likely personal details that the worker has neither removed nor confirmed."""
    acc = ruleset.wording.account
    known = known_numbers(ruleset)
    dismissed = _dismissed()
    out: dict[str, tuple[Finding, ...]] = {}
    for f in (*acc.fields, *acc.screener_fields):
        left = tuple(x for x in _find(f.id, j.account.get(f.id, ""), known)
                     if (f.id, x.kind, x.text) not in dismissed)
        if left:
            out[f.id] = left
    return out


def personal_data_message(ruleset: RuleSet, field_id: str, found: tuple[Finding, ...],
                          fix: bool = True) -> str:
    """AN005 in words: which box, and what it may contain (and, under the box, what to do)."""
    acc = ruleset.wording.account
    shown = next((f.label for f in (*acc.fields, *acc.screener_fields) if f.id == field_id), field_id)
    kinds = join_words(dict.fromkeys(x.label for x in found))
    p = problem("AN005", field=shown, what=kinds)
    return f"{p.message}; {p.fix}" if fix else p.message


def _marked(value: str, finding: Finding) -> str:
    """The finding in its sentence, every character of the text escaped, the finding highlighted.

    Only the ``<mark>`` around it is HTML: the text on either side and inside goes through
    :func:`md`, which escapes ``<`` and ``&`` as well as Markdown, so nothing typed becomes markup.
    """
    before, span, after = personal_data.excerpt(value, finding)
    left = md(before) + (" " if before[-1:].isspace() else "")
    right = (" " if after[:1].isspace() else "") + md(after)
    return f"{left}<mark>{md(span)}</mark>{right}"


def _personal_data_warning(ruleset: RuleSet, f: AccountField, j: Journey, found: tuple[Finding, ...]) -> None:
    """Under a box: what may be personal data, highlighted, with Replace and 'not personal data'."""
    if not found:
        return
    value = j.account.get(f.id, "")
    with st.container(key=_box_key(f.id)):
        st.warning(md(personal_data_message(ruleset, f.id, found)), icon=":material/person_search:")
        for n, x in enumerate(found):
            with st.container(border=True):
                st.markdown(f"**Possible {md(x.noun)}:** {_marked(value, x)}",
                            unsafe_allow_html=True)
                replace, keep = st.columns(2)
                replace.button(label(f"Replace with {x.suggestion}"), key=f"{_box_key(f.id)}.{n}.remove",
                               on_click=remove_finding, args=(f.id, x))
                keep.button("This is not personal data", key=f"{_box_key(f.id)}.{n}.keep",
                            on_click=keep_finding, args=(f.id, x))


@nav.guarded
def remove_finding(field_id: str, finding: Finding) -> None:
    """Replace the finding in the box (and the journey) with e.g. '[name removed]'."""
    nav.sync_account()
    j = journey()
    value = personal_data.remove(j.account.get(field_id, ""), finding)
    j.account[field_id] = value
    st.session_state[nav.account_key(field_id)] = value  # the box shows the new text


@nav.guarded
def keep_finding(field_id: str, finding: Finding) -> None:
    """The worker says it is not personal data: not asked about again in this screening."""
    _dismissed().add((field_id, finding.kind, finding.text))


@nav.guarded
def next_account(ruleset: RuleSet) -> None:
    """Next: likely personal details must be replaced or confirmed first (then the usual checks)."""
    nav.sync_account()
    j = journey()
    if outstanding(ruleset, j):
        st.session_state[_blocked_key()] = True
        j.missing = tuple(k for k in nav.required_account(ruleset) if not j.account.get(k, "").strip())
        return
    st.session_state[_blocked_key()] = False
    nav.next_account(ruleset)


def _text_field(where: Any, f: AccountField, j: Journey) -> None:
    """One box, stopped at its limit; the rule file's label and hint shown as plain text."""
    key = nav.account_key(f.id)
    common: dict[str, Any] = {"placeholder": neutral(f.hint), "key": key, "on_change": nav.sync_account,
                              "max_chars": limit(f.id)}
    if key not in st.session_state:  # drawn again after another page: start from the journey
        common["value"] = j.account.get(f.id, "")
    if f.multiline:
        where.text_area(label(f.label), height=100, **common)
    else:
        where.text_input(label(f.label), **common)


def age_mismatch(ruleset: RuleSet, j: Journey) -> str | None:
    """The age band and the under-18 question disagree (a child would miss their safeguarding step)."""
    age = ruleset.wording.account.age
    band = ruleset.age_band(j.account.get("age_band") or "")
    if age.child_question is None or band is None or band.child is None:
        return None
    answer = j.answers.get(age.child_question, "unknown")
    if (answer == "yes") == band.child:
        return None
    question = ruleset.indicator(age.child_question).question
    return age.mismatch.format(band=band.label, answer=answer_label(ruleset, answer), question=question)


def check_page(ruleset: RuleSet, j: Journey) -> None:
    """Every answer by factor, each with Change; the account; then on to the recommendation."""
    steps = plan(ruleset)
    acc = ruleset.wording.account
    back_button(nav.back, (ruleset,))
    progress(j.step + 1, len(steps))
    st.title("Check your answers")
    st.markdown("Read your answers through. Use **Change** to correct anything before you see the "
                "recommendation.")
    mismatch = age_mismatch(ruleset, j)
    if mismatch:
        st.warning(md(mismatch), icon=":material/warning:")
    for index, step in enumerate(steps):
        if step.factor is None:
            continue
        with st.container(border=True):
            head, button = st.columns([5, 1], vertical_alignment="center")
            head.header(md(step.factor.title))
            button.button("Change", key=f"change.{step.factor.id}", on_click=nav.change, args=(index,),
                          help=md(f"Change your answers to: {step.factor.title}"))
            st.markdown("\n".join(
                f"- {md(ind.question)} **{md(answer_label(ruleset, j.answers.get(ind.id)))}**"
                for ind in step.factor.indicators))
    with st.container(border=True):
        head, button = st.columns([5, 1], vertical_alignment="center")
        head.header(md(acc.title))
        button.button("Change", key="change.account", on_click=nav.change, args=(len(steps) - 2,),
                      help="Change what you told us about what happened")
        rows = [(f.label, j.account.get(f.id, "").strip()) for f in acc.fields]
        rows += [(acc.age.label, j.account.get("age_band") or acc.age.bands[-1].label)]
        rows += [(f.label, j.account.get(f.id, "").strip()) for f in acc.screener_fields]
        for name, value in rows:
            st.markdown(f"**{md(name)}**  \n{md(value) if value else '*Not given*'}")
    next_button(nav.show_result, (), "See the recommendation")
