"""The policy workbench: check an edited rule file against the live rules, and approve rule changes.

A policy editor pastes, uploads or picks (from the register of published rule sets) a ``ruleset.yaml``
and sees at once what ``lint``, ``test`` and ``impact`` would say, side by side with the live rules:
problems with their lines, the safeguard proofs' counterexamples, wording and fairness findings, the
approvals still needed, the worked cases, whose route would change (table and heatmap), the wording
changed, and the frontline journey as the draft would ask it.  A checked draft can be put forward;
a policy approver who did not edit it approves or rejects it with a reason.  Nothing here writes the
live rules: publishing is the council's own change process (README "Publishing a rule change").

Every text from a draft is shown as written, never as Markdown (:func:`md`, :func:`label`, st.code).
"""

from __future__ import annotations

import datetime as dt
import html
import sys
from collections.abc import Sequence
from pathlib import Path

import altair as alt
import pandas as pd
import streamlit as st

if str(Path(__file__).resolve().parents[1]) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from screening import RuleSet, ScreeningError, evaluate
from screening.access import Access, refusal
from screening.errors import Severity
from screening.rules import register
from screening.rules.yamlio import RULE_FILE, decode
from screening.store import RuleChange, RuleChanges, StoreError
from screening.workbench import (
    SECTION_TITLES,
    VERDICTS,
    DraftReport,
    Finding,
    approvals_needed,
    approvals_yaml,
    change_report,
    check_draft,
    put_forward,
    why_not_forward,
    word_diff,
)
from ui.access import require
from ui.downloads import download_button
from ui.state import get_ruleset
from ui.storage import actor, get_store
from ui.widgets import answer_labels, first_upper, label, md, show_problems

REPORT = "wb.report"  # the report on the draft being edited
OPENED = "wb.opened"  # the rule change opened for a decision
TEXT = "wb.text"  # the draft's text box
SOURCES = ("Paste the edited file", "Upload a file", "Start from a published version")
UPLOAD_LIMIT = RULE_FILE.max_bytes
_STYLE = """<style>
.wb-diff del { background: #f6d7d2; text-decoration: line-through; }
.wb-diff ins { background: #cce2d8; text-decoration: none; font-weight: 600; }
.wb-diff { font-size: 0.95rem; line-height: 1.5; white-space: pre-wrap; }
</style>"""


def _live() -> RuleSet | None:
    return get_ruleset().ruleset


# --- getting a draft -----------------------------------------------------------------------------
def _draft_source(live: RuleSet) -> tuple[str, str] | None:
    """(name, text) of the draft the editor chose, or None (with the reason shown) when there is none."""
    source = st.radio("Where is the draft?", SOURCES, horizontal=True, key="wb.source")
    if source == SOURCES[0]:
        if st.button("Start from the live rules", key="wb.copy_live"):
            st.session_state[TEXT] = Path(live.main_path).read_text(encoding="utf-8")
        text = st.text_area("The edited ruleset.yaml", key=TEXT, height=360, max_chars=UPLOAD_LIMIT,
                            help="Paste the whole file. Nothing here changes the live rules.")
        return ("draft ruleset.yaml", text) if text.strip() else None
    if source == SOURCES[1]:
        up = st.file_uploader("A ruleset.yaml file", type=["yaml", "yml"], key="wb.upload")
        if up is None:
            return None
        uploaded, refused = decode(up.getvalue(), up.name)
        if refused is not None or uploaded is None:
            show_problems((refused,) if refused else ())
            return None
        return up.name, uploaded
    try:
        entries = register.entries()
    except ScreeningError as e:
        show_problems(tuple(e.problems))
        return None
    if not entries:
        st.info("No rule set has been published on this installation yet.")
        return None
    chosen = st.selectbox("Published version", entries[::-1], key="wb.published",
                          format_func=lambda e: f"{e.id} {e.version}, published {e.published_at[:10]}, "
                                                f"sha256 {e.sha256[:12]}")
    try:
        published = register.ruleset_text(chosen.sha256)
    except ScreeningError as e:
        show_problems(tuple(e.problems))
        return None
    return (f"published {chosen.version} ({chosen.sha256[:12]})", published) if published else None


# --- showing a report ----------------------------------------------------------------------------
def _finding(f: Finding) -> None:
    p = f.problem
    body = f"**{md(p.code)}** at {md(f.where)}: {md(p.message)}.\n\n{md(first_upper(p.fix))}."
    if p.severity is Severity.ERROR:
        st.error(body, icon=":material/block:")
    else:
        st.warning(body, icon=":material/warning:")
    if f.excerpt:
        width = len(str(f.excerpt[-1][0]))
        st.code("\n".join(f"{'>' if n == p.line else ' '} {n:>{width}} | {t}" for n, t in f.excerpt),
                language=None)


