"""The review queue's own order (urgent checks first, newest first) as an index.

Measured with bench/bench_store.py at 100 000 screenings: without it the queue sorted every
handed-over row for each page (PostgreSQL, page 200: 368 ms).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_screenings_order", "screenings", ["urgent", "created_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_screenings_order", "screenings")
