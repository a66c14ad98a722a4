"""``nevrural site charging`` and ``nevrural site repair``: plans on the atlas, to files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, Literal

import typer
from rich.console import Console

from nevrural.interfaces.cli.runtime import open_container, prepare_platform
from nevrural.services.ports import Scenario
from nevrural.services.siting import ChargingRequest, RepairRequest, run_charging, run_repair
from nevrural.services.siting_outputs import siting_csv_rows, siting_geojson

__all__ = ["charging_command", "repair_command"]

_err = Console(stderr=True)

CountiesOption = Annotated[
    str | None,
    typer.Option("--counties", help="Comma-separated county codes (default: the demo shortlist)."),
]
ScenarioOption = Annotated[
    int | None, typer.Option("--scenario", help="Use the counties of this targeting scenario.")
]
OutOption = Annotated[Path, typer.Option("--out", help="Folder for the GeoJSON and CSV files.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")]


def _codes(text: str | None) -> tuple[str, ...]:
    return tuple(c.strip() for c in (text or "").split(",") if c.strip())


def _finish(scenario: Scenario, out: Path, stem: str, as_json: bool, write: Any) -> None:
    """Write the files through the container and print the summary."""
    geojson_path, csv_path = write(scenario, out, stem)
    summary = {
        "scenario_id": scenario.id,
        "totals": scenario.result["totals"],
        "solver": scenario.result["solver"],
        "geojson": str(geojson_path),
        "csv": str(csv_path),
    }
    if as_json:
        typer.echo(json.dumps(summary, ensure_ascii=False))
        return
    console = Console()
    console.print(f"[bold]{scenario.name}[/] (scenario {scenario.id})")
    for key, value in scenario.result["totals"].items():
        console.print(f"  {key}: {value:,}" if isinstance(value, int) else f"  {key}: {value}")
    console.print(f"  files: {geojson_path}, {csv_path}")


def _run(kind: str, request: Any, out: Path, as_json: bool) -> None:
    with open_container() as container:
        prepare_platform(container, quiet=as_json)
        try:
            run = run_charging if kind == "charging" else run_repair
            scenario = run(container.uow, request)
        except ValueError as error:
            _err.print(f"[bold red]refused[/]: {error}", highlight=False)
            raise typer.Exit(code=2) from None

        def write(s: Scenario, folder: Path, stem: str) -> tuple[Path, Path]:
            header, rows = siting_csv_rows(s.result)
            return (
                container.write_geojson(folder / f"{stem}.geojson", siting_geojson(s.result)),
                container.write_csv(folder / f"{stem}.csv", header, rows),
            )

        _finish(scenario, out, f"{kind}-{scenario.id}", as_json, write)


def charging_command(
    out: OutOption = Path("var/out"),
    counties: CountiesOption = None,
    scenario: ScenarioOption = None,
    stations_per_county: Annotated[int, typer.Option(min=1, help="New stations per county.")] = 4,
    radius_km: Annotated[float, typer.Option(help="Road km counted as served.")] = 10.0,
    horizon_years: Annotated[float, typer.Option(min=1, max=5)] = 3.0,
    demand: Annotated[str, typer.Option(help="forecast (NEV buyers) or population.")] = "forecast",
    model: Annotated[str, typer.Option(help="mclp (capacitated covering) or p-median.")] = "mclp",
    as_json: JsonOption = False,
) -> None:
    """Site rural public charging stations per county; writes GeoJSON and CSV."""
    if demand not in {"forecast", "population"} or model not in {"mclp", "p-median"}:
        raise typer.BadParameter(f"demand {demand!r} / model {model!r} not recognised")
    demand_kind: Literal["forecast", "population"] = (
        "forecast" if demand == "forecast" else "population"
    )
    model_kind: Literal["mclp", "p-median"] = "mclp" if model == "mclp" else "p-median"
    try:
        request = ChargingRequest(
            county_codes=_codes(counties),
            targeting_scenario_id=scenario,
            stations_per_county=stations_per_county,
            radius_km=radius_km,
            horizon_years=horizon_years,
            demand=demand_kind,
            model=model_kind,
        )
    except ValueError as error:
        raise typer.BadParameter(str(error)) from None
    _run("charging", request, out, as_json)


def repair_command(
    out: OutOption = Path("var/out"),
    counties: CountiesOption = None,
    scenario: ScenarioOption = None,
    response_time_min: Annotated[float, typer.Option(help="Fixed-point response time.")] = 45.0,
    mobile_response_time_min: Annotated[float, typer.Option(help="Mobile response time.")] = 120.0,
    rural_speed_kmh: Annotated[float, typer.Option(help="Rural road speed, km/h.")] = 40.0,
    fixed_points_per_county: Annotated[
        int, typer.Option(min=0, help="At most this many new fixed points per county.")
    ] = 2,
    cover_all: Annotated[
        bool, typer.Option("--cover-all", help="Fixed points alone cover every township.")
    ] = False,
    technicians_total: Annotated[int | None, typer.Option(help="Technicians to train.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Maintenance points, mobile repair bases and technician quotas; writes GeoJSON and CSV."""
    try:
        request = RepairRequest(
            county_codes=_codes(counties),
            targeting_scenario_id=scenario,
            response_time_min=response_time_min,
            mobile_response_time_min=mobile_response_time_min,
            rural_speed_kmh=rural_speed_kmh,
            fixed_points_per_county=None if cover_all else fixed_points_per_county,
            technicians_total=technicians_total,
        )
    except ValueError as error:
        raise typer.BadParameter(str(error)) from None
    _run("repair", request, out, as_json)
