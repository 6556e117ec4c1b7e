"""Drafts: the journey saved to the store at every step, so nothing is lost to a refresh, a closed
tab or a restarted (or different) server, and each step has its own address so the browser's Back
button moves through the journey instead of leaving it.

The address carries ``?draft=<reference>&step=<n>``.  A new session that arrives with a draft
reference (a refresh, a reopened tab, another server behind the load balancer) loads the draft,
if it is the worker's own, and carries on where it was.  A draft made under other rules than
today's says so, and its answers are re-checked under today's (questions that no longer exist are
dropped and named).  When the store is down the journey goes on in this session and the page says
it is not being saved.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import streamlit as st

from screening import RuleSet
from screening.exports import summary as summ
from screening.record import Departure
from screening.store import StoreError
from screening.store.store import DRAFT_DAYS

from .state import Journey, plan
from .storage import actor, get_store, team_for

DRAFT, STEP = "draft", "step"
_SAVED = "drafts.saved"   # fingerprint of what was last saved in this session
_URL_STEP = "drafts.url_step"  # the step this session last wrote into the address
_CHECKED = "drafts.checked"  # this session has looked for a draft in its address
NOTE = "drafts.note"  # a message to show once (resumed, rules changed, not saved)

#: Journey fields a draft keeps (all plain values; the departure is a pydantic model).
_FIELDS = ("step", "answers", "account", "returning", "emergency", "emergency_seen", "result",
           "started_at", "completed_at", "reference")


def to_payload(j: Journey) -> dict[str, Any]:
    data = {f: getattr(j, f) for f in _FIELDS}
    data["departure"] = j.departure.model_dump(mode="json") if j.departure is not None else None
    return data


def from_payload(ruleset: RuleSet, data: dict[str, Any], nonce: int) -> tuple[Journey, tuple[str, ...]]:
    """The journey a draft holds, answers re-checked against today's questions (dropped ids named)."""
    known = set(ruleset.indicator_ids())
    answers = {str(k): str(v) for k, v in dict(data.get("answers") or {}).items()}
    dropped = tuple(sorted(k for k in answers if k not in known))
    j = Journey(nonce=nonce)
    for f in _FIELDS:
        if f in data and f != "answers":
            setattr(j, f, data[f])
    j.answers = {k: v for k, v in answers.items() if k in known}
    dep = data.get("departure")
    j.departure = Departure.model_validate(dep) if isinstance(dep, dict) else None
    j.step = max(0, min(int(j.step), len(plan(ruleset)) - 1))
    return j, dropped


def fingerprint(j: Journey) -> str:
    return hashlib.sha256(json.dumps(to_payload(j), sort_keys=True, default=str).encode()).hexdigest()


def resume(ruleset: RuleSet, j: Journey) -> Journey:
    """On a session's first run with ``?draft=`` in the address: that draft, if it is ours."""
    ref = st.query_params.get(DRAFT, "")
    if st.session_state.get(_CHECKED):  # only a session's first run: "Start again" means start again
        return j
    st.session_state[_CHECKED] = True
    if not ref or j.answers or j.account or j.draft_reference == ref:
        return j
    store, problems = get_store()
    if store is None:
        st.session_state[NOTE] = ("warning", problems[0].message if problems else "")
        return j
    try:
        owner = store.owner(ref)
        if owner is None or owner[0] != actor():  # only the worker's own drafts, and say no more
            raise StoreError("ST002", reference=ref)
        saved = store.get(ref, actor=actor())
    except StoreError as e:
        p = e.problems[0]
        st.session_state[NOTE] = ("warning", f"{p.message}. {p.fix}.")
        return j
    if saved.status != "draft":
        st.session_state[NOTE] = ("info", f"Screening {saved.reference} was handed over; it is in the "
                                          "review queue and cannot be changed here.")
        return j
    resumed, dropped = from_payload(ruleset, dict(saved.payload.get("journey") or {}), j.nonce + 1)
    resumed.draft_reference, resumed.draft_revision = saved.reference, saved.revision
    said = f"Resumed your draft {saved.reference}, saved {saved.updated_at:%d %b %Y at %H:%M}."
    if saved.ruleset_sha256 != ruleset.sha256:
        said += (f" It was started under rules version {saved.ruleset_version}; today's rules are "
                 f"version {ruleset.version}, and your answers have been checked again under them.")
        if dropped:
            said += f" These questions no longer exist and were left out: {', '.join(dropped)}."
    st.session_state[NOTE] = ("info", said)
    step = st.query_params.get(STEP, "")
    if step.isdigit():
        resumed.step = min(int(step), resumed.step)
    st.session_state[_SAVED] = fingerprint(resumed)
    st.session_state[_URL_STEP] = resumed.step
    return resumed


