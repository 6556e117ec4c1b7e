"""'Open a screening file': a supervisor or Prevent Lead opens a JSON export to review it.

It shows the summary the worker was given, the trace (which rules fired and on which answers), the
worker's own decision and reason, and a replay of the same answers under today's rules, so a change
in the rules since the screening is seen at once.  The stored result is first checked under the rules
that made it (today's, or this installation's register of published rule sets); when the register
has no record of them the page says it cannot verify the file (EX012), never that the rules changed.
A damaged or edited file is refused with the catalogue's message, never a traceback, and the page
says what the file's integrity check can and cannot show (see :mod:`screening.export`).  The file is
read in memory and not stored by this page.
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

if str(Path(__file__).resolve().parents[1]) not in sys.path:  # `streamlit run ui/review.py` alone
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from screening import Problem, RuleSet, ScreeningError
from screening import summary as summ
from screening.engine import Assessment
from screening.errors import capped
from screening.opening import OpenedScreening
from ui.downloads import download_button
from ui.state import export_key_problems, get_ruleset


def open_file(data: bytes, ruleset: RuleSet) -> tuple[OpenedScreening | None, tuple[Problem, ...]]:
    """Verify and replay an uploaded export; problems come from the catalogue (EX codes)."""
    try:
        return summ.read_export(data, ruleset), ()
    except ScreeningError as e:
        return None, e.problems


def outcome_title(ruleset: RuleSet, outcome_id: str) -> str:
    try:
        return ruleset.outcome(outcome_id).title
    except KeyError:
        return f"{outcome_id} (not in today's rules)"


def replay_message(ruleset: RuleSet, opened: OpenedScreening) -> tuple[str, str]:
    """('warning' | 'success', text) comparing the recommendation then and under today's rules."""
    r = opened.replay
    then = outcome_title(opened.made_with or ruleset, r.stored_outcome)
    now = outcome_title(ruleset, r.outcome)
    if opened.unverified is not None:  # the rules that made it are not on record: never "rules changed"
        p = opened.unverified
        return "warning", (f"**{summ.md(p.code)}**: {summ.md(p.message)}. Under today's rules the "
                           f"same answers give **{summ.md(now)}**; the file says the worker was told "
                           f"**{summ.md(then)}**. {summ.md(_first_upper(p.fix))}.")
    # the stored result was verified under the rules that made it (a different one is refused as
    # EX011), so a change here always means the rules changed
    if r.changed:
        return "warning", (f"The rules have changed since this screening was made: the same answers "
                           f"would now give **{summ.md(now)}**, not **{summ.md(then)}** as the worker "
                           f"was told. Review the route with this in mind.")
    if not opened.same_rules:
        return "success", (f"The rules have changed since this screening was made, but the same answers "
                           f"still give **{summ.md(now)}**.")
    return "success", f"Today's rules are the ones this screening was made with: **{summ.md(now)}**."


def seal_message(opened: OpenedScreening) -> str:
    """What the file's integrity check does and does not show, in plain words."""
    if opened.keyed and opened.older_key:
        return (f"This file is sealed with an older council export key ({summ.md(opened.key_label)}), "
                "which this tool still accepts: it was made by a copy of this tool that held the key, "
                "and it has not been changed since. New exports are sealed with the newest key.")
    if opened.keyed:
        return ("This file is sealed with the council's export key: it was made by a copy of this tool "
                "that holds the key, and it has not been changed since.")
    return ("This file's integrity check detects accidental or casual changes only, not who made the "
            "file: anyone who edits a screening file can recompute it. Confirm with the worker that "
            "this is the screening they exported.")


