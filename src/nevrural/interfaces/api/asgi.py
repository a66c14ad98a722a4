"""An ASGI factory for process managers: ``uvicorn --factory nevrural.interfaces.api.asgi:app``.

It wires a container from the ``NEVRURAL_*`` environment and serves it as is: the
database must already be migrated (``nevrural db migrate``). ``nevrural serve`` is the
all-in-one command that also builds the atlas and seeds the demo.
"""

from __future__ import annotations

from fastapi import FastAPI

from nevrural.bootstrap import build_container
from nevrural.interfaces.api.app import create_app

__all__ = ["app"]


def app() -> FastAPI:
    """The platform's app on the container of the environment's settings."""
    return create_app(build_container())
