"""The result page: the recommendation first, then the summary read together, then the worker's say.

Every sentence comes from the rule set or from :mod:`screening.exports.summary`; this page only lays it out.
"""

from __future__ import annotations

import streamlit as st

from screening import Assessment, RuleSet, evaluate
from screening.exports import summary as summ
from screening.record import MIN_REASON_CHARS, ScreeningRecord, is_lowering
from screening.rules.ruleset import Category
from screening.text import limit, neutral, too_long

from . import nav
from .contacts import tel
from .downloads import download_button
from .handover import export_recorder, handover_box
from .questions import urgent_markdown
from .state import Journey, export_key_problems
from .widgets import back_button, error_summary, md

#: How loud each kind of outcome is on screen (category comes from the YAML).
_BOX = {Category.EMERGENCY: st.error, Category.PREVENT: st.warning, Category.SUPPORT: st.info,
        Category.NONE: st.success}
_ICON = {Category.EMERGENCY: ":material/emergency:", Category.PREVENT: ":material/call:",
         Category.SUPPORT: ":material/support:", Category.NONE: ":material/check_circle:"}


def record_of(ruleset: RuleSet, j: Journey) -> ScreeningRecord:
    """The worker's data as the exports and the review page hold it.

    Every account field the rule file asks for (``journey.account``) is a field of the record by
    the same id, so a field added to both appears here without this page changing.
    """
    acc = ruleset.wording.account
    texts = {f.id: j.account.get(f.id, "").strip() for f in (*acc.fields, *acc.screener_fields)}
    return ScreeningRecord.model_validate({
        **texts,
        "started_at": j.started_at, "completed_at": j.completed_at, "reference": j.reference,
        "age_band": j.account.get("age_band") or "not known",
        "answers": nav.valid_answers(ruleset, j.answers),
        "departure": j.departure,
    })


def _bullets(lines: tuple[str, ...] | list[str]) -> str:
    return "\n".join(f"- {summ.md(x)}" for x in lines if x)


def result_page(ruleset: RuleSet, j: Journey) -> None:
    assessment = evaluate(ruleset, nav.valid_answers(ruleset, j.answers))
    nav.reconcile_departure(assessment)  # a decision made on other answers is cleared, never exported
    record = record_of(ruleset, j)
    n = summ.narrative(ruleset, assessment, record)
    outcome = ruleset.outcome(assessment.outcome)
    contact = ruleset.contact(outcome.contact)

    back_button(nav.back, (ruleset,), "Back to your answers")
    if n.urgent is not None:  # a danger question answered Don't know leads, above the recommendation
        st.error(urgent_markdown(ruleset, n.urgent.lead, n.urgent.questions), icon=":material/emergency:")
    st.caption("Recommendation")
    st.title(md(outcome.title))
    box, icon = _BOX.get(outcome.category, st.info), _ICON.get(outcome.category)
    if n.urgent is not None and outcome.category is Category.NONE:  # never an all-clear while open
        box, icon = st.warning, ":material/warning:"
    todo = "\n".join(f"{i}. {summ.md(t)}" for i, t in enumerate(outcome.what_to_do, 1))
    hours = f"  \n{summ.md(contact.hours)}" if contact.hours else ""
    box(f"**{summ.md(outcome.summary)}**\n\n{todo}\n\n"
        f"## {summ.md(contact.name)}: {tel(contact.phone)}{hours}", icon=icon)
    steps = {s.id: s for s in ruleset.steps}
    for sid in assessment.additional_steps:
        step = steps[sid]
        who = ""
        if step.contact:
            c = ruleset.contact(step.contact)
            who = f"  \n**{summ.md(c.name)}: {tel(c.phone)}**"
        st.warning(f"**Also: {summ.md(step.title)}**  \n{summ.md(step.what_to_do)}{who}",
                   icon=":material/family_restroom:")
    if j.cleared_departure is not None:
        st.warning(cleared_message(ruleset, j), icon=":material/history:")
    if j.departure is not None:
        st.info(f"**Your decision:** {summ.md(n.departure)}", icon=":material/edit_note:")

    st.header("What you told us")
    st.caption(summ.md(n.screened))
    st.markdown(_bullets([*n.concern, *n.person, n.agencies, n.safeguarding, n.actions, n.aware]))
    st.header("Read together")
    st.markdown(_bullets(n.together))
    st.header("Why this recommendation")
    st.markdown(_bullets(n.why))
    st.header("What is still unknown and what to check next")
    st.markdown(_bullets(n.unknowns))
    for group in n.to_check:
        st.markdown(f"**{summ.md(group.lead)}**\n\n{_bullets(group.items)}")
    st.markdown(summ.md(n.explanations))
    with st.expander("What would change this recommendation"):
        st.caption(summ.md(n.alternatives_note))
        st.markdown(_bullets(n.alternatives))
    if n.never_indicators:
        st.info("**Never an indicator**\n\n" + _bullets(n.never_indicators), icon=":material/balance:")

    _departure(ruleset, j, assessment)
    _downloads(ruleset, assessment, record)
    handover_box(ruleset, assessment, record, j.nonce)

    st.divider()
    st.caption(summ.md(n.provenance))
    st.caption(f"*{summ.md(n.disclaimer)}*")
    st.button("Start a new screening", key="nav.restart", on_click=nav.start_again)


