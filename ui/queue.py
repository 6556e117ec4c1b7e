"""The review queue: the supervisor's or Prevent Lead's list of handed-over screenings.

Filters (status, outcome, team, dates), urgent checks first, a page at a time; opening one shows the
same review as an opened file (summary, trace, every answer, the worker's decision, the replay under
the rules it was made with and under today's), then the reviewer's decision, kept apart from the
recommendation.  Every open, decision, export and purge is audited by the store.

Only supervisors reach this page, and each sees only their teams' screenings (a supervisor of every
team sees all): the list is filtered in the database, and a reference typed in is checked against
its author and team (:meth:`Store.owner`, which shows nothing) before the audited open.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import streamlit as st

if str(Path(__file__).resolve().parents[1]) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from screening import RuleSet, ScreeningError
from screening.access import Access, can, refusal, visible_teams
from screening.errors import problem
from screening.exports import summary as summ
from screening.store import DECISIONS, Filters, Saved, Store, StoreError
from screening.store.csv_export import to_csv
from screening.text import limit
from ui.access import require
from ui.downloads import download_button
from ui.review import render
from ui.state import get_ruleset
from ui.storage import actor, get_store
from ui.widgets import show_problems

PER_PAGE = 25
STATUSES = {"submitted": "Waiting for review", "reviewed": "Reviewed", "closed": "Closed"}
DECISION_WORDS = {"agree": "Agree with the route", "change_route": "Change the route",
                  "close": "Close (no further action)", "escalate": "Escalate"}


def _title(ruleset: RuleSet, outcome: str | None) -> str:
    try:
        return ruleset.outcome(outcome or "").title
    except KeyError:
        return outcome or ""


def filters_form(ruleset: RuleSet) -> Filters:
    with st.expander("Filter", expanded=False):
        c1, c2 = st.columns(2)
        statuses = c1.multiselect("Status", list(STATUSES), format_func=STATUSES.__getitem__,
                                  key="queue.status")
        outcomes = c2.multiselect("Recommendation", [o.id for o in ruleset.outcomes],
                                  format_func=lambda o: _title(ruleset, o), key="queue.outcome")
        team = c1.text_input("Team", max_chars=limit("screener_team"), key="queue.team").strip()
        since = c2.date_input("Made on or after", value=None, key="queue.since")
        until = c2.date_input("Made on or before", value=None, key="queue.until")
    return Filters(
        statuses=tuple(statuses), outcomes=tuple(outcomes), teams=(team,) if team else (),
        since=_day(since), until=_day(until, 1))


def _day(d: date | None, plus: int = 0) -> datetime | None:
    if not isinstance(d, date):
        return None
    return datetime.combine(d + timedelta(days=plus), time.min, tzinfo=UTC)


def team_scope(who: Access, filters: Filters) -> Filters | None:
    """The filters narrowed to the supervisor's teams, or None when they leave no team to show."""
    teams = visible_teams(who, filters.teams)
    if teams is None:
        return filters
    if not teams:
        return None
    return replace(filters, teams=teams)


