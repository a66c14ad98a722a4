"""Acceptance: ``core/`` imports no web, database, CLI or Dask library, nor outer layers."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

__all__: list[str] = []

CORE_DIR = Path(__file__).resolve().parents[2] / "src" / "nevrural" / "core"

FORBIDDEN_LIBRARIES = frozenset(
    {
        "sqlalchemy",
        "alembic",
        "fastapi",
        "starlette",
        "uvicorn",
        "typer",
        "rich",
        "dask",
        "distributed",
        "pydantic_settings",
        "psycopg",
        "httpx",
        "jinja2",
        "openpyxl",
    }
)
FORBIDDEN_LAYERS = (
    "nevrural.services",
    "nevrural.adapters",
    "nevrural.interfaces",
    "nevrural.config",
    "nevrural.bootstrap",
)


def module_name(path: Path) -> str:
    """Dotted name of a module file under ``src/``."""
    parts = path.relative_to(CORE_DIR.parents[1]).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def core_modules() -> list[Path]:
    """Every Python file of ``nevrural.core``."""
    return sorted(CORE_DIR.rglob("*.py"))


def imports_in(source: str, module: str, *, is_package: bool = False) -> set[str]:
    """Absolute names imported by ``module``'s source, ``TYPE_CHECKING`` and nested included."""
    package = module.split(".") if is_package else module.split(".")[:-1]
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the module's package
                base = ".".join(package[: len(package) - node.level + 1])
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            names.add(target)
            names.update(f"{target}.{alias.name}" for alias in node.names)
    return names


def imports_of(path: Path) -> set[str]:
    """Absolute names a core module file imports."""
    source = path.read_text(encoding="utf-8")
    return imports_in(source, module_name(path), is_package=path.name == "__init__.py")


def forbidden(name: str) -> bool:
    """Whether an imported name is a forbidden library or an outer layer of nevrural."""
    top = name.split(".")[0]
    return top in FORBIDDEN_LIBRARIES or any(
        name == layer or name.startswith(layer + ".") for layer in FORBIDDEN_LAYERS
    )


def test_core_has_modules() -> None:
    """The walk finds the core package and its atlas subpackage."""
    names = {module_name(p) for p in core_modules()}
    assert {"nevrural.core", "nevrural.core.geo", "nevrural.core.atlas.placement"} <= names


@pytest.mark.parametrize("path", core_modules(), ids=module_name)
def test_core_module_imports_nothing_forbidden(path: Path) -> None:
    """A core module imports no web, database, CLI, Dask or settings library, nor outer layers."""
    assert sorted(filter(forbidden, imports_of(path))) == []


def test_checker_catches_forbidden_imports() -> None:
    """The AST walk sees plain, from, nested, relative and ``TYPE_CHECKING`` imports."""
    source = (
        "from typing import TYPE_CHECKING\n"
        "import numpy as np\n"
        "import sqlalchemy.orm\n"
        "if TYPE_CHECKING:\n"
        "    from fastapi import FastAPI\n"
        "def f():\n"
        "    from ...adapters.db import engine\n"
        "    from .. import geo\n"
    )
    names = imports_in(source, "nevrural.core.atlas.example")
    assert sorted(filter(forbidden, names)) == [
        "fastapi",
        "fastapi.FastAPI",
        "nevrural.adapters.db",
        "nevrural.adapters.db.engine",
        "sqlalchemy.orm",
    ]
    assert "nevrural.core.geo" in names


def test_importing_core_loads_nothing_forbidden() -> None:
    """Importing every core module in a fresh interpreter loads none of the forbidden modules."""
    modules = [module_name(p) for p in core_modules()]
    script = (
        "import importlib, json, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    loaded = json.loads(done.stdout)
    assert set(modules) <= set(loaded)
    assert sorted(filter(forbidden, loaded)) == []
