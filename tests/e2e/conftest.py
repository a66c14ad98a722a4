"""Fixtures of the CLI tests: the atlas with the demo seeded once per session."""

from __future__ import annotations

import shutil
from typing import TYPE_CHECKING

import pytest

from tests.e2e.cli_runner import Run, make_runner

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from nevrural.bootstrap import Container


@pytest.fixture(scope="session")
def seeded_db(built_atlas_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The built atlas with the demo seeded once, so each command skips the seeding."""
    var_dir = tmp_path_factory.mktemp("seeded-cli")
    shutil.copyfile(built_atlas_db, var_dir / "nevrural.db")
    make_runner(var_dir)("demo", "seed", "--json")
    return var_dir / "nevrural.db"


@pytest.fixture
def run(seeded_db: Path, tmp_path: Path) -> Run:
    """The CLI on a private copy of the seeded atlas, as ``nevrural.db`` of its var dir."""
    return make_runner(copy_seeded(seeded_db, tmp_path / "var"))


def copy_seeded(seeded_db: Path, var_dir: Path) -> Path:
    """A private var dir with the seeded database and its key files (sealed fields open)."""
    var_dir.mkdir()
    shutil.copyfile(seeded_db, var_dir / "nevrural.db")
    for key in ("pii.key", "jwt.key"):
        shutil.copy2(seeded_db.parent / key, var_dir / key)
    return var_dir


@pytest.fixture
def seeded_container(seeded_db: Path, tmp_path: Path) -> Iterator[Container]:
    """A container on a private copy of the seeded demo (service chain included)."""
    from nevrural.bootstrap import build_container
    from nevrural.config import Settings

    container = build_container(Settings(var_dir=copy_seeded(seeded_db, tmp_path / "var")))
    yield container
    container.dispose()
