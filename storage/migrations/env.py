"""Alembic environment: storage.migrate hands it an open connection (sync view of async)."""

from alembic import context

from storage.models import Base

connection = context.config.attributes.get("connection")
if connection is None or context.is_offline_mode():
    raise SystemExit("run migrations with `oocps db upgrade`")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copy
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
