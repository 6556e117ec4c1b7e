"""Assessment + record -> the non-isolating narrative: plain-English sentences, never a tick list.

The seed's central rule is that no factor is read in isolation, so the narrative reads the signs of
concern *together with* the person's circumstances and protective factors, says which answers made
each rule fire, and never shows a summed score or a count of ticks.  Text here is plain (unescaped):
each renderer (Markdown, PDF, JSON) escapes it for its own format.

The sections follow the national Prevent referral form (the concern; additional needs and
circumstances; other safeguarding concerns and agencies; what has already been done; whether the
person knows; protective factors), then the tool's recommendation and what is still to check.  An
open urgent check (a danger question answered Don't know) comes before all of it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from ..engine import Assessment, if_yes_alone
from ..proofs.fairness import find_terms
from ..record import ScreeningRecord, is_lowering
from ..rules.ruleset import CONCERN_KINDS, Kind, RuleSet
from ..words import count, join_words, verb

#: How each kind of sign is named when the answers are read together.
KIND_LABEL: dict[Kind, str] = {
    Kind.GATE: "immediate danger",
    Kind.ENGAGEMENT: "engagement with a group, cause or ideology that supports violence",
    Kind.INTENT: "intent to cause harm",
    Kind.CAPABILITY: "capability to cause harm",
}

#: The summary's sections, in the national Prevent referral form's order, then the tool's own; the
#: Markdown and the PDF use the same headings.
SECTIONS: tuple[str, ...] = (
    "1. The concern",
    "2. Additional needs and circumstances",
    "3. Other safeguarding concerns and agencies involved",
    "4. What has already been done",
    "5. Whether the person knows about the concern",
    "6. Protective factors",
    "7. Recommendation",
    "8. Still to check",
    "Every answer, by factor",
    "Rules used",
)

#: Goes with "what would change the recommendation" wherever it is shown or exported.
ALTERNATIVES_NOTE = ("The fewest answers that would have to be different for each other route. This "
                     "explains the rules; it is never a reason to change an answer.")

_LEADS: tuple[tuple[str, str], ...] = (
    ("Have they ", "they have "), ("Has the person ", "the person has "), ("Are they ", "they are "),
    ("Is the person ", "the person is "), ("Do they ", "they "), ("Does the person have ", "the person has "),
    ("Is there ", "there is "), ("Is anyone ", "someone is "), ("Have you noticed ", "you noticed "),
)
_EMBEDDED_QUESTION = re.compile(r"\b(have|has|are|is|do|does|will|would|can)\s+(they|the person|you)\b", re.I)


@dataclass(frozen=True)
class Urgent:
    """Open urgent checks: the danger questions answered Don't know and what to do, first of all."""

    title: str
    intro: str
    lead: str
    questions: tuple[str, ...]
    actions: tuple[str, ...]


@dataclass(frozen=True)
class CheckGroup:
    """One group of "what to check next": a lead sentence and the questions (or notes) under it."""

    lead: str
    items: tuple[str, ...]


@dataclass(frozen=True)
class AnswerGroup:
    """Every answer to one factor's questions: (question, answer as the worker saw it, yes/no/unknown)."""

    factor: str
    rows: tuple[tuple[str, str, str], ...]


@dataclass(frozen=True)
class Narrative:
    """The summary handed on, in sentences; each field is plain text or a tuple of sentences.

    Fields are in the order the summaries show them: the urgent checks; the referral form's
    sections; the recommendation; what is still to check; the answers; the rules used.
    """

    council: str
    reference: str
    screened: str
    urgent: Urgent | None
    concern: tuple[str, ...]
    signs: tuple[str, ...]
    person: tuple[str, ...]
    circumstances: tuple[str, ...]
    agencies: str
    safeguarding: str
    actions: str
    aware: str
    protective: tuple[str, ...]
    outcome_title: str
    outcome_summary: str
    outcome_steps: tuple[str, ...]
    outcome_contact: str
    recommendation: str
    why: tuple[str, ...]
    steps: tuple[str, ...]
    departure: str
    unknowns: tuple[str, ...]
    to_check: tuple[CheckGroup, ...]
    explanations: str
    alternatives: tuple[str, ...]
    alternatives_note: str
    never_indicators: tuple[str, ...]
    answers: tuple[AnswerGroup, ...]
    provenance: str
    disclaimer: str

    @property
    def together(self) -> tuple[str, ...]:
        """The signs read together with the circumstances and protective factors, as one passage."""
        return (*self.signs, *self.circumstances, *self.protective)


