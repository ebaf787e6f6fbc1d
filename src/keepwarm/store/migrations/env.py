"""Alembic runs migrations on the connection the store hands it."""

from alembic import context

from keepwarm.store.schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only `alembic` run by hand lands here
    raise SystemExit("keepwarm migrations run through keepwarm.store.migrate.upgrade()")

context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
