"""Alembic migrations on SQLite and PostgreSQL: up, down, up again, and agreement with the ORM.

The PostgreSQL tests run in a throwaway schema of ``postgres_url`` (selected through
``search_path`` in the connection options), so the shared atlas in ``public`` is untouched.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url

from nevrural.adapters.db import chain_rows  # noqa: F401  (registers the service-chain tables)
from nevrural.adapters.db.engine import create_db_engine
from nevrural.adapters.db.migrate import alembic_config, downgrade_database, migrate_database
from nevrural.adapters.db.rows import Base

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from sqlalchemy import Engine

__all__: list[str] = []

SCHEMA = "nevrural_migrations_test"
ORM_TABLES = frozenset(Base.metadata.tables)
VERSION_TABLE = "alembic_version"


def _sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    """An engine on a new, empty SQLite file."""
    engine = create_db_engine(f"sqlite:///{tmp_path / 'migrations.db'}")
    yield engine
    engine.dispose()


def _postgres_engine(postgres_url: str) -> Iterator[Engine]:
    """An engine whose ``search_path`` is a freshly created, empty schema."""
    admin = create_db_engine(postgres_url)
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {SCHEMA}"))
    url = make_url(postgres_url).update_query_dict({"options": f"-csearch_path={SCHEMA}"})
    engine = create_db_engine(url.render_as_string(hide_password=False))
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An engine on an empty database: a new SQLite file, or a throwaway PostgreSQL schema."""
    if request.param == "sqlite":
        yield from _sqlite_engine(tmp_path)
    else:
        yield from _postgres_engine(request.getfixturevalue("postgres_url"))


def table_names(engine: Engine) -> set[str]:
    """Tables in the engine's default schema."""
    return set(inspect(engine).get_table_names())


def head_revision(engine: Engine) -> str | None:
    """The newest revision of the packaged migrations."""
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    return ScriptDirectory.from_config(config).get_current_head()


def schema_diffs(engine: Engine) -> list[object]:
    """What autogenerate would change to make the database match the ORM metadata."""
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "render_as_batch": True}
        )
        return list(compare_metadata(context, Base.metadata))


def test_postgres_schema_is_isolated(empty_engine: Engine) -> None:
    """The PostgreSQL migration schema is the engine's default schema, and it starts empty."""
    if empty_engine.dialect.name == "postgresql":
        with empty_engine.connect() as conn:
            assert conn.scalar(text("SELECT current_schema()")) == SCHEMA
    assert table_names(empty_engine) == set()


def test_upgrade_creates_every_table(empty_engine: Engine) -> None:
    """Upgrading an empty database to head creates every ORM table and the version table."""
    migrate_database(empty_engine)
    assert table_names(empty_engine) == ORM_TABLES | {VERSION_TABLE}
    head = head_revision(empty_engine)
    assert head is not None
    with empty_engine.connect() as conn:
        assert conn.scalar(text(f"SELECT version_num FROM {VERSION_TABLE}")) == head


def test_constraints_follow_naming_convention(empty_engine: Engine) -> None:
    """Primary keys, foreign keys, unique constraints and indexes carry the conventional names."""
    migrate_database(empty_engine)
    inspector = inspect(empty_engine)
    assert inspector.get_pk_constraint("divisions")["name"] == "pk_divisions"
    assert inspector.get_pk_constraint("indicator_values")["constrained_columns"] == [
        "county_code",
        "indicator",
    ]
    assert {fk["name"] for fk in inspector.get_foreign_keys("county_boundaries")} == {
        "fk_county_boundaries_code_divisions"
    }
    assert {uq["name"] for uq in inspector.get_unique_constraints("campaigns")} == {
        "uq_campaigns_slug"
    }
    assert {ix["name"] for ix in inspector.get_indexes("divisions")} == {
        "ix_divisions_level",
        "ix_divisions_parent_code",
        "ix_divisions_province_code",
    }
    for table in Base.metadata.sorted_tables:
        assert inspector.get_pk_constraint(table.name)["name"] == f"pk_{table.name}"
        expected_fks = {fk.name for fk in table.foreign_key_constraints}
        assert {fk["name"] for fk in inspector.get_foreign_keys(table.name)} == expected_fks
        expected_indexes = {index.name for index in table.indexes}
        # PostgreSQL also lists the index behind each unique constraint; skip those.
        indexes = inspector.get_indexes(table.name)
        plain = {ix["name"] for ix in indexes if "duplicates_constraint" not in ix}
        assert plain == expected_indexes


def test_downgrade_to_base_then_upgrade_again(empty_engine: Engine) -> None:
    """Downgrading to base leaves only the version table, and upgrading again restores all."""
    migrate_database(empty_engine)
    downgrade_database(empty_engine, "base")
    assert table_names(empty_engine) == {VERSION_TABLE}
    with empty_engine.connect() as conn:
        assert conn.scalar(text(f"SELECT count(*) FROM {VERSION_TABLE}")) == 0
    migrate_database(empty_engine)
    assert table_names(empty_engine) == ORM_TABLES | {VERSION_TABLE}
    assert schema_diffs(empty_engine) == []


def test_each_revision_steps_down_and_up(empty_engine: Engine) -> None:
    """Every revision upgrades, downgrades one step and upgrades again (stairway test)."""
    config = alembic_config(empty_engine.url.render_as_string(hide_password=False))
    revisions = list(reversed(list(ScriptDirectory.from_config(config).walk_revisions())))
    assert revisions
    for revision in revisions:
        migrate_database(empty_engine, revision.revision)
        below = revision.down_revision or "base"
        assert isinstance(below, str), "merge revisions are not expected"
        downgrade_database(empty_engine, below)
        migrate_database(empty_engine, revision.revision)
    assert table_names(empty_engine) == ORM_TABLES | {VERSION_TABLE}


def test_upgrade_twice_is_a_no_op(empty_engine: Engine) -> None:
    """Upgrading a database that is already at head changes nothing."""
    migrate_database(empty_engine)
    migrate_database(empty_engine)
    assert table_names(empty_engine) == ORM_TABLES | {VERSION_TABLE}


def test_orm_metadata_matches_migrations(empty_engine: Engine) -> None:
    """Autogenerate finds no difference between the migrated database and the ORM rows."""
    migrate_database(empty_engine)
    assert schema_diffs(empty_engine) == []


def test_empty_database_has_differences(empty_engine: Engine) -> None:
    """The metadata comparison is not vacuous: an unmigrated database differs from the ORM."""
    diffs = schema_diffs(empty_engine)
    added = {diff[1].name for diff in diffs if isinstance(diff, tuple) and diff[0] == "add_table"}
    assert added == ORM_TABLES
