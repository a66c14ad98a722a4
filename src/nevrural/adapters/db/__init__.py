"""Storage: SQLAlchemy 2 rows, engine, unit of work, repositories and Alembic migrations."""

__all__: list[str] = []
