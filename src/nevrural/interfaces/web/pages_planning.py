"""The organisers' planning pages: county targeting, siting, events and caravans.

``/targeting``
    The parameters of a targeting run; "run" hands it to the background job runner
    (:mod:`nevrural.services.web_jobs`) and the page polls ``/targeting/jobs/{id}`` with
    htmx until the stored scenario is ready, then shows it. By default the page shows
    the latest demo shortlist: the ranked table with the score's contributions and
    factors, and the map of the selected counties coloured by score.
``/siting``
    A charging or after-sales plan (the demo's by default, ``?scenario=<id>``): totals,
    the sites on the map with the townships they cover, a per-county table, downloads.
``/events``
    An event plan (the demo's by default): caravan selector, the caravan's days with
    its route on the map, a month calendar of the events per day, ICS and CSV downloads.

Every page reads stored scenarios only; nothing is solved while a page waits.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from nevrural.interfaces.api.deps import UowFactoryDep
from nevrural.interfaces.web.pages_planning_forms import (
    COUNTY_TYPE_NAMES,
    FORM_FIELD,
    NUMBER_FIELDS,
    form_values_of,
    read_targeting_form,
)
from nevrural.interfaces.web.pages_planning_jobs import (
    RECENT_SCENARIOS,
    JobQuery,
    JobRunnerDep,
    PostedFormDep,
    ScenarioQuery,
    finished_job_redirect,
    job_panel,
    owner_of,
    recent_scenarios,
)
from nevrural.interfaces.web.pages_planning_linkage import router as linkage_router
from nevrural.interfaces.web.pages_planning_views import (
    CONTRIBUTIONS,
    FACTORS,
    caravan_of,
    event_calendar,
    province_codes,
    siting_county_rows,
    targeting_map_points,
)
from nevrural.interfaces.web.session import OrganiserDep, WebCaller
from nevrural.interfaces.web.templating import render
from nevrural.services.events_plan import KIND as EVENTS_KIND
from nevrural.services.events_plan import get_event_plan
from nevrural.services.scenarios import latest_demo_scenario
from nevrural.services.siting import get_siting_scenario, list_siting_scenarios
from nevrural.services.targeting import (
    get_targeting_scenario,
    latest_demo_shortlist,
    run_targeting,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from nevrural.services.ports import Scenario, UnitOfWork
    from nevrural.services.targeting import TargetingRequest
    from nevrural.services.web_jobs import JobProgress

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
router.include_router(linkage_router)

TOP_CONTRIBUTIONS = 15  # counties in the contributions chart
KIND_TARGETING = "targeting"


def _targeting_work(
    uow_factory: Callable[[], UnitOfWork], request: TargetingRequest
) -> Callable[[JobProgress], int]:
    def work(progress: JobProgress) -> int:
        progress.report(None, "planning.job.message.solving")
        return run_targeting(uow_factory, request).id

    return work


def _targeting_page(
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
        get_targeting_scenario(uow_factory, scenario_id)
        if scenario_id is not None
        else latest_demo_shortlist(uow_factory)
    )
    missing = scenario_id is not None and scenario is None
    selected = scenario.result.get("selected", []) if scenario is not None else []
    form = form or {"typed": form_values_of(scenario.params if scenario else None), "errors": {}}
    context = {
        "scenario": scenario,
        "missing_id": scenario_id if missing else None,
        "selected": selected,
        "contributions": CONTRIBUTIONS,
        "factors": FACTORS,
        "recent": recent_scenarios(uow_factory, KIND_TARGETING),
        "form": form,
        "number_fields": NUMBER_FIELDS,
        "county_types": COUNTY_TYPE_NAMES,
        "form_field": FORM_FIELD,
        "job": job,
        "map_data": {
            "points": targeting_map_points(selected),
            "provinces": province_codes(r["code"] for r in selected),
            "contribution_keys": CONTRIBUTIONS,
            "top": [
                {"name": r["name"], "contributions": r.get("contributions", {})}
                for r in selected[:TOP_CONTRIBUTIONS]
            ],
        },
    }
    code = status.HTTP_404_NOT_FOUND if missing else status_code
    return render(request, "targeting.html", context, caller=caller, status_code=code)


@router.get("/targeting", response_class=HTMLResponse, response_model=None)
def targeting(
    request: Request,
    uow_factory: UowFactoryDep,
    runner: JobRunnerDep,
    caller: OrganiserDep,
    scenario: ScenarioQuery = None,
    job: JobQuery = None,
) -> Response:
    """The targeting page: a stored shortlist (the demo's by default) and the run form."""
    done, panel = finished_job_redirect(runner, job, caller, KIND_TARGETING)
    if done is not None:
        return done
    return _targeting_page(request, uow_factory, caller, scenario_id=scenario, job=panel)


@router.post("/targeting/run", response_class=HTMLResponse, response_model=None)
def targeting_run(
    request: Request,
    uow_factory: UowFactoryDep,
    runner: JobRunnerDep,
    caller: OrganiserDep,
    posted: PostedFormDep,
) -> Response:
    """Start a targeting run in the background; the page then polls its job."""
    form = read_targeting_form(posted)
    if form.request is None:
        view = {"typed": form.values, "errors": form.errors}
        return _targeting_page(
            request,
            uow_factory,
            caller,
            scenario_id=None,
            form=view,
            status_code=status.HTTP_422_UNPROCESSABLE_CONTENT,
        )
    job_id = runner.submit(
        KIND_TARGETING, _targeting_work(uow_factory, form.request), owner=owner_of(caller)
    )
    return RedirectResponse(f"/targeting?job={job_id}", status.HTTP_303_SEE_OTHER)


@router.get("/targeting/jobs/{job_id}", response_class=HTMLResponse, response_model=None)
def targeting_job(
    request: Request, job_id: str, runner: JobRunnerDep, caller: OrganiserDep
) -> Response:
    """The job panel (htmx polls it); when done, htmx is sent to the stored scenario."""
    return job_panel(request, runner, job_id, caller, KIND_TARGETING)


UseCase = Literal["charging", "repair"]


@router.get("/siting", response_class=HTMLResponse)
def siting(
    request: Request,
    uow_factory: UowFactoryDep,
    caller: OrganiserDep,
    scenario: ScenarioQuery = None,
    use_case: UseCase = "charging",
) -> HTMLResponse:
    """A charging or after-sales plan: map, per-county table, downloads."""
    stored = list_siting_scenarios(uow_factory)  # once: the demo plans and the recent ones
    demos: dict[str, Scenario | None] = {
        kind: next((s for s in stored if s.is_demo and s.params.get("use_case") == kind), None)
        for kind in ("charging", "repair")
    }
    plan = get_siting_scenario(uow_factory, scenario) if scenario is not None else demos[use_case]
    rows = siting_county_rows(plan.result) if plan is not None else []
    context = {
        "plan": plan,
        "use_case": plan.result.get("use_case") if plan is not None else use_case,
        "missing_id": scenario if scenario is not None and plan is None else None,
        "rows": rows,
        "demos": demos,
        "recent": stored[:RECENT_SCENARIOS],
        "map_data": {
            "scenario_id": plan.id if plan is not None else None,
            "counties": [
                {"code": r.code, "name": r.name, "coverage_pct": r.coverage_pct} for r in rows
            ],
            "provinces": province_codes(r.code for r in rows),
        },
    }
    code = status.HTTP_404_NOT_FOUND if context["missing_id"] else status.HTTP_200_OK
    return render(request, "siting.html", context, caller=caller, status_code=code)


def _event_plan(uow_factory: Callable[[], UnitOfWork], plan_id: int | None) -> Scenario | None:
    if plan_id is not None:
        return get_event_plan(uow_factory, plan_id)
    return latest_demo_scenario(uow_factory, EVENTS_KIND)


@router.get("/events", response_class=HTMLResponse)
def events(
    request: Request,
    uow_factory: UowFactoryDep,
    caller: OrganiserDep,
    scenario: ScenarioQuery = None,
    caravan: Annotated[str | None, Query(max_length=40)] = None,
    day: Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}-\d{2}$")] = None,
) -> HTMLResponse:
    """An event plan: caravans, one caravan's days on the map, calendar, downloads."""
    plan = _event_plan(uow_factory, scenario)
    itinerary = plan.result.get("itinerary", {}) if plan is not None else {}
    caravans = itinerary.get("caravans", [])
    if caravan is None and caravans:
        caravan = caravans[0]["caravan_id"]
    is_all = caravan == "all"
    chosen = None if is_all else caravan_of(itinerary, caravan)
    blackouts = plan.params.get("blackouts", []) if plan is not None else []
    counties = plan.result.get("counties", []) if plan is not None else []
    names = {c["county_code"]: c["name"] for c in counties}
    shown_codes = list(chosen["counties"]) if chosen is not None else list(names)
    context = {
        "plan": plan,
        "missing_id": scenario if scenario is not None and plan is None else None,
        "itinerary": itinerary,
        "caravans": caravans,
        "caravan_id": "all" if is_all else (chosen["caravan_id"] if chosen else None),
        "chosen": chosen,
        "day": day,
        "county_names": names,
        "counties": counties,
        "months": event_calendar(itinerary, None if is_all else caravan, blackouts),
        "recent": recent_scenarios(uow_factory, EVENTS_KIND),
        "map_data": {
            "plan_id": plan.id if plan is not None else None,
            "caravan": None if is_all else caravan,
            "day": day,
            "counties": shown_codes,
            "provinces": province_codes(shown_codes),
        },
    }
    code = status.HTTP_404_NOT_FOUND if context["missing_id"] else status.HTTP_200_OK
    return render(request, "events.html", context, caller=caller, status_code=code)
