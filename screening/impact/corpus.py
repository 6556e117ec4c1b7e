"""Reference corpora of screenings' answers, for the impact of a rule change and for the benchmarks.

Why: "whose outcome would change?" needs screenings to re-route.  A council with stored screenings
uses their answers (:func:`from_store`, answers only, never free text); every council can use the
seeded synthetic corpus (:func:`generate`), the same for the same seed and rule set.

Assumptions of the synthetic corpus (per question, by the kind of its factor; invented, not measured:
a reference to compare two rule sets, not an estimate of a council's caseload):

=============  ========  ============  ===========================================================
kind           P(yes)    P(unknown)    why
=============  ========  ============  ===========================================================
gate           0.2%      5%            immediate danger is rare; a worker usually knows
engagement     1%        15%           signs of engagement are uncommon, often not known
intent, cap.   0.4%      10%           rarer still
context        4%        20%           circumstances are the commonest yes answers
protective     15%       30%           often present, often not known
profile        20%       5%            under 18 / care and support needs: usually known
=============  ========  ============  ===========================================================

One screening in ten is drawn "concerned": engagement yes rates times 8, intent and capability
times 6, context times 2 (concern clusters; most screenings have few or no yes answers).
Every routing rule that can fire is then exercised at least once: for a rule that fired on no row,
a late row that is no other rule's only example is replaced by a smallest set of yes answers that
makes it fire (all else ``no``), checked with the engine's own ``fired`` list;
``frame.attrs["witnesses"]`` names those rules.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from ..engine import _flips, evaluate
from ..rules.ruleset import Kind, RuleSet
from .batch import answers_matrix, fired_matrix

#: (P(yes), P(unknown)) per kind of factor, and the multiplier of P(yes) for a concerned screening.
BASE_RATES: Mapping[Kind, tuple[float, float, float]] = {
    Kind.GATE: (0.002, 0.05, 1.0),
    Kind.ENGAGEMENT: (0.01, 0.15, 8.0),
    Kind.INTENT: (0.004, 0.10, 6.0),
    Kind.CAPABILITY: (0.004, 0.10, 6.0),
    Kind.CONTEXT: (0.04, 0.20, 2.0),
    Kind.PROTECTIVE: (0.15, 0.30, 1.0),
    Kind.PROFILE: (0.20, 0.05, 1.0),
}
CONCERNED_SHARE = 0.1
ANSWER_CATEGORIES = ("no", "yes", "unknown")


def generate(ruleset: RuleSet, n: int = 10_000, seed: int = 2026) -> pd.DataFrame:
    """``n`` synthetic screenings' answers (categorical columns, one per question), seeded."""
    rng = np.random.default_rng(seed)
    ids = ruleset.indicator_ids()
    kinds = [ruleset.factor_of(i).kind for i in ids]
    p_yes = np.array([BASE_RATES[k][0] for k in kinds])
    p_unk = np.array([BASE_RATES[k][1] for k in kinds])
    boost = np.array([BASE_RATES[k][2] for k in kinds])
    concerned = rng.random((n, 1)) < CONCERNED_SHARE
    py = np.minimum(np.where(concerned, p_yes * boost, p_yes), 0.9)
    u = rng.random((n, len(ids)))
    codes = np.where(u < py, 1, np.where(u < py + p_unk, 2, 0)).astype(np.int8)
    witnesses: list[str] = []
    if n:
        codes, witnesses = _exercise_every_rule(ruleset, codes)
    frame = pd.DataFrame({i: pd.Categorical.from_codes(codes[:, k], ANSWER_CATEGORIES)
                          for k, i in enumerate(ids)})
    frame.attrs["witnesses"] = witnesses
    return frame


def _frame(ids: tuple[str, ...], codes: np.ndarray[Any, Any]) -> pd.DataFrame:
    return pd.DataFrame({i: pd.Categorical.from_codes(codes[:, k], ANSWER_CATEGORIES)
                         for k, i in enumerate(ids)})


def _exercise_every_rule(ruleset: RuleSet,
                         codes: np.ndarray[Any, Any]) -> tuple[np.ndarray[Any, Any], list[str]]:
    """Put in witnesses of the rules that fired nowhere, each replacing a row whose rules all fire
    elsewhere too (so no rule loses its only row); each witness is checked with evaluate."""
    ids = ruleset.indicator_ids()
    everyone = frozenset(ids)
    done: list[str] = []
    tried: set[str] = set()
    while True:
        fired = fired_matrix(ruleset, answers_matrix(ruleset, _frame(ids, codes)))
        missing = [r for r in ruleset.rules if not fired[r.id].any() and r.id not in tried]
        if not missing:
            return codes, done
        rule = missing[0]
        tried.add(rule.id)
        need = _flips(rule.when, frozenset(), everyone)
        if need is None:
            continue
        answers = {i: ("yes" if i in need else "no") for i in ids}
        if rule.id not in {f.id for f in evaluate(ruleset, answers).fired}:
            continue
        table = np.column_stack(list(fired.values()))
        counts = table.sum(axis=0)
        sole = (table & (counts == 1)).any(axis=1)   # rows that are some rule's only example
        free = np.flatnonzero(~sole)
        if not len(free):
            continue
        codes[free[-1]] = [1 if i in need else 0 for i in ids]
        done.append(rule.id)


def from_store(store: Any, actor: str, *, purpose: str = "impact of a rule change") -> pd.DataFrame:
    """The answers of every handed-over screening in ``store`` (one row each, indexed by reference).

    Only the ``answers`` of the handed-over export are read; free text never leaves this function.
    Each screening read is recorded in the audit trail as a view by ``actor``.
    """
    from ..store import audit as trail
    from ..store.store import now
    from ..store.tables import screenings

    c = screenings.c
    rows: dict[str, dict[str, str]] = {}
    with store.engine.begin() as conn:
        for r in conn.execute(screenings.select().where(c.status != "draft").order_by(c.id)).all():
            payload = store.cipher.open(r.payload)
            try:
                answers = json.loads(payload.get("export", "")).get("answers", {})
            except (ValueError, AttributeError):
                continue
            if isinstance(answers, dict):
                rows[r.reference] = {str(k): str(v) for k, v in answers.items()}
                trail.append(conn, now(), actor, "view", r.reference, {"purpose": purpose})
    frame = pd.DataFrame.from_dict(rows, orient="index")
    return frame.fillna("unknown")
