"""The phone numbers a worker may need, drawn on every screen, even when everything else fails.

Numbers come from the rule file.  When it cannot be loaded, :func:`screening.rules.salvage.salvage_contacts`
recovers the council's own emergency and Prevent Lead contacts from whatever of the file is readable,
and only if nothing is readable falls back to national numbers: another council's number is never
shown.
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from screening import Problem, RuleSet
from screening.errors import capped_lines
from screening.exports.summary import md
from screening.rules.ruleset import Contact
from screening.rules.salvage import salvage_contacts

from .state import rules_path

NBSP = "\u00a0"


def tel(phone: str) -> str:
    """A clickable phone number (works on council mobiles and softphones).

    The number may be salvaged from a broken rule file, so it is shown escaped and the link holds
    only its digits (and a leading +): it can never become another link.
    """
    # Non-breaking spaces: a number must never wrap across two lines.
    digits = ("+" if phone.strip().startswith("+") else "") + "".join(c for c in phone if c.isdigit())
    return f"[{md(phone).replace(' ', NBSP)}](tel:{digits})"


def key_contacts(ruleset: RuleSet | None) -> tuple[Contact, Contact]:
    """(emergency, Prevent Lead): from the rule set, or salvaged from the broken rule file."""
    if ruleset is not None:
        return ruleset.emergency_contact, ruleset.default_contact
    salvaged = salvage_contacts(rules_path())
    return salvaged.emergency, salvaged.lead


def _contact_line(c: Contact) -> str:
    hours = f" {md(c.hours)}." if c.hours else ""
    return f"**{md(c.name)}**: {tel(c.phone)}  \n{md(c.when_to_use)}{hours}"


def render_sidebar(ruleset: RuleSet | None) -> None:
    """The always-visible contacts (from the rules, or salvaged when they cannot be loaded)."""
    emergency, lead = key_contacts(ruleset)
    with st.sidebar:
        st.error(f"**Emergency: call {tel(emergency.phone)}**  \n{md(emergency.when_to_use)}",
                 icon=":material/emergency:")
        st.info(f"**If in doubt, call the {md(lead.name)}**: {tel(lead.phone)}"
                + (f"  \n{md(lead.hours)}" if lead.hours else ""), icon=":material/call:")
        if ruleset is None:
            return
        others = [c for c in ruleset.document.contacts if c.id not in {emergency.id, lead.id}]
        if others:
            st.markdown("**Other contacts**")
            for c in others:
                st.markdown(_contact_line(c))
        st.caption(md(f"{ruleset.meta.council}: {ruleset.meta.title}, rules version {ruleset.version}"))


#: The banner's container key; its class (``st-key-contact_bar``) is what the style below pins.
BAR_KEY = "contact_bar"

#: Fixed markup only (no rule-file text): pins the banner to the top of the page as it scrolls, so
#: 999 and the Prevent Lead stay in reach on a phone at the foot of a long step.  Streamlit wraps a
#: keyed container in a wrapper of its own height, so the wrapper is what sticks (inside the main
#: area, which is what scrolls); Streamlit's header sits above the page (fixed, 3.75rem), so the bar
#: sticks just under it.  The bar is opaque, keeps the page's text colours (contrast as the page)
#: and is one or two short lines.  Anything scrolled to (the error summary) stops below the bar.  On a
#: screen less than 420 CSS pixels high (400% zoom, a phone on its side) it is not pinned: with the
#: header it would cover half the page (WCAG 1.4.10); the numbers are then at the top and in the menu.
_BAR_STYLE = """<style>
div[data-testid="stLayoutWrapper"]:has(> div.st-key-contact_bar) {
  position: sticky; top: 3.75rem; z-index: 990;
  background-color: #ffffff; border-bottom: 3px solid #d4351c;
  padding: 0.4rem 0; margin: -0.4rem 0 0;
}
div.st-key-contact_bar div[data-testid="stMarkdownContainer"] { margin-bottom: 0 !important; }
div.st-key-contact_bar div[data-testid="stMarkdownContainer"] p {
  margin: 0 !important; font-size: 0.95rem; line-height: 1.4;
}
div.st-key-contact_bar a { font-weight: 700; white-space: nowrap; }
@media (max-height: 420px) {  /* 400% zoom, a phone on its side: pinned, it would hide half the page */
  div[data-testid="stLayoutWrapper"]:has(> div.st-key-contact_bar) { position: static; }
}
div.st-key-error_summary { scroll-margin-top: 9rem; }
div.st-key-error_summary:focus { outline: 3px solid #ffdd00; outline-offset: 2px; }
</style>"""


def contact_banner(ruleset: RuleSet | None) -> None:
    """999 and the Prevent Lead at the top of every page, and kept there while the page scrolls.

    The sidebar folds away on a phone, and a long step scrolls the first line off the screen; the
    bar sticks under Streamlit's header instead.  Its words are Markdown (numbers escaped, links
    holding digits only, see :func:`tel`); only the fixed style is HTML.
    """
    em, lead = key_contacts(ruleset)
    st.html(_BAR_STYLE)
    with st.container(key=BAR_KEY):
        st.markdown(f"In an emergency call **{tel(em.phone)}**. If in doubt, call the {md(lead.name)} on "
                    f"**{tel(lead.phone)}**.")


def render_broken_rules(problems: Sequence[Problem]) -> None:
    """The rule files cannot be used: say so calmly, list the problems, keep the numbers."""
    em, lead = key_contacts(None)
    st.title("The screening questions are not available")
    st.error(f"The rule files could not be loaded, so the screening cannot run. If you have a "
             f"concern now, call the {md(lead.name)} on **{tel(lead.phone)}**, or **{tel(em.phone)}** "
             f"if anyone is in immediate danger.", icon=":material/error:")
    st.markdown("Please tell the policy team who look after the rule files. What is wrong:")
    st.code("\n".join(capped_lines(problems)), language=None, wrap_lines=True)


def render_failure(ruleset: RuleSet | None) -> None:
    """An unexpected error in page code: no traceback, the numbers, and a way to start again."""
    em, lead = key_contacts(ruleset)
    st.error(f"Something went wrong and this page could not be shown. Your answers on this device "
             f"may still be there: try again, or start a new screening. If you have a concern now, "
             f"call the {md(lead.name)} on **{tel(lead.phone)}**, or **{tel(em.phone)}** if anyone is in "
             f"immediate danger.", icon=":material/error:")
