"""Opening an uploaded export: reading it safely, verifying its seal, and replaying it today.

:func:`read_export` parses the file (see :mod:`screening.exports.export` for the format and the seal),
checks the seal and the contents (:mod:`screening.exports.export_checks`), verifies the stored result under
the rules that made it, and evaluates the stored answers again under today's rules, so a supervisor
sees both what the worker was told and what the rules say now (:class:`Replay`).

The rules that made the file are today's, or are fetched from this installation's register of
published rule sets (:mod:`screening.rules.register`) by the hash the file names; either way the stored
result must be exactly what they give (EX011), so a lowered outcome with another rule set's hash is
refused as altered.  When the register has no record of that hash the stored result cannot be
checked: the file opens with an EX012 note ("cannot verify"), and the page must never present the
difference as a change in the rules.

Malformed input is refused with an EX code, never a traceback: over :data:`MAX_BYTES`, not UTF-8,
not JSON, nested deeper than :data:`MAX_DEPTH`, a number too long or not finite, a repeated key, or
text that is not valid Unicode (a lone surrogate such as ``\\ud800``).
"""

from __future__ import annotations

import hmac
import json
import math
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Any

from pydantic import ValidationError

from ..engine import Assessment, CouldBecome, Evidence, FiredRule, UrgentCheck, UrgentContact, evaluate
from ..errors import AnswersError, Problem, ScreeningError, problem
from ..record import READING_FILE, ScreeningRecord
from ..rules.register import load_registered
from ..rules.ruleset import ANSWERS, RuleSet
from .export import FORMAT, FORMAT_VERSION, KEYED, PLAIN, ExportKey, export_keys, integrity, keyed_integrity
from .export_checks import (
    URGENT_NOT_RECORDED,
    cross_check,
    departure_check,
    extra_fields,
    refuse,
    same_rules_check,
    short,
)

