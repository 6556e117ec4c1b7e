"""Where each route sends the worker: contacts and their categories, and the wording of the routes.

The proofs (:mod:`screening.proofs.checks`) show which answers reach which outcome; these checks make sure
an outcome's *words and contacts* mean what its category says, so a label cannot undo a proof:

* CK021: the emergency contact is 999, the emergency outcome tells the worker to call 999 (a
  negation such as "Do not call 999; email the Prevent Lead" does not count, and is refused), and
  Prevent outcomes name the Prevent Lead; every number is one a worker can dial.
* CK028: every contact has a category (emergency / prevent / safeguarding / support / police) that
  agrees with its number (999 is an emergency contact, 101 and the Anti-Terrorism Hotline are
  police, the ACT Early line is Prevent) and with its name, and the emergency and default contacts
  have the categories their roles need.
* CK027: support and no-concern outcomes, and the additional steps (added for who the person is),
  use only safeguarding or support contacts, and never give a police or Prevent contact's number.
* CK022: their wording never refers or reports the person to the police, the hotline, Prevent or
  Channel, sentence by sentence, as judged by the measured route classifier
  (:mod:`screening.proofs.classifier`), not a phrase list.
* CK023 (warning): a concern question not in the contract needs a policy review and a scenario.
* CK024: the account step requires what was noticed and checks age against a profile question.
"""

from __future__ import annotations

import re

from ..errors import Problem, problem
from ..rules.contract import FACTORS
from ..rules.ruleset import CONCERN_KINDS, SERIOUS, Category, ContactCategory, Kind, RuleSet
from .classifier import ROUTE, model
from .language import NEGATIONS, breaks_before, fold, sentences, tokens

#: The emergency number: the emergency route must use it.
EMERGENCY_PHONE = "999"
#: A UK number a worker can dial: 999 / 112 / 101 / 111, or 10-11 digits starting with 0.
_PHONE = re.compile(r"^(?:999|112|101|111|0\d{9,10})$")
#: National numbers whose category is fixed, whatever a council calls them.
NATIONAL_NUMBERS: dict[str, tuple[str, ContactCategory]] = {
    "999": ("the emergency number", ContactCategory.EMERGENCY),
    "112": ("the emergency number", ContactCategory.EMERGENCY),
    "101": ("the police non-emergency number", ContactCategory.POLICE),
    "0800789321": ("the Anti-Terrorism Hotline", ContactCategory.POLICE),
    "08000113764": ("the ACT Early advice line (counter-terrorism policing)", ContactCategory.PREVENT),
}
#: Words in a contact's name that identify a police or Prevent service.
_SERVICE_WORDS: tuple[tuple[re.Pattern[str], ContactCategory], ...] = (
    (re.compile(r"\b(?:police|policing|constabulary|counter terrorism|anti terrorism|hotline|ctp)\b"),
     ContactCategory.POLICE),
    (re.compile(r"\b(?:prevent|channel|act early)\b"), ContactCategory.PREVENT),
)
#: Contacts a support or no-concern route, or a step for who the person is, may use.
SUPPORT_CONTACTS = frozenset({ContactCategory.SAFEGUARDING, ContactCategory.SUPPORT})
_CALL = frozenset({"call", "ring", "dial", "phone", "telephone", "contact"})
_HEDGES = frozenset({"only", "unless"})


def digits(phone: str) -> str:
    """A phone number as its digits only ('0800 789 321' -> '0800789321')."""
    return re.sub(r"\D", "", phone)


def calls(text: str, number: str) -> tuple[bool, bool]:
    """(does a sentence of ``text`` tell the worker to call ``number``, does one say not to).

    The call must be an instruction in the same clause as the number with no negation before it
    ("Call 999 now", "If anyone is hurt, call 999"); "Do not call 999", "Instead of calling 999 ..."
    and "Call 999 only if ..." are not instructions to call it.
    """
    told = refused = False
    for sentence in sentences(text):
        toks = tokens(sentence)
        brk = breaks_before(sentence, toks)
        verb = negated = False
        hedged = any(t.norm in _HEDGES for t in toks)
        for i, t in enumerate(toks):
            if brk[i]:
                verb = negated = False
            if t.norm in NEGATIONS:
                negated = True
            elif t.norm in _CALL or t.norm.removesuffix("ing") in _CALL:
                verb = True
            elif t.norm == number:
                if verb and negated:
                    refused = True
                elif verb and not hedged:
                    told = True
    return told, refused


def route_problems(rs: RuleSet, *, new_questions: bool = True) -> list[Problem]:
    """CK021 numbers and the emergency and Prevent routes, CK028 contact categories, CK027 support
    routes' contacts, CK022 their wording, CK023 new concern questions (only against the contract,
    so not for synthetic rule sets), CK024 the account step."""
    out = _numbers(rs) + _categories(rs) + _support_contacts(rs) + _route_wording(rs)
    if new_questions:
        out += _new_concern_questions(rs)
    return out + _account(rs)


def _numbers(rs: RuleSet) -> list[Problem]:
    """CK021: 999 stays the emergency route and the Prevent Lead the Prevent one."""
    out: list[Problem] = []

    def contacts(line: int, what: str) -> None:
        out.append(problem("CK021", rs.main_path, line, what=what))

    em, lead = rs.emergency_contact, rs.default_contact
    if digits(em.phone) != EMERGENCY_PHONE:
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
            said = [calls(step, EMERGENCY_PHONE) for step in o.what_to_do]
            if any(refused for _, refused in said):
                contacts(line, f"emergency outcome '{o.id}' tells the worker not to call "
                         f"{EMERGENCY_PHONE} (or only on a condition) in what_to_do")
            elif not any(told for told, _ in said):
                contacts(line, f"emergency outcome '{o.id}' does not tell the worker to call "
                         f"{EMERGENCY_PHONE} in what_to_do")
        elif o.category is Category.PREVENT and o.contact != lead.id:
            contacts(line, f"Prevent outcome '{o.id}' names contact '{o.contact}', not the Prevent "
                     f"Lead ('{lead.id}', the default_contact)")
    return out


