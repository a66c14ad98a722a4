"""Static files of the pages: ours under ``/static/``, npm libraries under ``/static/vendor/``.

The front-end libraries (ECharts, htmx) come from the npm registry as pinned by the
committed ``package-lock.json`` (``make setup`` runs ``npm ci``); nothing third-party is
committed and nothing is loaded from a CDN. Only the files of ``VENDOR_FILES`` are
served from ``node_modules``, found by the setting ``NEVRURAL_NODE_MODULES``, else
beside the repository checkout the package runs from (an editable install), else in the
working directory. A missing file answers 404 and logs how to install it; the pages
still render.
"""

from __future__ import annotations

import hashlib
import logging
from functools import cache
from pathlib import Path

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import FileResponse, PlainTextResponse, Response
from fastapi.staticfiles import StaticFiles

import nevrural

__all__ = [
    "STATIC_DIR",
    "VENDOR_FILES",
    "find_node_modules",
    "mount_static",
    "static_url",
    "vendor_path",
    "vendor_url",
]

logger = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).with_name("static")
# Served name -> path inside node_modules (the npm package's own build).
VENDOR_FILES = {
    "echarts.min.js": Path("echarts/dist/echarts.min.js"),
    "htmx.min.js": Path("htmx.org/dist/htmx.min.js"),
}
_NODE_MODULES_STATE = "node_modules_dir"
_VENDOR_MAX_AGE_S = 86_400  # versions change only with package-lock.json


def find_node_modules(configured: Path | None = None) -> Path:
    """Where the npm packages are: the setting, the repository checkout, or the cwd."""
    if configured is not None:
        return configured
    repo = Path(nevrural.__file__).resolve().parents[2]  # src/nevrural/__init__.py
    if (repo / "package.json").is_file():
        return repo / "node_modules"
    return Path.cwd() / "node_modules"


def vendor_path(node_modules: Path, name: str) -> Path | None:
    """The file a vendor name stands for, or None for a name not on the allow-list."""
    relative = VENDOR_FILES.get(name)
    return node_modules / relative if relative is not None else None


def vendor_url(name: str) -> str:
    """The URL of an allowed vendor file (``KeyError`` for another name)."""
    if name not in VENDOR_FILES:
        raise KeyError(f"vendor file {name!r} is not served; add it to VENDOR_FILES")
    return f"/static/vendor/{name}"


@cache
def _fingerprint(path: Path, mtime_ns: int) -> str:
    del mtime_ns  # part of the cache key only: an edited file gets a new fingerprint
    return hashlib.sha256(path.read_bytes()).hexdigest()[:10]


def static_url(path: str) -> str:
    """The URL of one of our static files, with a content fingerprint for caching."""
    file = STATIC_DIR / path
    try:
        version = _fingerprint(file, file.stat().st_mtime_ns)
    except OSError:
        return f"/static/{path}"
    return f"/static/{path}?v={version}"


vendor_router = APIRouter(include_in_schema=False)


@vendor_router.get("/static/vendor/{name}")
def get_vendor_file(request: Request, name: str) -> Response:
    """A front-end library file from node_modules (allow-listed names only)."""
    node_modules: Path = getattr(request.app.state, _NODE_MODULES_STATE)
    path = vendor_path(node_modules, name)
    if path is None:
        return PlainTextResponse(f"no vendor file {name!r}", status_code=404)
    if not path.is_file():
        logger.error(
            "vendor file %s is missing at %s: install the front-end libraries with "
            "`make setup` (npm ci) or set NEVRURAL_NODE_MODULES",
            name,
            path,
        )
        return PlainTextResponse(
            f"{name} is not installed: run `make setup` (npm ci)", status_code=404
        )
    return FileResponse(
        path,
        media_type="text/javascript",
        headers={"Cache-Control": f"public, max-age={_VENDOR_MAX_AGE_S}"},
    )


def mount_static(app: FastAPI, node_modules: Path) -> None:
    """Serve vendor files and our static folder (call after the page routers)."""
    setattr(app.state, _NODE_MODULES_STATE, node_modules)
    if not node_modules.is_dir():
        logger.warning(
            "no node_modules at %s: pages render without ECharts and htmx until "
            "`make setup` (npm ci) installs them",
            node_modules,
        )
    app.include_router(vendor_router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