MAX_BYTES = 2_000_000  # a real export is a few kilobytes; refuse anything absurd before parsing
EXPORT_SUFFIX = ".json"  # what the result page saves; its PDF and Markdown summaries cannot be opened
MAX_DEPTH = 16  # a real export nests 6 deep; refused before anything walks the tree recursively
MAX_DIGITS = 30  # the only numbers in an export are small (format_version)


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
    a tool holding the key); False means a plain SHA-256 that anyone can recompute.  ``key_label``
    names that key and ``older_key`` says it is not the newest (it verifies but no longer seals).

    ``made_with`` is the rule set that made the file (today's, or from the register), under which
    the stored result was verified; None when this installation has no record of it, and then
    ``unverified`` holds the EX012 note the page must show instead of any "the rules changed".
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
    key_label: str = ""
    older_key: bool = False
    made_with: RuleSet | None = None
    unverified: Problem | None = None


def _unreadable(reason: str) -> ScreeningError:
    return refuse("EX001", reason=reason)


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


def size_words(n: int) -> str:
    """A file size as a person reads it: bytes, kB or MB (decimal, as file managers show them)."""
    if n < 1_000:
        return f"{n:,} bytes"
    if n < 1_000_000:
        return f"{n // 1_000:,} kB"
    return f"{n / 1_000_000:,.1f} MB".replace(".0 MB", " MB")


def _too_large(n: int) -> ScreeningError:
    return refuse("EX002", reason=f"it is {size_words(n)} ({n:,} bytes), and the largest screening file "
                                  f"this tool opens is {size_words(MAX_BYTES)}; an export is a few "
                                  "kilobytes")


def check_upload(name: str, size: int) -> None:
    """Refuse, in words, an upload that cannot be an export: another type of file, or too large.

    The upload box accepts any file so that this can say why: the browser's own refusal is a small
    icon and a MIME type ("application/pdf files are not allowed").  The type is judged by the
    name's ending, as the box did; what is inside is checked by :func:`read_export`.
    """
    suffix = PurePath(name).suffix.lower()
    if suffix != EXPORT_SUFFIX:
        given = f"a {short(suffix, 12)} file" if suffix else "a file with no type in its name"
        raise refuse("EX002", reason=f"'{short(name)}' is {given}, and a screening is opened from "
                                     f"the {EXPORT_SUFFIX} file saved from its result page (its PDF "
                                     "or Markdown summary cannot be opened here)")
    if size > MAX_BYTES:
        raise _too_large(size)


def _parse(data: bytes) -> dict[str, Any]:
    if len(data) > MAX_BYTES:
        raise _too_large(len(data))
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
        raise refuse("EX002", reason="it does not say it is a Prevent screening export")
    return body


def _verify(body: dict[str, Any], keys: tuple[ExportKey, ...]) -> tuple[ExportKey | None, bool]:
    """Check the format version and the seal; the key it was checked with (None for plain sha256)
    and whether that key is an older one (still verifying, no longer sealing)."""
    found = body.get("format_version")
    if type(found) is not int or found != FORMAT_VERSION:  # not True or 1.0, which equal 1
        raise refuse("EX004", found=short(found), expected=FORMAT_VERSION)
    sealed = body.get("integrity")
    if (not isinstance(sealed, dict) or sealed.get("algorithm") not in (PLAIN, KEYED)
            or not isinstance(sealed.get("value"), str)):
        raise refuse("EX002", reason="it has no integrity check")
    key: ExportKey | None = None
    if sealed["algorithm"] == PLAIN:
        if keys:
            raise refuse("EX007")
        if "key_id" in sealed:
            raise refuse("EX016", where="the block integrity", key="key_id")
        expected = integrity(body)
    else:
        if not keys:
            raise refuse("EX008")
        key = next((k for k in keys if k.id == sealed.get("key_id")), None)
        if key is None:
            raise refuse("EX009", key_id=short(sealed.get("key_id"), 20))
        expected = keyed_integrity(body, key.secret)
    if not hmac.compare_digest(sealed["value"].encode("utf-8"), expected.encode("utf-8")):
        raise refuse("EX003")
    return key, key is not None and key != keys[0]


def _invalid(where: str, reason: str) -> ScreeningError:
    return refuse("EX005", field=where, reason=reason)


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


def _urgent(items: Any) -> tuple[UrgentCheck, ...]:
    if not isinstance(items, list):
        raise TypeError(f"{items!r} is not a list")
    return tuple(UrgentCheck(_text(u["indicator"]), _text(u["question"]), _texts(u["advice"]),
                             tuple(UrgentContact(_text(c["id"]), _text(c["name"]), _text(c["phone"]))
                                   for c in u["contacts"])) for u in items)


def assessment_from_dict(d: Any) -> Assessment:
    """Rebuild an :class:`Assessment` from ``Assessment.to_dict()`` output (the trace as made).

    A file made before urgent checks existed has no ``urgent_checks``: it reads as none, marked
    ``extra[URGENT_NOT_RECORDED]`` so the checks against its rules do not call that a change.
    """
    if not isinstance(d, dict):
        raise _invalid("assessment", "it is missing")
    try:
        cb = d["could_become"]
        rs = d["ruleset"]
        recorded = "urgent_checks" in d
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
            urgent_checks=_urgent(d["urgent_checks"]) if recorded else (),
            extra={} if recorded else {URGENT_NOT_RECORDED: True},
        )
    except (KeyError, TypeError, AttributeError) as e:
        raise _invalid("assessment", f"the stored result is incomplete ({e})") from None


def _record(body: dict[str, Any]) -> ScreeningRecord:
    try:
        return ScreeningRecord.model_validate(body.get("record"), context=READING_FILE)
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
            raise _invalid(f"answers.{short(key)}", f"{short(repr(value))} is not yes, no or unknown")
    return {str(k): str(v) for k, v in answers.items()}


