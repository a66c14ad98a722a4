"""The planning pages through TestClient: targeting (with a background run), siting, events.

Each test signs in through the sign-in form on a private copy of the seeded demo and
checks what the page shows against the stored scenario: as many table rows as the
scenario has counties or days, the download links, the calendar's events per day.
"""

from __future__ import annotations

import html
import json
import re
import time
from typing import TYPE_CHECKING, Any

import pytest
from fastapi.testclient import TestClient

from nevrural.services.demo_chain import DEMO_PASSWORD
from nevrural.services.web_jobs import JobRunner, JobState

if TYPE_CHECKING:
    from collections.abc import Iterator

    from fastapi import FastAPI

    from nevrural.bootstrap import Container
    from nevrural.services.ports import Scenario
    from nevrural.services.web_jobs import JobProgress

__all__: list[str] = []

JOB_TIMEOUT_S = 90.0


@pytest.fixture
def app(seeded_container: Container) -> Iterator[FastAPI]:
    """The app on a private copy of the seeded demo, every message required."""
    from nevrural.interfaces.api.app import create_app
    from nevrural.interfaces.web.i18n import enable_strict_messages

    application = create_app(seeded_container)
    enable_strict_messages(application)
    yield application
    runner = getattr(application.state, "planning_jobs", None)
    if runner is not None:
        runner.shutdown(wait=True)


def _client(app: FastAPI, username: str | None = None) -> Iterator[TestClient]:
    with TestClient(app, follow_redirects=False) as client:
        if username is not None:
            response = client.post(
                "/sign-in", data={"username": username, "password": DEMO_PASSWORD, "next": ""}
            )
            assert response.status_code == 303, response.text
        yield client


@pytest.fixture
def organiser(app: FastAPI) -> Iterator[TestClient]:
    """A browser signed in as the national organiser."""
    yield from _client(app, "organiser")


def _demo(container: Container, kind: str, use_case: str | None = None) -> Scenario:
    with container.uow() as uow:
        found = [
            s
            for s in uow.scenarios.list(kind)
            if s.is_demo and (use_case is None or s.params.get("use_case") == use_case)
        ]
    assert found, f"no demo {kind} scenario"
    return found[0]


def _table(page: str, table_id: str) -> str:
    """The HTML of the table with ``table_id``."""
    match = re.search(rf'<table id="{table_id}".*?</table>', page, re.S)
    assert match is not None, f"no table {table_id}"
    return match.group(0)


def _body_rows(table: str) -> list[str]:
    body = table.split("<tbody>", 1)[1]
    return re.findall(r"<tr\b.*?</tr>", body, re.S)


def _page_data(page: str) -> dict[str, Any]:
    match = re.search(
        r'<script type="application/json" id="planning-data">(.*?)</script>', page, re.S
    )
    assert match is not None
    data: dict[str, Any] = json.loads(match.group(1))
    return data


def _wait_for_job(client: TestClient, job_id: str, page: str = "targeting") -> str:
    """Poll the job panel as htmx does; the URL htmx is sent to when the job is done."""
    deadline = time.monotonic() + JOB_TIMEOUT_S
    while time.monotonic() < deadline:
        response = client.get(f"/{page}/jobs/{job_id}", headers={"HX-Request": "true"})
        assert response.status_code == 200, response.text
        if "HX-Redirect" in response.headers:
            return str(response.headers["HX-Redirect"])
        assert 'data-job-state="failed"' not in response.text, response.text
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} did not finish within {JOB_TIMEOUT_S} s")