def statement(question: str) -> str:
    """Turn a yes/no question into the statement a yes answer makes, or quote it if that is unsafe.

    Only simple leads ("Have they ...?", "Are they ...?") are rewritten; a question with a second
    question inside it is quoted whole, so the narrative never puts words in the worker's mouth.
    """
    q = " ".join(question.split())
    if q.endswith("?"):
        body = q[:-1]
        for lead, replacement in _LEADS:
            if body.startswith(lead) and not _EMBEDDED_QUESTION.search(body[len(lead):]):
                return replacement + body[len(lead):]
    return f'the answer to "{q}" was yes'


def _said(ruleset: RuleSet, indicator_id: str) -> str:
    try:
        return statement(ruleset.indicator(indicator_id).question)
    except KeyError:
        return f'the answer to question "{indicator_id}" (no longer in the rules) was yes'


def _sentence(text: str) -> str:
    text = text.strip()
    if not text:
        return ""
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?\"'" else text + "."


def _lower_first(text: str) -> str:
    """'Someone may be ...' -> 'someone may be ...' inside a sentence; 'DSL ...' stays as it is."""
    text = text.strip()
    first = text.split(" ", 1)[0]
    if first and first != "I" and first[0].isupper() and (len(first) == 1 or first[1:2].islower()):
        return text[0].lower() + text[1:]
    return text


def _ended(text: str) -> str:
    """The worker's own words, left as typed apart from a closing full stop."""
    return text if not text or text[-1] in ".!?\"'" else text + "."


def _clean(text: str) -> str:
    """Collapse free text to one line (renderers escape it; this only tidies whitespace)."""
    return " ".join(text.split())


def _title(ruleset: RuleSet, outcome_id: str) -> str:
    try:
        return ruleset.outcome(outcome_id).title
    except KeyError:
        return outcome_id


def _kind(ruleset: RuleSet, factor_id: str) -> Kind | None:
    try:
        return ruleset.factor(factor_id).kind
    except KeyError:
        return None


def _contact_line(ruleset: RuleSet, contact_id: str | None) -> str:
    try:
        c = ruleset.contact(contact_id) if contact_id else ruleset.default_contact
    except KeyError:
        c = ruleset.default_contact
    hours = f" ({c.hours})" if c.hours else ""
    return f"{c.name}, {c.phone}{hours}"


def recommendation(ruleset: RuleSet, outcome_id: str) -> str:
    """Outcome title, what to do and who to call, as one short paragraph."""
    try:
        o = ruleset.outcome(outcome_id)
    except KeyError:
        return (f"Recommendation: {outcome_id} (not in today's rules). "
                f"If in doubt, call {_contact_line(ruleset, None)}.")
    todo = " ".join(_sentence(t) for t in o.what_to_do)
    contact = _contact_line(ruleset, o.contact)
    return f"Recommendation: {o.title}. {_sentence(o.summary)} {todo} Contact: {contact}."


def _outcome_parts(ruleset: RuleSet, outcome_id: str) -> tuple[str, str, tuple[str, ...], str]:
    """(title, summary, numbered steps, contact line) of the recommended outcome."""
    try:
        o = ruleset.outcome(outcome_id)
    except KeyError:
        return (f"{outcome_id} (not in today's rules)", "", (),
                f"If in doubt, call {_contact_line(ruleset, None)}.")
    return (o.title, _sentence(o.summary), tuple(_sentence(t) for t in o.what_to_do),
            f"Contact: {_contact_line(ruleset, o.contact)}.")


