"""The first store: screenings, reviews and the audit trail.

Revision ID: 0001
Revises:
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "screenings",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("reference", sa.String(16), nullable=False, unique=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("outcome", sa.String(64)),
        sa.Column("urgent", sa.Boolean, nullable=False),
        sa.Column("team", sa.String(200), nullable=False),
        sa.Column("author", sa.String(320), nullable=False),
        sa.Column("ruleset_id", sa.String(100), nullable=False),
        sa.Column("ruleset_version", sa.String(40), nullable=False),
        sa.Column("ruleset_sha256", sa.String(64), nullable=False),
        sa.Column("step", sa.Integer, nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.Column("submitted_at", TZ),
        sa.Column("reviewed_at", TZ),
        sa.Column("closed_at", TZ),
        sa.Column("payload", sa.LargeBinary, nullable=False),
    )
    op.create_index("ix_screenings_queue", "screenings", ["status", "urgent", "created_at"])
    op.create_index("ix_screenings_outcome", "screenings", ["outcome", "created_at"])
    op.create_index("ix_screenings_team", "screenings", ["team", "created_at"])
    op.create_index("ix_screenings_created", "screenings", ["created_at"])
    op.create_index("ix_screenings_closed", "screenings", ["closed_at"])
    op.create_index("ix_screenings_author", "screenings", ["author", "updated_at"])
    op.create_table(
        "reviews",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("screening_id", sa.Integer, sa.ForeignKey("screenings.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("reviewer", sa.String(320), nullable=False),
        sa.Column("decision", sa.String(16), nullable=False),
        sa.Column("route", sa.String(64), nullable=False),
        sa.Column("recommended", sa.String(64), nullable=False),
        sa.Column("reason", sa.LargeBinary),
        sa.Column("signed_off_by", sa.String(200)),
        sa.Column("created_at", TZ, nullable=False),
    )
    op.create_index("ix_reviews_screening", "reviews", ["screening_id", "created_at"])
    op.create_table(
        "audit",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("at", TZ, nullable=False),
        sa.Column("actor", sa.String(320), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("reference", sa.String(16)),
        sa.Column("detail", sa.Text, nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    head = op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    # the chain's start, made once here so concurrent first writers never race to make it
    op.bulk_insert(head, [{"id": 1, "seq": 0, "hash": "0" * 64}])


def downgrade() -> None:
    for table in ("audit_head", "audit", "reviews", "screenings"):
        op.drop_table(table)
