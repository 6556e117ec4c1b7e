"""The checks an opened export must pass beyond its seal: nothing added, every copy agrees, and the
stored result is what its own rules give.

Every fixed-format object may hold only its own names (:data:`screening.exports.export.FIELDS`, EX016).

Whatever the seal, the contents are cross-checked (EX010): the top-level ``answers``, the record's
answers and the stored result's answers must agree (an answer missing from the record is
``unknown``), so must the top-level and the record's dates, the ``ruleset`` block must name the same rules
as the stored result, and the stored trace must fit its own answers.  When the rules that made the
file are at hand (today's, or held in the register of published rule sets), the answers are
evaluated again and the stored outcome, fired rules, steps and trace must be exactly what those
rules give (EX011): the engine is deterministic, so a difference means the file was edited.  Used
by :func:`screening.exports.opening.read_export`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from ..engine import Assessment, evaluate
from ..errors import AnswersError, ScreeningError, problem
from ..record import ScreeningRecord
from ..rules.ruleset import RuleSet
from .export import FIELDS

#: ``Assessment.extra`` key: the file was made before urgent checks were stored (it has none to check).
URGENT_NOT_RECORDED = "urgent_checks_not_recorded"


def refuse(code: str, **fields: Any) -> ScreeningError:
    """An export refused with one catalogue problem."""
    return ScreeningError([problem(code, **fields)])


def short(value: Any, limit: int = 40) -> str:
    """A value for a message, cut short: a hostile file must not fill the screen."""
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[:limit] + "..."


def _disagree(what: str, reason: str) -> ScreeningError:
    return refuse("EX010", what=what, reason=reason)


def _say(value: str | None) -> str:
    return "missing" if value is None else repr(value)


def _names(ids: Sequence[str]) -> str:
    return ", ".join(f"'{i}'" for i in ids) or "none"


def _place(path: tuple[str | int, ...]) -> str:
    if not path:
        return "the top level of the file"
    return "the block " + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")


def extra_fields(body: dict[str, Any]) -> None:
    """Refuse any name a fixed-format object of an export never has (EX016), at any depth."""
    stack: list[tuple[tuple[str | int, ...], str, Any]] = [((), "", body)]
    while stack:
        path, pattern, node = stack.pop()
        if isinstance(node, list):
            item = f"{pattern}.*".lstrip(".")
            stack.extend(((*path, i), item, v) for i, v in enumerate(node))
            continue
        allowed = FIELDS.get(pattern)
        if allowed is None or not isinstance(node, dict):
            continue  # free-form (ids as names), or not an object: the typed checks say what is wrong
        for k, v in node.items():
            if k not in allowed:
                raise refuse("EX016", where=_place(path), key=short(k))
            stack.append(((*path, k), f"{pattern}.{k}".lstrip("."), v))


def cross_check(body: dict[str, Any], answers: dict[str, str], record: ScreeningRecord,
                a: Assessment, made: dict[str, Any]) -> None:
    """Every copy in the file must agree, whatever rules made it (EX010)."""
    stored = a.answer_map
    for k in dict.fromkeys([*answers, *stored]):
        if answers.get(k) != stored.get(k):
            raise _disagree("the answers", f"'{k}' is {_say(answers.get(k))} in the answers "
                                           f"but {_say(stored.get(k))} in the stored result")
    for k, given in record.answers.items():
        if answers.get(k) != given:
            raise _disagree("the answers", f"'{k}' is {given!r} in the worker's record but "
                                           f"{_say(answers.get(k))} in the answers")
    for k, v in answers.items():
        if k not in record.answers and v != "unknown":
            raise _disagree("the answers", f"'{k}' is {v!r} in the answers but was not answered in "
                                           "the worker's record")
    for when in ("started_at", "completed_at"):
        if body.get(when) != getattr(record, when):
            raise _disagree("the dates", f"{when} is {short(repr(body.get(when)))} in the file but "
                                         f"{getattr(record, when)!r} in the worker's record")
    said = (made["id"], made["version"], made["sha256"])
    if said != (a.ruleset_id, a.ruleset_version, a.ruleset_sha256):
        raise _disagree("the rule set", f"the file names rule set {made['id']} version {made['version']} "
                                        f"(sha256 {made['sha256'][:12]}...) but the stored result names "
                                        f"{a.ruleset_id} version {a.ruleset_version} "
                                        f"(sha256 {a.ruleset_sha256[:12]}...)")
    for f in a.fired:
        for e in f.evidence:
            if answers.get(e.indicator) != e.answer:
                raise _disagree("the stored result",
                                f"rule '{f.id}' relied on '{e.indicator}' being {e.answer!r}, but it is "
                                f"{_say(answers.get(e.indicator))} in the answers")
    if set(a.yes) != {k for k, v in answers.items() if v == "yes"}:
        raise _disagree("the stored result", "its list of yes answers is not the answers given yes")
    unknown = {k for k, v in answers.items() if v == "unknown"}
    if set(a.unknowns) != unknown:
        raise _disagree("the stored result", "its list of questions still to check is not the "
                                             "answers left unknown")
    if a.could_become is not None and not set(a.could_become.if_yes) <= unknown:
        raise _disagree("the stored result", "it says answers already given could change the route")
    urgent = [u.indicator for u in a.urgent_checks]
    if not set(urgent) <= unknown or len(set(urgent)) != len(urgent):
        raise _disagree("the stored result", "its urgent checks name danger questions that were "
                                             "answered, or name one twice")
    deciders = [f for f in a.fired if f.decisive]
    if a.fired and not deciders:
        raise _disagree("the stored result", "rules fired but none decided the recommendation")
    for f in deciders:
        if f.outcome != a.outcome:
            raise _disagree("the stored result", f"rule '{f.id}' decided '{f.outcome}' but the "
                                                 f"recommendation stored is '{a.outcome}'")


def departure_check(record: ScreeningRecord, a: Assessment) -> None:
    """The worker's decision must depart from this file's recommendation, on its answers (EX019).

    A decision records what it departed from (:class:`screening.record.Departure`); one naming
    another recommendation, other rules or other answers is stale or edited, and a summary would
    misstate what the worker was told.  A file from before that was recorded is checked only for a
    chosen route equal to the recommendation, the stale record this check exists to stop.
    """
    d = record.departure
    if d is None:
        return

    def stale(reason: str) -> ScreeningError:
        return refuse("EX019", chosen=short(d.outcome), reason=reason)

    if d.outcome == a.outcome:
        raise stale("is the stored recommendation itself, so the route the worker departed from "
                    "is not recorded")
    if not d.recorded:
        return
    if d.recommended != a.outcome:
        raise stale(f"departs from the recommendation '{d.recommended}', but the file's stored "
                    f"recommendation is '{short(a.outcome)}'")
    if d.ruleset_sha256 != a.ruleset_sha256:
        raise stale(f"was made under other rules (sha256 {d.ruleset_sha256[:12]}...) than the file's "
                    f"stored result (sha256 {short(a.ruleset_sha256, 12)}...)")
    if not d.made_on(a.ruleset_sha256, a.answer_map):
        raise stale("was made on other answers than the file holds")


def same_rules_check(ruleset: RuleSet, answers: dict[str, str], record: ScreeningRecord,
                     a: Assessment, which: str = "today's rules") -> Assessment:
    """Made with ``ruleset``: the stored result must be exactly what it gives (EX011).

    ``which`` says where those rules came from (today's, or the register) for the message.
    """
    def wrong(reason: str) -> ScreeningError:
        return refuse("EX011", which=which, ruleset=f"{ruleset.id} version {ruleset.version}",
                      reason=reason)

    outcomes = {o.id for o in ruleset.outcomes}
    rules = {r.id for r in ruleset.rules}
    if a.outcome not in outcomes:
        raise wrong(f"'{a.outcome}' is not one of its outcomes")
    for f in a.fired:
        if f.id not in rules:
            raise wrong(f"'{f.id}' is not one of its rules")
    if record.departure is not None and record.departure.outcome not in outcomes:
        raise wrong(f"the worker's chosen route '{record.departure.outcome}' is not one of its outcomes")
    try:
        now = evaluate(ruleset, answers)
    except AnswersError as e:  # pragma: no cover - ids and values were checked before this
        raise wrong(e.problems[0].message) from None
    if (a.ruleset_id, a.ruleset_version) != (now.ruleset_id, now.ruleset_version):
        raise wrong(f"the file calls them {a.ruleset_id} version {a.ruleset_version}")
    if a.outcome != now.outcome:
        raise wrong(f"the file says the recommendation was '{a.outcome}', but these answers give "
                    f"'{now.outcome}'")
    if [f.id for f in a.fired] != [f.id for f in now.fired]:
        raise wrong(f"the file lists the rules that fired as {_names([f.id for f in a.fired])}, but "
                    f"these answers fire {_names([f.id for f in now.fired])}")
    if a.additional_steps != now.additional_steps:
        raise wrong(f"the file lists the additional steps as {_names(a.additional_steps)}, but these "
                    f"answers add {_names(now.additional_steps)}")
    missing = [i for i in now.answer_map if i not in a.answer_map]
    if missing:  # (an answer to a question not in the rules was refused before, as EX006)
        raise wrong(f"it leaves out the question '{missing[0]}'")
    if a.extra.get(URGENT_NOT_RECORDED):  # made before urgent checks were stored: nothing to compare
        a = replace(a, urgent_checks=now.urgent_checks)
    elif a.urgent_checks != now.urgent_checks:
        said, given = [u.indicator for u in a.urgent_checks], [u.indicator for u in now.urgent_checks]
        raise wrong(f"the file lists the urgent checks as {_names(said)}, but these answers give "
                    f"{_names(given)}" if said != given else
                    "the file's urgent checks give other questions, advice or numbers than these rules")
    # JSON objects (answers, yes_by_factor) may be reordered by any tool that reformats the file
    if replace(a, answers=now.answers, yes_by_factor=tuple(sorted(a.yes_by_factor))) != \
            replace(now, yes_by_factor=tuple(sorted(now.yes_by_factor))):
        raise wrong("the stored reasons, evidence, questions still to check or what could change the "
                    "route are not what these rules give")
    return now