def _verdict(report: DraftReport) -> None:
    text = md(VERDICTS[report.verdict])
    if report.blocking:
        st.error(text, icon=":material/block:")
    elif report.verdict == "ready":
        st.success(text, icon=":material/check_circle:")
    else:
        st.warning(text, icon=":material/pending:")
    if report.unchanged:
        st.info("This draft says exactly what the live rules say.")


def _sections(report: DraftReport) -> None:
    for section, title in SECTION_TITLES.items():
        if section == "scenarios":
            _scenarios(report)
            continue
        items = report.section(section)
        errors = sum(f.problem.severity is Severity.ERROR for f in items)
        state = "not run" if report.draft is None and section != "reading" else (
            f"{errors} error{'s' * (errors != 1)}" if errors else
            f"{len(items)} warning{'s' * (len(items) != 1)}" if items else "nothing found")
        with st.expander(f"{title}: {state}", expanded=bool(errors)):
            if not items:
                st.write("Not run: the draft cannot be read." if state == "not run" else "Nothing found.")
            for f in items[:25]:
                _finding(f)
            if len(items) > 25:
                st.caption(f"... and {len(items) - 25} more (all are in the change report).")


def _scenarios(report: DraftReport) -> None:
    failed = report.failed_scenarios
    problems = report.section("scenarios")
    title = SECTION_TITLES["scenarios"]
    if report.draft is None:
        with st.expander(f"{title}: not run"):
            st.write("Not run: the draft cannot be read.")
        return
    with st.expander(f"{title}: {len(report.scenarios) - len(failed)} of {len(report.scenarios)} pass",
                     expanded=bool(failed or problems)):
        for f in problems:
            _finding(f)
        rows = [{"scenario": r.scenario.name, "file": Path(r.scenario.path).name,
                 "result": "passes" if r.passed else "different",
                 "what differs": "; ".join(str(m) for m in r.mismatches)} for r in report.scenarios]
        if rows:
            st.dataframe(pd.DataFrame(rows).sort_values("result"), hide_index=True, width="stretch")


def _impact(report: DraftReport) -> None:
    st.subheader("Whose route would change")
    for note in report.notes:
        st.warning(md(note))
    im = report.impact
    if im is None:
        st.write("Not measured: the draft cannot be read." if report.draft is None else "Not measured.")
        return
    st.write(md(f"On {im.rows:,} screenings ({im.corpus}), the route changes for {im.changed:,} "
                f"({im.share:.2%})."))
    table = im.matrix.copy()
    table.index = [f"live: {o}" for o in table.index]
    table.columns = [f"draft: {o}" for o in table.columns]
    st.dataframe(table, width="stretch")
    long = im.matrix.stack().rename("screenings").reset_index()
    long.columns = ["live", "draft", "screenings"]
    long["changed"] = long["live"] != long["draft"]
    order = list(im.matrix.columns)
    base = alt.Chart(long).encode(
        x=alt.X("draft:N", sort=order, title="Outcome under the draft"),
        y=alt.Y("live:N", sort=order, title="Outcome under the live rules"))
    heat = base.mark_rect().encode(
        color=alt.Color("screenings:Q", scale=alt.Scale(type="symlog", scheme="blues"), title="Screenings"),
        tooltip=["live:N", "draft:N", alt.Tooltip("screenings:Q", format=",")])
    text = base.mark_text(fontSize=12).encode(
        text=alt.Text("screenings:Q", format=","),
        color=alt.condition("datum.screenings > 1000", alt.value("white"), alt.value("black")))
    st.altair_chart(heat + text, width="stretch")
    if im.examples:
        rows = [{"live": o, "draft": n, "screenings": int(im.matrix.loc[o, n]),
                 "answered yes": ", ".join(e.yes), "rules fired (live)": ", ".join(e.old_fired),
                 "rules fired (draft)": ", ".join(e.new_fired)}
                for (o, n), exs in im.examples.items() for e in exs[:1]]
        st.caption("An example of each change, with the rules that fired under each:")
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    if im.only_new:
        st.caption(md("Asked only by the draft (unknown throughout the corpus): " + ", ".join(im.only_new)))


def _pieces(pieces: Sequence[tuple[str, str]]) -> str:
    tag = {"removed": "del", "added": "ins"}
    return "".join(f"<{tag[k]}>{html.escape(t)}</{tag[k]}>" if k in tag else html.escape(t)
                   for k, t in pieces)


