"""The audit trail: every create, view, change, export and purge, in one hash chain.

Each record's hash covers its own fields and the previous record's hash, so editing or deleting any
record breaks the chain from there on; the ``audit_head`` row (last number and hash) catches the
removal of the newest records too.  Appends happen inside the transaction of the change they record,
after locking the head row, so concurrent writers on any number of servers form one chain.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, select, update

from .tables import audit, audit_head

GENESIS = "0" * 64
ACTIONS = ("create", "save", "submit", "view", "review", "export", "purge", "reopen")


def stamp(at: datetime) -> str:
    """The instant as UTC text to the second: SQLite gives datetimes back without their zone."""
    utc = at.astimezone(UTC) if at.tzinfo else at.replace(tzinfo=UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%SZ")


def record_hash(prev: str, seq: int, at: datetime, actor: str, action: str, reference: str | None,
                detail: str) -> str:
    body = json.dumps([seq, stamp(at), actor, action, reference, detail], ensure_ascii=False)
    return hashlib.sha256((prev + body).encode("utf-8")).hexdigest()


def append(conn: Connection, at: datetime, actor: str, action: str, reference: str | None,
           detail: dict[str, Any] | None = None) -> int:
    """Add one record to the chain in the caller's transaction; returns its number."""
    head = conn.execute(select(audit_head.c.seq, audit_head.c.hash)
                        .where(audit_head.c.id == 1).with_for_update()).one()  # made by the migration
    seq, prev = int(head.seq) + 1, str(head.hash)
    text = json.dumps(detail or {}, ensure_ascii=False, sort_keys=True)
    at = at.replace(microsecond=0)
    h = record_hash(prev, seq, at, actor, action, reference, text)
    conn.execute(audit.insert().values(seq=seq, at=at, actor=actor, action=action, reference=reference,
                                       detail=text, prev_hash=prev, hash=h))
    conn.execute(update(audit_head).where(audit_head.c.id == 1).values(seq=seq, hash=h))
    return seq


@dataclass(frozen=True)
class Broken:
    """The first record where the chain does not hold, and why."""

    seq: int
    reason: str


def verify(conn: Connection) -> tuple[int, Broken | None]:
    """(records checked, the first broken record or None)."""
    prev, expected, n = GENESIS, 1, 0
    for row in _rows(conn):
        n += 1
        if row.seq != expected:
            return n, Broken(expected, f"record {expected} is missing (the next one is {row.seq})")
        if row.prev_hash != prev:
            return n, Broken(row.seq, "it does not follow the record before it")
        if record_hash(prev, row.seq, row.at, row.actor, row.action, row.reference,
                       row.detail) != row.hash:
            return n, Broken(row.seq, "its contents were changed after it was written")
        prev, expected = row.hash, expected + 1
    head = conn.execute(select(audit_head.c.seq, audit_head.c.hash).where(audit_head.c.id == 1)
                        ).one_or_none()
    if head is None:
        return n, Broken(expected, "the record of where the trail ends was removed")
    if head.seq != expected - 1 or head.hash != prev:
        return n, Broken(expected, f"the trail ends at record {expected - 1} but {head.seq} were written")
    return n, None


def _rows(conn: Connection) -> Iterator[Any]:
    yield from conn.execute(select(audit).order_by(audit.c.seq)).yield_per(1000)
