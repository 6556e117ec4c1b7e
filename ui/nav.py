"""Callbacks that move the journey: Next, Back, Change, and the answers written back from widgets.

They run before the script reruns (Streamlit callbacks), so every page is drawn from a journey that
already holds the latest answers.  Routing itself is the engine's: the emergency jump asks
:func:`screening.evaluate` whether the answers so far reach an emergency outcome.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import ParamSpec

import streamlit as st

from screening import Assessment, RuleSet, evaluate
from screening.record import Departure, answers_fingerprint, is_lowering, now_utc, reason_is_meaningful
from screening.rules.ruleset import Category

from .state import ACCOUNT_FIELDS, journey, new_journey, plan

log = logging.getLogger("screening.app")
P = ParamSpec("P")

#: Set when a callback failed; app.py shows a calm message with the numbers and draws the page.
FAILED = "ui.callback_failed"


def guarded(fn: Callable[P, None]) -> Callable[P, None]:
    """Callbacks run before the script, outside app.py's guard: an error must not become a traceback
    (which would also blank the sidebar with the numbers).  Log it and let the page say so calmly."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> None:
        try:
            fn(*args, **kwargs)
        except Exception:
            log.exception("callback %s failed", fn.__name__)
            st.session_state[FAILED] = fn.__name__

    return wrapper


def required_account(ruleset: RuleSet) -> dict[str, str]:
    """Account fields that must be filled before Next, with the rule file's error message."""
    return {f.id: f.required_message for f in ruleset.wording.account.fields if f.required_message}


def answer_key(indicator_id: str) -> str:
    return f"answer.{journey().nonce}.{indicator_id}"


def account_key(name: str) -> str:
    return f"account.{journey().nonce}.{name}"


def departure_key(name: str) -> str:
    return f"departure.{journey().nonce}.{name}"


def is_emergency(ruleset: RuleSet, answers: dict[str, str]) -> bool:
    """Do the answers so far reach an emergency outcome? (The engine decides, not the screen.)"""
    outcome = ruleset.outcome(evaluate(ruleset, valid_answers(ruleset, answers)).outcome)
    return outcome.category is Category.EMERGENCY


def valid_answers(ruleset: RuleSet, answers: dict[str, str]) -> dict[str, str]:
    """Answers for questions this rule set still asks (a rule edit mid-screening may drop some)."""
    ids = set(ruleset.indicator_ids())
    return {k: v for k, v in answers.items() if k in ids}


def emergency_triggers(ruleset: RuleSet, answers: dict[str, str],
                       changed: tuple[str, ...]) -> tuple[str, ...]:
    """The yes answers that made these answers an emergency: those just given, when they are among
    the evidence of the emergency rules that fired; otherwise all of that evidence."""
    a = evaluate(ruleset, valid_answers(ruleset, answers))
    emergency = {o.id for o in ruleset.outcomes if o.category is Category.EMERGENCY}
    evidence = tuple(dict.fromkeys(e.indicator for f in a.fired if f.outcome in emergency
                                   for e in f.evidence if e.answer == "yes"))
    just_given = tuple(i for i in evidence if i in changed)
    return just_given or evidence


def _check_emergency(ruleset: RuleSet, changed: tuple[str, ...] = ()) -> None:
    j = journey()
    if not j.emergency_seen and is_emergency(ruleset, j.answers):
        j.emergency, j.missing = True, ()
        j.emergency_by = emergency_triggers(ruleset, j.answers, changed)


@guarded
def on_answer(ruleset: RuleSet, indicator_id: str) -> None:
    """A radio changed: keep the answer in the journey; a danger answer jumps to the 999 screen."""
    j = journey()
    value = st.session_state.get(answer_key(indicator_id))
    if value is None:
        j.answers.pop(indicator_id, None)
    else:
        j.answers[indicator_id] = str(value)
        j.missing = tuple(m for m in j.missing if m != indicator_id)
        j.retracted = tuple(r for r in j.retracted if r != indicator_id)
    _check_emergency(ruleset, (indicator_id,))


def _sync_step_answers(ruleset: RuleSet) -> tuple[str, ...]:
    """Copy this page's radios into the journey; the ids whose answer changed."""
    j = journey()
    step = plan(ruleset)[j.step]
    changed: list[str] = []
    if step.factor is not None:
        for ind in step.factor.indicators:
            value = st.session_state.get(answer_key(ind.id))
            if value is not None and j.answers.get(ind.id) != str(value):
                j.answers[ind.id] = str(value)
                changed.append(ind.id)
    return tuple(changed)


@guarded
def sync_account() -> None:
    j = journey()
    for name in ACCOUNT_FIELDS:
        key = account_key(name)
        if key in st.session_state:
            value = st.session_state[key]
            j.account[name] = "" if value is None else str(value)


def _advance(ruleset: RuleSet) -> None:
    j = journey()
    steps = plan(ruleset)
    j.missing = ()
    if j.returning:
        j.step, j.returning = len(steps) - 1, False
    else:
        j.step = min(j.step + 1, len(steps) - 1)


@guarded
def next_factor(ruleset: RuleSet) -> None:
    """Next on a question page: every question needs an answer (Don't know is an answer)."""
    _check_emergency(ruleset, _sync_step_answers(ruleset))
    j = journey()
    if j.emergency:
        return
    factor = plan(ruleset)[j.step].factor
    missing = tuple(i.id for i in factor.indicators if i.id not in j.answers) if factor else ()
    if missing:
        j.missing = missing
        return
    _advance(ruleset)