def _made_with(ruleset: RuleSet, made: dict[str, Any],
               register: str | Path | None) -> tuple[RuleSet | None, Problem | None]:
    """The rules that made the file: today's, or the register's copy; else the EX012 note."""
    if made["sha256"] == ruleset.sha256:
        return ruleset, None
    held = load_registered(made["sha256"], register)
    if held is not None:
        return held, None
    return None, problem("EX012", ruleset=f"{short(made['id'])} version {short(made['version'])}, "
                                          f"sha256 {short(made['sha256'], 12)}")


def read_export(data: bytes, ruleset: RuleSet, register: str | Path | None = None) -> OpenedScreening:
    """Parse and verify an export, check it under the rules that made it, replay it under ``ruleset``.

    ``register`` is the register of published rule sets (default: ``$SCREENING_REGISTER`` or
    ``data/register``).  Raises :class:`ScreeningError` with an EX code for a file that cannot be
    read (EX001: not UTF-8, not JSON, too deep, too-long numbers, repeated names, lone surrogates),
    a file that is not an export or is too large (EX002), a changed file (EX003), another format
    version (EX004), invalid contents (EX005), answers that do not fit the rules they claim (EX006),
    a plain checksum when an export key is set (EX007), a keyed seal when none is set (EX008) or a
    key this tool does not hold (EX009), copies in the file that disagree (EX010), a stored result
    its own rules do not give (EX011), a damaged register entry for those rules (EX013), a bad
    export key setting (EX014, EX015), a name no export has (EX016), or a worker's decision that
    does not depart from this file's recommendation on its answers (EX019).  A file whose rules the
    register does not hold opens with ``unverified`` set (EX012).
    """
    keys = export_keys()  # a bad key setting is refused before any file is read
    body = _parse(data)
    key, older = _verify(body, keys)
    extra_fields(body)
    record = _record(body)
    answers = _answers(body)
    stored = body.get("assessment")
    stored_assessment = assessment_from_dict(stored)
    assert isinstance(stored, dict)
    made = body.get("ruleset")
    if not isinstance(made, dict) or not all(isinstance(made.get(k), str)
                                             for k in ("id", "version", "sha256")):
        raise _invalid("ruleset", "which rule set made this screening is not recorded")
    cross_check(body, answers, record, stored_assessment, made)
    departure_check(record, stored_assessment)
    exported_at = body.get("exported_at", "")
    if not isinstance(exported_at, str):
        raise _invalid("exported_at", "it is not a date and time")
    same = made["sha256"] == ruleset.sha256
    made_with, unverified = _made_with(ruleset, made, register)
    if made_with is not None:
        then_known = set(made_with.indicator_ids())
        extra = [k for k in answers if k not in then_known]
        if extra:
            raise refuse("EX006", ruleset=short(made["id"]),
                          reason=f"'{short(extra[0])}' is not one of its questions")
        then = same_rules_check(made_with, answers, record, stored_assessment,
                                "today's rules" if same else "rules held in this installation's register")
    known = set(ruleset.indicator_ids())
    dropped = tuple(k for k in answers if k not in known)
    if same:
        now = then
    else:
        try:
            now = evaluate(ruleset, {k: v for k, v in answers.items() if k in known})
        except AnswersError as e:  # pragma: no cover - values were checked above; kept as a safety net
            raise refuse("EX006", ruleset=made["id"], reason=e.problems[0].message) from None
    replay = Replay(
        stored_outcome=stored_assessment.outcome, outcome=now.outcome,
        changed=now.outcome != stored_assessment.outcome,
        steps_changed=set(now.additional_steps) != set(stored_assessment.additional_steps),
        assessment=now, ruleset_version=ruleset.version, ruleset_sha256=ruleset.sha256, dropped=dropped)
    return OpenedScreening(
        record=record, answers=answers, stored=stored, stored_assessment=stored_assessment,
        made_with_id=made["id"], made_with_version=made["version"], made_with_sha256=made["sha256"],
        same_rules=same, exported_at=exported_at, replay=replay, keyed=key is not None,
        key_label=key.label if key else "", older_key=older, made_with=made_with, unverified=unverified)
