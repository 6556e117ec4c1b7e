"""The 'Screen a concern' page: one step of the journey per run, chosen from the journey's state."""

from __future__ import annotations

import streamlit as st

from ui import drafts
from ui.access import require
from ui.account import account_page, check_page
from ui.questions import emergency_page, factor_page
from ui.result import result_page
from ui.state import KEY, get_ruleset, journey, plan
from ui.widgets import start_at_top


def main() -> None:
    if require("screen") is None:  # frontline only, whatever the URL (ui/access.py)
        return
    ruleset = get_ruleset().ruleset
    if ruleset is None:  # app.py has already shown the problems and the numbers
        st.stop()
    j = drafts.resume(ruleset, journey())  # a refresh or another server: carry on from the draft
    st.session_state[KEY] = j
    drafts.follow_address(ruleset, j)  # the browser's Back and Forward move through the steps
    drafts.autosave(ruleset, j)  # callbacks ran before this run: the journey is already up to date
    steps = plan(ruleset)
    j.step = max(0, min(j.step, len(steps) - 1))
    start_at_top(f"{j.started_at}:{j.step}:{j.emergency}:{j.result}")
    drafts.show_note()
    if j.emergency:
        emergency_page(ruleset, j)
    elif j.result:
        result_page(ruleset, j)
    else:
        step = steps[j.step]
        if step.factor is not None:
            factor_page(ruleset, j, step.factor)
        elif step.kind == "account":
            account_page(ruleset, j)
        else:
            check_page(ruleset, j)
    # a fresh start: the worker's own unfinished screenings, below the first questions (nothing above
    # the question moves when the offer goes, and it comes after Next in the tab order)
    drafts.offer_drafts(j)


main()
