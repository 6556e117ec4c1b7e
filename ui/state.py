"""The rule set (loaded once per content) and the journey's own state.

Streamlit forgets a widget's value as soon as the widget is not drawn, so answers never live in
widget keys: they live in :class:`Journey`, kept in ``st.session_state``.  Widgets take their
starting value from the journey and write back into it when changed.
"""

from __future__ import annotations

import hashlib
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import streamlit as st

from screening import Problem, RuleSet, RuleSetError, ScreeningError, default_rules_dir, load
from screening.exports.export import export_keys
from screening.record import Departure, new_reference, now_utc
from screening.rules.loading import FAIRNESS_FILE, RULESET_FILE
from screening.rules.register import record_loaded
from screening.rules.ruleset import Factor, Kind

#: Environment variable naming another rules folder (or ruleset.yaml); tests use it.
RULES_ENV = "SCREENING_RULES"

#: The order the journey asks factors in, by kind; YAML order within a kind.
KIND_ORDER: tuple[tuple[Kind, ...], ...] = (
    (Kind.GATE,), (Kind.ENGAGEMENT, Kind.INTENT, Kind.CAPABILITY), (Kind.CONTEXT,),
    (Kind.PROTECTIVE,), (Kind.PROFILE,),
)


@dataclass(frozen=True)
class Loaded:
    """A rule set, or the problems that stopped it loading."""

    ruleset: RuleSet | None
    problems: tuple[Problem, ...] = ()


def rules_path() -> Path:
    """The rules folder in use: ``$SCREENING_RULES`` or the shipped ``rules/``."""
    env = os.environ.get(RULES_ENV, "").strip()
    return Path(env) if env else default_rules_dir()


def fingerprint(path: Path) -> str:
    """Hash of the rule files' bytes: cheap enough for every run, so an edit is picked up at once."""
    folder = path if path.is_dir() else path.parent
    main = path / RULESET_FILE if path.is_dir() else path
    h = hashlib.sha256()
    for p in (main, folder / FAIRNESS_FILE):
        h.update(str(p).encode() + b"\0")
        try:
            h.update(p.read_bytes())
        except OSError as e:
            h.update(f"unreadable:{e.errno}".encode())
    return h.hexdigest()


@st.cache_resource(show_spinner=False, max_entries=8)
def _load(path: str, content: str) -> Loaded:
    """Load and check once per (folder, content); ``content`` is only the cache key."""
    del content
    try:
        ruleset = load(path)
    except RuleSetError as e:
        return Loaded(None, e.problems)
    record_loaded(ruleset)  # the register of published rule sets, so its screenings can be replayed
    return Loaded(ruleset)


def export_key_problems() -> tuple[Problem, ...]:
    """Why the export key setting cannot be used (EX014 too short, EX015 unreadable), else ()."""
    try:
        export_keys()
    except ScreeningError as e:
        return e.problems
    return ()


def get_ruleset() -> Loaded:
    """The current rule set, reloaded only when a rule file's bytes (or the core's code) change.

    The code's identity is part of the key because a cached RuleSet holds condition objects of the
    classes it was built with; after the core is reloaded (an upgrade in place) the engine would no
    longer recognise them.
    """
    path = rules_path()
    code = str(id(sys.modules["screening.rules.ruleset"].AtLeast))
    return _load(str(path), fingerprint(path) + code)


# --- the journey ---------------------------------------------------------------------------------

StepKind = Literal["factor", "account", "check"]


@dataclass(frozen=True)
class Step:
    """One page of the journey: a factor's questions, the worker's account, or the check page."""

    kind: StepKind
    factor: Factor | None = None


def ordered_factors(ruleset: RuleSet) -> tuple[Factor, ...]:
    """Factors in journey order: by kind group (see KIND_ORDER), then as written in the YAML."""
    rank = {k: i for i, group in enumerate(KIND_ORDER) for k in group}
    return tuple(sorted(ruleset.factors, key=lambda f: rank.get(f.kind, len(KIND_ORDER))))


def plan(ruleset: RuleSet) -> tuple[Step, ...]:
    """Every step of the journey, generated from the rule set."""
    return (*(Step("factor", f) for f in ordered_factors(ruleset)), Step("account"), Step("check"))


ACCOUNT_FIELDS: tuple[str, ...] = (
    "noticed_what", "noticed_when", "how_known", "other_agencies", "safeguarding_in_place",
    "actions_taken", "person_aware", "alternative_explanations",
    "screener_role", "screener_team", "age_band",
)


@dataclass
class Journey:
    """Where the worker is and everything they have entered so far (mutable, per session)."""

    step: int = 0
    answers: dict[str, str] = field(default_factory=dict)
    account: dict[str, str] = field(default_factory=dict)
    departure: Departure | None = None
    cleared_departure: Departure | None = None  # a decision cleared as stale: the page says so
    cleared_because: Literal["answers", "rules", ""] = ""  # what changed after that decision
    returning: bool = False          # came from "Check your answers" via Change
    emergency: bool = False          # showing the emergency screen
    emergency_seen: bool = False     # the worker has seen it and chose to record the screening
    emergency_by: tuple[str, ...] = ()  # the yes answers that opened the emergency screen
    retracted: tuple[str, ...] = ()  # answers cleared by "Back (I answered by mistake)": asked again
    result: bool = False             # showing the result page
    missing: tuple[str, ...] = ()    # what was left unanswered on the last Next (error summary)
    started_at: str = field(default_factory=now_utc)
    completed_at: str | None = None
    reference: str = field(default_factory=new_reference)  # random, quoted in the file names
    nonce: int = 0                   # bumps on a new screening so no widget keeps an old value
    draft_reference: str | None = None  # the store's reference, once the draft is first saved
    draft_revision: int | None = None   # the draft's revision this session last saved or loaded
    handed_over: bool = False           # saved for review: the draft is final and no longer saved


KEY = "journey"


def journey() -> Journey:
    """This session's journey, created on first use."""
    j = st.session_state.get(KEY)
    if not isinstance(j, Journey):
        j = Journey()
        st.session_state[KEY] = j
    return j


def new_journey() -> None:
    """Forget everything entered (Start a new screening)."""
    old = st.session_state.get(KEY)
    nonce = old.nonce + 1 if isinstance(old, Journey) else 0
    st.session_state[KEY] = Journey(nonce=nonce)
