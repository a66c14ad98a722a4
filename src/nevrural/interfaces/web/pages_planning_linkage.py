"""``/linkage``: the cities of a linked car festival, chosen from the example candidates.

The page shows a stored linkage scenario (the demo's by default, ``?scenario=<id>``):
the chosen cities with their regions, themes and the reason each was chosen, on a map;
"run" solves a new selection on the demo's example candidates in the background
(:mod:`~nevrural.interfaces.web.pages_planning_jobs`), as the targeting page does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from nevrural.core.linkage import region_label, theme_label
from nevrural.interfaces.api.deps import UowFactoryDep
from nevrural.interfaces.web.pages_planning_forms import (
    FORM_FIELD,
    LINKAGE_FIELDS,
    LINKAGE_METHODS,
    linkage_values_of,
    read_linkage_form,
)
from nevrural.interfaces.web.pages_planning_jobs import (
    JobQuery,
    JobRunnerDep,
    PostedFormDep,
    ScenarioQuery,
    finished_job_redirect,
    job_panel,
    owner_of,
    recent_scenarios,
)
from nevrural.interfaces.web.session import OrganiserDep, WebCaller
from nevrural.interfaces.web.templating import render
from nevrural.services.linkage import (
    get_linkage_scenario,
    latest_demo_linkage,
    load_demo_candidates,
    run_linkage,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from nevrural.services.linkage import LinkageRequest
    from nevrural.services.ports import UnitOfWork
    from nevrural.services.web_jobs import JobProgress

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

KIND_LINKAGE = "linkage"


def _city_row(row: Mapping[str, Any]) -> dict[str, Any]:
    """A chosen city with its region and themes labelled in both languages."""
    themes = list(row.get("themes", []))
    region = str(row.get("region", ""))
    return dict(row) | {
        "region_labels": region_label(region) if region else ("", ""),
        "theme_labels": [theme_label(t) for t in themes],
    }


def _linkage_work(
    uow_factory: Callable[[], UnitOfWork], request: LinkageRequest
) -> Callable[[JobProgress], int]:
    def work(progress: JobProgress) -> int:
        progress.report(None, "planning.job.message.linkage")
        candidates = load_demo_candidates(uow_factory)
        return run_linkage(uow_factory, candidates, request).id

    return work


def _linkage_page(
    request: Request,
    uow_factory: Callable[[], UnitOfWork],
    caller: WebCaller,
    *,
    scenario_id: int | None,
    form: dict[str, Any] | None = None,
    job: dict[str, Any] | None = None,
    status_code: int = status.HTTP_200_OK,
) -> HTMLResponse:
    scenario = (
        get_linkage_scenario(uow_factory, scenario_id)
        if scenario_id is not None
        else latest_demo_linkage(uow_factory)
    )
    missing = scenario_id is not None and scenario is None
    rows = [_city_row(r) for r in scenario.result.get("selected", [])] if scenario else []
    form = form or {"typed": linkage_values_of(scenario.params if scenario else None), "errors": {}}
    context = {
        "scenario": scenario,
        "missing_id": scenario_id if missing else None,
        "rows": rows,
        "theme_labels": {
            t: theme_label(t)
            for t in (scenario.result.get("covered_themes", []) if scenario else [])
        },
        "recent": recent_scenarios(uow_factory, KIND_LINKAGE),
        "form": form,
        "number_fields": LINKAGE_FIELDS,
        "methods": LINKAGE_METHODS,
        "form_field": FORM_FIELD,
        "job": job,
        "map_data": {
            "cities": [
                {"code": r["code"], "name": r["name"], "lon": r.get("lon"), "lat": r.get("lat")}
                for r in rows
            ],
        },
    }
    code = status.HTTP_404_NOT_FOUND if missing else status_code
    return render(request, "linkage.html", context, caller=caller, status_code=code)


@router.get("/linkage", response_class=HTMLResponse, response_model=None)
def linkage(
    request: Request,
    uow_factory: UowFactoryDep,
    runner: JobRunnerDep,
    caller: OrganiserDep,
    scenario: ScenarioQuery = None,
    job: JobQuery = None,
) -> Response:
    """The linkage page: a stored selection of cities (the demo's by default), the run form."""
    done, panel = finished_job_redirect(runner, job, caller, KIND_LINKAGE)
    if done is not None:
        return done
    return _linkage_page(request, uow_factory, caller, scenario_id=scenario, job=panel)


@router.post("/linkage/run", response_class=HTMLResponse, response_model=None)
def linkage_run(
    request: Request,
    uow_factory: UowFactoryDep,
    runner: JobRunnerDep,
    caller: OrganiserDep,
    posted: PostedFormDep,
) -> Response:
    """Start a linkage run on the example candidates; the page then polls its job."""
    form = read_linkage_form(posted)
    if form.request is None:
        return _linkage_page(
            request,
            uow_factory,
            caller,
            scenario_id=None,
            form={"typed": form.values, "errors": form.errors},
            status_code=status.HTTP_422_UNPROCESSABLE_CONTENT,
        )
    job_id = runner.submit(
        KIND_LINKAGE, _linkage_work(uow_factory, form.request), owner=owner_of(caller)
    )
    return RedirectResponse(f"/linkage?job={job_id}", status.HTTP_303_SEE_OTHER)


@router.get("/linkage/jobs/{job_id}", response_class=HTMLResponse, response_model=None)
def linkage_job(
    request: Request, job_id: str, runner: JobRunnerDep, caller: OrganiserDep
) -> Response:
    """The job panel (htmx polls it); when done, htmx is sent to the stored scenario."""
    return job_panel(request, runner, job_id, caller, KIND_LINKAGE)