def _urgent(ruleset: RuleSet, a: Assessment) -> Urgent | None:
    """The open urgent checks as stored, with the rule file's heading; None when there are none."""
    if not a.urgent_checks:
        return None
    w = ruleset.wording.urgent
    first = a.urgent_checks[0]
    actions = tuple(f"{_sentence(advice)} {c.name}: {c.phone}."
                    for advice, c in zip(first.advice, first.contacts, strict=False))
    n = len(a.urgent_checks)
    lead = (f"{'The danger question' if n == 1 else 'The danger questions'} answered "
            f"{ruleset.wording.answer_labels.unknown}:")
    return Urgent(title=w.title, intro=_sentence(w.intro), lead=lead,
                  questions=tuple(u.question for u in a.urgent_checks), actions=actions)


def _why(ruleset: RuleSet, a: Assessment) -> tuple[str, ...]:
    if not a.fired:
        return (f"No rule fired: nothing answered yes is a sign of concern or a circumstance that needs "
                f"support, so the rules give their default route, {_title(ruleset, a.outcome)}.",)
    ordered = sorted(a.fired, key=lambda f: not f.decisive)
    out = []
    for f in ordered:
        said = join_words(_said(ruleset, e.indicator) for e in f.evidence if e.answer == "yes")
        lead = "This decided the recommendation" if f.decisive else "This also applied"
        based = f" It applied because {said}." if said else ""
        out.append(f"{lead} ({_title(ruleset, f.outcome)}): {_sentence(f.because)}{based}")
    return tuple(out)


def _read_together(ruleset: RuleSet, a: Assessment) -> tuple[tuple[str, ...], tuple[str, ...],
                                                               tuple[str, ...]]:
    """(signs of concern, circumstances, protective factors): each read with the others in mind."""
    concern: list[str] = []
    context: list[str] = []
    protective: list[str] = []
    for factor_id, ids in a.yes_by_factor:
        kind = _kind(ruleset, factor_id)
        said = join_words(_said(ruleset, i) for i in ids)
        if kind in CONCERN_KINDS and kind is not None:
            concern.append(f"{said} ({KIND_LABEL[kind]})")
        elif kind is Kind.CONTEXT:
            context.append(f"{said} ({ruleset.factor(factor_id).title.lower()})")
        elif kind is Kind.PROTECTIVE:
            protective.append(said)
    if concern:
        signs = (_sentence("Signs of concern answered yes: " + "; ".join(concern)),)
    else:
        signs = ("No sign of immediate danger, of engagement with a violent cause, or of intent or "
                 "capability to cause harm was answered yes.",)
    circ: list[str] = []
    if context:
        lead = "The signs above were read together with their circumstances" if concern else \
            "Their circumstances"
        circ.append(_sentence(f"{lead}: " + "; ".join(context)))
        if not concern:
            circ.append("Circumstances on their own are never a Prevent concern; they point to the "
                        "support the person may need.")
    else:
        circ.append("No difficult circumstances were answered yes.")
    circ.append("The signs are read together and in the person's circumstances; they are not added up "
                "into a score.")
    if protective:
        prot = (_sentence("Protective factors recorded: " + join_words(protective)) +
                " These help plan support; they never lower the recommendation.",)
    else:
        prot = ("No protective factors were answered yes. Protective factors never lower the "
                "recommendation in any case.",)
    return signs, tuple(circ), prot


def _unknowns(a: Assessment, to_check: tuple[CheckGroup, ...]) -> tuple[str, ...]:
    out = []
    n, total = len(a.unknowns), len(a.answers)
    if n:
        out.append(f"{n:,} of the {count(total, 'question')} {verb(n)} still unknown.")
        raising = [g for g in to_check if g.lead.startswith("If ")]
        if raising:
            out.append("Find out, with your manager, Designated Safeguarding Lead or the Prevent Lead "
                       "(without investigating yourself), whether the answers below are yes, most "
                       "serious first. If one turns out to be yes, screen again.")
        else:
            out.append("None of the unknown answers could make the recommendation more serious on "
                       "its own, but they may still matter for support.")
    else:
        out.append("Every question was answered yes or no.")
    return tuple(out)


def _if_lead(n: int, title: str, together: bool = False) -> str:
    if together:
        return f"If all of these turned out to be yes together, the recommendation would become {title}:"
    which = "this question turned out" if n == 1 else f"any one of these {n:,} questions turned out"
    return f"If {which} to be yes, the recommendation would become {title}:"


