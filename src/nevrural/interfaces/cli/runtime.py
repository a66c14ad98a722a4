"""Opening the wired platform for one CLI command, and preparing it to serve."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from nevrural.bootstrap import Container, build_container
from nevrural.interfaces.cli.progress import RichSteps
from nevrural.services.atlas_build import ensure_atlas
from nevrural.services.demo import seed_demo

__all__ = ["open_container", "prepare_platform"]

BUILD_STEPS = 4


@contextmanager
def open_container() -> Iterator[Container]:
    """A container for this process, disposed at the end."""
    container = build_container()
    try:
        yield container
    finally:
        container.dispose()


def prepare_platform(container: Container, *, quiet: bool) -> dict[str, object]:
    """Migrate, build the atlas when absent, seed the demo; returns what was done."""
    container.migrate()
    with RichSteps(BUILD_STEPS, quiet=quiet) as progress:
        built = ensure_atlas(container.uow, container.atlas_source, progress)
    seeded = seed_demo(container.uow, container.offers, container.chain)
    return {
        "atlas_built": built is not None,
        "demo_seeded": seeded,
        "database": container.database_backend,
    }
