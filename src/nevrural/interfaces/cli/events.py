"""``nevrural events plan``: main venues, township sub-events, caravans and repair rounds."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from nevrural.core.atlas.imports import ImportRejected
from nevrural.interfaces.cli.runtime import open_container, prepare_platform
from nevrural.services.county_selection import county_codes_of_table
from nevrural.services.events_plan import run_event_plan
from nevrural.services.events_requests import EventPlanRequest

__all__ = ["events_app"]

events_app = typer.Typer(
    help="Events: county main venues, township sub-events, caravans.", no_args_is_help=True
)
_err = Console(stderr=True)


def _date(text: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(
            f"{text!r} is not a date (YYYY-MM-DD)", param_hint=option
        ) from None


def _summary(scenario_id: int, result: dict[str, Any], paths: list[Path]) -> dict[str, Any]:
    return {
        "plan_id": scenario_id,
        "plan": result["plan"],
        "baseline": result["baseline"],
        "counties": len(result["counties"]),
        "repair_rounds": {
            k: result["repair_rounds"].get(k)
            for k in ("period_days", "visits", "distance_km_per_period")
        },
        "violations": result["checks"]["count"],
        "files": [str(p) for p in paths],
    }


def _print(summary: dict[str, Any]) -> None:
    plan, base = summary["plan"], summary["baseline"]
    console = Console()
    console.print(
        f"[bold]event plan {summary['plan_id']}[/]: {summary['counties']} counties, "
        f"{plan['events_held']} events held, {plan['events_unheld']} not held, "
        f"{summary['violations']} broken rules",
        highlight=False,
    )
    for label, row in (("plan (PyVRP)", plan), ("nearest neighbour", base)):
        console.print(
            f"  {label}: {row['persons_reached']:,} persons in {row['caravan_days']} "
            f"caravan-days ({row['persons_per_caravan_day']:,}/day), {row['drive_km']:,} km",
            highlight=False,
        )
    repair = summary["repair_rounds"]
    if repair["period_days"]:
        console.print(
            f"  repair rounds every {repair['period_days']} days: {repair['visits']} visits, "
            f"{repair['distance_km_per_period']:,} km per period",
            highlight=False,
        )
    console.print(f"  files in {Path(summary['files'][0]).parent}: {len(summary['files'])}")


@events_app.command("plan")
def plan_command(
    start: Annotated[str, typer.Option("--start", help="First day, YYYY-MM-DD.")],
    end: Annotated[str, typer.Option("--end", help="Last day, YYYY-MM-DD.")],
    counties: Annotated[
        Path | None,
        typer.Option(
            "--counties",
            exists=True,
            dir_okay=False,
            help="CSV/XLSX/TXT of county codes (column county_code or the first).",
        ),
    ] = None,
    scenario: Annotated[
        int | None, typer.Option("--scenario", help="Use this targeting scenario's shortlist.")
    ] = None,
    caravans: Annotated[
        int | None, typer.Option("--caravans", min=1, max=50, help="Caravans (default 3).")
    ] = None,
    out: Annotated[Path, typer.Option("--out", help="Folder for the files.")] = Path("var/out"),
    repair_every: Annotated[
        int | None,
        typer.Option("--repair-every", min=0, help="Repair-round period, days (0: none; 14)."),
    ] = None,
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            exists=True,
            dir_okay=False,
            help="JSON with more request fields (blackouts, market_days, hours ...).",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Plan the campaign's events and caravans; write itineraries, routes and calendars.

    Without --counties or --scenario the demo shortlist is used. Options given on the
    command line win over the --config file. Files: itinerary.json,
    itinerary.csv, routes.geojson, caravan-<id>.ics and county-<code>.ics.
    """
    with open_container() as container:
        prepare_platform(container, quiet=as_json)
        try:
            fields: dict[str, Any] = container.read_json_mapping(config) if config else {}
            fields.update(start=_date(start, "--start"), end=_date(end, "--end"))
            given = {
                "caravans": caravans,
                "targeting_scenario_id": scenario,
                "repair_period_days": repair_every,
            }
            fields.update({k: v for k, v in given.items() if v is not None})
            if counties is not None:
                fields["county_codes"] = county_codes_of_table(
                    container.table_reader.read(counties)
                )
            request = EventPlanRequest.from_mapping(fields)
            stored = run_event_plan(container.uow, request)
        except (ImportRejected, ValueError) as error:
            _err.print(f"[bold red]refused[/]: {error}", highlight=False)
            raise typer.Exit(code=2) from None
        paths = container.write_event_plan_files(
            out / f"events-{stored.id}",
            stored.result["itinerary"],
            stored.result["routes"],
            plan_id=f"events-{stored.id}",
            stamp=stored.created_at,
        )
    summary = _summary(stored.id, stored.result, paths)
    if as_json:
        typer.echo(json.dumps(summary, ensure_ascii=False))
    else:
        _print(summary)