def _wording(report: DraftReport) -> None:
    st.subheader("Wording changed")
    if report.draft is None:
        st.write("Not compared: the draft cannot be read.")
        return
    if not report.changes:
        st.write("No wording differs from the live rules.")
        return
    st.markdown(_STYLE, unsafe_allow_html=True)  # fixed style only
    left, right = st.columns(2)
    left.markdown("**Live rules**")
    right.markdown("**Draft**")
    for c in report.changes[:60]:
        st.caption(md(c.where))
        old, new = word_diff(c.old or "", c.new or "")
        a, b = st.columns(2)
        # every piece of rule text is HTML-escaped; the only markup is our own <del>/<ins>
        a.markdown(f'<div class="wb-diff">{_pieces(old) or "<em>(none)</em>"}</div>', unsafe_allow_html=True)
        b.markdown(f'<div class="wb-diff">{_pieces(new) or "<em>(none)</em>"}</div>', unsafe_allow_html=True)
    if len(report.changes) > 60:
        st.caption(f"... and {len(report.changes) - 60} more (all are in the change report).")


def _preview(report: DraftReport, key: str) -> None:
    """The draft's questions as a worker would meet them, and what the draft and the live rules say."""
    draft = report.draft
    if draft is None:
        return
    with st.expander("Preview the frontline journey with this draft"):
        steps = [f for f in draft.factors]
        names = [f.title for f in steps]
        at = st.selectbox("Step", range(len(steps)), format_func=lambda i: f"{i + 1}. {names[i]}",
                          key=f"wb.preview.{key}.{report.sha256[:12]}.step")
        factor = steps[at]
        st.markdown(f"#### {md(factor.title)}")
        if factor.intro:
            st.markdown(md(factor.intro))
        labels = answer_labels(draft)
        for ind in factor.indicators:
            st.radio(label(ind.question), list(labels), format_func=labels.__getitem__, index=1,
                     horizontal=True, key=f"wb.preview.{key}.{report.sha256[:12]}.{ind.id}",
                     help=label(ind.definition) if ind.definition else None)
        answers = {i: st.session_state.get(f"wb.preview.{key}.{report.sha256[:12]}.{i}", "no")
                   for i in draft.indicator_ids()}
        st.divider()
        a = evaluate(draft, answers)
        live_answers = {k: v for k, v in answers.items() if k in set(report.live.indicator_ids())}
        b = evaluate(report.live, live_answers)
        c1, c2 = st.columns(2)
        c1.markdown(f"**Draft:** {md(draft.outcome(a.outcome).title)}")
        c1.caption(md("Because: " + "; ".join(f.because for f in a.fired[:3])) if a.fired else "")
        c2.markdown(f"**Live rules:** {md(report.live.outcome(b.outcome).title)}")
        c2.caption(md("Because: " + "; ".join(f.because for f in b.fired[:3])) if b.fired else "")


def show_report(report: DraftReport, key: str) -> None:
    """The whole report on a draft, with the change report to download."""
    _verdict(report)
    _sections(report)
    _impact(report)
    _wording(report)
    _preview(report, key)
    download_button("Download the change report", lambda: change_report(report),
                    file_name=f"rule-change-{report.sha256[:12]}.md", mime="text/markdown",
                    key=f"wb.download.{key}", icon=":material/download:")


# --- the two tabs --------------------------------------------------------------------------------
def _check_tab(who: Access, live: RuleSet, changes: RuleChanges | None) -> None:
    st.write("Check an edited rule file against the live rules "
             f"({md(live.id)} {md(live.version)}). Nothing here changes the live rules.")
    chosen = _draft_source(live)
    if st.button("Check this draft", type="primary", disabled=chosen is None, key="wb.check"):
        assert chosen is not None
        bar = st.progress(0.0, text="Checking the draft")
        name, text = chosen

        def shown(fraction: float, what: str) -> None:
            bar.progress(min(1.0, fraction), text=first_upper(what))

        st.session_state[REPORT] = check_draft(text, live, name=name, progress=shown)
        bar.empty()
    report: DraftReport | None = st.session_state.get(REPORT)
    if report is None:
        return
    if report.live.sha256 != live.sha256:
        st.warning("The live rules changed since this check: check the draft again.")
    if chosen is not None and chosen[1] != report.text:
        st.info("The draft has been edited since it was checked: check it again to see the new report.")
    st.header("Report")
    show_report(report, "draft")
    st.header("Put forward for approval")
    if not who.has("policy_editor"):
        st.caption("Only a policy editor puts a change forward.")
        return
    refused = why_not_forward(report)
    if refused is not None:
        st.caption(md(first_upper(f"This draft {refused[0]}; {refused[1]}.")))
        return
    if changes is None:
        return
    with st.form("wb.forward"):
        title = st.text_input("What the change is, in a line", max_chars=200, key="wb.title")
        sent = st.form_submit_button("Put forward for approval")
    if sent:
        try:
            ref = put_forward(changes, report, actor=actor(), title=title)
        except ScreeningError as e:
            show_problems(tuple(e.problems))
        else:
            st.success(md(f"Put forward as rule change {ref}. A policy approver other than you decides it."))


