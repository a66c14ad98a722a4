"""Rich progress bars for long CLI work (the ``Progress`` port)."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

__all__ = ["RichSteps"]


class RichSteps:
    """A bar that advances one step per ``step()`` call; silent when ``quiet``.

    The bar appears with the first step, so work that turns out to be unnecessary
    (an atlas already built) prints nothing.
    """

    def __init__(self, total_steps: int, *, quiet: bool = False) -> None:
        self._progress = Progress(
            SpinnerColumn(),
            TextColumn("[progress.description]{task.description}"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total}"),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            disable=quiet,
            transient=False,
        )
        self._task = self._progress.add_task("starting", total=total_steps)
        self._started = False

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if not self._started:
            return
        if exc is None:
            total = self._progress.tasks[0].total or 0
            self._progress.update(self._task, completed=total, description="done")
        self._progress.stop()

    def step(self, description: str) -> None:
        """Finish the previous step and show the next one."""
        if self._started:
            self._progress.advance(self._task)
        else:
            self._progress.start()
            self._started = True
        self._progress.update(self._task, description=description)
