"""Assessment + record -> the non-isolating narrative: plain-English sentences, never a tick list.

The seed's central rule is that no factor is read in isolation, so the narrative reads the signs of
concern *together with* the person's circumstances and protective factors, says which answers made
each rule fire, and never shows a summed score or a count of ticks.  Text here is plain (unescaped):
each renderer (Markdown, PDF, JSON) escapes it for its own format.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from .engine import Assessment
from .fairness import find_terms
from .record import ScreeningRecord, is_lowering
from .ruleset import CONCERN_KINDS, Kind, RuleSet
from .words import join_words

#: How each kind of sign is named when the answers are read together.
KIND_LABEL: dict[Kind, str] = {
    Kind.GATE: "immediate danger",
    Kind.ENGAGEMENT: "engagement with a group, cause or ideology that supports violence",
    Kind.INTENT: "intent to cause harm",
    Kind.CAPABILITY: "capability to cause harm",
}

_LEADS: tuple[tuple[str, str], ...] = (
    ("Have they ", "they have "), ("Has the person ", "the person has "), ("Are they ", "they are "),
    ("Is the person ", "the person is "), ("Do they ", "they "), ("Does the person have ", "the person has "),
    ("Is there ", "there is "), ("Is anyone ", "someone is "), ("Have you noticed ", "you noticed "),
)
_EMBEDDED_QUESTION = re.compile(r"\b(have|has|are|is|do|does|will|would|can)\s+(they|the person|you)\b", re.I)


@dataclass(frozen=True)
class Narrative:
    """The summary handed on, in sentences; each field is plain text or a tuple of sentences."""

    screened: str
    concern: tuple[str, ...]
    person: tuple[str, ...]
    agencies: str
    recommendation: str
    why: tuple[str, ...]
    together: tuple[str, ...]
    unknowns: tuple[str, ...]
    alternatives: tuple[str, ...]
    steps: tuple[str, ...]
    never_indicators: tuple[str, ...]
    departure: str
    provenance: str
    disclaimer: str


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


def _together(ruleset: RuleSet, a: Assessment) -> tuple[str, ...]:
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
    out = []
    if concern:
        out.append(_sentence("What was noticed: " + "; ".join(concern)))
    else:
        out.append("What was noticed: no sign of immediate danger, of engagement with a violent cause, "
                   "or of intent or capability to cause harm was answered yes.")
    if context:
        lead = "This was read together with their circumstances" if concern else "Their circumstances"
        out.append(_sentence(f"{lead}: " + "; ".join(context)))
        if not concern:
            out.append("Circumstances on their own are never a Prevent concern; they point to the support "
                       "the person may need.")
    else:
        out.append("No difficult circumstances were answered yes.")
    if protective:
        out.append(_sentence("Protective factors recorded: " + join_words(protective)) +
                   " These help plan support; they never lower the recommendation.")
    else:
        out.append("No protective factors were answered yes. Protective factors never lower the "
                   "recommendation in any case.")
    out.append("The signs are read together and in the person's circumstances; they are not added up "
               "into a score.")
    return tuple(out)


def _unknowns(ruleset: RuleSet, a: Assessment, record: ScreeningRecord) -> tuple[str, ...]:
    out = []
    total = len(a.answers)
    if a.unknowns:
        serious = [i for i in a.unknowns
                   if _kind(ruleset, _factor_id(ruleset, i)) in CONCERN_KINDS]
        out.append(f"Notice: {len(a.unknowns)} of the {total} questions are still unknown.")
        if serious:
            qs = join_words(f'"{_question(ruleset, i)}"' for i in serious)
            out.append(f"Still unknown about signs of concern: {qs}")
    else:
        out.append("Notice: every question was answered yes or no.")
    cb = a.could_become
    if cb is not None:
        ifs = join_words((_said(ruleset, i) for i in cb.if_yes), last="and")
        out.append(f"Check, with your manager, Designated Safeguarding Lead or the Prevent Lead (without "
                   f"investigating yourself): whether {ifs}.")
        out.append(f"Share: if that turns out to be true, the recommendation would become "
                   f"{_title(ruleset, cb.outcome)}.")
    elif a.unknowns:
        out.append("Check: none of the unknown answers could make the recommendation more serious on "
                   "their own, but they may still matter for support.")
    alt = _clean(record.alternative_explanations)
    out.append(f"Other explanations considered: {alt}" if alt else
               "No other explanations for what was noticed were recorded.")
    return tuple(out)


def _factor_id(ruleset: RuleSet, indicator_id: str) -> str:
    try:
        return ruleset.factor_of(indicator_id).id
    except KeyError:
        return ""


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
    answers = a.answer_map
    child = answers.get("under_18", "unknown")
    flag = {"yes": "This is a child (under 18).", "no": "This is an adult (18 or over).",
            "unknown": "Whether the person is under 18 is not known."}[child]
    out = [f"Age band: {_clean(record.age_band) or 'not known'}. {flag}"]
    if answers.get("care_and_support_needs") == "yes":
        out.append("The person may have care and support needs.")
    return tuple(out)


def _alternatives(ruleset: RuleSet, assessment: Assessment) -> tuple[str, ...]:
    """'Why not': the smallest change of answers that would give each other route.

    Only for an assessment made with these very rules: under other rules the sentences would explain
    today's rules, not the ones the worker used (the review page shows a replay for that).
    """
    if assessment.ruleset_sha256 != ruleset.sha256:
        return ()
    from .alternatives import explain_alternatives  # deferred: it loads the solver

    sentences = tuple(a.sentence for a in explain_alternatives(ruleset, assessment.answer_map))
    return sentences or ("No change of answers would lead to a different recommendation.",)


def narrative(ruleset: RuleSet, assessment: Assessment, record: ScreeningRecord) -> Narrative:
    """The whole summary, as sentences, for every renderer and for the result and review pages."""
    when = (record.completed_at or record.started_at)[:10]
    role = _clean(record.screener_role) or "screener (role not recorded)"
    team = _clean(record.screener_team)
    concern = (
        f"What was noticed: {_clean(record.noticed_what) or 'not recorded'}",
        f"When: {_clean(record.noticed_when) or 'not recorded'}",
        f"How it is known: {_clean(record.how_known) or 'not recorded'}",
    )
    agencies = _clean(record.other_agencies)
    return Narrative(
        screened=f"Screened on {when} by a {role}" + (f" in {team}." if team else "."),
        concern=concern,
        person=_person(ruleset, assessment, record),
        agencies=f"Other agencies involved and actions taken: {agencies}" if agencies else
        "No other agencies or actions were recorded.",
        recommendation=recommendation(ruleset, assessment.outcome),
        why=_why(ruleset, assessment),
        together=_together(ruleset, assessment),
        unknowns=_unknowns(ruleset, assessment, record),
        alternatives=_alternatives(ruleset, assessment),
        steps=_steps(ruleset, assessment),
        never_indicators=_never(ruleset, record),
        departure=_departure(ruleset, assessment, record),
        provenance=provenance(ruleset, assessment),
        disclaimer=f"{ruleset.wording.disclaimer} If in doubt, call {_contact_line(ruleset, None)}.",
    )
