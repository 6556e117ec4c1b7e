"""A question page (one factor) and the emergency screen, drawn entirely from the rule set."""

from __future__ import annotations

import streamlit as st

from screening import RuleSet, evaluate
from screening.rules.ruleset import Factor, Kind

from . import nav
from .contacts import tel
from .state import Journey, plan
from .widgets import (
    ANSWER_OPTIONS,
    answer_labels,
    back_button,
    choose_message,
    error_summary,
    label,
    md,
    next_button,
    progress,
)


def factor_page(ruleset: RuleSet, j: Journey, factor: Factor) -> None:
    """The factor's title is the page heading; each indicator is a Yes / No / Don't know question."""
    total = len(plan(ruleset))
    if j.step > 0 or j.returning:
        back_button(nav.back, (ruleset,))
    missing = [i for i in factor.indicators if i.id in j.missing]
    choose = choose_message(ruleset)
    labels = answer_labels(ruleset)
    error_summary([(f"{choose}: {i.question}", nav.answer_key(i.id)) for i in missing])
    progress(j.step + 1, total)
    st.title(md(factor.title))
    st.markdown(md(factor.intro))
    for ind in factor.indicators:
        with st.container(border=True):
            if ind.id in j.missing:
                st.markdown(f":red[**{md(choose)}**]")
            if ind.id in j.retracted:  # cleared by "Back (I answered by mistake)" on the 999 screen
                st.info(f"Your answer {md(labels['yes'])} was cleared because you said it was a "
                        "mistake. Choose the answer that is right.", icon=":material/undo:")
            current = j.answers.get(ind.id)
            # Bold question, no heading anchor; the radio keeps it as its accessible name.
            st.markdown(f"**{md(ind.question)}**")
            st.radio(
                label(ind.question), ANSWER_OPTIONS, label_visibility="collapsed",
                index=ANSWER_OPTIONS.index(current) if current in ANSWER_OPTIONS else None,
                format_func=lambda value: label(labels[value]), horizontal=True,
                key=nav.answer_key(ind.id), on_change=nav.on_answer, args=(ruleset, ind.id),
            )
            if factor.kind is Kind.GATE and j.answers.get(ind.id) == "unknown":
                st.error(urgent_markdown(ruleset), icon=":material/emergency:")
            with st.expander("What this means"):
                st.markdown(f"{md(ind.definition)}\n\n*For example:* {md(ind.example)}")
                if ind.help:
                    st.info(md(ind.help))
    next_button(nav.next_factor, (ruleset,), "Continue to check your answers" if j.returning else "Next")


def urgent_markdown(ruleset: RuleSet, lead: str = "", questions: tuple[str, ...] = ()) -> str:
    """The urgent panel: a danger question answered Don't know; 999 if it cannot be ruled out, else
    the Prevent Lead now.  Wording from the rule file (``journey.urgent``), numbers from its contacts.

    On a question page it sits under the question just answered; the result page also gives a
    ``lead`` and lists ``questions`` (every danger question still answered Don't know).
    """
    w = ruleset.wording.urgent
    steps = ((w.cannot_rule_out, ruleset.emergency_contact), (w.otherwise, ruleset.default_contact))
    listed = "".join(f"- {md(q)}\n" for q in questions)
    asked = f"{md(lead)}\n\n{listed}\n" if questions else ""
    todo = "\n".join(f"{n}. **{md(text)}** {md(c.name)}: **{tel(c.phone)}**"
                     for n, (text, c) in enumerate(steps, 1))
    return f"**{md(w.title)}**\n\n{md(w.intro)}\n\n{asked}{todo}"


def emergency_page(ruleset: RuleSet, j: Journey) -> None:
    """A danger answer: the emergency outcome's own words, 999 first, then the Prevent Lead."""
    outcome = ruleset.outcome(evaluate(ruleset, nav.valid_answers(ruleset, j.answers)).outcome)
    contact = ruleset.contact(outcome.contact)
    lead = ruleset.default_contact
    back_button(nav.back, (ruleset,), "Back (I answered by mistake)")  # clears that answer
    st.title(md(outcome.title))
    st.error(f"## Call {tel(contact.phone)}\n\n{md(outcome.summary)}", icon=":material/emergency:")
    st.markdown("\n".join(f"{n}. {md(step)}" for n, step in enumerate(outcome.what_to_do, 1)))
    st.markdown(f"Then tell the **{md(lead.name)}**: {tel(lead.phone)}" + (f" ({md(lead.hours)})"
                                                                            if lead.hours else ""))
    st.divider()
    st.markdown("When you and others are safe, you can record what happened for the Prevent Lead.")
    st.button("I am safe: record this screening", key="nav.record", on_click=nav.record_after_emergency,
              args=(ruleset,))
