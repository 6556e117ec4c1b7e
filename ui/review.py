"""'Open a screening file': a supervisor or Prevent Lead opens a JSON export to review it.

It shows the summary the worker was given, the trace (which rules fired and on which answers), the
worker's own decision and reason, and a replay of the same answers under today's rules, so a change
in the rules since the screening is seen at once.  The stored result is first checked under the rules
that made it (today's, or this installation's register of published rule sets); when the register
has no record of them the page says it cannot verify the file (EX012), never that the rules changed.
A damaged or edited file is refused with the catalogue's message, never a traceback, and the page
says what the file's integrity check can and cannot show (see :mod:`screening.exports.export`).  The file is
read in memory and not stored by this page.
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

if str(Path(__file__).resolve().parents[1]) not in sys.path:  # `streamlit run ui/review.py` alone
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from screening import Problem, RuleSet, ScreeningError
from screening.engine import Assessment
from screening.exports import summary as summ
from screening.exports.opening import EXPORT_SUFFIX, MAX_BYTES, OpenedScreening, check_upload, size_words
from ui.access import require
from ui.downloads import download_button
from ui.state import export_key_problems, get_ruleset, ordered_factors
from ui.widgets import answer_label, first_upper, show_problems


def open_file(data: bytes, ruleset: RuleSet,
              name: str = f"screening{EXPORT_SUFFIX}") -> tuple[OpenedScreening | None, tuple[Problem, ...]]:
    """Check the upload's type and size, then verify and replay it; problems are EX codes."""
    try:
        check_upload(name, len(data))
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
                           f"**{summ.md(then)}**. {summ.md(first_upper(p.fix))}.")
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
    """That the file's integrity check passed, and what that does and does not show, in plain words.

    Only a file whose check passed is shown at all (a changed one is refused, EX003), so the page
    says so first; a plain check is then qualified, because anyone can recompute it.
    """
    if opened.keyed and opened.older_key:
        return (f"**The file's integrity check passed with an older council export key "
                f"({summ.md(opened.key_label)})**, which this tool still accepts: it was made by a copy "
                "of this tool that held the key, and it has not been changed since it was exported. New "
                "exports are sealed with the newest key.")
    if opened.keyed:
        return ("**The file's integrity check passed with the council's export key**: the file is "
                "sealed with the council's export key, so it was made by a copy of this tool that holds "
                "the key, and it has not been changed since it was exported.")
    return ("**The file's integrity check passed**: it has not been changed since it was exported, "
            "unless whoever changed it also recomputed the check. This file's integrity check detects "
            "accidental or casual changes only, not who made the file: anyone who edits a screening "
            "file can recompute it. Confirm with the worker that this is the screening they exported.")


def answers_by_factor(ruleset: RuleSet, opened: OpenedScreening) -> list[tuple[str, list[tuple[str, str]]]]:
    """Every answer in the file as (factor title, [(question, answer label)]), in journey order.

    ``ruleset`` is the one the file was made with when it is at hand (else today's): its questions,
    factor order and answer labels, so the reviewer reads the words the worker answered.  A question
    the worker left unanswered reads as the rule file's "Not answered (counts as Don't know)"; any
    answer to a question these rules do not have is listed last under its id.
    """
    given = opened.record.answers
    groups: list[tuple[str, list[tuple[str, str]]]] = []
    for factor in ordered_factors(ruleset):
        rows = []
        for ind in factor.indicators:
            if ind.id in opened.answers:
                rows.append((ind.question, answer_label(ruleset, given.get(ind.id))))
            else:
                rows.append((ind.question, "Not in this screening (a question added since)"))
        groups.append((factor.title, rows))
    known = set(ruleset.indicator_ids())
    others = [(k, answer_label(ruleset, given.get(k))) for k in opened.answers if k not in known]
    if others:
        groups.append(("Questions not in these rules", others))
    return groups


def answers_markdown(ruleset: RuleSet, opened: OpenedScreening) -> str:
    """:func:`answers_by_factor` as safe Markdown: a bold factor title, then one line per question."""
    parts = []
    for title, rows in answers_by_factor(ruleset, opened):
        lines = "\n".join(f"- {summ.md(q)} — **{summ.md(a)}**" for q, a in rows)
        parts.append(f"**{summ.md(title)}**\n\n{lines}")
    return "\n\n".join(parts)


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


def render(ruleset: RuleSet, opened: OpenedScreening) -> None:
    """Everything a reviewer needs, the replay first because it can change what they do."""
    kind, text = replay_message(ruleset, opened)
    (st.warning if kind == "warning" else st.success)(text)
    if opened.keyed:
        st.success(seal_message(opened), icon=":material/verified:")
    else:
        st.info(seal_message(opened), icon=":material/info:")
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
    st.header("The worker's decision")
    if opened.record.departure is None:
        st.markdown("The worker followed the recommendation.")
    else:
        st.warning(summ.md(n.departure))
    with st.container(border=True):
        st.markdown(summ.narrative_markdown(n, title="The summary as it was made"))
    made_with = opened.made_with or ruleset
    st.header("Every answer, by factor")
    if opened.made_with is None:
        st.caption("The rules this screening was made with are not on record here, so today's "
                   "questions are shown.")
    with st.container(border=True):
        st.markdown(answers_markdown(made_with, opened))
    with st.expander("Why the tool said this: the rules that fired, with the answers they used"):
        st.markdown(trace_markdown(opened.made_with or ruleset, opened.stored_assessment))
    if r.changed or r.steps_changed:
        with st.expander("The replay under today's rules", expanded=True):
            st.markdown(trace_markdown(ruleset, r.assessment))
    download_button("Download this summary (PDF)", lambda: summ.narrative_pdf(n),
                    file_name=summ.file_name(opened.record, "pdf"), mime="application/pdf", key="review.pdf")


def main() -> None:
    if require("review") is None:  # supervisors and the Prevent Lead only, whatever the URL
        return
    st.title("Open a screening file")
    st.markdown("For supervisors and the Prevent Lead. Open a screening saved from the result page "
                "(a .json file) to see what the worker was told and why, their decision, and what "
                "today's rules would say. The file is read here and not stored.")
    loaded = get_ruleset()  # the app's shared loader: cached per rule-file content
    ruleset = loaded.ruleset
    if ruleset is None:  # app.py shows the broken-rules page; standalone runs show the problems
        show_problems(loaded.problems)
        return
    key_problems = export_key_problems()  # a short or garbled export key: say so before any upload
    if key_problems:
        show_problems(key_problems)
        return
    # Any type is accepted here so that a wrong one is refused in words (open_file), not by the
    # browser's icon; .streamlit/config.toml lets files well over MAX_BYTES through for the same reason.
    upload = st.file_uploader("Screening file (.json)", key="review.upload")
    st.caption(f"The {EXPORT_SUFFIX} file saved from a screening's result page: a few kilobytes, at "
               f"most {size_words(MAX_BYTES)}.")
    if upload is None:
        st.info("Choose a screening file to open it.")
        return
    opened, problems = open_file(upload.getvalue(), ruleset, upload.name)
    if opened is None:
        show_problems(problems)
        return
    render(ruleset, opened)


if __name__ == "__main__":  # run as a page; the review queue imports render()
    main()
