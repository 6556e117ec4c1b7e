"""The JSON export of a screening, and reading it back with a replay under today's rules.

An export holds what the worker entered (the record and every answer), the engine's trace as it was
made, and which rule set made it (id, version, content hash), so a supervisor can see both what the
worker was told and what today's rules would say about the same answers.

Integrity, two kinds (``integrity.algorithm``), both over the canonical JSON (sorted keys, no
spaces, UTF-8) of every field except ``integrity`` itself:

* ``hmac-sha256`` when the environment variable ``SCREENING_EXPORT_KEY`` is set (a council-held
  secret of 32 or more random characters, the same on every copy of the tool that must read the
  files).  Only a tool holding the key can make a file that opens, so an edited or forged file is
  refused even if the editor recomputes the value.  ``integrity.key_id`` is a fingerprint of the
  key (an HMAC of a fixed label, not the key), so a file sealed with another key is refused as
  exactly that (EX009) rather than as "changed".  With a key set, a plain-sha256 file is refused
  (EX007): anyone can make one.  Without a key set, a keyed file is refused (EX008): its seal
  cannot be checked.  Rotating the key makes older files unreadable except with the old key.
* ``sha256`` when no key is set: it detects accidental damage and casual edits only.  Anyone can
  edit the file and recompute it, so it says nothing about who made the file; the review page says
  so.

Whatever the seal, the contents are cross-checked (EX010): the top-level ``answers``, the record's
answers and the stored result's answers must agree (an answer missing from the record is
``unknown``), so must the top-level and the record's dates, the ``ruleset`` block must name the same rules
as the stored result, and the stored trace must fit its own answers.  When the file's rule-set hash
is today's, the answers are evaluated again and the stored outcome, fired rules, steps and trace
must be exactly what the rules give (EX011): the engine is deterministic, so a difference means the
file was edited.  The ``alternatives`` field is for people reading the JSON; the tool never reads it
back (the review page recomputes them).

Malformed input is refused with an EX code, never a traceback: over :data:`MAX_BYTES`, not UTF-8,
not JSON, nested deeper than :data:`MAX_DEPTH`, a number too long or not finite, a repeated key, or
text that is not valid Unicode (a lone surrogate such as ``\\ud800``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import os
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from pydantic import ValidationError

from .engine import Assessment, CouldBecome, Evidence, FiredRule, evaluate
from .errors import AnswersError, ScreeningError, problem
from .record import ScreeningRecord, now_utc
from .ruleset import ANSWERS, RuleSet

FORMAT = "prevent-screening-export"
FORMAT_VERSION = 1
MAX_BYTES = 2_000_000  # a real export is a few kilobytes; refuse anything absurd before parsing
MAX_DEPTH = 16  # a real export nests 6 deep; refused before anything walks the tree recursively
MAX_DIGITS = 30  # the only numbers in an export are small (format_version)
KEY_ENV = "SCREENING_EXPORT_KEY"
PLAIN, KEYED = "sha256", "hmac-sha256"
_KEY_ID_LABEL = b"prevent-screening-export key id"


def canonical(data: Any) -> bytes:
    """The one byte form the integrity hash is computed over (key order and spacing don't matter)."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _unsealed(body: dict[str, Any]) -> bytes:
    return canonical({k: v for k, v in body.items() if k != "integrity"})


def integrity(body: dict[str, Any]) -> str:
    """SHA-256 over the canonical JSON of everything except the integrity field itself."""
    return hashlib.sha256(_unsealed(body)).hexdigest()


def export_key() -> bytes | None:
    """The council's export key from ``SCREENING_EXPORT_KEY`` (surrounding spaces ignored), if set."""
    raw = os.environ.get(KEY_ENV, "").strip()
    return raw.encode("utf-8", "surrogateescape") if raw else None


def key_id(key: bytes) -> str:
    """A fingerprint naming the key without revealing it (an HMAC of a fixed label)."""
    return hmac.new(key, _KEY_ID_LABEL, hashlib.sha256).hexdigest()[:16]


def keyed_integrity(body: dict[str, Any], key: bytes) -> str:
    """HMAC-SHA256 with ``key`` over the canonical JSON of everything except the integrity field."""
    return hmac.new(key, _unsealed(body), hashlib.sha256).hexdigest()


def seal(body: dict[str, Any], key: bytes | None) -> dict[str, str]:
    """The ``integrity`` field: keyed when a key is given, else plain SHA-256."""
    if key is None:
        return {"algorithm": PLAIN, "value": integrity(body)}
    return {"algorithm": KEYED, "key_id": key_id(key), "value": keyed_integrity(body, key)}


def to_json(ruleset: RuleSet, assessment: Assessment, record: ScreeningRecord,
            exported_at: str | None = None) -> str:
    """The screening as a self-checking JSON document (UTF-8 text, ASCII-escaped, indented).

    Sealed with HMAC-SHA256 when ``SCREENING_EXPORT_KEY`` is set, else with plain SHA-256.
    """
    body: dict[str, Any] = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "exported_at": exported_at or now_utc(),
        "started_at": record.started_at,
        "completed_at": record.completed_at,
        "ruleset": {"id": assessment.ruleset_id, "version": assessment.ruleset_version,
                    "sha256": assessment.ruleset_sha256,
                    "effective_date": ruleset.meta.effective_date.isoformat()
                    if assessment.ruleset_sha256 == ruleset.sha256 else None},
        "answers": dict(assessment.answers),
        "record": record.model_dump(mode="json"),
        "assessment": assessment.to_dict(),
        "alternatives": _alternatives(ruleset, assessment),
    }
    body["integrity"] = seal(body, export_key())
    return json.dumps(body, indent=2, sort_keys=False, ensure_ascii=True)