def follow_address(ruleset: RuleSet, j: Journey) -> None:
    """The browser's Back or Forward changed ``?step=``: go to that step (never past the furthest
    step the worker has reached, and never out of the result or emergency screen silently)."""
    step = st.query_params.get(STEP, "")
    written = st.session_state.get(_URL_STEP)
    if not step.isdigit() or written is None or int(step) == written:
        return
    target = max(0, min(int(step), len(plan(ruleset)) - 1))
    if j.result or j.emergency:
        j.result = j.emergency = False
    j.step = target
    st.session_state[_URL_STEP] = target


def autosave(ruleset: RuleSet, j: Journey) -> None:
    """Save the draft when anything changed since the last save, and write the step's address."""
    if j.draft_reference and j.handed_over:
        return
    if j.answers or j.account:
        fp = fingerprint(j)
        if st.session_state.get(_SAVED) != fp:
            _save(ruleset, j, fp)
    if j.draft_reference:
        if st.query_params.get(DRAFT) != j.draft_reference or st.query_params.get(STEP) != str(j.step):
            st.query_params[DRAFT] = j.draft_reference
            st.query_params[STEP] = str(j.step)
        st.session_state[_URL_STEP] = j.step


def _save(ruleset: RuleSet, j: Journey, fp: str) -> None:
    store, problems = get_store()
    try:
        if store is None:
            raise StoreError("ST001", reason=problems[0].message if problems else "not configured")
        ref, rev = store.save_draft(
            actor=actor(), team=team_for(str(j.account.get("screener_team", "")))[:200],
            reference=j.draft_reference,
            step=j.step, payload={"journey": to_payload(j)},
            ruleset=(ruleset.id, ruleset.version, ruleset.sha256), revision=j.draft_revision)
    except StoreError as e:
        p = e.problems[0]
        st.session_state[NOTE] = ("warning", f"Not saved: {p.message}. Your answers are still here; "
                                             "keep this page open.")
        return
    j.draft_reference, j.draft_revision = ref, rev
    st.session_state[_SAVED] = fp


def show_note() -> None:
    """The one-off message about the draft (resumed, rules changed, not being saved)."""
    note = st.session_state.pop(NOTE, None)
    if note:
        kind, text = note
        (st.warning if kind == "warning" else st.info)(summ.md(text), icon=":material/save:")


def _carry_on(ref: str, step: int) -> None:
    """A worker chose one of their unfinished screenings: load it on this run, as an address would."""
    st.query_params[DRAFT] = ref
    st.query_params[STEP] = str(step)
    st.session_state[_CHECKED] = False


def offer_drafts(j: Journey) -> None:
    """On a fresh start, the worker's own unfinished screenings to carry on with (newest first).

    Why: the address carries the draft, but a worker who signs in again, or opens the tool from a
    bookmark, has lost it; their drafts are theirs to find without a reference.
    """
    if j.answers or j.account or j.draft_reference or j.step or j.emergency or j.result:
        return
    store, _problems = get_store()
    if store is None:
        return
    try:
        mine = store.drafts_of(actor())
    except StoreError:
        return
    if not mine:
        return
    with st.expander(f"Carry on with an unfinished screening ({len(mine)})", expanded=False):
        for ref, saved_at, step in mine[:10]:
            st.button(f"{ref}, saved {saved_at:%d %b %Y at %H:%M}, at step {step + 1}",
                      key=f"drafts.carry.{ref}", on_click=_carry_on, args=(ref, step))
        st.caption(f"An unfinished screening is deleted {DRAFT_DAYS} days after it was last saved.")