#: The form's own wording (UI text, not the rule file's): labels and the error summary's lines.
_LABELS = {
    "outcome": "Choose the route you think is right",
    "reason": f"Give your reason in a few words (at least {MIN_REASON_CHARS} characters)",
    "agreed_by": "Say who agreed this: their role, not their name",
    "confirmed": "Confirm you have agreed this with your supervisor or the Prevent Lead",
}
_DANGER = ("**If anyone is in danger, call 999 now.** The answers point to an emergency; choosing "
           "another route here does not change that. 999 is still the right call if anyone is in danger.")


def _title(ruleset: RuleSet, outcome_id: str) -> str:
    try:
        return ruleset.outcome(outcome_id).title
    except KeyError:
        return outcome_id


def cleared_message(ruleset: RuleSet, j: Journey) -> str:
    """Why the worker's earlier decision is gone and what to do (Markdown, escaped)."""
    d = j.cleared_departure
    if d is None:
        return ""
    why = "the rules were updated since" if j.cleared_because == "rules" else "you changed your answers"
    return (f"**Your earlier decision to choose {summ.md(_title(ruleset, d.outcome))} instead of "
            f"{summ.md(_title(ruleset, d.recommended))} was cleared because {why}; decide again.** "
            "It no longer matches this screening, so it is not in the summary. If you still "
            "disagree with the recommendation, record your decision again below.")


