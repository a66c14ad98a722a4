"""``nevrural route solve``: a vehicle routing problem with time windows from a file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from nevrural.core.atlas.imports import ImportRejected
from nevrural.interfaces.cli.runtime import open_container
from nevrural.services.route_solve import RouteSolveRequest, solve_route_file

__all__ = ["route_app"]

route_app = typer.Typer(help="Routing: caravan tours and service rounds.", no_args_is_help=True)
_err = Console(stderr=True)

FORMATS = ("solomon",)


def _print(summary: dict[str, Any]) -> None:
    verdict = "feasible" if summary["feasible"] else "[bold red]INFEASIBLE[/]"
    lines = [
        f"[bold]{summary['name'] or 'VRPTW'}[/]: cost {summary['cost']:,.1f}, {summary['vehicles']}"
        f" of {summary['vehicles_available']} vehicles, {verdict}, {summary['seconds']:.2f} s",
        *(f"route {k}: {' '.join(map(str, r))}" for k, r in enumerate(summary["routes"], 1)),
        *summary["violations"],
    ]
    Console().print("\n".join(lines), highlight=False)


@route_app.command("solve")
def solve_command(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="Instance file.")],
    file_format: Annotated[str, typer.Option("--format", help="solomon.")] = "solomon",
    time_limit_s: Annotated[float, typer.Option("--time-limit", min=0.001, help="Seconds.")] = 10.0,
    seed: Annotated[int, typer.Option("--seed", min=0, help="Seed.")] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Least-distance routes within capacity, time windows and the fleet (PyVRP).

    ``solomon``: Solomon's VRPTW text format; distances are Euclidean, truncated to one
    decimal (the CVRPLIB convention); travel time equals distance. Routes list the
    customer numbers of the file; ``feasible`` is an independent check of every rule.
    """
    if file_format not in FORMATS:
        raise typer.BadParameter(
            f"{file_format!r} is not one of {', '.join(FORMATS)}", param_hint="--format"
        )
    request = RouteSolveRequest(time_limit_s=time_limit_s, seed=seed)
    try:
        with open_container() as container:
            problem = container.read_solomon(file)
        summary = solve_route_file(problem, request)
    except (ImportRejected, ValueError) as problem_found:
        _err.print(f"[bold red]refused[/]: {problem_found}", highlight=False)
        raise typer.Exit(code=2) from None
    if as_json:
        typer.echo(json.dumps(summary, ensure_ascii=False))
    else:
        _print(summary)
