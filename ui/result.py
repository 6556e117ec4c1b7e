"""The result page: the recommendation first, then the summary read together, then the worker's say.

Every sentence comes from the rule set or from :mod:`screening.summary`; this page only lays it out.
"""

from __future__ import annotations

import streamlit as st

from screening import Assessment, RuleSet, evaluate
from screening import summary as summ
from screening.record import ScreeningRecord
from screening.ruleset import Category

from . import nav
from .contacts import tel
from .state import Journey
from .widgets import back_button, error_summary

#: How loud each kind of outcome is on screen (category comes from the YAML).
_BOX = {Category.EMERGENCY: st.error, Category.PREVENT: st.warning, Category.SUPPORT: st.info,
        Category.NONE: st.success}
_ICON = {Category.EMERGENCY: ":material/emergency:", Category.PREVENT: ":material/call:",
         Category.SUPPORT: ":material/support:", Category.NONE: ":material/check_circle:"}


def record_of(ruleset: RuleSet, j: Journey) -> ScreeningRecord:
    """The worker's data as the exports and the review page hold it."""
    acc = j.account
    return ScreeningRecord.model_validate({
        "started_at": j.started_at, "completed_at": j.completed_at,
        "screener_role": acc.get("screener_role", "").strip(),
        "screener_team": acc.get("screener_team", "").strip(),
        "age_band": acc.get("age_band") or "not known",
        "answers": nav.valid_answers(ruleset, j.answers),
        "noticed_what": acc.get("noticed_what", "").strip(),
        "noticed_when": acc.get("noticed_when", "").strip(),
        "how_known": acc.get("how_known", "").strip(),
        "other_agencies": acc.get("other_agencies", "").strip(),
        "alternative_explanations": acc.get("alternative_explanations", "").strip(),
        "departure": j.departure,
    })


def _bullets(lines: tuple[str, ...] | list[str]) -> str:
    return "\n".join(f"- {summ.md(x)}" for x in lines if x)


def result_page(ruleset: RuleSet, j: Journey) -> None:
    record = record_of(ruleset, j)
    assessment = evaluate(ruleset, record.answers)
    n = summ.narrative(ruleset, assessment, record)
    outcome = ruleset.outcome(assessment.outcome)
    contact = ruleset.contact(outcome.contact)

    back_button(nav.back, (ruleset,), "Back to your answers")
    st.caption("Recommendation")
    st.title(outcome.title)
    box = _BOX.get(outcome.category, st.info)
    todo = "\n".join(f"{i}. {summ.md(t)}" for i, t in enumerate(outcome.what_to_do, 1))
    hours = f"  \n{summ.md(contact.hours)}" if contact.hours else ""
    box(f"**{summ.md(outcome.summary)}**\n\n{todo}\n\n"
        f"## {summ.md(contact.name)}: {tel(contact.phone)}{hours}",
        icon=_ICON.get(outcome.category))
    steps = {s.id: s for s in ruleset.steps}
    for sid in assessment.additional_steps:
        step = steps[sid]
        who = ""
        if step.contact:
            c = ruleset.contact(step.contact)
            who = f"  \n**{summ.md(c.name)}: {tel(c.phone)}**"
        st.warning(f"**Also: {summ.md(step.title)}**  \n{summ.md(step.what_to_do)}{who}",
                   icon=":material/family_restroom:")
    if j.departure is not None:
        st.info(f"**Your decision:** {summ.md(n.departure)}", icon=":material/edit_note:")

    st.header("What you told us")
    st.caption(summ.md(n.screened))
    st.markdown(_bullets([*n.concern, *n.person, n.agencies]))
    st.header("Read together")
    st.markdown(_bullets(n.together))
    st.header("Why this recommendation")
    st.markdown(_bullets(n.why))
    st.header("What is still unknown and what to check next")
    st.markdown(_bullets(n.unknowns))
    with st.expander("What would change this recommendation"):
        st.caption("The fewest answers that would have to be different for each other route. This "
                   "explains the rules; it is never a reason to change an answer.")
        st.markdown(_bullets(n.alternatives))
    if n.never_indicators:
        st.info("**Never an indicator**\n\n" + _bullets(n.never_indicators), icon=":material/balance:")

    _departure(ruleset, j, assessment)
    _downloads(ruleset, assessment, record)

    st.divider()
    st.caption(summ.md(n.provenance))
    st.caption(f"*{summ.md(n.disclaimer)}*")
    st.button("Start a new screening", key="nav.restart", on_click=nav.start_again)


def _departure(ruleset: RuleSet, j: Journey, assessment: Assessment) -> None:
    """'I disagree': another route from the rule set and a reason; both go into the summary."""
    others = [o.id for o in ruleset.outcomes if o.id != assessment.outcome]
    with st.expander("I disagree with this recommendation", expanded=bool(j.missing) or
                     j.departure is not None):
        if j.departure is not None:
            chosen = ruleset.outcome(j.departure.outcome).title if j.departure.outcome in others else \
                j.departure.outcome
            st.markdown(f"You chose **{summ.md(chosen)}** instead. Your reason: "
                        f"{summ.md(j.departure.reason)}")
            st.button("Withdraw my decision", key="departure.withdraw", on_click=nav.withdraw_departure)
            return
        st.markdown("You can choose a different route. The recommendation and your decision are both "
                    "kept in the summary, with your reason. Choosing a less serious route should be agreed "
                    "with your manager or the Prevent Lead.")
        labels = {"outcome": "Choose the route you think is right", "reason": "Give your reason"}
        error_summary([labels[m] for m in j.missing if m in labels])
        titles = {o.id: o.title for o in ruleset.outcomes}
        st.selectbox(labels["outcome"], others, index=None, format_func=titles.__getitem__,
                     placeholder="Choose a route", key=nav.departure_key("outcome"))
        st.text_area("Why? (required)", key=nav.departure_key("reason"), height=100,
                     placeholder="What you know that the questions did not capture. No names.")
        st.button("Record my decision", key="departure.save", on_click=nav.record_departure)


def _downloads(ruleset: RuleSet, assessment: Assessment, record: ScreeningRecord) -> None:
    """Markdown, PDF and JSON; each file is made only when its button is pressed."""
    st.header("Save or share this summary")
    st.markdown("Share the summary with the Prevent Lead or your manager by your council's secure route.")
    stem = f"prevent-screening-{(record.completed_at or record.started_at)[:10]}"
    c1, c2, c3 = st.columns(3)
    c1.download_button("Download PDF", lambda: summ.to_pdf(ruleset, assessment, record),
                       file_name=f"{stem}.pdf", mime="application/pdf", key="dl.pdf",
                       icon=":material/picture_as_pdf:", on_click="ignore")
    c2.download_button("Download Markdown", lambda: summ.to_markdown(ruleset, assessment, record),
                       file_name=f"{stem}.md", mime="text/markdown", key="dl.md", on_click="ignore")
    c3.download_button("Download JSON", lambda: summ.to_json(ruleset, assessment, record),
                       file_name=f"{stem}.json", mime="application/json", key="dl.json", on_click="ignore")
