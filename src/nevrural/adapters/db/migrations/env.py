"""Alembic environment: runs on the connection or URL that ``migrate`` passes in."""

from __future__ import annotations

from typing import TYPE_CHECKING

from alembic import context

from nevrural.adapters.db import chain_rows  # noqa: F401  (registers the service-chain tables)
from nevrural.adapters.db.engine import create_db_engine
from nevrural.adapters.db.rows import Base

if TYPE_CHECKING:
    from sqlalchemy import Connection

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite needs batch mode to alter tables
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Migrate on the given connection, or on a new engine for the configured URL."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = create_db_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported; pass a database URL")
run_migrations_online()