def test_targeting_shows_the_demo_shortlist(
    organiser: TestClient, seeded_container: Container
) -> None:
    """The page opens on the demo shortlist: one row per selected county, map data, recents."""
    shortlist = _demo(seeded_container, "targeting")
    selected = shortlist.result["selected"]
    response = organiser.get("/targeting")
    assert response.status_code == 200
    page = response.text
    rows = _body_rows(_table(page, "targeting-table"))
    assert len(rows) == len(selected)
    assert re.findall(r'data-code="(\d{6})"', "".join(rows)) == [r["code"] for r in selected]
    first = selected[0]
    assert first["name"] in rows[0]
    assert f"{first['score']:,.0f}" in rows[0]
    assert "市场潜力" in page
    assert "渗透率差距" in page
    assert 'id="targeting-map"' in page
    assert "echarts.min.js" in page
    data = _page_data(page)
    assert [p["code"] for p in data["data"]["points"]] == [r["code"] for r in selected]
    assert f'href="/targeting?scenario={shortlist.id}"' in page
    assert 'data-kpi="selected"' in page


def test_a_targeting_run_finishes_in_the_background(
    organiser: TestClient, seeded_container: Container
) -> None:
    """ "Run" starts a job; polling ends at the stored scenario, whose page shows its table."""
    form = {
        "n_counties": "12",
        "per_province_min": "0",
        "per_province_max": "1",
        "min_spacing_km": "40",
        "horizon_years": "3",
        "time_limit_s": "20",
        "name": "网页测试方案",
        "type_min.cold": "2",
    }
    started = time.perf_counter()
    response = organiser.post("/targeting/run", data=form)
    assert time.perf_counter() - started < 1.0  # the page never waits for the solver
    assert response.status_code == 303
    job_id = response.headers["location"].split("job=", 1)[1]
    waiting = organiser.get(f"/targeting?job={job_id}")
    assert waiting.status_code in {200, 303}
    if waiting.status_code == 200:
        assert 'id="job-panel"' in waiting.text
    target = _wait_for_job(organiser, job_id)
    scenario_id = int(target.rsplit("=", 1)[1])
    with seeded_container.uow() as uow:
        stored = uow.scenarios.get("targeting", scenario_id)
    assert stored is not None
    assert stored.name == "网页测试方案"
    assert stored.params["type_min"] == {"cold": 2}
    page = organiser.get(target).text
    assert len(_body_rows(_table(page, "targeting-table"))) == 12 == len(stored.result["selected"])
    assert "网页测试方案" in page
    done = organiser.get(f"/targeting?job={job_id}")
    assert done.status_code == 303
    assert done.headers["location"] == target


def test_targeting_form_refusals_are_shown_beside_their_field(organiser: TestClient) -> None:
    """Invalid numbers re-render the form (422) with the reason; no job starts."""
    response = organiser.post(
        "/targeting/run", data={"n_counties": "0", "min_spacing_km": "abc", "horizon_years": "9"}
    )
    assert response.status_code == 422
    page = html.unescape(response.text)
    assert "不能小于 1" in page  # n_counties
    assert "请输入数字" in page  # min_spacing_km
    assert "不能大于 5" in page  # horizon_years
    assert 'id="job-panel"' not in page


def test_an_infeasible_run_fails_with_the_numbers_that_clash(organiser: TestClient) -> None:
    """A run the rules cannot satisfy ends as a failed job that says why."""
    response = organiser.post(
        "/targeting/run", data={"n_counties": "5", "per_province_min": "1", "time_limit_s": "10"}
    )
    job_id = response.headers["location"].split("job=", 1)[1]
    deadline = time.monotonic() + JOB_TIMEOUT_S
    panel = ""
    while time.monotonic() < deadline:
        panel = organiser.get(f"/targeting/jobs/{job_id}").text
        if 'data-job-state="failed"' in panel:
            break
        time.sleep(0.2)
    assert 'data-job-state="failed"' in panel
    assert "计算未能完成" in panel
    assert "原因：" in panel


