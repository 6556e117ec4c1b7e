"""Structural checks over a rule set that need no solver: declarations, outcome order, steps, wording.

They run with the proofs in :mod:`screening.checks` on every load, each finding from the catalogue
with file:line.
"""

from __future__ import annotations

from collections.abc import Sequence

from .errors import Problem, problem
from .ruleset import CONCERN_KINDS, SERIOUS, Category, Kind, RuleSet, indicators_in
from .wording import wording_problems
from .words import join_words

#: Category seriousness: outcomes must be listed in this order (most serious first).
CATEGORY_ORDER = (Category.EMERGENCY, Category.PREVENT, Category.SUPPORT, Category.NONE)


def _order(rs: RuleSet) -> list[Problem]:
    """CK017: the severity order of outcomes agrees with their categories.

    The most serious outcome with a firing rule wins, so a support outcome listed above a prevent
    one would beat "Contact the Prevent Lead" whenever both fire.
    """
    out: list[Problem] = []
    for i, o in enumerate(rs.outcomes):
        rank = CATEGORY_ORDER.index(o.category)
        other = next((p for p in rs.outcomes[i + 1:] if CATEGORY_ORDER.index(p.category) < rank),
                     None)
        if other is not None:
            out.append(problem("CK017", rs.main_path, rs.line_of(f"outcome:{o.id}"), outcome=o.id,
                               category=o.category.value, other=other.id,
                               other_category=other.category.value))
    return out


def _questions(ids: Sequence[str], kind: str) -> str:
    shown = [f"'{i}'" for i in ids[:3]]
    if len(ids) == 1:
        return f"the {kind} question {shown[0]}"
    if len(ids) > 3:
        return f"the {kind} questions {', '.join(shown)} and {len(ids) - 3} more"
    return f"the {kind} questions {join_words(shown, 'and')}"


def _steps(rs: RuleSet) -> list[Problem]:
    """CK019: additional steps read only profile questions (read statically from the condition).

    A step is added whatever the outcome, so one that read signs or circumstances would be a
    second, unproved route ("make a Prevent referral today" on any context answer).
    """
    kind_of = {i.id: f.kind for f in rs.factors for i in f.indicators}
    order = rs.indicator_ids()
    out: list[Problem] = []
    for s in rs.steps:
        read = indicators_in(s.when)
        wrong = [i for i in order if i in read and kind_of[i] is not Kind.PROFILE]
        if not wrong:
            continue
        parts = [_questions([i for i in wrong if kind_of[i] is k], k.value)
                 for k in Kind if any(kind_of[i] is k for i in wrong)]
        out.append(problem("CK019", rs.main_path, s.line or rs.line_of(f"step:{s.id}"),
                           step=s.id, what=join_words(parts, "and")))
    return out


def _declarations(rs: RuleSet) -> list[Problem]:
    """CK009/CK010: serious outcomes say which kinds of sign they need, and only concern kinds."""
    out: list[Problem] = []
    for o in rs.outcomes:
        line = rs.line_of(f"outcome:{o.id}")
        if o.category in SERIOUS and not o.needs_one_of_kinds:
            out.append(problem("CK009", rs.main_path, line, outcome=o.id, category=o.category.value))
        wrong = [k for k in o.needs_one_of_kinds if k not in CONCERN_KINDS]
        if wrong:
            out.append(problem("CK010", rs.main_path, line, outcome=o.id,
                               kinds=f"the {join_words([k.value for k in wrong], 'and')} kind"
                               + ("s" if len(wrong) > 1 else ""),
                               category=o.category.value))
    return out


def structure_problems(rs: RuleSet) -> list[Problem]:
    """CK009, CK010, CK017, CK019 and CK025 (wording that is not plain text), in that order."""
    return _order(rs) + _declarations(rs) + _steps(rs) + wording_problems(rs)