def _to_check(ruleset: RuleSet, a: Assessment) -> tuple[CheckGroup, ...]:
    """Every unknown that could raise the route, grouped by the route it alone would reach.

    Most serious route first; a combination reaching a route more serious than any single answer
    (two weaker signs together, say) leads; unknowns that raise nothing are summed up by factor.
    Under other rules than the assessment's, only what the assessment itself stored is named.
    """
    if not a.unknowns:
        return ()
    cb = a.could_become
    if a.ruleset_sha256 != ruleset.sha256:
        if cb is None:
            return ()
        return (CheckGroup(_if_lead(len(cb.if_yes), _title(ruleset, cb.outcome), len(cb.if_yes) > 1),
                           tuple(_question(ruleset, i) for i in cb.if_yes)),)
    alone = if_yes_alone(ruleset, a)
    groups: list[CheckGroup] = []
    best = ruleset.rank(alone.raises[0][0]) if alone.raises else ruleset.rank(a.outcome)
    if cb is not None and len(cb.if_yes) > 1 and ruleset.rank(cb.outcome) < best:
        groups.append(CheckGroup(_if_lead(len(cb.if_yes), _title(ruleset, cb.outcome), True),
                                 tuple(_question(ruleset, i) for i in cb.if_yes)))
    for outcome, ids in alone.raises:
        groups.append(CheckGroup(_if_lead(len(ids), _title(ruleset, outcome)),
                                 tuple(_question(ruleset, i) for i in ids)))
    if alone.nothing:
        by_factor: dict[str, int] = {}
        for i in alone.nothing:
            title = _factor_title(ruleset, i)
            by_factor[title] = by_factor.get(title, 0) + 1
        n = len(alone.nothing)
        lead = ("Also still unknown, but it would not change the recommendation on its own:" if n == 1
                else "Also still unknown, but none of these would change the recommendation on its own:")
        groups.append(CheckGroup(lead, tuple(f"{title} ({count(k, 'question')})"
                                             for title, k in by_factor.items())))
    return tuple(groups)


def _factor_title(ruleset: RuleSet, indicator_id: str) -> str:
    try:
        return ruleset.factor_of(indicator_id).title
    except KeyError:
        return "Questions no longer in today's rules"


def _question(ruleset: RuleSet, indicator_id: str) -> str:
    try:
        return ruleset.indicator(indicator_id).question
    except KeyError:
        return indicator_id


def _steps(ruleset: RuleSet, a: Assessment) -> tuple[str, ...]:
    out = []
    by_id = {s.id: s for s in ruleset.steps}
    for sid in a.additional_steps:
        s = by_id.get(sid)
        if s is None:
            out.append(f"Additional step: {sid} (not in today's rules).")
            continue
        contact = _contact_line(ruleset, s.contact)
        out.append(f"{s.title}: {_sentence(_clean(s.what_to_do))} Contact: {contact}.")
    return tuple(out)


def free_text(record: ScreeningRecord) -> tuple[str, ...]:
    """Every box the worker typed into (the fields the fairness reminder reads)."""
    texts = [record.noticed_what, record.noticed_when, record.how_known, record.other_agencies,
             record.safeguarding_in_place, record.actions_taken, record.person_aware,
             record.alternative_explanations]
    if record.departure is not None:
        texts.append(record.departure.reason)
    return tuple(texts)


def fairness_terms(ruleset: RuleSet, texts: Iterable[str]) -> list[tuple[str, str, str]]:
    """(term, category, why) for each protected term the texts mention, as whole words, any case."""
    if ruleset.fairness is None:
        return []
    found = find_terms(ruleset.fairness, "\n".join(texts))
    return [(" ".join(term.lower().split()), cat.category, cat.why) for term, cat in found]


def _never(ruleset: RuleSet, record: ScreeningRecord) -> tuple[str, ...]:
    found = fairness_terms(ruleset, free_text(record))
    if not found:
        return ()
    words = join_words(f'"{t}" ({c})' for t, c, _ in found)
    out = [f"A reminder, not a finding: the notes mention {words}."]
    out += list(dict.fromkeys(why for _, _, why in found))
    out.append("These are never indicators of radicalisation:")
    out += list(ruleset.document.never_indicators)
    if ruleset.fairness is not None:
        out.append(ruleset.fairness.explanation)
    return tuple(out)


