"""The worker's account of what they noticed, and the 'Check your answers' page."""

from __future__ import annotations

import streamlit as st

from screening import RuleSet
from screening import summary as summ
from screening.record import AGE_BANDS

from . import nav
from .state import Journey, plan
from .widgets import answer_label, back_button, error_summary, next_button, progress

#: (field, label, hint, multi-line) for the free-text questions, in the order asked.
TEXT_FIELDS: tuple[tuple[str, str, str, bool], ...] = (
    ("noticed_what", "What did you notice?",
     "What the person said or did, in their words where you can. Facts, not opinions.", True),
    ("noticed_when", "When did you notice it?", "A date or a rough time, for example 'last Tuesday'.", False),
    ("how_known", "How do you know?",
     "Did you see or hear it yourself, or were you told? If told, by whom (their role, not their name)?",
     True),
    ("other_agencies", "Are any other agencies involved?",
     "For example children's services, a GP, probation or a school. Leave blank if none or not known.",
     True),
    ("alternative_explanations", "What else might explain what you noticed?",
     "For example a mental-health need, a bereavement, a misunderstanding, or something said in anger.",
     True),
)
ROLE_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("screener_role", "Your role", "For example housing officer or youth worker."),
    ("screener_team", "Your team", "For example Housing Options."),
)
LABELS: dict[str, str] = {f: label for f, label, *_ in TEXT_FIELDS} | {
    f: label for f, label, _ in ROLE_FIELDS} | {"age_band": "The person's age"}
AGE_PLACEHOLDER = "Choose an age band"


def account_page(ruleset: RuleSet, j: Journey) -> None:
    """Free text with a clear warning: no names or identifying details of the person."""
    back_button(nav.back, (ruleset,))
    error_summary([nav.REQUIRED_ACCOUNT[m] for m in j.missing if m in nav.REQUIRED_ACCOUNT])
    progress(j.step + 1, len(plan(ruleset)))
    st.title("What happened")
    st.warning("**Do not enter the person's name, address, date of birth or anything else that "
               "identifies them**, or anyone else. Describe what was said or done. The Prevent Lead "
               "will ask for details if they need them.", icon=":material/privacy_tip:")
    for name, label, hint, multi in TEXT_FIELDS:
        value = j.account.get(name, "")
        if name in j.missing:
            st.markdown(f":red[**{nav.REQUIRED_ACCOUNT[name]}**]")
        if multi:
            st.text_area(label, value=value, help=None, placeholder=hint, key=nav.account_key(name),
                         on_change=nav.sync_account, height=100)
        else:
            st.text_input(label, value=value, placeholder=hint, key=nav.account_key(name),
                          on_change=nav.sync_account)
    st.header("About the person and you")
    band = j.account.get("age_band")
    st.selectbox(LABELS["age_band"], AGE_BANDS, index=AGE_BANDS.index(band) if band in AGE_BANDS else None,
                 placeholder=AGE_PLACEHOLDER, key=nav.account_key("age_band"), on_change=nav.sync_account)
    cols = st.columns(2)
    for col, (name, label, hint) in zip(cols, ROLE_FIELDS, strict=True):
        col.text_input(label, value=j.account.get(name, ""), placeholder=hint, key=nav.account_key(name),
                       on_change=nav.sync_account)
    next_button(nav.next_account, (ruleset,), "Continue to check your answers" if j.returning else "Next")


def check_page(ruleset: RuleSet, j: Journey) -> None:
    """Every answer by factor, each with Change; the account; then on to the recommendation."""
    steps = plan(ruleset)
    back_button(nav.back, (ruleset,))
    progress(j.step + 1, len(steps))
    st.title("Check your answers")
    st.markdown("Read your answers through. Use **Change** to correct anything before you see the "
                "recommendation.")
    for index, step in enumerate(steps):
        if step.factor is None:
            continue
        with st.container(border=True):
            head, button = st.columns([5, 1], vertical_alignment="center")
            head.header(step.factor.title)
            button.button("Change", key=f"change.{step.factor.id}", on_click=nav.change, args=(index,),
                          help=f"Change your answers to: {step.factor.title}")
            st.markdown("\n".join(
                f"- {ind.question} **{answer_label(j.answers.get(ind.id))}**"
                for ind in step.factor.indicators))
    with st.container(border=True):
        head, button = st.columns([5, 1], vertical_alignment="center")
        head.header("What happened")
        button.button("Change", key="change.account", on_click=nav.change, args=(len(steps) - 2,),
                      help="Change what you told us about what happened")
        rows = [(label, j.account.get(name, "").strip()) for name, label, *_ in TEXT_FIELDS]
        rows += [(LABELS["age_band"], j.account.get("age_band") or "not known")]
        rows += [(label, j.account.get(name, "").strip()) for name, label, _ in ROLE_FIELDS]
        for label, value in rows:
            st.markdown(f"**{label}**  \n{summ.md(value) if value else '*Not given*'}")
    next_button(nav.show_result, (), "See the recommendation")
