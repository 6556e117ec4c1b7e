"""Structural checks over a rule set that need no solver: declarations, outcome order, steps, wording,
circumstances asked as concerns and concern questions no rule reads.

They run with the proofs in :mod:`screening.proofs.checks` on every load, each finding from the catalogue
with file:line.
"""

from __future__ import annotations

from collections.abc import Sequence

from rapidfuzz import fuzz, process

from ..errors import Problem, problem
from ..rules.ruleset import CONCERN_KINDS, SERIOUS, Category, Kind, RuleSet, indicators_in
from ..words import join_words
from .classifier import CIRCUMSTANCE, model
from .language import words
from .wording import wording_problems

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


#: Words that carry no content in a question ("Have they ...", "Is the person ...").
_FRAME = frozenset({
    "a", "an", "the", "and", "or", "of", "to", "in", "on", "at", "for", "with", "by", "from", "as",
    "is", "are", "was", "were", "be", "been", "being", "have", "has", "had", "do", "does", "did",
    "they", "them", "their", "he", "she", "his", "her", "person", "people", "someone", "anyone",
    "that", "this", "these", "those", "it", "its", "any", "recently", "recent", "now", "seem",
    "seems", "very", "often", "still",
})
#: A concern question whose content words are this much (or more) those of one of the rule set's
#: own circumstance questions is that circumstance under another label.
COVERED = 0.8
#: Two words are the same word at this rapidfuzz ratio ('isolated' ~ 'isolation').
SAME_WORD = 80


def content(text: str) -> list[str]:
    """The words of a question that carry its content."""
    return [w for w in words(text) if w not in _FRAME]


def covered(question: list[str], circumstance: list[str]) -> float:
    """How much of ``question``'s content ``circumstance`` holds (0-1), word forms aside."""
    return _Own([("", circumstance)]).best(question)[0]


class _Own:
    """The rule set's own circumstance questions, each as a set of content words, with the words
    alike to a question's words looked up once (rapidfuzz) rather than once per pair of texts."""

    def __init__(self, own: Sequence[tuple[str, list[str]]]):
        self.own = [(i, frozenset(c)) for i, c in own if c]
        self.vocab = sorted({w for _, c in self.own for w in c})
        self.alike: dict[str, frozenset[str]] = {}

    def like(self, word: str) -> frozenset[str]:
        if word not in self.alike:
            found = process.extract(word, self.vocab, scorer=fuzz.ratio, score_cutoff=SAME_WORD,
                                    limit=None)
            self.alike[word] = frozenset(v for v, _, _ in found)
        return self.alike[word]

    def best(self, question: list[str]) -> tuple[float, str]:
        """(share of ``question``'s words held by the most alike text, that text's question id)."""
        if not question or not self.own:
            return 0.0, ""
        likes = [self.like(w) for w in question]
        return max(((sum(1 for lk in likes if lk & words) / len(question), i)
                    for i, words in self.own), default=(0.0, ""))


def _circumstances(rs: RuleSet) -> list[Problem]:
    """CK026: a gate, engagement, intent or capability question must describe something the person
    said or did, not a circumstance.

    Each question is compared with the rule set's own context and profile questions (their
    questions and definitions): when nearly all its content words are one of theirs, it is that
    circumstance relabelled ("Have they recently lost their job?" moved under engagement).  Then
    the circumstance classifier, trained on a curated, labelled list of circumstance descriptions
    (:mod:`screening.proofs.classifier`; precision and recall on held-out questions in the README), reads
    it.  A concern that mentions a circumstance ("said violence is justified because they lost their
    job") is neither: most of its words are about what the person said or did.
    """
    own = _Own(circumstance_questions(rs))
    return [problem("CK026", rs.main_path, rs.line_of(f"indicator:{ind.id}"),
                    where=f"'{ind.id}' in factor '{f.id}'", kind=f.kind.value, why=why)
            for f in rs.factors if f.kind in CONCERN_KINDS for ind in f.indicators
            if (why := reads_as_circumstance(ind.question, own))]


def circumstance_questions(rs: RuleSet) -> list[tuple[str, list[str]]]:
    """(id, content words) of the questions and definitions of the rule set's own context and
    profile questions."""
    return [(i.id, content(text)) for f in rs.factors if f.kind in (Kind.CONTEXT, Kind.PROFILE)
            for i in f.indicators for text in (i.question, i.definition)]


def reads_as_circumstance(question: str, own: Sequence[tuple[str, list[str]]] | _Own) -> str:
    """Why ``question`` reads as a circumstance, or '' when it describes what someone said or did."""
    asked = content(question)
    share, like = (own if isinstance(own, _Own) else _Own(own)).best(asked)
    if len(asked) >= 2 and share >= COVERED:
        return f"its words are those of the context question '{like}' ({share:.0%})"
    clf = model(CIRCUMSTANCE)
    if clf.says(question):
        return (f"the circumstance classifier reads it as a circumstance "
                f"({clf.probability(question):.0%} likely)")
    return ""


def _unused(rs: RuleSet) -> list[Problem]:
    """CK034 (warning): a concern question no routing rule reads changes nothing when answered yes.

    A worker who answers yes to "Have they threatened to hurt someone?" expects it to count.
    """
    read: frozenset[str] = frozenset().union(*(indicators_in(r.when) for r in rs.rules))
    return [problem("CK034", rs.main_path, rs.line_of(f"indicator:{i.id}"), kind=f.kind.value,
                    indicator=i.id)
            for f in rs.factors if f.kind in CONCERN_KINDS for i in f.indicators if i.id not in read]


def structure_problems(rs: RuleSet) -> list[Problem]:
    """CK009, CK010, CK017, CK019, CK025 (wording that is not plain text), CK026 (a circumstance
    asked as a concern) and CK034 (a concern question no rule reads), in that order."""
    return _order(rs) + _declarations(rs) + _steps(rs) + wording_problems(rs) \
        + _circumstances(rs) + _unused(rs)
