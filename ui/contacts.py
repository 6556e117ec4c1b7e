"""The phone numbers a worker may need, drawn on every screen, even when everything else fails.

Numbers come from the rule file.  The two constants below are used ONLY when the rule file cannot
be loaded at all (a broken edit must never hide 999 or the Prevent Lead's number).
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from screening import Problem, RuleSet
from screening.ruleset import Contact

#: Fallbacks for the failure path only: the seed council's Prevent Lead and the emergency number.
FALLBACK_EMERGENCY_PHONE = "999"
FALLBACK_PREVENT_LEAD_PHONE = "01702 546 366"
FALLBACK_PREVENT_LEAD_NAME = "Prevent Lead or Safeguarding Officer"
NBSP = "\u00a0"


def tel(phone: str) -> str:
    """A clickable phone number (works on council mobiles and softphones)."""
    # Non-breaking spaces: a number must never wrap across two lines.
    return f"[{phone.replace(' ', NBSP)}](tel:{phone.replace(' ', '')})"


def _contact_line(c: Contact) -> str:
    hours = f" {c.hours}." if c.hours else ""
    return f"**{c.name}**: {tel(c.phone)}  \n{c.when_to_use}{hours}"


def render_sidebar(ruleset: RuleSet | None) -> None:
    """The always-visible contacts; with no rule set, the fallback numbers."""
    with st.sidebar:
        if ruleset is None:
            _render_fallback()
            return
        emergency, lead = ruleset.emergency_contact, ruleset.default_contact
        st.error(f"**Emergency: call {tel(emergency.phone)}**  \n{emergency.when_to_use}",
                 icon=":material/emergency:")
        st.info(f"**If in doubt, call the {lead.name}**: {tel(lead.phone)}"
                + (f"  \n{lead.hours}" if lead.hours else ""), icon=":material/call:")
        others = [c for c in ruleset.document.contacts if c.id not in {emergency.id, lead.id}]
        if others:
            st.markdown("**Other contacts**")
            for c in others:
                st.markdown(_contact_line(c))
        st.caption(f"{ruleset.meta.council}: {ruleset.meta.title}, rules version {ruleset.version}")


def _render_fallback() -> None:
    st.error(f"**Emergency: call {tel(FALLBACK_EMERGENCY_PHONE)}**", icon=":material/emergency:")
    st.info(f"**If in doubt, call the {FALLBACK_PREVENT_LEAD_NAME}**: {tel(FALLBACK_PREVENT_LEAD_PHONE)}",
            icon=":material/call:")


def contact_banner(ruleset: RuleSet | None) -> None:
    """One line at the top of the page (the sidebar folds away on a phone)."""
    if ruleset is None:
        em, lead_name, lead_phone = (FALLBACK_EMERGENCY_PHONE, FALLBACK_PREVENT_LEAD_NAME,
                                     FALLBACK_PREVENT_LEAD_PHONE)
    else:
        em = ruleset.emergency_contact.phone
        lead_name, lead_phone = ruleset.default_contact.name, ruleset.default_contact.phone
    st.markdown(f"In an emergency call **{tel(em)}**. If in doubt, call the {lead_name} on "
                f"**{tel(lead_phone)}**.")


def render_broken_rules(problems: Sequence[Problem]) -> None:
    """The rule files cannot be used: say so calmly, list the problems, keep the numbers."""
    st.title("The screening questions are not available")
    st.error(f"The rule files could not be loaded, so the screening cannot run. If you have a "
             f"concern now, call the {FALLBACK_PREVENT_LEAD_NAME} on "
             f"**{tel(FALLBACK_PREVENT_LEAD_PHONE)}**, or **{tel(FALLBACK_EMERGENCY_PHONE)}** "
             f"if anyone is in immediate danger.", icon=":material/error:")
    st.markdown("Please tell the policy team who look after the rule files. What is wrong:")
    st.code("\n".join(p.format() for p in problems), language=None, wrap_lines=True)


def render_failure(ruleset: RuleSet | None) -> None:
    """An unexpected error in page code: no traceback, the numbers, and a way to start again."""
    if ruleset is None:
        em, lead_name, lead_phone = (FALLBACK_EMERGENCY_PHONE, FALLBACK_PREVENT_LEAD_NAME,
                                     FALLBACK_PREVENT_LEAD_PHONE)
    else:
        em = ruleset.emergency_contact.phone
        lead_name, lead_phone = ruleset.default_contact.name, ruleset.default_contact.phone
    st.error(f"Something went wrong and this page could not be shown. Your answers on this device "
             f"may still be there: try again, or start a new screening. If you have a concern now, "
             f"call the {lead_name} on **{tel(lead_phone)}**, or **{tel(em)}** if anyone is in "
             f"immediate danger.", icon=":material/error:")
