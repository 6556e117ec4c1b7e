"""The store's tables (SQLAlchemy Core): what is kept, and what is indexed for the review queue.

Only what the queue filters on is kept in plain columns (status, outcome, urgent, team, dates, the
rule set's identity).  Everything a worker typed or answered is special-category data and lives in
``payload`` and ``reason``, encrypted (:mod:`screening.store.cipher`).
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

screenings = Table(
    "screenings", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("reference", String(16), nullable=False, unique=True),
    Column("status", String(16), nullable=False),  # draft / submitted / reviewed / closed
    Column("outcome", String(64)),
    Column("urgent", Boolean, nullable=False, default=False),
    Column("team", String(200), nullable=False, default=""),
    Column("author", String(320), nullable=False),
    Column("ruleset_id", String(100), nullable=False),
    Column("ruleset_version", String(40), nullable=False),
    Column("ruleset_sha256", String(64), nullable=False),
    Column("step", Integer, nullable=False, default=0),
    Column("revision", Integer, nullable=False, default=1),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("submitted_at", DateTime(timezone=True)),
    Column("reviewed_at", DateTime(timezone=True)),
    Column("closed_at", DateTime(timezone=True)),
    Column("payload", LargeBinary, nullable=False),
    Index("ix_screenings_queue", "status", "urgent", "created_at"),
    Index("ix_screenings_outcome", "outcome", "created_at"),
    Index("ix_screenings_team", "team", "created_at"),
    Index("ix_screenings_created", "created_at"),
    Index("ix_screenings_closed", "closed_at"),
    Index("ix_screenings_author", "author", "updated_at"),
    Index("ix_screenings_order", "urgent", "created_at", "id"),  # the queue's order (migration 0002)
)

reviews = Table(
    "reviews", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("screening_id", Integer, ForeignKey("screenings.id", ondelete="CASCADE"), nullable=False),
    Column("reviewer", String(320), nullable=False),
    Column("decision", String(16), nullable=False),  # agree / change_route / close / escalate
    Column("route", String(64), nullable=False),
    Column("recommended", String(64), nullable=False),
    Column("reason", LargeBinary),  # encrypted free text
    Column("signed_off_by", String(200)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_reviews_screening", "screening_id", "created_at"),
)

audit = Table(
    "audit", metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(320), nullable=False),
    Column("action", String(32), nullable=False),
    Column("reference", String(16)),
    Column("detail", Text, nullable=False, default="{}"),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
)

#: One row: the last audit record's number and hash.  Every change locks it first, so appends from
#: any number of writers (threads, processes, servers) form one unbroken chain.
audit_head = Table(
    "audit_head", metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("seq", Integer, nullable=False),
    Column("hash", String(64), nullable=False),
)

#: Rule changes put to a policy approver from the workbench.  The draft's text is policy, not personal
#: data, so it is kept plain; the editor and approver are staff, recorded as the audit trail is.
rule_changes = Table(
    "rule_changes", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("reference", String(16), nullable=False, unique=True),
    Column("status", String(16), nullable=False),  # awaiting / approved / rejected / withdrawn
    Column("title", String(200), nullable=False),
    Column("editor", String(320), nullable=False),
    Column("draft_sha256", String(64), nullable=False),  # of the text as submitted
    Column("text", Text, nullable=False),
    Column("live_sha256", String(64), nullable=False),  # the rules it was checked against
    Column("live_version", String(40), nullable=False),
    Column("verdict", String(32), nullable=False),  # the workbench's verdict when submitted
    Column("submitted_at", DateTime(timezone=True), nullable=False),
    Column("decided_by", String(320)),
    Column("decided_at", DateTime(timezone=True)),
    Column("reason", Text),
    Index("ix_rule_changes_status", "status", "submitted_at"),
)
