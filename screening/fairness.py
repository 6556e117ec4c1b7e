"""The fairness lint: protected characteristics and lawful life are never indicators.

The words live in ``rules/fairness.yaml`` so the policy team can read and extend them.  Every factor
that can weigh in routing is scanned (its title and introduction, and each question's id, question,
definition, example and help).  Profile factors are exempt from the word check because they only
decide which safeguarding steps apply; the proofs in :mod:`screening.checks` show they never route.
The ``allow`` list exempts only matches inside an exact, reasoned phrase ("hate crime").
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .errors import Problem, problem
from .ruleset import FairnessList, FairnessTerm, Kind, RuleSet


def phrase(text: str) -> re.Pattern[str]:
    """Whole words, any case, any spacing between the words of a phrase."""
    words = [re.escape(w) for w in text.replace("_", " ").split()]
    return re.compile(r"(?<![a-z0-9])" + r"\s+".join(words) + r"(?![a-z0-9])", re.IGNORECASE)


def find_terms(fairness: FairnessList, text: str) -> list[tuple[str, FairnessTerm]]:
    """Each protected term the text uses (as written there), with its category; allowed phrases skipped.

    The one matcher behind the rule lint, the scenario lint and the result page's reminder, so all
    three agree on what counts as naming a protected characteristic.
    """
    exempt = [m.span() for a in fairness.allow for m in phrase(a.phrase).finditer(text)]
    found: list[tuple[str, FairnessTerm]] = []
    for cat in fairness.protected:
        for term in cat.terms:
            hit = next((m for m in phrase(term).finditer(text)
                        if not any(s <= m.start() and m.end() <= e for s, e in exempt)), None)
            if hit is not None:
                found.append((hit.group(0), cat))
    return found


def _scan(rs: RuleSet, fields: Sequence[tuple[str, str]], owner: str, line: int) -> list[Problem]:
    assert rs.fairness is not None
    return [problem("CK008", rs.main_path, line, where=f"{name} of {owner}", term=term,
                    category=cat.category, why=cat.why, explanation=rs.fairness.explanation)
            for name, text in fields for term, cat in find_terms(rs.fairness, text)]


def fairness_problems(rs: RuleSet) -> list[Problem]:
    """CK008 for each protected term in the wording of a weighed factor; CK014 if no word list."""
    if rs.fairness is None:
        return [problem("CK014", rs.main_path, 0, file=rs.main_path)]
    out: list[Problem] = []
    for factor in rs.factors:
        if factor.kind is Kind.PROFILE:
            continue
        out += _scan(rs, [("the title", factor.title), ("the introduction", factor.intro)],
                     f"factor '{factor.id}'", rs.line_of(f"factor:{factor.id}"))
        for ind in factor.indicators:
            fields = [("the id", ind.id.replace("_", " ")), ("the question", ind.question),
                      ("the definition", ind.definition), ("the example", ind.example),
                      ("the help text", ind.help)]
            out += _scan(rs, fields, f"indicator '{ind.id}'",
                         rs.line_of(f"indicator:{ind.id}"))
    return out
