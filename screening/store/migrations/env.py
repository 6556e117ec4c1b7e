"""Alembic environment: the store always passes its own connection (see screening.store.migrate)."""

from __future__ import annotations

from alembic import context

from screening.store.tables import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
