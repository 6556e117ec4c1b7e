"""The stable contract of ids (DOMAIN.md, "The shipped rule set: required ids"), held as data.

Saved screenings, tests, scenario files and the safeguard proofs refer to these ids, and the proofs
are stated over what the ids *mean*: the non-isolation proof trusts an outcome's category and a
factor's kind.  A rule set that drops an id, or keeps it but relabels it (``contact_prevent_lead``
as a ``support`` outcome, the danger questions as context), would pass the proofs while breaking
their point, so every required id must be present with the kind or category the contract gives it.
Councils may add ids; they may not remove or relabel these.  The checks on where routes send the
worker (contacts and their categories, route wording, the account step) are in
:mod:`screening.proofs.routes`.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import Problem, problem
from .ruleset import Category, Kind, RuleSet

#: The stronger and weaker signs of engagement (both in factor ``engagement``).
STRONGER_ENGAGEMENT = ("justifies_violence", "praises_attackers", "extremist_material",
                       "recruits_others")
WEAKER_ENGAGEMENT = ("us_and_them", "closed_mindset", "extremist_contacts", "violence_fixation",
                     "hostile_conspiracy")


@dataclass(frozen=True)
class FactorContract:
    """A required factor: its kind and the indicator ids it must hold (it may hold more)."""

    id: str
    kind: Kind
    indicators: tuple[str, ...]


FACTORS: tuple[FactorContract, ...] = (
    FactorContract("immediate_risk", Kind.GATE,
                   ("imminent_danger", "weapon_with_intent", "named_target", "imminent_travel")),
    FactorContract("engagement", Kind.ENGAGEMENT, STRONGER_ENGAGEMENT + WEAKER_ENGAGEMENT),
    FactorContract("intent_capability", Kind.INTENT,
                   ("threatens_harm", "researches_attacks", "acquiring_capability", "plans_to_join")),
    FactorContract("identity_crisis", Kind.CONTEXT,
                   ("bereavement_or_breakdown", "no_belonging", "major_transition", "humiliation",
                    "victim_of_bullying_or_hate")),
    FactorContract("personal_circumstances", Kind.CONTEXT,
                   ("isolated", "housing_instability", "conflict_at_home", "controlled_by_others",
                    "secretive_online")),
    FactorContract("unemployment", Kind.CONTEXT,
                   ("job_loss_or_neet", "long_term_unemployed", "money_stress",
                    "perceived_unfairness")),
    FactorContract("mental_health", Kind.CONTEXT,
                   ("unsupported_mental_health_need", "recent_crisis", "mood_change_suspicion",
                    "substance_misuse")),
    FactorContract("criminality", Kind.CONTEXT,
                   ("recent_offending", "violent_peers", "on_licence", "criminal_exploitation")),
    FactorContract("protective", Kind.PROTECTIVE,
                   ("trusted_adult", "in_education_or_work", "positive_peers", "open_to_discussion",
                    "engaging_with_support", "stable_housing", "supportive_family",
                    "rejects_violence")),
    FactorContract("about_the_person", Kind.PROFILE, ("under_18", "care_and_support_needs")),
)

#: Required outcomes, most serious first, with the category each must have.
OUTCOMES: dict[str, Category] = {
    "emergency": Category.EMERGENCY,
    "contact_prevent_lead": Category.PREVENT,
    "prevent_lead_advice": Category.PREVENT,
    "consider_safeguarding": Category.SUPPORT,
    "no_prevent_concern": Category.NONE,
}

#: Required additional steps (children's and adult safeguarding, whatever the outcome).
STEPS: tuple[str, ...] = ("childrens_safeguarding", "adult_safeguarding")


def _first_line(rs: RuleSet, prefix: str) -> int:
    """Line of a section's first entry (where a missing entry belongs), else the rule set's line."""
    lines = [n for k, n in rs.lines.items() if k.startswith(prefix) and n]
    return min(lines) if lines else rs.line_of("ruleset")


def contract_problems(rs: RuleSet) -> list[Problem]:
    """CK016 for each required id that is missing, or present with another kind or category."""
    out: list[Problem] = []

    def add(line: int, what: str, id_: str, how: str, required: str) -> None:
        out.append(problem("CK016", rs.main_path, line, what=what, id=id_, how=how,
                           required=required))

    factors = {f.id: f for f in rs.factors}
    for fc in FACTORS:
        f = factors.get(fc.id)
        if f is None:
            add(_first_line(rs, "factor:"), "factor", fc.id, "is missing",
                f"it, with kind '{fc.kind.value}' and questions {', '.join(fc.indicators)}")
        elif f.kind is not fc.kind:
            add(rs.line_of(f"factor:{f.id}"), "factor", fc.id, f"has kind '{f.kind.value}'",
                f"kind '{fc.kind.value}'")
        for ind in fc.indicators:
            try:
                home = rs.factor_of(ind)
            except KeyError:
                if f is not None:  # a missing factor is reported once, above
                    add(rs.line_of(f"factor:{f.id}"), "indicator", ind, "is missing",
                        f"it in factor '{fc.id}'")
                continue
            if home.id != fc.id:
                add(rs.line_of(f"indicator:{ind}"), "indicator", ind,
                    f"is in factor '{home.id}'", f"it in factor '{fc.id}'")
    outcomes = {o.id: o for o in rs.outcomes}
    for oid, cat in OUTCOMES.items():
        o = outcomes.get(oid)
        if o is None:
            add(_first_line(rs, "outcome:"), "outcome", oid, "is missing",
                f"it, with category '{cat.value}'")
        elif o.category is not cat:
            add(rs.line_of(f"outcome:{oid}"), "outcome", oid, f"has category '{o.category.value}'",
                f"category '{cat.value}'")
    steps = {s.id for s in rs.document.additional_steps}
    for sid in STEPS:
        if sid not in steps:
            add(_first_line(rs, "step:"), "additional step", sid, "is missing", "it")
    return out
