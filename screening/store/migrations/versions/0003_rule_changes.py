"""Rule changes put to a policy approver from the workbench (screening/store/rule_changes.py).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "rule_changes",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("reference", sa.String(16), nullable=False, unique=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("editor", sa.String(320), nullable=False),
        sa.Column("draft_sha256", sa.String(64), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("live_sha256", sa.String(64), nullable=False),
        sa.Column("live_version", sa.String(40), nullable=False),
        sa.Column("verdict", sa.String(32), nullable=False),
        sa.Column("submitted_at", TZ, nullable=False),
        sa.Column("decided_by", sa.String(320)),
        sa.Column("decided_at", TZ),
        sa.Column("reason", sa.Text),
    )
    op.create_index("ix_rule_changes_status", "rule_changes", ["status", "submitted_at"])


def downgrade() -> None:
    op.drop_index("ix_rule_changes_status", "rule_changes")
    op.drop_table("rule_changes")