def _departure(ruleset: RuleSet, j: Journey, assessment: Assessment) -> None:
    """'I disagree': another route from the rule set and a reason; both go into the summary.

    A less serious route also needs who agreed it (their role) and a confirmation; moving away from
    an emergency outcome keeps the 999 warning in front of the worker.
    """
    recommended = ruleset.outcome(assessment.outcome)
    from_emergency = recommended.category is Category.EMERGENCY
    others = [o.id for o in ruleset.outcomes if o.id != assessment.outcome]
    with st.expander("I disagree with this recommendation", expanded=bool(j.missing) or
                     j.departure is not None or j.cleared_departure is not None):
        if j.departure is not None:
            d = j.departure
            chosen = ruleset.outcome(d.outcome).title if d.outcome in others else d.outcome
            lowered = d.outcome in others and is_lowering(ruleset, assessment.outcome, d.outcome)
            how = "" if d.outcome not in others else \
                " (a less serious route)" if lowered else " (a more serious route)"
            st.markdown(f"You chose **{summ.md(chosen)}** instead{how}. Your reason: {summ.md(d.reason)}")
            if lowered:
                who = summ.md(d.agreed_by) if d.agreed_by else "nobody recorded"
                st.markdown(f"Agreed by: **{who}**")
            if from_emergency:
                st.error(_DANGER, icon=":material/emergency:")
            st.button("Withdraw my decision", key="departure.withdraw", on_click=nav.withdraw_departure)
            return
        st.markdown("You can choose a different route. The recommendation and your decision are both "
                    "kept in the summary, with your reason. Choosing a less serious route must be agreed "
                    "with your supervisor or the Prevent Lead, and the summary says who agreed it.")
        if from_emergency:
            st.error(_DANGER, icon=":material/emergency:")
        error_summary([(_LABELS[m], nav.departure_key(m)) for m in j.missing if m in _LABELS])
        titles = {o.id: neutral(o.title) for o in ruleset.outcomes}
        chosen_id = st.selectbox(_LABELS["outcome"], others, index=None, format_func=titles.__getitem__,
                                 placeholder="Choose a route", key=nav.departure_key("outcome"))
        _full("reason", "Why?")
        st.text_area("Why? (required)", key=nav.departure_key("reason"), height=100,
                     placeholder="What you know that the questions did not capture. No names.",
                     help=f"At least {MIN_REASON_CHARS} characters: a few words that say why.",
                     max_chars=limit("reason"))
        if chosen_id is not None and is_lowering(ruleset, assessment.outcome, chosen_id):
            st.warning("This route is less serious than the recommendation. Lowering a route needs "
                       "your supervisor's or the Prevent Lead's agreement.",
                       icon=":material/supervisor_account:")
            _full("agreed_by", "Who agreed this?")
            st.text_input("Who agreed this? (their role, not their name)", key=nav.departure_key("agreed_by"),
                          placeholder="For example: Safeguarding Officer", max_chars=limit("agreed_by"))
            st.checkbox("I have agreed this with my supervisor or the Prevent Lead",
                        key=nav.departure_key("confirmed"))
        st.button("Record my decision", key="departure.save", on_click=nav.record_departure,
                  args=(ruleset, assessment.outcome))


def _full(name: str, shown: str) -> None:
    """AN004 above a departure box that is full: a longer paste was cut off at the limit."""
    found = too_long(name, str(st.session_state.get(nav.departure_key(name)) or ""), shown, at_limit=True)
    if found is not None:
        st.markdown(f":red[**{md(found.message)}; {md(found.fix)}**]")


def _downloads(ruleset: RuleSet, assessment: Assessment, record: ScreeningRecord) -> None:
    """Markdown, PDF and JSON; each file is made only when its button is pressed (ui/downloads.py)."""
    st.header("Save or share this summary")
    st.markdown("Share the summary with the Prevent Lead or your manager by your council's secure route.")
    c1, c2, c3 = st.columns(3)
    download_button("Download PDF", lambda: summ.to_pdf(ruleset, assessment, record),
                    file_name=summ.file_name(record, "pdf"), mime="application/pdf", key="dl.pdf",
                    on_made=export_recorder("pdf"),
                    icon=":material/picture_as_pdf:", where=c1)
    download_button("Download Markdown", lambda: summ.to_markdown(ruleset, assessment, record),
                    file_name=summ.file_name(record, "md"), mime="text/markdown", key="dl.md",
                    on_made=export_recorder("md"), where=c2)
    key_problems = export_key_problems()  # a short or garbled export key: never a broken download
    for p in key_problems:
        c3.error(f"**{p.code}**: {summ.md(p.message)}. {summ.md(p.fix[:1].upper() + p.fix[1:])}.")
    if not key_problems:
        download_button("Download JSON", lambda: summ.to_json(ruleset, assessment, record),
                        file_name=summ.file_name(record, "json"), mime="application/json", key="dl.json",
                    on_made=export_recorder("json"),
                        where=c3)