def test_siting_shows_the_charging_plan_with_downloads(
    organiser: TestClient, seeded_container: Container
) -> None:
    """The charging plan: one row per county, coverage, and working GeoJSON/CSV links."""
    plan = _demo(seeded_container, "siting", "charging")
    page = organiser.get("/siting").text
    rows = _body_rows(_table(page, "siting-table"))
    assert len(rows) == len(plan.result["counties"])
    first = plan.result["counties"][0]
    sites = sum(
        s["county_code"] == first["code"] and s["role"] == "charging_station"
        for s in plan.result["sites"]
    )
    covered = sum(
        t["county_code"] == first["code"] and t["is_covered"] for t in plan.result["townships"]
    )
    cells = re.findall(r'<td class="num">([^<]*)</td>', rows[0])
    assert cells[0] == str(sites)
    assert cells[3] == str(covered)
    assert cells[4] == f"{100 * covered / first['townships']:.1f}%"
    for link in (
        f"/api/v1/siting/scenarios/{plan.id}/sites.geojson",
        f"/api/v1/siting/scenarios/{plan.id}/sites.csv",
    ):
        assert f'href="{link}"' in page
        assert organiser.get(link).status_code == 200
    assert _page_data(page)["data"]["scenario_id"] == plan.id


def test_siting_shows_the_repair_plan_by_choice_and_by_id(
    organiser: TestClient, seeded_container: Container
) -> None:
    """The after-sales plan by its tab and by ``?scenario=``; an unknown id is a 404 page."""
    plan = _demo(seeded_container, "siting", "repair")
    for path in ("/siting?use_case=repair", f"/siting?scenario={plan.id}"):
        page = organiser.get(path).text
        assert f'data-scenario-id="{plan.id}"' in page
        assert len(_body_rows(_table(page, "siting-table"))) == len(plan.result["counties"])
        assert "流动维修站" in page
    missing = organiser.get("/siting?scenario=999999")
    assert missing.status_code == 404
    assert "#999999" in missing.text


def test_events_show_days_calendar_and_calendars(
    organiser: TestClient, seeded_container: Container
) -> None:
    """The plan's first caravan: its days, its events per calendar day, ICS and CSV links."""
    plan = _demo(seeded_container, "events")
    caravans = plan.result["itinerary"]["caravans"]
    first = caravans[0]
    page = organiser.get("/events").text
    assert len(re.findall(r"data-caravan=", page)) == len(caravans)
    days = _body_rows(_table(page, "events-days"))
    assert len(days) == len(first["days"])
    per_day = {d["date"]: len(d["visits"]) for d in first["days"]}
    shown = {m[0]: int(m[1]) for m in re.findall(r'data-date="([\d-]+)" data-events="(\d+)"', page)}
    assert {d: n for d, n in shown.items() if n} == {d: n for d, n in per_day.items() if n}
    window = plan.result["itinerary"]["window"]
    assert window["start"] in shown
    assert window["end"] in shown
    ics = f"/api/v1/events/plans/{plan.id}/calendar.ics"
    cid = first["caravan_id"]
    for link in (ics, f"{ics}?caravan={cid}", f"{ics}?county={first['counties'][0]}"):
        assert f'href="{link}"' in page
    assert f'href="/api/v1/events/plans/{plan.id}/itinerary.csv"' in page
    calendar = organiser.get(f"{ics}?caravan={cid}")
    assert calendar.status_code == 200
    assert "BEGIN:VCALENDAR" in calendar.text
    assert _page_data(page)["data"]["caravan"] == cid


def test_events_of_all_caravans_and_one_day(
    organiser: TestClient, seeded_container: Container
) -> None:
    """All caravans' calendar sums to the events held; a chosen day is marked in the list."""
    plan = _demo(seeded_container, "events")
    page = organiser.get(f"/events?scenario={plan.id}&caravan=all").text
    counts = [int(n) for n in re.findall(r'data-events="(\d+)"', page)]
    assert sum(counts) == plan.result["plan"]["events_held"]
    assert 'id="events-days"' not in page
    last = plan.result["itinerary"]["caravans"][-1]
    day = last["days"][1]["date"]
    page = organiser.get(f"/events?caravan={last['caravan_id']}&day={day}").text
    assert f'id="day-{day}" data-day="{day}" class="is-current" aria-current="date"' in page
    unknown = organiser.get("/events?caravan=K999").text
    assert "此方案中没有这个车队" in unknown


