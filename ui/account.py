"""The worker's account of what they noticed, and the 'Check your answers' page."""

from __future__ import annotations

from typing import Any

import streamlit as st

from screening import RuleSet
from screening.ruleset import AccountField
from screening.text import limit, neutral, too_long

from . import nav
from .state import Journey, plan
from .widgets import answer_label, back_button, error_summary, label, md, next_button, progress


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
    """Free text with a clear warning: no names or identifying details of the person."""
    acc = ruleset.wording.account
    required = nav.required_account(ruleset)
    lengths = length_messages(ruleset, j.account)
    back_button(nav.back, (ruleset,))
    error_summary([*lengths.values(), *[required[m] for m in j.missing if m in required]])
    progress(j.step + 1, len(plan(ruleset)))
    st.title(md(acc.title))
    st.warning(f"**{md(acc.warning)}**", icon=":material/privacy_tip:")
    for f in acc.fields:
        if f.id in lengths:
            st.markdown(f":red[**{md(lengths[f.id])}**]")
        elif f.id in j.missing and f.id in required:
            st.markdown(f":red[**{md(f.required_message)}**]")
        _text_field(st, f, j)
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
    next_button(nav.next_account, (ruleset,), "Continue to check your answers" if j.returning else "Next")


def _text_field(where: Any, f: AccountField, j: Journey) -> None:
    """One box, stopped at its limit; the rule file's label and hint shown as plain text."""
    value = j.account.get(f.id, "")
    common = {"value": value, "placeholder": neutral(f.hint), "key": nav.account_key(f.id),
              "on_change": nav.sync_account, "max_chars": limit(f.id)}
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
