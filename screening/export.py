"""The JSON export of a screening: what it holds and how it is sealed.

An export holds what the worker entered (the record and every answer), the engine's trace as it was
made, and which rule set made it (id, version, content hash), so a supervisor can see both what the
worker was told and what today's rules would say about the same answers.  Reading one back, with a
replay under today's rules, is :mod:`screening.opening`.

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

The ``alternatives`` field is for people reading the JSON; the tool never reads it back (the review
page recomputes them).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from typing import Any

from .engine import Assessment
from .record import ScreeningRecord, now_utc
from .ruleset import RuleSet

FORMAT = "prevent-screening-export"
FORMAT_VERSION = 1
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