def _changes_tab(who: Access, live: RuleSet, changes: RuleChanges | None) -> None:
    if changes is None:
        return
    status = st.radio("Show", ("awaiting", "approved", "rejected"), horizontal=True, key="wb.status",
                      format_func={"awaiting": "Awaiting approval", "approved": "Approved",
                                   "rejected": "Rejected"}.__getitem__)
    listed = changes.listed(status)
    if not listed:
        st.write("None.")
    else:
        st.dataframe(pd.DataFrame([{"reference": c.reference, "change": c.title, "editor": c.editor,
                                    "put forward": c.submitted_at, "checked against": c.live_version,
                                    "decided by": c.decided_by or ""} for c in listed]),
                     hide_index=True, width="stretch")
        titles = {c.reference: c.title for c in listed}
        c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
        ref = c1.selectbox("Rule change", list(titles), key="wb.pick",
                           format_func=lambda r: f"{r}: {titles[r]}")
        if c2.button("Open this change", key="wb.open"):
            try:
                st.session_state[OPENED] = changes.get(ref, actor=actor())  # each opening is audited
            except ScreeningError as e:
                show_problems(tuple(e.problems))
                return
    # the change opened stays open after a decision, whichever list is shown
    opened: RuleChange | None = st.session_state.get(OPENED)
    if opened is not None:
        _decision_area(who, live, changes, opened)


def _recheck(change: RuleChange, live: RuleSet) -> DraftReport:
    """The change's report against today's live rules, made once per change and live rule set."""
    key = f"wb.recheck.{change.reference}.{live.sha256[:12]}"
    if key not in st.session_state:
        with st.spinner("Checking the change against today's live rules"):
            st.session_state[key] = check_draft(change.text, live, name=f"rule change {change.reference}")
    report: DraftReport = st.session_state[key]
    return report


def _decision_area(who: Access, live: RuleSet, changes: RuleChanges, change: RuleChange) -> None:
    st.subheader(md(f"Rule change {change.reference}: {change.title}"))
    st.write(md(f"Put forward by {change.editor} on {change.submitted_at:%d %B %Y at %H:%M}, checked against "
                f"rules version {change.live_version}."))
    report = _recheck(change, live)
    if change.live_sha256 != live.sha256:
        st.warning("The live rules have changed since this was put forward: the report below is against "
                   "today's live rules.")
    show_report(report, change.reference)
    if change.status != "awaiting":
        verb = "Approved" if change.status == "approved" else "Rejected"
        st.info(md(f"{verb} by {change.decided_by} on {change.decided_at:%d %B %Y}: {change.reason}"))
        if change.status == "approved":
            _publishing(report, change)
        return
    st.subheader("Decision")
    why = refusal(who, "approve_rules", editor=change.editor)
    if why is not None:
        show_problems((why,))
        return
    with st.form(f"wb.decide.{change.reference}"):
        decision = st.radio("Your decision", ("approve", "reject"), horizontal=True,
                            format_func={"approve": "Approve", "reject": "Reject"}.__getitem__)
        reason = st.text_area("Reason (for an approval: the equality note, who the wording could affect "
                              "and why it is fair)", max_chars=2000)
        sent = st.form_submit_button("Record the decision", type="primary")
    if not sent:
        return
    try:
        changes.decide(change.reference, actor=actor(), decision=decision,  # type: ignore[arg-type]
                       reason=reason, blocking_now=report.blocked_because)
    except (StoreError, ScreeningError) as e:
        show_problems(tuple(e.problems))
        return
    st.session_state[OPENED] = changes.get(change.reference, actor=actor())  # as now stored
    st.rerun()


def _publishing(report: DraftReport, change: RuleChange) -> None:
    """What the council's change process needs from an approval: the approvals.yaml entries."""
    needed = approvals_needed(report)
    st.markdown("**To publish** (the council's change process; see the README): commit the draft as "
                "rules/ruleset.yaml with these approvals added to rules/approvals.yaml, and let the "
                "checks (lint and test) pass.")
    if not needed:
        st.caption("No new approvals.yaml entries are needed.")
        return
    when = (change.decided_at or dt.datetime.now(dt.UTC)).date().isoformat()
    text = approvals_yaml(needed, role="Prevent Lead", date=when, note=change.reason or "")
    st.code(text, language="yaml")


def main() -> None:
    who = require("use_workbench")
    if who is None:
        return
    live = _live()
    if live is None:
        st.stop()
    st.title("Policy workbench")
    store, problems = get_store()
    changes = RuleChanges(store) if store is not None else None
    if problems:
        show_problems(problems)
    check, decide = st.tabs(["Check a draft", "Rule changes"])
    with check:
        _check_tab(who, live, changes)
    with decide:
        _changes_tab(who, live, changes)


main()