def _categories(rs: RuleSet) -> list[Problem]:
    """CK028: each contact's category agrees with its number, its name and its role."""
    out: list[Problem] = []
    roles = {rs.document.emergency_contact: ContactCategory.EMERGENCY,
             rs.document.default_contact: ContactCategory.PREVENT}
    for c in rs.document.contacts:
        line = rs.line_of(f"contact:{c.id}")

        def wrong(what: str, line: int = line, cid: str = c.id) -> None:
            out.append(problem("CK028", rs.main_path, line, contact=cid, what=what))

        if c.category is None:
            wrong("has no category; add 'category:' with one of emergency, prevent, safeguarding, "
                  "support or police")
            continue
        national = NATIONAL_NUMBERS.get(digits(c.phone))
        if national is not None and c.category is not national[1]:
            wrong(f"has number '{c.phone}' ({national[0]}), so its category is "
                  f"'{national[1].value}', not '{c.category.value}'")
            continue
        name = fold(c.name).replace("-", " ")
        said = next((cat for rx, cat in _SERVICE_WORDS if rx.search(name)), None)
        if said is not None and c.category in SUPPORT_CONTACTS:
            wrong(f"is called '{c.name}', a {said.value} service, but has category "
                  f"'{c.category.value}'")
            continue
        role = roles.get(c.id)
        if role is not None and c.category is not role:
            which = "emergency_contact" if role is ContactCategory.EMERGENCY else "default_contact"
            wrong(f"is the {which} but has category '{c.category.value}', not '{role.value}'")
    return out


_Place = tuple[str, int, str | None, tuple[str, ...], str]


def _support_places(rs: RuleSet) -> list[_Place]:
    """(where, line, contact, texts, why) for every support or no-concern outcome and every step."""
    places: list[_Place] = [(f"outcome '{o.id}'", rs.line_of(f"outcome:{o.id}"), o.contact,
                             (o.title, o.summary, *o.what_to_do), f"it is a {o.category.value} outcome")
                            for o in rs.outcomes if o.category not in SERIOUS]
    places += [(f"additional step '{s.id}'", s.line or rs.line_of(f"step:{s.id}"), s.contact,
                (s.title, s.what_to_do), "additional steps are added for who the person is, "
                "whatever the outcome, so circumstances alone would reach them")
               for s in rs.steps]
    return places


def _support_contacts(rs: RuleSet) -> list[Problem]:
    """CK027: support routes and steps use and name only safeguarding or support contacts."""
    by_id = {c.id: c for c in rs.document.contacts}
    barred = [c for c in rs.document.contacts
              if c.category in (ContactCategory.POLICE, ContactCategory.PREVENT)
              or NATIONAL_NUMBERS.get(digits(c.phone), ("", None))[1] in (ContactCategory.POLICE,
                                                                          ContactCategory.PREVENT)]
    out: list[Problem] = []
    for where, line, cid, texts, why in _support_places(rs):
        c = by_id.get(cid) if cid else None
        if c is not None and c.category is not None and c.category not in SUPPORT_CONTACTS:
            out.append(problem("CK027", rs.main_path, line, where=where, contact=c.id,
                               category=c.category.value, why=why))
        written = digits(" ".join(texts))
        for b in barred:
            if len(digits(b.phone)) > 3 and digits(b.phone) in written:
                out.append(problem("CK027", rs.main_path, line, where=f"the wording of {where}",
                                   contact=b.id, category=(b.category or ContactCategory.POLICE).value,
                                   why=f"gives its number ({b.phone}) and {why}"))
    return out


_PARTS = re.compile(r"\s+(?:and then|and|then)\s+", re.IGNORECASE)


def sends_onwards(text: str) -> str:
    """The first sentence of ``text`` that refers or reports the person to the police, the hotline,
    Prevent or Channel ('' if none), read whole and clause by clause, so a referral cannot hide
    behind a support clause ("Consider adult safeguarding, and phone the hotline with their
    details")."""
    clf = model(ROUTE)
    for s in sentences(text):
        if clf.says(s) or any(clf.says(part) for part in _PARTS.split(s) if len(part.split()) > 1):
            return s
    return ""


def _route_wording(rs: RuleSet) -> list[Problem]:
    """CK022: no sentence of a support route or step refers or reports the person onwards."""
    out: list[Problem] = []
    for where, line, _, texts, why in _support_places(rs):
        hit = next((s for text in texts if (s := sends_onwards(text))), None)
        if hit is not None:  # the first such sentence of each outcome or step
            out.append(problem("CK022", rs.main_path, line, where=where, phrase=hit, why=why))
    return out


def _new_concern_questions(rs: RuleSet) -> list[Problem]:
    """CK023 (warning): a question added to a concern factor needs a policy review."""
    known = {i for fc in FACTORS for i in fc.indicators}
    return [problem("CK023", rs.main_path, rs.line_of(f"indicator:{i.id}"), indicator=i.id,
                    kind=f.kind.value, factor=f.id,
                    consequence="it leads to the emergency route (call 999)" if f.kind is Kind.GATE
                    else "it can send a person to the Prevent Lead")
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
