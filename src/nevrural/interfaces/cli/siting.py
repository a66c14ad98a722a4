"""``nevrural site solve``: a p-median from an OR-Library file or from points in CSV/XLSX."""

from __future__ import annotations

import json
from dataclasses import replace
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from nevrural.bootstrap import Container
from nevrural.core.atlas.imports import ImportRejected
from nevrural.interfaces.cli.runtime import open_container
from nevrural.services.site_solve import SiteSolveRequest, solve_site_file

__all__ = ["site_app"]

site_app = typer.Typer(
    help="Siting: charging stations and after-sales points.", no_args_is_help=True
)
_err = Console(stderr=True)

FORMATS = ("orlib-pmed", "csv")
PATHS = ("auto", "exact", "heuristic")


def _choice(value: str, allowed: tuple[str, ...], option: str) -> str:
    if value not in allowed:
        raise typer.BadParameter(f"{value!r} is not one of {', '.join(allowed)}", param_hint=option)
    return value


def _budget(text: str | None) -> Decimal | None:
    if text is None:
        return None
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation:
        raise typer.BadParameter(
            f"{text!r} is not an amount of CNY", param_hint="--budget-cny"
        ) from None
    if not value.is_finite() or value < 0:
        raise typer.BadParameter(f"{text!r} must be >= 0", param_hint="--budget-cny")
    return value


def _print(summary: dict[str, Any]) -> None:
    bound, gap = summary["lower_bound"], summary["gap"]
    Console().print(
        f"[bold]p-median[/] {summary['status']} ({summary['path']}): objective"
        f" {summary['objective']:,.2f}, lower bound {'-' if bound is None else f'{bound:,.2f}'},"
        f" gap {'-' if gap is None else f'{gap:.2e}'}, {summary['seconds']:.2f} s\n"
        f"open sites: {', '.join(str(s) for s in summary['open_sites'])}",
        highlight=False,
    )


@site_app.command("solve")
def solve_command(
    file: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, help="Instance or demand file.")
    ],
    file_format: Annotated[str, typer.Option("--format", help="orlib-pmed or csv.")] = "orlib-pmed",
    sites: Annotated[
        Path | None, typer.Option("--sites", exists=True, dir_okay=False, help="csv: sites file.")
    ] = None,
    p: Annotated[
        int | None, typer.Option("--p", min=0, help="New sites (orlib: the file's).")
    ] = None,
    radius_km: Annotated[
        float, typer.Option("--radius-km", min=0.001, help="csv: road km.")
    ] = 50.0,
    k_nearest: Annotated[
        int, typer.Option("--k-nearest", min=0, help="csv: nearest sites kept.")
    ] = 10,
    budget_cny: Annotated[
        str | None, typer.Option("--budget-cny", help="csv: budget, CNY.")
    ] = None,
    time_limit_s: Annotated[float, typer.Option("--time-limit", min=0.001, help="Seconds.")] = 60.0,
    path: Annotated[str, typer.Option("--path", help="auto, exact or heuristic.")] = "auto",
    mip_rel_gap: Annotated[
        float, typer.Option("--gap", min=0.0, max=0.99, help="Relative gap.")
    ] = 0.0,
    seed: Annotated[int, typer.Option("--seed", min=0, help="Seed.")] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Open p sites minimising weighted distance; prints objective, bound, gap and sites.

    ``orlib-pmed``: OR-Library p-median file (open sites are 1-based vertices). ``csv``:
    FILE has demand points (id, lon, lat, weight), ``--sites`` the candidates (id, lon,
    lat[, cost_cny, capacity, existing, has_land]); road km = great circle x 1.35.
    """
    file_format = _choice(file_format, FORMATS, "--format")
    request = SiteSolveRequest(
        p=0 if p is None else p,
        path=_choice(path, PATHS, "--path"),  # type: ignore[arg-type]  # checked just here
        time_limit_s=time_limit_s,
        mip_rel_gap=mip_rel_gap,
        seed=seed,
    )
    if file_format == "csv" and (sites is None or p is None):
        raise typer.BadParameter("csv needs --sites and --p", param_hint="--format")
    try:
        with open_container() as container:
            if file_format == "orlib-pmed":
                summary = _solve_orlib(container, file, request, is_p_given=p is not None)
            else:
                assert sites is not None  # checked above
                summary = _solve_points(
                    container, (file, sites), request, radius_km, k_nearest, budget_cny
                )
    except (ImportRejected, ValueError) as problem:
        _err.print(f"[bold red]refused[/]: {problem}", highlight=False)
        raise typer.Exit(code=2) from None
    if as_json:
        typer.echo(json.dumps(summary, ensure_ascii=False))
    else:
        _print(summary)


def _solve_orlib(
    container: Container, file: Path, request: SiteSolveRequest, *, is_p_given: bool
) -> dict[str, Any]:
    """An OR-Library instance; p from the file unless given; sites as 1-based vertices."""
    instance = container.read_orlib_pmed(file)
    if not is_p_given:
        request = replace(request, p=instance.p)
    labels: list[str | int] = list(range(1, instance.n + 1))
    return solve_site_file(instance.to_problem(), request, labels)


def _solve_points(
    container: Container,
    files: tuple[Path, Path],
    request: SiteSolveRequest,
    radius_km: float,
    k_nearest: int,
    budget: str | None,
) -> dict[str, Any]:
    """Demand and site files: truncated pairs, beyond points at their true road km."""
    points = container.read_siting_points(
        *files, radius_km=radius_km, k_nearest=k_nearest, budget_cny=_budget(budget)
    )
    request = replace(request, is_truncated=True, beyond_km=radius_km)
    labels: list[str | int] = list(points.problem.site_ids or ())
    return solve_site_file(points.problem, request, labels, nearest_open=points.nearest_open)