@guarded
def next_account(ruleset: RuleSet) -> None:
    """Next on the account page: what was noticed is the one thing the Prevent Lead must have."""
    sync_account()
    j = journey()
    missing = tuple(k for k in required_account(ruleset) if not j.account.get(k, "").strip())
    if missing:
        j.missing = missing
        return
    _advance(ruleset)


def retract_emergency() -> None:
    """'Back (I answered by mistake)': the answers that opened the emergency screen are cleared.

    Keeping them would leave the mistaken yes selected, so the next click on anything would open the
    emergency screen again, and Check your answers and every export would carry it.  The questions
    are asked again: no option selected, with a note saying why (:attr:`Journey.retracted`).
    """
    j = journey()
    for ind in j.emergency_by:
        j.answers.pop(ind, None)
        st.session_state.pop(answer_key(ind), None)  # the radio is drawn again with nothing selected
    j.retracted = tuple(dict.fromkeys((*j.retracted, *j.emergency_by)))
    j.emergency, j.emergency_by = False, ()


@guarded
def back(ruleset: RuleSet) -> None:
    """Back: the previous page, or the check page when the worker came from it.

    Nothing is lost, except from the emergency screen, whose Back says the danger answer was a
    mistake and so clears it (:func:`retract_emergency`).
    """
    j = journey()
    sync_account()
    j.missing = ()
    if j.emergency:
        retract_emergency()
    elif j.result:
        j.result = False
    elif j.returning:
        j.step, j.returning = len(plan(ruleset)) - 1, False
    else:
        j.step = max(j.step - 1, 0)


@guarded
def change(step_index: int) -> None:
    """Change on the check page: go to that page; Next brings the worker back to the check page."""
    j = journey()
    j.step, j.returning, j.missing, j.result = step_index, True, (), False


@guarded
def record_after_emergency(ruleset: RuleSet) -> None:
    """The worker is safe and wants to record what happened: go to the account page."""
    j = journey()
    j.emergency, j.emergency_seen, j.missing = False, True, ()
    j.step = len(plan(ruleset)) - 2


@guarded
def show_result() -> None:
    j = journey()
    j.result, j.completed_at, j.missing = True, now_utc(), ()


#: What the departure form may be missing, in the order the error summary lists them.
DEPARTURE_FIELDS = ("outcome", "reason", "agreed_by", "confirmed")


def departure_missing(ruleset: RuleSet, recommended: str, outcome: str | None, reason: str,
                      agreed_by: str, confirmed: bool) -> tuple[str, ...]:
    """Which of :data:`DEPARTURE_FIELDS` still need an answer.

    Every departure needs a route and a meaningful reason; a less serious route than the
    recommendation also needs who agreed it (their role) and the worker's confirmation.
    """
    lowering = bool(outcome) and is_lowering(ruleset, recommended, str(outcome))
    ok = {"outcome": bool(outcome), "reason": reason_is_meaningful(reason),
          "agreed_by": not lowering or bool(agreed_by), "confirmed": not lowering or confirmed}
    return tuple(k for k in DEPARTURE_FIELDS if not ok[k])


@guarded
def record_departure(ruleset: RuleSet, recommended: str) -> None:
    """'I disagree': another outcome and a reason, both required; the recommendation is kept too.

    Lowering the route also needs the role of whoever agreed it and a confirmation; until all of
    that is given nothing is recorded and the form lists what is missing.  The decision records what
    it departs from (the recommendation, the rules and a fingerprint of the answers), worked out
    again here from the journey, so :func:`reconcile_departure` can tell when it has gone stale.
    """
    j = journey()
    assessment = evaluate(ruleset, valid_answers(ruleset, j.answers))
    recommended = assessment.outcome
    outcome = st.session_state.get(departure_key("outcome"))
    reason = str(st.session_state.get(departure_key("reason")) or "").strip()
    agreed_by = " ".join(str(st.session_state.get(departure_key("agreed_by")) or "").split())
    confirmed = bool(st.session_state.get(departure_key("confirmed")))
    missing = departure_missing(ruleset, recommended, outcome, reason, agreed_by, confirmed)
    if missing:
        j.missing = missing
        return
    lowering = is_lowering(ruleset, recommended, str(outcome))
    j.departure = Departure(outcome=str(outcome), reason=reason, agreed_by=agreed_by if lowering else "",
                            recommended=recommended, ruleset_sha256=assessment.ruleset_sha256,
                            answers_sha256=answers_fingerprint(assessment.answer_map))
    j.missing, j.cleared_departure, j.cleared_because = (), None, ""


def reconcile_departure(assessment: Assessment) -> None:
    """Clear a decision made on other answers (or other rules) than the ones now assessed.

    Cleared on any change to the answers, not only one that changes the recommendation: the reason
    (and, for a lowered route, the sign-off) was given on the facts as they were answered, and a
    changed answer can make it wrong while the recommendation stands ("no known contacts", then
    contacts answered yes).  Deciding again is one short form; a record that misstates what was
    agreed is not.  It is the net change that counts: answers changed and changed back are the ones
    the decision was made on.  The cleared decision is kept in the journey so the page can say so.
    """
    j = journey()
    d = j.departure
    if d is None or d.made_on(assessment.ruleset_sha256, assessment.answer_map):
        return
    j.departure, j.cleared_departure = None, d
    j.cleared_because = "rules" if d.ruleset_sha256 != assessment.ruleset_sha256 else "answers"


@guarded
def withdraw_departure() -> None:
    j = journey()
    j.departure, j.cleared_departure, j.cleared_because = None, None, ""


@guarded
def start_again() -> None:
    new_journey()
