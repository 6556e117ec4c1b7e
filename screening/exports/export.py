"""The JSON export of a screening: what it holds and how it is sealed.

An export holds what the worker entered (the record and every answer), the engine's trace as it was
made, and which rule set made it (id, version, content hash), so a supervisor can see both what the
worker was told and what today's rules would say about the same answers.  Reading one back, with a
replay under today's rules, is :mod:`screening.exports.opening`.

Integrity, two kinds (``integrity.algorithm``), both over the canonical JSON (sorted keys, no
spaces, UTF-8) of every field except ``integrity`` itself:

* ``hmac-sha256`` when an export key is set (a council-held secret of at least
  :data:`MIN_KEY_BYTES` bytes, the same on every copy of the tool that must read the files; a
  shorter key is refused, EX014).  Only a tool holding the key can make a file that opens, so an
  edited or forged file is refused even if the editor recomputes the value.  ``integrity.key_id``
  is a fingerprint of the key (an HMAC of a fixed label, not the key), so a file sealed with a key
  this tool does not hold is refused as exactly that (EX009, naming the key id) rather than as
  "changed".  With a key set, a plain-sha256 file is refused (EX007): anyone can make one.
  Without a key set, a keyed file is refused (EX008): its seal cannot be checked.
* ``sha256`` when no key is set: it detects accidental damage and casual edits only.  Anyone can
  edit the file and recompute it, so it says nothing about who made the file; the review page says
  so.

Keys come from one of two settings (both set is refused, EX015):

* ``SCREENING_EXPORT_KEY``: one key (its text, surrounding spaces ignored).
* ``SCREENING_EXPORT_KEYS``: several, for rotation, as ``label:key`` pairs separated by commas
  (or spaces or new lines), **newest first**: ``2026:NEWKEY,2025:OLDKEY``.  The first seals every
  new export; all of them still verify.  A label is letters, digits, ``.``, ``_`` or ``-`` and is
  only a name for people (messages, the review page); the file carries the key's fingerprint, so
  a key moved from ``SCREENING_EXPORT_KEY`` into the list keeps verifying the files it sealed.
  Removing a key retires it: its files are then refused with EX009.

Which rules made a file is checked against this installation's register of published rule sets
(:mod:`screening.rules.register`), so a file made with older rules is verified under those rules; see
:func:`screening.exports.opening.read_export`.

Every object in the file has a fixed set of names (:data:`FIELDS`); anything else is refused
(EX016), so nothing can ride along inside a sealed file unseen.

The ``alternatives`` field, and ``alternatives_note`` that says what they are (and are not), are for
people reading the JSON; the tool never reads them back (the review page recomputes them).
``assessment.urgent_checks`` (danger questions answered Don't know) leads the stored result, as it
leads every page and summary; files made before it existed do not have it and still open.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
from dataclasses import dataclass, field
from typing import Any

from ..engine import Assessment
from ..errors import ScreeningError, problem
from ..record import ScreeningRecord, now_utc
from ..rules.ruleset import RuleSet
from .narrative import ALTERNATIVES_NOTE

FORMAT = "prevent-screening-export"
FORMAT_VERSION = 1
KEY_ENV = "SCREENING_EXPORT_KEY"
KEYS_ENV = "SCREENING_EXPORT_KEYS"
MIN_KEY_BYTES = 32  # an HMAC key shorter than its 32-byte output weakens it; short keys are guessable
PLAIN, KEYED = "sha256", "hmac-sha256"
_KEY_ID_LABEL = b"prevent-screening-export key id"
_LABEL = re.compile(r"[A-Za-z0-9_.-]{1,40}")

_EVIDENCE = frozenset({"indicator", "answer"})
_FIRED = frozenset({"rule", "outcome", "because", "decisive", "evidence"})
_ASSESSMENT = frozenset({"urgent_checks", "outcome", "could_become", "fired", "additional_steps",
                         "unknowns", "yes_by_factor", "answers", "ruleset"})
_CHANGE = frozenset({"indicator", "question", "answer", "would_be"})
_ALTERNATIVE = frozenset({"direction", "outcome", "title", "changes", "rule", "sentence"})

#: The names each fixed-format object of an export may hold (EX016 for any other), by its place:
#: a dotted path where ``*`` stands for every item of a list.  ``answers`` and
#: ``assessment.yes_by_factor`` are keyed by question and factor ids and are checked against the
#: rules instead; ``record`` is checked by its model (EX005).
FIELDS: dict[str, frozenset[str]] = {
    "": frozenset({"format", "format_version", "exported_at", "started_at", "completed_at", "ruleset",
                   "answers", "record", "assessment", "alternatives", "alternatives_note", "integrity"}),
    "ruleset": frozenset({"id", "version", "sha256", "effective_date"}),
    "integrity": frozenset({"algorithm", "value", "key_id"}),
    "assessment": _ASSESSMENT,
    "assessment.ruleset": frozenset({"id", "version", "sha256"}),
    "assessment.could_become": frozenset({"outcome", "if_yes", "rule"}),
    "assessment.urgent_checks.*": frozenset({"indicator", "question", "advice", "contacts"}),
    "assessment.urgent_checks.*.contacts.*": frozenset({"id", "name", "phone"}),
    "assessment.fired.*": _FIRED,
    "assessment.fired.*.evidence.*": _EVIDENCE,
    "alternatives.*": _ALTERNATIVE,
    "alternatives.*.changes.*": _CHANGE,
}


@dataclass(frozen=True)
class ExportKey:
    """One council export key: a label for people and the secret (never shown, never exported)."""

    label: str
    secret: bytes = field(repr=False)

    @property
    def id(self) -> str:
        """The fingerprint a sealed file carries (see :func:`key_id`)."""
        return key_id(self.secret)


def canonical(data: Any) -> bytes:
    """The one byte form the integrity hash is computed over (key order and spacing don't matter)."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _unsealed(body: dict[str, Any]) -> bytes:
    return canonical({k: v for k, v in body.items() if k != "integrity"})


def integrity(body: dict[str, Any]) -> str:
    """SHA-256 over the canonical JSON of everything except the integrity field itself."""
    return hashlib.sha256(_unsealed(body)).hexdigest()


def _unreadable(reason: str) -> ScreeningError:
    return ScreeningError([problem("EX015", setting=KEYS_ENV, reason=reason)])


def _checked(label: str, secret: bytes, which: str) -> ExportKey:
    if len(secret) < MIN_KEY_BYTES:
        raise ScreeningError([problem("EX014", which=which, length=len(secret), minimum=MIN_KEY_BYTES)])
    return ExportKey(label, secret)


def _parse_keys(raw: str) -> tuple[ExportKey, ...]:
    keys: list[ExportKey] = []
    for n, item in enumerate(re.split(r"[,\s]+", raw.strip()), start=1):
        label, colon, text = item.partition(":")
        if not colon or not text:
            raise _unreadable(f"entry {n} is not written label:key")
        if not _LABEL.fullmatch(label):
            raise _unreadable(f"the label of entry {n} is not 1 to 40 letters, digits, '.', '_' or '-'")
        key = _checked(label, text.encode("utf-8", "surrogateescape"), f"'{label}' in {KEYS_ENV}")
        for other in keys:
            if other.label == label:
                raise _unreadable(f"the label '{label}' is used twice")
            if other.secret == key.secret:
                raise _unreadable(f"'{other.label}' and '{label}' are the same key")
        keys.append(key)
    return tuple(keys)


def export_keys() -> tuple[ExportKey, ...]:
    """The council's export keys, newest (the one that seals) first; empty when none is set.

    Read from the environment each time, so a test or an administrator's change is seen at once.
    Raises :class:`ScreeningError` for a key shorter than :data:`MIN_KEY_BYTES` (EX014) or a
    setting that cannot be read (EX015), so a weak or garbled key is never used.
    """
    one = os.environ.get(KEY_ENV, "").strip()
    many = os.environ.get(KEYS_ENV, "").strip()
    if one and many:
        raise ScreeningError([problem("EX015", setting=f"{KEY_ENV} / {KEYS_ENV}",
                                      reason="both are set, so which key seals is unclear; move the "
                                             f"key from {KEY_ENV} into {KEYS_ENV} and unset {KEY_ENV}")])
    if many:
        return _parse_keys(many)
    if one:
        return (_checked(KEY_ENV, one.encode("utf-8", "surrogateescape"), f"in {KEY_ENV}"),)
    return ()


def export_key() -> bytes | None:
    """The key that seals new exports (the newest), or None when no key is set."""
    keys = export_keys()
    return keys[0].secret if keys else None


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

    Sealed with HMAC-SHA256 under the newest export key when one is set, else with plain SHA-256;
    a bad key setting raises :class:`ScreeningError` (EX014, EX015) before anything is made.
    """
    key = export_key()
    # Key order is for a person reading the file (the seal sorts keys): the result, led by any open
    # urgent check, comes before the long list of answers.
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
        "assessment": assessment.to_dict(),
        "alternatives": _alternatives(ruleset, assessment),
        "alternatives_note": ALTERNATIVES_NOTE,
        "answers": dict(assessment.answers),
        "record": record.model_dump(mode="json"),
    }
    body["integrity"] = seal(body, key)
    return json.dumps(body, indent=2, sort_keys=False, ensure_ascii=True)


def _alternatives(ruleset: RuleSet, assessment: Assessment) -> list[dict[str, Any]]:
    """The 'why not' explanations, when the assessment was made with these rules."""
    if assessment.ruleset_sha256 != ruleset.sha256:
        return []
    from ..proofs.alternatives import explain_alternatives  # deferred: it loads the solver

    return [a.to_dict() for a in explain_alternatives(ruleset, assessment.answer_map)]