def _alternatives(ruleset: RuleSet, assessment: Assessment) -> list[dict[str, Any]]:
    """The 'why not' explanations, when the assessment was made with these rules."""
    if assessment.ruleset_sha256 != ruleset.sha256:
        return []
    from .alternatives import explain_alternatives  # deferred: it loads the solver

    return [a.to_dict() for a in explain_alternatives(ruleset, assessment.answer_map)]


@dataclass(frozen=True)
class Replay:
    """The stored answers re-evaluated under today's rules, beside what they gave when made."""

    stored_outcome: str
    outcome: str
    changed: bool
    steps_changed: bool
    assessment: Assessment
    ruleset_version: str
    ruleset_sha256: str
    dropped: tuple[str, ...] = ()


@dataclass(frozen=True)
class OpenedScreening:
    """A verified export: the record, the trace as made, its provenance, and today's replay.

    ``keyed`` is True when the file's seal was checked with the council's export key (it was made by
    a tool holding the key); False means a plain SHA-256 that anyone can recompute.
    """

    record: ScreeningRecord
    answers: dict[str, str]
    stored: dict[str, Any]
    stored_assessment: Assessment
    made_with_id: str
    made_with_version: str
    made_with_sha256: str
    same_rules: bool
    exported_at: str
    replay: Replay
    keyed: bool = False


def _refuse(code: str, **fields: Any) -> ScreeningError:
    return ScreeningError([problem(code, **fields)])


def _unreadable(reason: str) -> ScreeningError:
    return _refuse("EX001", reason=reason)


def _int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_DIGITS:
        raise _unreadable(f"it holds a number {len(text):,} digits long, far longer than any "
                          "screening export has")
    return int(text)


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _unreadable("it holds a number too large to read")
    return value


def _constant(name: str) -> Any:
    raise _unreadable(f"it holds {name}, which is not a number")


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _unreadable(f"the name '{key.encode('utf-8', 'backslashreplace').decode()}' appears "
                              "twice in one block, so which value counts is unclear")
        out[key] = value
    return out


