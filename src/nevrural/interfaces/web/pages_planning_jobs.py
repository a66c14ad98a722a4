"""What the planning pages share: the background job runner, its panel, the posted form.

A run started from a page (targeting, linkage) goes to the app's
:class:`~nevrural.services.web_jobs.JobRunner`; the page shows the job's panel
(``_planning_job.html``), which htmx polls at ``/<page>/jobs/<id>`` every second. When
the job is done the poll answers with ``HX-Redirect`` to ``/<page>?scenario=<id>``; without
JavaScript, ``/<page>?job=<id>`` shows the panel and, once done, redirects there itself.
A job is shown to the organiser who started it only.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import Depends, Query, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from nevrural.interfaces.api.deps import MAX_ID
from nevrural.interfaces.web.templating import render
from nevrural.services.web_jobs import INTERNAL_ERROR, JobRunner, JobState, JobStatus

if TYPE_CHECKING:
    from collections.abc import Callable

    from nevrural.interfaces.web.session import WebCaller
    from nevrural.services.ports import Scenario, UnitOfWork

__all__ = [
    "JOBS_STATE",
    "POLL_INTERVAL_S",
    "RECENT_SCENARIOS",
    "JobQuery",
    "JobRunnerDep",
    "PostedFormDep",
    "ScenarioQuery",
    "finished_job_redirect",
    "get_job_runner",
    "job_panel",
    "job_view",
    "owner_of",
    "recent_scenarios",
]

RECENT_SCENARIOS = 8  # scenarios listed under a page (each is loaded whole)
POLL_INTERVAL_S = 1
JOBS_STATE = "planning_jobs"  # app.state attribute holding the runner
_jobs_lock = threading.Lock()

ScenarioQuery = Annotated[int | None, Query(ge=1, le=MAX_ID)]
JobQuery = Annotated[str | None, Query(max_length=40)]


def get_job_runner(request: Request) -> JobRunner:
    """The app's background job runner (created on first use, one worker thread)."""
    state = request.app.state
    with _jobs_lock:
        runner: JobRunner | None = getattr(state, JOBS_STATE, None)
        if runner is None:
            runner = JobRunner(max_workers=1)
            setattr(state, JOBS_STATE, runner)
    return runner


JobRunnerDep = Annotated[JobRunner, Depends(get_job_runner)]


async def _posted_form(request: Request) -> dict[str, str]:
    """The posted form fields as text (files ignored)."""
    form = await request.form()
    return {k: v for k, v in form.items() if isinstance(v, str)}


PostedFormDep = Annotated[dict[str, str], Depends(_posted_form)]


def recent_scenarios(uow_factory: Callable[[], UnitOfWork], kind: str) -> list[Scenario]:
    """The newest stored scenarios of ``kind`` (a few; each comes with its result)."""
    with uow_factory() as uow:
        return uow.scenarios.list(kind, limit=RECENT_SCENARIOS)


def owner_of(caller: WebCaller) -> str:
    """Whose jobs these are (the signed-in user)."""
    return caller.principal.subject


def _page_of(job: JobStatus) -> str:
    return f"/{job.kind}"


def job_view(runner: JobRunner, job: JobStatus | None) -> dict[str, Any]:
    """What the job panel shows: state, share done (%), elapsed s, where to poll and go."""
    if job is None:
        return {"state": "unknown", "is_finished": True}
    progress = None if job.progress is None else round(100 * job.progress)
    page = _page_of(job)
    return {
        "id": job.job_id,
        "state": job.state.value,
        "is_finished": job.is_finished,
        "progress_pct": progress,
        "message": job.message,
        "elapsed_s": round(job.elapsed_s(runner.now_s())),
        "scenario_id": job.scenario_id,
        "error": job.error,
        "is_internal_error": job.error == INTERNAL_ERROR,
        "page_url": f"{page}?job={job.job_id}",
        "poll_url": f"{page}/jobs/{job.job_id}",
        "result_url": f"{page}?scenario={job.scenario_id}",
        "poll_s": POLL_INTERVAL_S,
    }


def _own_job(runner: JobRunner, job_id: str, caller: WebCaller, kind: str) -> JobStatus | None:
    found = runner.status(job_id[:40])
    if found is None or found.owner != owner_of(caller) or found.kind != kind:
        return None
    return found


def finished_job_redirect(
    runner: JobRunner, job_id: str | None, caller: WebCaller, kind: str
) -> tuple[RedirectResponse | None, dict[str, Any] | None]:
    """For ``?job=``: a redirect to the result when done, else the panel to show."""
    if not job_id:
        return None, None
    found = _own_job(runner, job_id, caller, kind)
    if found is not None and found.state is JobState.DONE:
        return RedirectResponse(
            job_view(runner, found)["result_url"], status.HTTP_303_SEE_OTHER
        ), None
    return None, job_view(runner, found)


def job_panel(
    request: Request, runner: JobRunner, job_id: str, caller: WebCaller, kind: str
) -> Response:
    """The polled panel; a done job sends htmx to its result (``HX-Redirect``)."""
    found = _own_job(runner, job_id, caller, kind)
    view = job_view(runner, found)
    # htmx swaps only successful answers: an unknown job answers 200 to it, so the
    # "unknown" panel (which polls no more) replaces the polling one.
    is_htmx = request.headers.get("HX-Request") == "true"
    code = status.HTTP_404_NOT_FOUND if found is None and not is_htmx else status.HTTP_200_OK
    response: HTMLResponse = render(
        request, "_planning_job.html", {"job": view}, caller=caller, status_code=code
    )
    if found is not None and found.state is JobState.DONE:
        response.headers["HX-Redirect"] = view["result_url"]
    return response