def queue_table(store: Store, ruleset: RuleSet, filters: Filters) -> list[str]:
    page = st.session_state.get("queue.page", 1)
    result = store.queue(filters, page=page, per_page=PER_PAGE)
    pages = max(1, -(-result.total // PER_PAGE))
    if page > pages:
        st.session_state["queue.page"] = page = pages
        result = store.queue(filters, page=page, per_page=PER_PAGE)
    st.markdown(f"**{result.total:,}** screening{'' if result.total == 1 else 's'} "
                f"(page {page} of {pages}). Screenings with an open urgent check come first.")
    header = ["Reference", "Urgent check", "Status", "Recommendation", "Team", "Made"]
    rows = [[r.reference, "Yes" if r.urgent else "", STATUSES.get(r.status, r.status),
             _title(ruleset, r.outcome), r.team, f"{r.created_at:%d %b %Y %H:%M}"] for r in result.rows]
    if rows:
        st.dataframe({h: [row[i] for row in rows] for i, h in enumerate(header)}, hide_index=True,
                     width="stretch")
        download_button("Download this page as CSV", lambda: to_csv(header, rows),
                        file_name=f"review-queue-page-{page}.csv", mime="text/csv", key="queue.csv")
    c1, c2, _ = st.columns([1, 1, 4])
    if c1.button("Previous page", disabled=page <= 1, key="queue.prev"):
        st.session_state["queue.page"] = page - 1
        st.rerun()
    if c2.button("Next page", disabled=page >= pages, key="queue.next"):
        st.session_state["queue.page"] = page + 1
        st.rerun()
    return [r.reference for r in result.rows]


def decision_form(store: Store, ruleset: RuleSet, saved: Saved, who: Access) -> None:
    if not can(who, "review", author=saved.author, team=saved.team):
        return
    st.subheader("Your decision")
    for rv in saved.reviews:
        said = DECISION_WORDS.get(rv["decision"], rv["decision"])
        said = DECISION_WORDS.get(rv["decision"], rv["decision"])
        st.info(summ.md(f"{rv['created_at']:%d %b %Y %H:%M}: {said}"
                        f" — route: {_title(ruleset, rv['route'])} (recommended: "
                        f"{_title(ruleset, rv['recommended'])}). {rv['reason']}"
                        + (f" Signed off by: {rv['signed_off_by']}." if rv["signed_off_by"] else "")))
    if saved.status == "closed":
        st.caption("This screening is closed.")
        return
    recommended = saved.outcome or ""
    key = f"decide.{saved.reference}"
    decision = st.radio("Decision", list(DECISIONS), format_func=DECISION_WORDS.__getitem__,
                        key=f"{key}.decision")
    ids = [o.id for o in ruleset.outcomes]
    route = recommended
    if decision in ("change_route", "escalate"):
        route = st.selectbox("Route", ids, index=ids.index(recommended) if recommended in ids else 0,
                             format_func=lambda o: _title(ruleset, o), key=f"{key}.route")
    lowers = recommended in ids and route in ids and ids.index(route) > ids.index(recommended)
    reason = st.text_area("Reason" + (" (needed: the route differs from the recommendation)"
                                      if route != recommended else " (optional)"),
                          max_chars=limit("reason"), key=f"{key}.reason")
    signed = ""
    if lowers:
        st.warning("This route is lower than the recommendation. Lowering needs a senior officer's "
                   "sign-off: judgement may raise a route, never silently lower it.")
        signed = st.text_input("Signed off by (their role, not their name)", max_chars=limit("agreed_by"),
                               key=f"{key}.signed")
    if st.button("Record the decision", type="primary", key=f"{key}.save"):
        try:
            store.review(saved.reference, actor=actor(), decision=decision, route=route, reason=reason,
                         signed_off_by=signed, lowers=lowers)
        except StoreError as e:
            show_problems(e.problems)
            return
        st.success("Decision recorded.")
        st.rerun()


def open_saved(store: Store, ruleset: RuleSet, reference: str, who: Access) -> None:
    try:
        owner = store.owner(reference)
        if owner is None:
            if who.all_teams:  # may open every screening: saying 'unknown' tells them nothing new
                raise StoreError("ST002", reference=reference[:40])
            show_problems((problem("AU008", reference=reference[:40]),))  # reads as 'not yours'
            return
        why = refusal(who, "view_screening", author=owner[0], team=owner[1], reference=reference)
        if why is not None:
            show_problems((why,))
            return
        saved = store.get(reference, actor=actor())
    except StoreError as e:
        show_problems(e.problems)
        return
    st.header(f"Screening {saved.reference}")
    export = saved.payload.get("export")
    if not isinstance(export, str):
        st.warning("This screening has no handed-over record to show.")
        return
    try:
        opened = summ.read_export(export.encode("utf-8"), ruleset)
    except ScreeningError as e:
        show_problems(e.problems)
        return
    render(ruleset, opened)
    decision_form(store, ruleset, saved, who)


def purge_box(store: Store) -> None:
    with st.expander("Retention"):
        st.markdown(f"Closed screenings are deleted {store.retention_days} days after closing, and "
                    "drafts nobody has touched for 30 days. Every deletion is kept in the audit trail.")
        sure = st.checkbox("I understand this deletes screenings past their retention period",
                           key="queue.purge.sure")
        if st.button("Delete what has expired", disabled=not sure, key="queue.purge"):
            _n, broken = store.verify_audit()
            if broken is not None:
                st.error(f"The audit trail is broken at record {broken.seq}: nothing was deleted.")
                return
            gone = store.purge(actor=actor())
            st.success(f"Deleted {len(gone):,} screening{'' if len(gone) == 1 else 's'} past retention.")


def main() -> None:
    who = require("view_queue")  # supervisors only, whatever the URL
    if who is None:
        return
    st.title("Review queue")
    ruleset = get_ruleset().ruleset
    if ruleset is None:
        st.stop()
    store, problems = get_store()
    if store is None:
        show_problems(problems)
        return
    try:
        if not who.all_teams:
            st.caption(summ.md(f"Screenings handed over to your teams: {', '.join(who.teams)}."))
        scoped = team_scope(who, filters_form(ruleset))
        refs = queue_table(store, ruleset, scoped) if scoped is not None else []
        if scoped is None:
            st.markdown("No screenings: that team is not one of yours.")
        chosen = st.text_input("Open a screening by its reference", max_chars=limit("reference"),
                               placeholder="for example KQ3X-M7TD", key="queue.open").strip()
        if not chosen and refs:
            chosen = st.selectbox("Or choose one on this page", ["", *refs], key="queue.pick")
        if chosen:
            open_saved(store, ruleset, chosen, who)
        if can(who, "purge"):
            purge_box(store)
    except StoreError as e:
        show_problems(e.problems)


if __name__ == "__main__":
    main()
