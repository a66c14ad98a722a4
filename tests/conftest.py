"""Fixtures shared by every test: where the shared data lives, and whether PostgreSQL is there.

In CI (``CI=true``) a test that needs ``../shared/data`` or PostgreSQL *fails* when it
is missing; elsewhere it is skipped with the reason.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

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
