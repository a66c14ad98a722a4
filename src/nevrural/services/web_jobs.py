"""Background jobs: long planning runs started from a page finish in a worker thread.

A page must not block while a solver runs, so the web interface hands the run to a
:class:`JobRunner` and polls its :class:`JobStatus` by id until the job is done; the
result of a job is the id of the scenario it stored, which the page then shows.

>>> runner = JobRunner(max_workers=1)
>>> job_id = runner.submit("demo", lambda progress: 42, owner="user:1")
>>> runner.wait(job_id, timeout_s=5.0).scenario_id
42
>>> runner.shutdown()

Submit a callable that takes a :class:`JobProgress` and returns the stored scenario id;
it may call ``progress.report(fraction, message)`` between its steps. A ``ValueError``
it raises (invalid or infeasible parameters) fails the job with that message for the
page to show; any other exception fails it with a generic message and is logged.

Limits, by design: jobs live in the serving process only — they are lost on restart
and not shared between worker processes (``nevrural serve`` runs one); at most
``max_workers`` run at once and the rest wait in order; the newest ``keep`` jobs are
remembered and older finished ones forgotten. The scenarios they store are permanent.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import partial
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["INTERNAL_ERROR", "JobProgress", "JobRunner", "JobState", "JobStatus"]

logger = logging.getLogger(__name__)

INTERNAL_ERROR = "internal error"  # the error of a job that crashed (details are logged)


class JobState(StrEnum):
    """Where a job is."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class JobStatus:
    """A snapshot of one job.

    Attributes
    ----------
    job_id
        Unguessable id (URL-safe text).
    kind
        What the job does, e.g. ``"targeting"``.
    owner
        Who submitted it (e.g. ``"user:3"``); pages show a job to its owner only.
    state
        Queued, running, done or failed.
    progress
        Share done, 0-1, or None while the job has not said.
    message
        The job's last progress message (a key the page may translate).
    scenario_id
        The stored scenario, once done.
    error
        Why it failed: the ``ValueError`` message, or ``"internal error"``.
    submitted_s, started_s, finished_s
        Monotonic clock readings, s (None until reached).
    """

    job_id: str
    kind: str
    owner: str
    state: JobState
    progress: float | None = None
    message: str = ""
    scenario_id: int | None = None
    error: str | None = None
    submitted_s: float = 0.0
    started_s: float | None = None
    finished_s: float | None = None

    @property
    def is_finished(self) -> bool:
        """Whether the job is done or failed."""
        return self.state in {JobState.DONE, JobState.FAILED}

    def elapsed_s(self, now_s: float) -> float:
        """Seconds since the job started (0 while queued), up to its end, s."""
        if self.started_s is None:
            return 0.0
        end = self.finished_s if self.finished_s is not None else now_s
        return max(0.0, end - self.started_s)


class JobProgress:
    """What a running job uses to report how far it is."""

    def __init__(self, update: Callable[[float | None, str], None]) -> None:
        self._update = update

    def report(self, fraction: float | None, message: str = "") -> None:
        """Set the share done (clipped to 0-1; None for unknown) and a short message."""
        share = None if fraction is None else min(1.0, max(0.0, float(fraction)))
        self._update(share, message)


class JobRunner:
    """Runs submitted callables on worker threads and remembers their state.

    Parameters
    ----------
    max_workers
        Jobs run at once; more wait in submission order.
    keep
        Jobs remembered; the oldest finished ones are forgotten beyond it.
    clock
        Monotonic clock, s (for tests).
    """

    def __init__(
        self,
        max_workers: int = 1,
        keep: int = 200,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if max_workers < 1:
            raise ValueError(f"max_workers must be >= 1, got {max_workers}")
        if keep < 1:
            raise ValueError(f"keep must be >= 1, got {keep}")
        self._pool = ThreadPoolExecutor(max_workers, thread_name_prefix="nevrural-job")
        self._keep = keep
        self._clock = clock
        self._lock = threading.Lock()
        self._jobs: OrderedDict[str, JobStatus] = OrderedDict()
        self._finished: dict[str, threading.Event] = {}

    def now_s(self) -> float:
        """The runner's clock, s."""
        return self._clock()

    def submit(self, kind: str, work: Callable[[JobProgress], int], *, owner: str = "") -> str:
        """Queue ``work`` and return the job id at once."""
        job_id = secrets.token_urlsafe(12)
        status = JobStatus(job_id, kind, owner, JobState.QUEUED, submitted_s=self._clock())
        with self._lock:
            self._jobs[job_id] = status
            self._finished[job_id] = threading.Event()
            self._forget_old()
        try:
            self._pool.submit(self._run, job_id, work)
        except RuntimeError:  # shut down: the job never runs
            self._finish(job_id, error=INTERNAL_ERROR)
            raise
        return job_id

    def status(self, job_id: str) -> JobStatus | None:
        """The job's current state, or None for an unknown (or forgotten) id."""
        with self._lock:
            return self._jobs.get(job_id)

    def jobs(self, *, owner: str | None = None, kind: str | None = None) -> list[JobStatus]:
        """Remembered jobs, newest first, of ``owner`` and ``kind`` when given."""
        with self._lock:
            found = list(self._jobs.values())
        return [
            j
            for j in reversed(found)
            if (owner is None or j.owner == owner) and (kind is None or j.kind == kind)
        ]

    def wait(self, job_id: str, timeout_s: float | None = None) -> JobStatus:
        """Block until the job finishes (or ``timeout_s`` passes) and return its state."""
        with self._lock:
            event = self._finished.get(job_id)
        if event is None:
            raise KeyError(f"no job has id {job_id!r}")
        event.wait(timeout_s)
        status = self.status(job_id)
        if status is None:
            raise KeyError(f"job {job_id!r} was forgotten")
        return status

    def shutdown(self, *, wait: bool = False) -> None:
        """Stop taking jobs; queued jobs are cancelled, running ones finish."""
        self._pool.shutdown(wait=wait, cancel_futures=True)

    def _run(self, job_id: str, work: Callable[[JobProgress], int]) -> None:
        self._update(job_id, state=JobState.RUNNING, started_s=self._clock())
        try:
            scenario_id = work(JobProgress(partial(self._report, job_id)))
        except ValueError as error:
            self._finish(job_id, error=str(error) or type(error).__name__)
        except Exception:
            logger.exception("background job %s failed", job_id)
            self._finish(job_id, error=INTERNAL_ERROR)
        else:
            self._finish(job_id, scenario_id=int(scenario_id))

    def _finish(
        self, job_id: str, *, scenario_id: int | None = None, error: str | None = None
    ) -> None:
        if error is None:
            self._update(
                job_id,
                state=JobState.DONE,
                progress=1.0,
                scenario_id=scenario_id,
                finished_s=self._clock(),
            )
        else:
            self._update(job_id, state=JobState.FAILED, error=error, finished_s=self._clock())
        with self._lock:
            event = self._finished.get(job_id)
        if event is not None:
            event.set()

    def _report(self, job_id: str, progress: float | None, message: str) -> None:
        self._update(job_id, progress=progress, message=message)

    def _update(self, job_id: str, **changes: object) -> None:
        with self._lock:
            current = self._jobs.get(job_id)
            if current is not None:
                self._jobs[job_id] = replace(current, **changes)  # type: ignore[arg-type]

    def _forget_old(self) -> None:
        """Drop the oldest finished jobs beyond ``keep`` (caller holds the lock)."""
        excess = len(self._jobs) - self._keep
        for job_id in [j for j, s in self._jobs.items() if s.is_finished][: max(0, excess)]:
            del self._jobs[job_id]
            self._finished.pop(job_id, None)