def _departure(ruleset: RuleSet, a: Assessment, record: ScreeningRecord) -> str:
    """Both routes, the reason, whether the route was lowered or raised, and who agreed a lowering."""
    d = record.departure
    if d is None:
        return ""
    recommended = d.recommended or a.outcome  # as recorded when the worker decided, never recomputed
    text = (f"The tool recommended {_title(ruleset, recommended)}. The worker chose a different route: "
            f"{_title(ruleset, d.outcome)}. Their reason: {_ended(_clean(d.reason))}")
    role = _clean(d.agreed_by)
    agreed = f" Agreed by {role}." if role else ""
    try:
        lower = is_lowering(ruleset, recommended, d.outcome)
    except ValueError:
        return text + agreed
    if d.outcome == recommended:
        return text + agreed
    if lower and role:
        return text + f" The route was lowered (less serious than the recommendation), agreed by {role}."
    if lower:
        return text + (" The route was lowered without a recorded sign-off; lowering a route needs a "
                       "supervisor's sign-off.")
    return text + (" The route was raised (more serious than the recommendation); professional "
                   "judgement may always raise a route.") + agreed


def provenance(ruleset: RuleSet, a: Assessment) -> str:
    """Which rules produced this recommendation: id, version, content hash and effective date."""
    text = (f"Made with rule set {a.ruleset_id}, version {a.ruleset_version}, content hash (sha256) "
            f"{a.ruleset_sha256}.")
    if a.ruleset_sha256 == ruleset.sha256:
        return text + f" Effective from {ruleset.meta.effective_date.isoformat()}."
    return text + (f" Today's rules are version {ruleset.version} (sha256 {ruleset.sha256}), effective from "
                   f"{ruleset.meta.effective_date.isoformat()}.")


def _person(ruleset: RuleSet, a: Assessment, record: ScreeningRecord) -> tuple[str, ...]:
    """Age band and whether a child, in words that never contradict each other.

    After the emergency screen the under-18 question may never have been asked; then the age band
    speaks (the rule file says which bands are under 18), and the worker is told the children's
    safeguarding step was not added for them.  A band and an answer that disagree are said to.
    """
    answers = a.answer_map
    age = ruleset.wording.account.age
    question_id = age.child_question or "under_18"
    child = answers.get(question_id, "unknown")
    shown = _clean(record.age_band) or "not known"
    band = ruleset.age_band(shown)
    band_child = None if band is None else band.child
    question = _question(ruleset, question_id)
    if child == "yes":
        flag = "This is a child (under 18)."
    elif child == "no":
        flag = "This is an adult (18 or over)."
    elif band_child is True:
        flag = (f'By the age band this is a child (under 18). "{question}" was not answered, so the '
                "children's safeguarding step was not added: follow your children's safeguarding "
                "procedure as well.")
    elif band_child is False:
        flag = "By the age band this is an adult (18 or over)."
    else:
        flag = "Whether the person is under 18 is not known."
    if child in ("yes", "no") and band_child is not None and (child == "yes") != band_child:
        flag += (f' The age band and the answer to "{question}" disagree: check which is right, '
                 "because a child needs the children's safeguarding step.")
    out = [f"Age band: {shown}. {flag}"]
    if answers.get("care_and_support_needs") == "yes":
        out.append("The person may have care and support needs.")
    return tuple(out)


def _alternatives(ruleset: RuleSet, assessment: Assessment) -> tuple[str, ...]:
    """'Why not': the smallest change of answers that would give each other route.

    Only for an assessment made with these very rules: under other rules the sentences would explain
    today's rules, not the ones the worker used (the review page shows a replay for that).  Each
    rule is named by what it says (its ``because``), never by its id.
    """
    if assessment.ruleset_sha256 != ruleset.sha256:
        return ()
    from ..proofs.alternatives import explain_alternatives  # deferred: it loads the solver

    because = {r.id: r.because for r in ruleset.rules}
    out = []
    for alt in explain_alternatives(ruleset, assessment.answer_map):
        parts = join_words([f"'{c.question}' were {c.would_be}" for c in alt.changes], "and")
        reason = _lower_first(because.get(alt.rule or "", "")) or "no rule would apply."
        out.append(f"If {parts}, the recommendation would be '{alt.title}': {_ended(reason)}")
    return tuple(out) or ("No change of answers would lead to a different recommendation.",)