def test_linkage_shows_the_demo_cities_and_runs_a_new_choice(
    organiser: TestClient, seeded_container: Container
) -> None:
    """The demo's linked cities with their reasons; a run on the candidates ends on its page."""
    demo = _demo(seeded_container, "linkage")
    page = organiser.get("/linkage").text
    rows = _body_rows(_table(page, "linkage-table"))
    assert len(rows) == len(demo.result["selected"])
    assert demo.result["selected"][0]["reason_zh"] in html.unescape(rows[0])
    assert 'href="/targeting"' in page
    response = organiser.post("/linkage/run", data={"k": "6", "w_regions": "3", "method": "exact"})
    assert response.status_code == 303
    target = _wait_for_job(organiser, response.headers["location"].split("job=", 1)[1], "linkage")
    result = organiser.get(target).text
    assert len(_body_rows(_table(result, "linkage-table"))) == 6
    refused = organiser.post("/linkage/run", data={"k": "0", "method": "magic"})
    assert refused.status_code == 422


def test_planning_pages_speak_english(organiser: TestClient) -> None:
    """``?lang=en`` renders the pages in English (and the choice sticks)."""
    page = organiser.get("/targeting?lang=en").text
    assert '<html lang="en">' in page
    assert "County targeting" in page
    assert "Ranked counties" in page
    assert "重点县遴选" not in page
    assert "Charging and repair siting" in organiser.get("/siting").text
    events = organiser.get("/events").text
    assert "Event calendar" in events
    assert "June 2026" in events


def test_buyers_are_refused_and_strangers_sent_to_sign_in(app: FastAPI) -> None:
    """A buyer gets 403 on every planning page; an anonymous visitor goes to sign in."""
    paths = ("/targeting", "/linkage", "/siting", "/events", "/targeting/jobs/x")
    for client in _client(app, "buyer1"):
        for path in paths:
            assert client.get(path).status_code == 403, path
        assert client.post("/targeting/run", data={"n_counties": "5"}).status_code == 403
    for client in _client(app):
        for path in paths:
            response = client.get(path)
            assert response.status_code == 303, path
            assert response.headers["location"].startswith("/sign-in?next=")


def test_a_job_is_shown_to_its_owner_only(app: FastAPI) -> None:
    """Another organiser cannot follow someone else's run."""
    runner = JobRunner()
    app.state.planning_jobs = runner
    job_id = runner.submit("targeting", lambda _progress: 1, owner="user:999999")
    runner.wait(job_id, timeout_s=5)
    for client in _client(app, "organiser"):
        assert client.get(f"/targeting/jobs/{job_id}").status_code == 404
        polled = client.get(f"/targeting/jobs/{job_id}", headers={"HX-Request": "true"})
        assert polled.status_code == 200  # htmx swaps it in and stops polling
        assert "hx-get" not in polled.text
        page = client.get(f"/targeting?job={job_id}")
        assert page.status_code == 200
        assert 'data-job-state="unknown"' in page.text


def test_job_runner_reports_progress_and_failures() -> None:
    """Jobs report progress, keep their result, and fail with a reason or a generic one."""
    runner = JobRunner(max_workers=1)

    def steps(progress: JobProgress) -> int:
        progress.report(0.5, "half")
        return 7

    def refuse(_progress: JobProgress) -> int:
        raise ValueError("n_counties must be >= 1")

    def crash(_progress: JobProgress) -> int:
        raise RuntimeError("boom")

    try:
        done = runner.wait(runner.submit("k", steps, owner="a"), timeout_s=5)
        assert done.state is JobState.DONE
        assert done.scenario_id == 7
        assert done.progress == 1.0
        failed = runner.wait(runner.submit("k", refuse), timeout_s=5)
        assert failed.state is JobState.FAILED
        assert failed.error == "n_counties must be >= 1"
        crashed = runner.wait(runner.submit("k", crash), timeout_s=5)
        assert crashed.state is JobState.FAILED
        assert crashed.error == "internal error"
        assert [j.state for j in runner.jobs(owner="a")] == [JobState.DONE]
        assert runner.status("nope") is None
    finally:
        runner.shutdown(wait=True)
