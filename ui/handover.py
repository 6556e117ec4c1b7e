"""Hand over: the result page saves the screening to the store and gives a short reference.

The worker quotes the reference on the phone to the Prevent Lead, who finds it in the review queue.
What is kept is the sealed export (the same record a downloaded file holds) and nothing more; if the
store cannot be reached the worker is told so in plain words and everything stays on screen.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from screening import RuleSet
from screening.engine import Assessment
from screening.exports import summary as summ
from screening.record import ScreeningRecord
from screening.store import StoreError

from .state import journey
from .storage import actor, get_store, team_for


def export_recorder(kind: str) -> Callable[[], None] | None:
    """What a download calls to put the export in the audit trail, when the screening is in the
    store.  Who and which screening are read now, in the page's own run; the download may be made
    later, outside it."""
    j = journey()
    reference, who = j.draft_reference, actor()
    if reference is None:
        return None

    def record() -> None:
        store, _ = get_store()
        if store is not None:
            store.record_export(reference, actor=who, kind=kind)

    return record


def _key(nonce: int) -> str:
    return f"handover.reference.{nonce}"


def handover_box(ruleset: RuleSet, assessment: Assessment, record: ScreeningRecord, nonce: int) -> None:
    """The 'Save and hand over' button, or the reference once saved."""
    st.header("Hand over")
    reference = st.session_state.get(_key(nonce))
    if reference:  # made by the store from A-Z, 0-9 and a hyphen: nothing to escape
        st.success(f"Saved for review. Your reference is **{reference}**: quote it when you "
                   "phone the Prevent Lead or your supervisor.", icon=":material/task_alt:")
        return
    st.markdown("Save this screening so your supervisor or the Prevent Lead can review it. You get a "
                "short reference to quote on the phone.")
    if not st.button("Save and hand over", key=f"handover.save.{nonce}"):
        return
    store, problems = get_store()
    try:
        if store is None:
            raise StoreError("ST001", reason=problems[0].message if problems else "not configured")
        export = summ.to_json(ruleset, assessment, record)
        j = journey()
        ref = j.draft_reference  # the draft saved as the worker went becomes the handed-over record
        if ref is None:
            ref, _ = store.save_draft(actor=actor(), team=team_for(record.screener_team or ""),
                                      reference=None, step=0, payload={"export": export},
                                      ruleset=(assessment.ruleset_id, assessment.ruleset_version,
                                               assessment.ruleset_sha256))
        store.submit(ref, actor=actor(), outcome=assessment.outcome,
                     urgent=bool(getattr(assessment, "urgent_checks", ())), payload={"export": export})
        j.draft_reference, j.handed_over = ref, True
    except StoreError as e:
        p = e.problems[0]
        st.error(f"**{summ.md(p.code)}**: {summ.md(p.message)}.\n\n{summ.md(p.fix)}.",
                 icon=":material/cloud_off:")
        return
    st.session_state[_key(nonce)] = ref
    st.rerun()
