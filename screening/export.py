"""The JSON export of a screening, and reading it back with a replay under today's rules.

An export holds what the worker entered (the record and every answer), the engine's trace as it was
made, and which rule set made it (id, version, content hash), so a supervisor can see both what the
worker was told and what today's rules would say about the same answers.

Integrity: ``integrity.sha256`` is the SHA-256 of the canonical JSON (sorted keys, no spaces, UTF-8)
of every other field.  It detects accidental damage and casual edits (someone changing "no" to "yes"
in a text editor).  It is NOT a signature: there is no secret key yet, so a determined forger can
edit the file and recompute the hash.  Signing needs a council-held key and belongs to the store.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from .engine import Assessment, CouldBecome, Evidence, FiredRule, evaluate
from .errors import AnswersError, ScreeningError, problem
from .record import ScreeningRecord, now_utc
from .ruleset import ANSWERS, RuleSet

FORMAT = "prevent-screening-export"
FORMAT_VERSION = 1
MAX_BYTES = 2_000_000  # a real export is a few kilobytes; refuse anything absurd before parsing


def canonical(data: Any) -> bytes:
    """The one byte form the integrity hash is computed over (key order and spacing don't matter)."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def integrity(body: dict[str, Any]) -> str:
    """SHA-256 over the canonical JSON of everything except the integrity field itself."""
    return hashlib.sha256(canonical({k: v for k, v in body.items() if k != "integrity"})).hexdigest()


def to_json(ruleset: RuleSet, assessment: Assessment, record: ScreeningRecord,
            exported_at: str | None = None) -> str:
    """The screening as a self-checking JSON document (UTF-8 text, ASCII-escaped, indented)."""
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
    body["integrity"] = {"algorithm": "sha256", "value": integrity(body)}
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
    """A verified export: the record, the trace as made, its provenance, and today's replay."""

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


def _refuse(code: str, **fields: Any) -> ScreeningError:
    return ScreeningError([problem(code, **fields)])


def _parse(data: bytes) -> dict[str, Any]:
    if len(data) > MAX_BYTES:
        raise _refuse("EX002", reason=f"it is {len(data):,} bytes, far larger than any screening export")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _refuse("EX001", reason="it is not a text file") from None
    try:
        body = json.loads(text)
    except json.JSONDecodeError as e:
        raise _refuse("EX001", reason=f"it is not valid JSON (line {e.lineno}: {e.msg})") from None
    if not isinstance(body, dict) or body.get("format") != FORMAT:
        raise _refuse("EX002", reason="it does not say it is a Prevent screening export")
    return body


def _verify(body: dict[str, Any]) -> None:
    found = body.get("format_version")
    if found != FORMAT_VERSION:
        raise _refuse("EX004", found=found, expected=FORMAT_VERSION)
    seal = body.get("integrity")
    if (not isinstance(seal, dict) or seal.get("algorithm") != "sha256"
            or not isinstance(seal.get("value"), str)):
        raise _refuse("EX002", reason="it has no integrity check")
    if seal["value"] != integrity(body):
        raise _refuse("EX003")


def _invalid(where: str, reason: str) -> ScreeningError:
    return _refuse("EX005", field=where, reason=reason)


def assessment_from_dict(d: Any) -> Assessment:
    """Rebuild an :class:`Assessment` from ``Assessment.to_dict()`` output (the trace as made)."""
    if not isinstance(d, dict):
        raise _invalid("assessment", "it is missing")
    try:
        cb = d.get("could_become")
        rs = d["ruleset"]
        return Assessment(
            outcome=str(d["outcome"]),
            fired=tuple(FiredRule(str(f["rule"]), str(f["outcome"]), str(f["because"]), bool(f["decisive"]),
                                  tuple(Evidence(str(e["indicator"]), str(e["answer"]))
                                        for e in f["evidence"])) for f in d["fired"]),
            yes_by_factor=tuple((str(k), tuple(str(i) for i in v)) for k, v in d["yes_by_factor"].items()),
            unknowns=tuple(str(i) for i in d["unknowns"]),
            could_become=None if cb is None else CouldBecome(
                str(cb["outcome"]), tuple(str(i) for i in cb["if_yes"]), str(cb["rule"])),
            additional_steps=tuple(str(s) for s in d["additional_steps"]),
            answers=tuple((str(k), str(v)) for k, v in d["answers"].items()),
            ruleset_id=str(rs["id"]), ruleset_version=str(rs["version"]), ruleset_sha256=str(rs["sha256"]),
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
        if value not in ANSWERS:
            raise _invalid(f"answers.{key}", f"{value!r} is not yes, no or unknown")
    return {str(k): str(v) for k, v in answers.items()}


def read_export(data: bytes, ruleset: RuleSet) -> OpenedScreening:
    """Parse and verify an export, then replay its answers under ``ruleset`` (today's rules).

    Raises :class:`ScreeningError` with an EX code for malformed JSON (EX001), a file that is not an
    export (EX002), a changed file (EX003), another format version (EX004), invalid contents (EX005)
    or answers that do not fit the rules they claim to have been made with (EX006).
    """
    body = _parse(data)
    _verify(body)
    record = _record(body)
    answers = _answers(body)
    stored = body.get("assessment")
    stored_assessment = assessment_from_dict(stored)
    assert isinstance(stored, dict)
    made = body.get("ruleset")
    if not isinstance(made, dict) or not all(isinstance(made.get(k), str)
                                             for k in ("id", "version", "sha256")):
        raise _invalid("ruleset", "which rule set made this screening is not recorded")
    same = made["sha256"] == ruleset.sha256
    known = set(ruleset.indicator_ids())
    dropped = tuple(k for k in answers if k not in known)
    if same and dropped:
        raise _refuse("EX006", ruleset=made["id"],
                      reason=f"'{dropped[0]}' is not one of its questions")
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
        same_rules=same, exported_at=str(body.get("exported_at", "")), replay=replay)