def _check_tree(body: Any) -> None:
    """Refuse nesting deeper than any export and text that is not valid Unicode (without recursion)."""
    stack: list[tuple[Any, int]] = [(body, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise _unreadable(f"it is nested more than {MAX_DEPTH} levels deep, unlike any screening export")
        if isinstance(node, dict):
            stack.extend((k, depth) for k in node)
            stack.extend((v, depth + 1) for v in node.values())
        elif isinstance(node, list):
            stack.extend((v, depth + 1) for v in node)
        elif isinstance(node, str):
            try:
                node.encode("utf-8")
            except UnicodeEncodeError:
                raise _unreadable("it holds text that is not valid Unicode (a lone surrogate "
                                  "escape such as \\ud800)") from None


def _parse(data: bytes) -> dict[str, Any]:
    if len(data) > MAX_BYTES:
        raise _refuse("EX002", reason=f"it is {len(data):,} bytes, far larger than any screening export")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _unreadable("it is not a text file") from None
    try:
        body = json.loads(text, parse_int=_int, parse_float=_float, parse_constant=_constant,
                          object_pairs_hook=_object)
    except json.JSONDecodeError as e:
        raise _unreadable(f"it is not valid JSON (line {e.lineno}: {e.msg})") from None
    except RecursionError:
        raise _unreadable("it is nested far deeper than any screening export") from None
    except ValueError:  # pragma: no cover - the hooks above refuse the known cases first
        raise _unreadable("it holds a value that cannot be read") from None
    _check_tree(body)
    if not isinstance(body, dict) or body.get("format") != FORMAT:
        raise _refuse("EX002", reason="it does not say it is a Prevent screening export")
    return body


def _verify(body: dict[str, Any]) -> bool:
    """Check the format version and the seal; True when the seal was checked with the export key."""
    found = body.get("format_version")
    if type(found) is not int or found != FORMAT_VERSION:  # not True or 1.0, which equal 1
        raise _refuse("EX004", found=_short(found), expected=FORMAT_VERSION)
    sealed = body.get("integrity")
    if (not isinstance(sealed, dict) or sealed.get("algorithm") not in (PLAIN, KEYED)
            or not isinstance(sealed.get("value"), str)):
        raise _refuse("EX002", reason="it has no integrity check")
    key = export_key()
    if sealed["algorithm"] == PLAIN:
        if key is not None:
            raise _refuse("EX007")
        expected = integrity(body)
    else:
        if key is None:
            raise _refuse("EX008")
        if sealed.get("key_id") != key_id(key):
            raise _refuse("EX009")
        expected = keyed_integrity(body, key)
    if not hmac.compare_digest(sealed["value"].encode("utf-8"), expected.encode("utf-8")):
        raise _refuse("EX003")
    return key is not None


def _short(value: Any, limit: int = 40) -> str:
    """A value for a message, cut short: a hostile file must not fill the screen."""
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[:limit] + "..."


def _invalid(where: str, reason: str) -> ScreeningError:
    return _refuse("EX005", field=where, reason=reason)


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{value!r} is not text")
    return value


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"{value!r} is not true or false")
    return value


def _texts(values: Any) -> tuple[str, ...]:
    if not isinstance(values, list):
        raise TypeError(f"{values!r} is not a list")
    return tuple(_text(v) for v in values)


def assessment_from_dict(d: Any) -> Assessment:
    """Rebuild an :class:`Assessment` from ``Assessment.to_dict()`` output (the trace as made)."""
    if not isinstance(d, dict):
        raise _invalid("assessment", "it is missing")
    try:
        cb = d["could_become"]
        rs = d["ruleset"]
        return Assessment(
            outcome=_text(d["outcome"]),
            fired=tuple(FiredRule(_text(f["rule"]), _text(f["outcome"]), _text(f["because"]),
                                  _flag(f["decisive"]),
                                  tuple(Evidence(_text(e["indicator"]), _text(e["answer"]))
                                        for e in f["evidence"])) for f in d["fired"]),
            yes_by_factor=tuple((_text(k), _texts(v)) for k, v in d["yes_by_factor"].items()),
            unknowns=_texts(d["unknowns"]),
            could_become=None if cb is None else CouldBecome(
                _text(cb["outcome"]), _texts(cb["if_yes"]), _text(cb["rule"])),
            additional_steps=_texts(d["additional_steps"]),
            answers=tuple((_text(k), _text(v)) for k, v in d["answers"].items()),
            ruleset_id=_text(rs["id"]), ruleset_version=_text(rs["version"]),
            ruleset_sha256=_text(rs["sha256"]),
        )
    except (KeyError, TypeError, AttributeError) as e:
        raise _invalid("assessment", f"the stored result is incomplete ({e})") from None


def _record(body: dict[str, Any]) -> ScreeningRecord:
    try:
        return ScreeningRecord.model_validate(body.get("record"))
    except ValidationError as e:
        err = e.errors()[0]
        where = ".".join(str(p) for p in ("record", *err["loc"]))
        raise _invalid(where, str(err["msg"])) from None


def _answers(body: dict[str, Any]) -> dict[str, str]:
    answers = body.get("answers")
    if not isinstance(answers, dict):
        raise _invalid("answers", "they are missing")
    for key, value in answers.items():
        if not isinstance(value, str) or value not in ANSWERS:
            raise _invalid(f"answers.{_short(key)}", f"{_short(repr(value))} is not yes, no or unknown")
    return {str(k): str(v) for k, v in answers.items()}


def _disagree(what: str, reason: str) -> ScreeningError:
    return _refuse("EX010", what=what, reason=reason)


def _say(value: str | None) -> str:
    return "missing" if value is None else repr(value)


def _names(ids: Sequence[str]) -> str:
    return ", ".join(f"'{i}'" for i in ids) or "none"


def _cross_check(body: dict[str, Any], answers: dict[str, str], record: ScreeningRecord,
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
            raise _disagree("the dates", f"{when} is {_short(repr(body.get(when)))} in the file but "
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
    deciders = [f for f in a.fired if f.decisive]
    if a.fired and not deciders:
        raise _disagree("the stored result", "rules fired but none decided the recommendation")
    for f in deciders:
        if f.outcome != a.outcome:
            raise _disagree("the stored result", f"rule '{f.id}' decided '{f.outcome}' but the "
                                                 f"recommendation stored is '{a.outcome}'")


def _same_rules_check(ruleset: RuleSet, answers: dict[str, str], record: ScreeningRecord,
                      a: Assessment) -> Assessment:
    """Made with today's rules: the stored result must be exactly what they give (EX011)."""
    def wrong(reason: str) -> ScreeningError:
        return _refuse("EX011", ruleset=f"{ruleset.id} version {ruleset.version}", reason=reason)

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
    # JSON objects (answers, yes_by_factor) may be reordered by any tool that reformats the file
    if replace(a, answers=now.answers, yes_by_factor=tuple(sorted(a.yes_by_factor))) != \
            replace(now, yes_by_factor=tuple(sorted(now.yes_by_factor))):
        raise wrong("the stored reasons, evidence, questions still to check or what could change the "
                    "route are not what these rules give")
    return now


def read_export(data: bytes, ruleset: RuleSet) -> OpenedScreening:
    """Parse and verify an export, then replay its answers under ``ruleset`` (today's rules).

    Raises :class:`ScreeningError` with an EX code for a file that cannot be read (EX001: not UTF-8,
    not JSON, too deep, too-long numbers, repeated names, lone surrogates), a file that is not an
    export or is too large (EX002), a changed file (EX003), another format version (EX004), invalid
    contents (EX005), answers that do not fit the rules they claim (EX006), a plain checksum when an
    export key is set (EX007), a keyed seal when none is set (EX008) or another key (EX009), copies
    in the file that disagree (EX010), or a stored result that its own (today's) rules do not give
    (EX011).
    """
    body = _parse(data)
    keyed = _verify(body)
    record = _record(body)
    answers = _answers(body)
    stored = body.get("assessment")
    stored_assessment = assessment_from_dict(stored)
    assert isinstance(stored, dict)
    made = body.get("ruleset")
    if not isinstance(made, dict) or not all(isinstance(made.get(k), str)
                                             for k in ("id", "version", "sha256")):
        raise _invalid("ruleset", "which rule set made this screening is not recorded")
    _cross_check(body, answers, record, stored_assessment, made)
    exported_at = body.get("exported_at", "")
    if not isinstance(exported_at, str):
        raise _invalid("exported_at", "it is not a date and time")
    same = made["sha256"] == ruleset.sha256
    known = set(ruleset.indicator_ids())
    dropped = tuple(k for k in answers if k not in known)
    if same and dropped:
        raise _refuse("EX006", ruleset=made["id"],
                      reason=f"'{dropped[0]}' is not one of its questions")
    if same:
        now = _same_rules_check(ruleset, answers, record, stored_assessment)
    else:
        try:
            now = evaluate(ruleset, {k: v for k, v in answers.items() if k in known})
        except AnswersError as e:  # pragma: no cover - values were checked above; kept as a safety net
            raise _refuse("EX006", ruleset=made["id"], reason=e.problems[0].message) from None
    replay = Replay(
        stored_outcome=stored_assessment.outcome, outcome=now.outcome,
        changed=now.outcome != stored_assessment.outcome,
        steps_changed=set(now.additional_steps) != set(stored_assessment.additional_steps),
        assessment=now, ruleset_version=ruleset.version, ruleset_sha256=ruleset.sha256, dropped=dropped)
    return OpenedScreening(
        record=record, answers=answers, stored=stored, stored_assessment=stored_assessment,
        made_with_id=made["id"], made_with_version=made["version"], made_with_sha256=made["sha256"],
        same_rules=same, exported_at=exported_at, replay=replay, keyed=keyed)