def trace_markdown(ruleset: RuleSet, a: Assessment) -> str:
    """The fired rules with the answers each one used, as safe Markdown."""
    if not a.fired:
        return summ.md(f"No rule fired; the default route applies: {outcome_title(ruleset, a.outcome)}.")
    lines = []
    for f in sorted(a.fired, key=lambda f: not f.decisive):
        mark = "decided the recommendation" if f.decisive else "also fired"
        lines.append(f"- **{summ.md(f.id)}** → {summ.md(outcome_title(ruleset, f.outcome))} "
                     f"({mark}): {summ.md(f.because)}")
        for e in f.evidence:
            try:
                q = ruleset.indicator(e.indicator).question
            except KeyError:
                q = e.indicator
            lines.append(f"    - {summ.md(q)} — **{summ.md(e.answer)}**")
    return "\n".join(lines)


def _first_upper(text: str) -> str:
    """Capitalise a sentence without lowering the rest (setting names such as SCREENING_REGISTER)."""
    return text[:1].upper() + text[1:]


def _show_problems(problems: tuple[Problem, ...]) -> None:
    shown, more = capped(problems)  # at most ten boxes, then one line saying how many more
    for p in shown:
        st.error(f"**{summ.md(p.code)}**: {summ.md(p.message)}.\n\n{summ.md(_first_upper(p.fix))}.",
                 icon=":material/block:")
    if more:
        st.caption(more)


def render(ruleset: RuleSet, opened: OpenedScreening) -> None:
    """Everything a reviewer needs, the replay first because it can change what they do."""
    kind, text = replay_message(ruleset, opened)
    (st.warning if kind == "warning" else st.success)(text)
    st.info(seal_message(opened), icon=":material/verified:" if opened.keyed else ":material/info:")
    r = opened.replay
    if r.steps_changed:
        st.warning("The additional safeguarding steps are different under today's rules; see the replay.")
    if r.dropped:
        st.warning("Some answered questions are no longer in today's rules and were left out of the "
                   f"replay: {summ.md(', '.join(r.dropped))}.")
    st.caption(summ.md(f"Exported {opened.exported_at}. Made with rule set {opened.made_with_id} version "
                       f"{opened.made_with_version} (sha256 {opened.made_with_sha256[:12]}...); today's "
                       f"rules are version {ruleset.version} (sha256 {ruleset.sha256[:12]}...)."))
    n = summ.narrative(ruleset, opened.stored_assessment, opened.record)
    st.subheader("The worker's decision")
    if opened.record.departure is None:
        st.markdown("The worker followed the recommendation.")
    else:
        st.warning(summ.md(n.departure))
    with st.container(border=True):
        st.markdown(summ.narrative_markdown(n, title="The summary as it was made"))
    with st.expander("Why the tool said this: the rules that fired, with the answers they used"):
        st.markdown(trace_markdown(opened.made_with or ruleset, opened.stored_assessment))
    if r.changed or r.steps_changed:
        with st.expander("The replay under today's rules", expanded=True):
            st.markdown(trace_markdown(ruleset, r.assessment))
    download_button("Download this summary (PDF)", lambda: summ.narrative_pdf(n),
                    file_name="screening-summary.pdf", mime="application/pdf", key="review.pdf")


def main() -> None:
    st.title("Open a screening file")
    st.markdown("For supervisors and the Prevent Lead. Open a screening saved from the result page "
                "(a .json file) to see what the worker was told and why, their decision, and what "
                "today's rules would say. The file is read here and not stored.")
    loaded = get_ruleset()  # the app's shared loader: cached per rule-file content
    ruleset = loaded.ruleset
    if ruleset is None:  # app.py shows the broken-rules page; standalone runs show the problems
        _show_problems(loaded.problems)
        return
    key_problems = export_key_problems()  # a short or garbled export key: say so before any upload
    if key_problems:
        _show_problems(key_problems)
        return
    upload = st.file_uploader("Screening file (.json)", type=["json"], key="review.upload")
    if upload is None:
        st.info("Choose a screening file to open it.")
        return
    opened, problems = open_file(upload.getvalue(), ruleset)
    if opened is None:
        _show_problems(problems)
        return
    render(ruleset, opened)


main()
