"""Fixtures of the CLI tests: the atlas with the demo seeded once per session."""

from __future__ import annotations

import shutil
from typing import TYPE_CHECKING

import pytest

from tests.e2e.cli_runner import Run, make_runner

if TYPE_CHECKING:
    from pathlib import Path


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
    var_dir = tmp_path / "var"
    var_dir.mkdir()
    shutil.copyfile(seeded_db, var_dir / "nevrural.db")
    return make_runner(var_dir)