def _answers(ruleset: RuleSet, a: Assessment) -> tuple[AnswerGroup, ...]:
    """Every answer, by factor in the rule file's order, as the worker saw it (Yes / No / Don't know)."""
    labels = ruleset.wording.answer_labels
    shown = {"yes": labels.yes, "no": labels.no, "unknown": labels.unknown}
    given = a.answer_map
    groups = [AnswerGroup(f.title, tuple((i.question, shown.get(given[i.id], given[i.id]), given[i.id])
                                         for i in f.indicators if i.id in given))
              for f in ruleset.factors]
    known = set(ruleset.indicator_ids())
    gone = tuple((i, shown.get(v, v), v) for i, v in a.answers if i not in known)
    if gone:
        groups.append(AnswerGroup("Questions no longer in today's rules", gone))
    return tuple(g for g in groups if g.rows)


def _or(text: str, missing: str) -> str:
    return _clean(text) or missing


def narrative(ruleset: RuleSet, assessment: Assessment, record: ScreeningRecord) -> Narrative:
    """The whole summary, as sentences, for every renderer and for the result and review pages."""
    when = (record.completed_at or record.started_at)[:10]
    role = _clean(record.screener_role) or "screener (role not recorded)"
    team = _clean(record.screener_team)
    concern = (
        f"What was noticed: {_or(record.noticed_what, 'not recorded')}",
        f"When: {_or(record.noticed_when, 'not recorded')}",
        f"How it is known: {_or(record.how_known, 'not recorded')}",
    )
    agencies = _clean(record.other_agencies)
    signs, circumstances, protective = _read_together(ruleset, assessment)
    title, summary, todo, contact = _outcome_parts(ruleset, assessment.outcome)
    to_check = _to_check(ruleset, assessment)
    return Narrative(
        council=ruleset.meta.council,
        reference=_clean(record.reference) or "not recorded",
        screened=f"Screened on {when} by a {role}" + (f" in {team}." if team else "."),
        urgent=_urgent(ruleset, assessment),
        concern=concern,
        signs=signs,
        person=_person(ruleset, assessment, record),
        circumstances=circumstances,
        agencies=f"Other agencies involved: {agencies}" if agencies else
        "No other agencies were recorded.",
        safeguarding=f"Safeguarding or support already in place: {_clean(record.safeguarding_in_place)}"
        if _clean(record.safeguarding_in_place) else "No safeguarding already in place was recorded.",
        actions=f"Already done: {_clean(record.actions_taken)}" if _clean(record.actions_taken) else
        "Nothing already done, and no conversations held, were recorded.",
        aware=f"Whether the person knows: {_clean(record.person_aware)}" if _clean(record.person_aware)
        else "Whether the person (or, for a child, their parents or carers) knows about the concern "
             "was not recorded.",
        protective=protective,
        outcome_title=title,
        outcome_summary=summary,
        outcome_steps=todo,
        outcome_contact=contact,
        recommendation=recommendation(ruleset, assessment.outcome),
        why=_why(ruleset, assessment),
        steps=_steps(ruleset, assessment),
        departure=_departure(ruleset, assessment, record),
        unknowns=_unknowns(assessment, to_check),
        to_check=to_check,
        explanations=f"Other explanations considered: {_clean(record.alternative_explanations)}"
        if _clean(record.alternative_explanations) else
        "No other explanations for what was noticed were recorded.",
        alternatives=_alternatives(ruleset, assessment),
        alternatives_note=ALTERNATIVES_NOTE,
        never_indicators=_never(ruleset, record),
        answers=_answers(ruleset, assessment),
        provenance=provenance(ruleset, assessment),
        disclaimer=f"{ruleset.wording.disclaimer} If in doubt, call {_contact_line(ruleset, None)}.",
    )

