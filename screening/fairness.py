"""The fairness lint: protected characteristics and lawful life are never indicators.

The words live in ``rules/fairness.yaml`` so the policy team can read and extend them.  Everything
the policy team writes that a worker reads as guidance is scanned: every factor (profile ones too:
a question "is the person Muslim?" must never be asked, whatever it is used for) with its title,
introduction and each question's id, question, definition, example and help; every outcome's
title, summary and what_to_do; every additional step's title and what_to_do; every rule's
``because``.  A term matches as a whole word, any case, with an optional ending on its last word
("mosque" catches "mosques", "migrant" "migrants", "disability" "disabilities"), never inside
another word ("conversion" does not match "conversation").  The ``allow`` list exempts only
matches inside an exact, reasoned phrase ("hate crime").  Without a fairness list the rule set is
refused (CK014): deleting the file must not switch the lint off.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .errors import Problem, problem
from .ruleset import FairnessList, FairnessTerm, RuleSet

#: Optional plural or verb ending accepted on the last word of a term.
ENDINGS = r"(?:s|es|ed|ing)?"


def phrase(text: str, endings: bool = True) -> re.Pattern[str]:
    """Whole words, any case, any spacing between the words of a phrase.

    With ``endings`` the last word may also end in s, es, ed or ing (a final e: s or d, so "hate"
    catches "hated"; a final consonant + y: ies or ied), so plurals and verb forms are caught; the
    word itself must still be whole ("race" never matches "racing" or "racism").
    """
    words = [re.escape(w) for w in text.replace("_", " ").split()]
    if endings and words:
        last = words[-1]
        if re.search(r"[^aeiou]y$", last, re.IGNORECASE):
            words[-1] = last[:-1] + r"(?:y|ies|ied)"
        elif last.lower().endswith("e"):
            words[-1] = last + r"(?:s|d)?"
        else:
            words[-1] = last + ENDINGS
    return re.compile(r"(?<![a-z0-9])" + r"\s+".join(words) + r"(?![a-z0-9])", re.IGNORECASE)


def find_terms(fairness: FairnessList, text: str) -> list[tuple[str, FairnessTerm]]:
    """Each protected term the text uses (as written there), with its category; allowed phrases skipped.

    The one matcher behind the rule lint, the scenario lint and the result page's reminder, so all
    three agree on what counts as naming a protected characteristic.  Terms take endings (plurals);
    allowed phrases do not (an exception stays exact).
    """
    exempt = [m.span() for a in fairness.allow
              for m in phrase(a.phrase, endings=False).finditer(text)]
    found: list[tuple[str, FairnessTerm]] = []
    seen: set[tuple[int, int]] = set()  # "prays" is both 'prays' and 'pray' + s: report it once
    for cat in fairness.protected:
        for term in cat.terms:
            hit = next((m for m in phrase(term).finditer(text) if m.span() not in seen
                        and not any(s <= m.start() and m.end() <= e for s, e in exempt)), None)
            if hit is not None:
                seen.add(hit.span())
                found.append((hit.group(0), cat))
    return found


def _scan(rs: RuleSet, fields: Sequence[tuple[str, str]], owner: str, line: int) -> list[Problem]:
    assert rs.fairness is not None
    return [problem("CK008", rs.main_path, line, where=f"{name} of {owner}", term=term,
                    category=cat.category, why=cat.why, explanation=rs.fairness.explanation)
            for name, text in fields for term, cat in find_terms(rs.fairness, text)]


def fairness_problems(rs: RuleSet) -> list[Problem]:
    """CK008 for each protected term in the rule set's wording; CK014 (an error) if no word list."""
    if rs.fairness is None:
        return [problem("CK014", rs.main_path, rs.line_of("ruleset"), file=rs.main_path)]
    out: list[Problem] = []
    acc = rs.wording.account
    account_texts = [("the warning", acc.warning), ("the age question", acc.age.label)]
    account_texts += [(f"the label of '{f.id}'", f.label) for f in (*acc.fields, *acc.screener_fields)]
    account_texts += [(f"the hint of '{f.id}'", f.hint) for f in (*acc.fields, *acc.screener_fields)]
    out += _scan(rs, account_texts, "the account step", rs.line_of("journey:account"))
    urgent = rs.wording.urgent
    out += _scan(rs, [(f"the {name}", getattr(urgent, name)) for name in type(urgent).model_fields],
                 "the urgent check wording", rs.line_of("journey:account"))
    for factor in rs.factors:
        out += _scan(rs, [("the title", factor.title), ("the introduction", factor.intro)],
                     f"factor '{factor.id}'", rs.line_of(f"factor:{factor.id}"))
        for ind in factor.indicators:
            fields = [("the id", ind.id.replace("_", " ")), ("the question", ind.question),
                      ("the definition", ind.definition), ("the example", ind.example),
                      ("the help text", ind.help)]
            out += _scan(rs, fields, f"indicator '{ind.id}'",
                         rs.line_of(f"indicator:{ind.id}"))
    for o in rs.outcomes:
        fields = [("the title", o.title), ("the summary", o.summary),
                  *[("the what_to_do", t) for t in o.what_to_do]]
        out += _scan(rs, fields, f"outcome '{o.id}'", rs.line_of(f"outcome:{o.id}"))
    for s in rs.document.additional_steps:
        out += _scan(rs, [("the title", s.title), ("the what_to_do", s.what_to_do)],
                     f"additional step '{s.id}'", rs.line_of(f"step:{s.id}"))
    for r in rs.rules:
        out += _scan(rs, [("the 'because'", r.because)], f"rule '{r.id}'",
                     rs.line_of(f"rule:{r.id}"))
    return out
