"""Fixtures shared by every test: where the shared data lives, and whether PostgreSQL is there.

In CI (``CI=true``) a test that needs ``../shared/data`` or PostgreSQL *fails* when it
is missing; elsewhere it is skipped with the reason.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from collections.abc import Iterator

    from nevrural.bootstrap import Container

__all__: list[str] = []

REPO_ROOT = Path(__file__).resolve().parents[1]


def is_ci() -> bool:
    """Whether the tests run in CI, where missing prerequisites are failures."""
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require(condition: bool, reason: str) -> None:
    """Fail in CI, skip elsewhere, when a prerequisite is missing."""
    if condition:
        return
    if is_ci():
        pytest.fail(f"CI=true and {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def shared_data_dir() -> Path:
    """``../shared/data`` beside the repository (or ``NEVRURAL_SHARED_DATA``)."""
    path = Path(os.environ.get("NEVRURAL_SHARED_DATA", REPO_ROOT.parent / "shared" / "data"))
    require((path / "SOURCES.md").is_file(), f"shared data not found at {path}")
    return path


@pytest.fixture(scope="session")
def census_2020_csv(shared_data_dir: Path) -> Path:
    """The 7th-census county table (UTF-8 CSV copy)."""
    return shared_data_dir / "china" / "census_2020_county" / "census_county_2020_v1.csv"


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """URL of a PostgreSQL server for integration tests (``NEVRURAL_TEST_POSTGRES_URL``)."""
    url = os.environ.get("NEVRURAL_TEST_POSTGRES_URL", "")
    require(bool(url), "NEVRURAL_TEST_POSTGRES_URL is not set (no PostgreSQL server)")
    return url


class _SilentProgress:
    """A ``Progress`` that reports nothing."""

    def step(self, description: str) -> None:
        """Ignore the step."""


@pytest.fixture(scope="session")
def built_atlas_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite database with the migrated schema and the full atlas, built once per run."""
    from nevrural.bootstrap import build_container
    from nevrural.config import Settings
    from nevrural.services.atlas_build import build_atlas

    var_dir = tmp_path_factory.mktemp("atlas")
    container = build_container(Settings(var_dir=var_dir))
    try:
        container.migrate()
        build_atlas(container.uow, container.atlas_source, _SilentProgress())
    finally:
        container.dispose()
    return var_dir / "nevrural.db"


@pytest.fixture
def atlas_container(built_atlas_db: Path, tmp_path: Path) -> Iterator[Container]:
    """A container on a private copy of the built SQLite atlas (free to modify)."""
    from nevrural.bootstrap import build_container
    from nevrural.config import Settings

    shutil.copyfile(built_atlas_db, tmp_path / "nevrural.db")
    container = build_container(Settings(var_dir=tmp_path))
    yield container
    container.dispose()


@pytest.fixture(scope="session")
def postgres_atlas_url(postgres_url: str) -> str:
    """``postgres_url`` emptied, migrated and holding the full atlas, once per run."""
    from sqlalchemy import text

    from nevrural.bootstrap import build_container
    from nevrural.config import Settings
    from nevrural.services.atlas_build import build_atlas

    container = build_container(
        Settings(database_url=postgres_url, var_dir=Path(tempfile.mkdtemp()))
    )
    try:
        with container.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        container.migrate()
        build_atlas(container.uow, container.atlas_source, _SilentProgress())
    finally:
        container.dispose()
    return postgres_url


@pytest.fixture
def postgres_container(postgres_atlas_url: str, tmp_path: Path) -> Iterator[Container]:
    """A container on the shared PostgreSQL atlas (tests must leave it as they found it)."""
    from nevrural.bootstrap import build_container
    from nevrural.config import Settings

    container = build_container(Settings(database_url=postgres_atlas_url, var_dir=tmp_path))
    yield container
    container.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_container(request: pytest.FixtureRequest) -> Container:
    """The atlas container on each backend: SQLite copy, then PostgreSQL."""
    name = "atlas_container" if request.param == "sqlite" else "postgres_container"
    container: Container = request.getfixturevalue(name)
    return container


CHAIN_TABLES = (
    "audit_log",
    "idempotency_keys",
    "follow_ups",
    "deliveries",
    "trade_ins",
    "tickets",
    "orders",
    "test_drives",
    "lead_offers",
    "leads",
    "livestream_sessions",
    "sales_events",
    "service_points",
    "dealer_stock",
    "vehicle_models",
    "api_keys",
    "users",
    "buyers",
    "enterprise_brands",
    "enterprise_service_areas",
    "enterprises",
)


def _cheap_chain_settings(**values: object) -> object:
    from nevrural.config import Settings

    return Settings(argon2_time_cost=1, argon2_memory_kib=64, **values)  # type: ignore[arg-type]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def chain_container(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Container]:
    """An atlas container for service-chain tests on each backend, with cheap argon2.

    On PostgreSQL the service-chain tables are emptied afterwards (the atlas stays).
    """
    from sqlalchemy import text

    from nevrural.bootstrap import build_container

    if request.param == "sqlite":
        db = request.getfixturevalue("built_atlas_db")
        shutil.copyfile(db, tmp_path / "nevrural.db")
        settings = _cheap_chain_settings(var_dir=tmp_path)
    else:
        url = request.getfixturevalue("postgres_atlas_url")
        settings = _cheap_chain_settings(var_dir=tmp_path, database_url=url)
    container = build_container(settings)  # type: ignore[arg-type]
    container.migrate()
    yield container
    if request.param == "postgres":
        with container.engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {', '.join(CHAIN_TABLES)} RESTART IDENTITY CASCADE"))
    container.dispose()
