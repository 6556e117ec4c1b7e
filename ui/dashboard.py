"""The supervisor's dashboard: outcomes over time, how often reviewers changed the route, and how
long screenings waited for review.  Counts and dates only (the store's ``stats``): no free text.
Supervisors only, and each sees their own teams' figures (a supervisor of every team sees all).
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import altair as alt
import pandas as pd
import streamlit as st

if str(Path(__file__).resolve().parents[1]) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from screening import RuleSet
from screening.access import visible_teams
from screening.exports import summary as summ
from screening.store import Stats
from ui.access import require
from ui.state import get_ruleset
from ui.storage import get_store
from ui.widgets import show_problems


def frames(ruleset: RuleSet, stats: Stats) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(screenings by week and recommendation, reviews with whether the route changed and days waited)."""
    titles = {o.id: o.title for o in ruleset.outcomes}
    made = pd.DataFrame(stats.screenings, columns=["created", "outcome", "team"])
    if not made.empty:
        made["week"] = pd.to_datetime(made["created"], utc=True).dt.tz_localize(None).dt.to_period("W") \
            .dt.start_time
        made["recommendation"] = made["outcome"].map(lambda o: titles.get(o, o))
    rev = pd.DataFrame(stats.reviews, columns=["submitted", "reviewed", "decision", "route", "recommended"])
    if not rev.empty:
        rev["changed"] = rev["route"] != rev["recommended"]
        waited = pd.to_datetime(rev["reviewed"], utc=True) - pd.to_datetime(rev["submitted"], utc=True)
        rev["days"] = waited.dt.total_seconds() / 86400
    return made, rev


def main() -> None:
    who = require("view_dashboard")
    if who is None:
        return
    st.title("Dashboard")
    ruleset = get_ruleset().ruleset
    if ruleset is None:
        st.stop()
    store, problems = get_store()
    if store is None:
        show_problems(problems)
        return
    weeks = st.selectbox("Period", [4, 13, 26, 52], index=1, format_func=lambda w: f"last {w} weeks",
                         key="dash.weeks")
    teams = visible_teams(who)
    if teams is not None:
        st.caption(summ.md(f"Your teams: {', '.join(teams) or 'none'}."))
    made, rev = frames(ruleset, store.stats(datetime.now(UTC) - timedelta(weeks=weeks), teams=teams))
    if made.empty:
        st.info("No screenings have been handed over in this period.")
        return
    st.subheader("Recommendations by week")
    order = [o.title for o in ruleset.outcomes]
    by_week = made.groupby(["week", "recommendation"]).size().reset_index(name="screenings")
    st.altair_chart(alt.Chart(by_week).mark_bar().encode(
        x=alt.X("week:T", title="Week"), y=alt.Y("screenings:Q", title="Screenings"),
        color=alt.Color("recommendation:N", sort=order, title="Recommendation"),
        tooltip=["week:T", "recommendation:N", "screenings:Q"]), width="stretch")
    st.caption(f"{len(made):,} screenings handed over; a chart of counts, never a score of any person.")
    if rev.empty:
        st.info("No reviews have been recorded in this period.")
        return
    c1, c2 = st.columns(2)
    changed = rev["changed"].mean()
    c1.metric("Reviews that changed the route", f"{changed:.0%}", help=f"of {len(rev):,} reviews")
    c2.metric("Median days from hand-over to review", f"{rev['days'].median():.1f}")
    st.subheader("Reviewers' decisions")
    counts = rev.assign(what=rev["changed"].map({True: "route changed", False: "route kept"})) \
        .groupby(["decision", "what"]).size().reset_index(name="reviews")
    st.altair_chart(alt.Chart(counts).mark_bar().encode(
        x=alt.X("reviews:Q", title="Reviews"), y=alt.Y("decision:N", title="Decision"),
        color=alt.Color("what:N", title=""), tooltip=["decision:N", "what:N", "reviews:Q"]),
        width="stretch")
    st.subheader("Days from hand-over to review")
    st.altair_chart(alt.Chart(rev).mark_bar().encode(
        x=alt.X("days:Q", bin=alt.Bin(maxbins=20), title="Days"),
        y=alt.Y("count():Q", title="Reviews")), width="stretch")


if __name__ == "__main__":
    main()
