"""A CliRunner bound to one var dir, shared by the CLI tests."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from typer.testing import CliRunner, Result

from nevrural.interfaces.cli.main import app

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["Run", "make_runner"]


class Run(Protocol):
    """Invoke the CLI with arguments; ``exit_code`` is the code that is expected."""

    def __call__(self, *args: str, exit_code: int = 0) -> Result: ...


def make_runner(var_dir: Path) -> Run:
    """A ``Run`` whose commands see ``NEVRURAL_VAR_DIR=var_dir`` (and the SQLite default)."""
    runner = CliRunner()
    env = {"NEVRURAL_VAR_DIR": str(var_dir), "NEVRURAL_DATABASE_URL": None}

    def run(*args: str, exit_code: int = 0) -> Result:
        result = runner.invoke(app, list(args), env=env)
        assert result.exit_code == exit_code, (result.output, result.exception)
        return result

    return run
