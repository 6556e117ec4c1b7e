"""The stable contract of ids (DOMAIN.md, "The shipped rule set: required ids"), held as data.

Saved screenings, tests, scenario files and the safeguard proofs refer to these ids, and the proofs
are stated over what the ids *mean*: the non-isolation proof trusts an outcome's category and a
factor's kind.  A rule set that drops an id, or keeps it but relabels it (``contact_prevent_lead``
as a ``support`` outcome, the danger questions as context), would pass the proofs while breaking
their point, so every required id must be present with the kind or category the contract gives it.
Councils may add ids; they may not remove or relabel these.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import Problem, problem
from .fairness import phrase
from .ruleset import CONCERN_KINDS, SERIOUS, Category, Kind, RuleSet

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


#: The emergency number: the emergency route must use it.
EMERGENCY_PHONE = "999"

#: Wording that sends a worker to the Prevent Lead or to a referral; only emergency and Prevent
#: outcomes may use it (a support outcome or an additional step must not read like a Prevent route).
PREVENT_ROUTE_PHRASES: tuple[str, ...] = (
    "contact the prevent lead today", "make a prevent referral", "refer to prevent",
    "refer them to prevent", "prevent referral today", "refer to channel", "channel referral",
)

#: A UK number a worker can dial: 999 / 112 / 101 / 111, or 10-11 digits starting with 0.
_PHONE = re.compile(r"^(?:999|112|101|111|0\d{9,10})$")


def route_problems(rs: RuleSet, *, new_questions: bool = True) -> list[Problem]:
    """CK021 contacts, CK022 Prevent wording outside Prevent outcomes, CK023 new concern questions
    (only against the contract, so not for synthetic rule sets), CK024 the account step."""
    out: list[Problem] = []
    path = rs.main_path

    def contacts(line: int, what: str) -> None:
        out.append(problem("CK021", path, line, what=what))

    em, lead = rs.emergency_contact, rs.default_contact
    if em.phone.replace(" ", "") != EMERGENCY_PHONE:
        contacts(rs.line_of(f"contact:{em.id}"), f"the emergency contact '{em.id}' has number "
                 f"'{em.phone}', not {EMERGENCY_PHONE}")
    for c in rs.document.contacts:
        if not _PHONE.match(c.phone.replace(" ", "")):
            contacts(rs.line_of(f"contact:{c.id}"), f"contact '{c.id}' has number '{c.phone}', "
                     "which is not a UK phone number")
    for o in rs.outcomes:
        line = rs.line_of(f"outcome:{o.id}")
        if o.category is Category.EMERGENCY:
            if o.contact != em.id:
                contacts(line, f"emergency outcome '{o.id}' names contact '{o.contact}', not the "
                         f"emergency contact '{em.id}'")
            if not any(EMERGENCY_PHONE in step for step in o.what_to_do):
                contacts(line, f"emergency outcome '{o.id}' does not tell the worker to call "
                         f"{EMERGENCY_PHONE} in what_to_do")
        elif o.category is Category.PREVENT and o.contact != lead.id:
            contacts(line, f"Prevent outcome '{o.id}' names contact '{o.contact}', not the Prevent "
                     f"Lead ('{lead.id}', the default_contact)")
    out += _route_wording(rs)
    if new_questions:
        out += _new_concern_questions(rs)
    out += _account(rs)
    return out


def _route_wording(rs: RuleSet) -> list[Problem]:
    """CK022: support and none outcomes, and every additional step, never read as a Prevent route."""
    patterns = [(p, phrase(p)) for p in PREVENT_ROUTE_PHRASES]
    places: list[tuple[str, int, str, str]] = []
    for o in rs.outcomes:
        if o.category not in SERIOUS:
            for text in (o.title, o.summary, *o.what_to_do):
                places.append((f"outcome '{o.id}'", rs.line_of(f"outcome:{o.id}"), text,
                               f"it is a {o.category.value} outcome"))
    for s in rs.steps:
        for text in (s.title, s.what_to_do):
            places.append((f"additional step '{s.id}'", s.line, text,
                           "additional steps apply whatever the outcome, so circumstances alone "
                           "would reach it"))
    out: list[Problem] = []
    for where, line, text, why in places:
        hit = next((p for p, rx in patterns if rx.search(text)), None)
        if hit is not None:
            out.append(problem("CK022", rs.main_path, line, where=where, phrase=hit, why=why))
    return out


def _new_concern_questions(rs: RuleSet) -> list[Problem]:
    """CK023 (warning): a question added to a concern factor needs a policy review."""
    known = {i for fc in FACTORS for i in fc.indicators}
    return [problem("CK023", rs.main_path, rs.line_of(f"indicator:{i.id}"), indicator=i.id,
                    kind=f.kind.value, factor=f.id)
            for f in rs.factors if f.kind in CONCERN_KINDS for i in f.indicators if i.id not in known]


def _account(rs: RuleSet) -> list[Problem]:
    """CK024: the account must require what was noticed; the age question names a profile question."""
    acc = rs.wording.account
    out: list[Problem] = []
    line = rs.line_of("journey:account")
    noticed = next((f for f in acc.fields if f.id == "noticed_what"), None)
    if noticed is None or not noticed.required_message.strip():
        out.append(problem("CK024", rs.main_path, line,
                           what="the account step does not require 'noticed_what' (what was noticed), "
                                "which every summary handed on must contain"))
    q = acc.age.child_question
    if q is not None and q in rs.indicator_ids() and rs.factor_of(q).kind is not Kind.PROFILE:
        out.append(problem("CK024", rs.main_path, line,
                           what=f"the age question is checked against '{q}', which is not a profile "
                                "question"))
    return out
