"""``nevrural target`` and ``nevrural linkage``: who hosts the campaign."""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from nevrural.core.atlas.imports import ImportRejected
from nevrural.core.targeting.selection_checks import SelectionInfeasible
from nevrural.interfaces.cli.runtime import open_container, prepare_platform
from nevrural.services.linkage import LinkageRequest, load_demo_candidates, run_linkage
from nevrural.services.targeting import TargetingRequest, run_targeting

__all__ = ["linkage_command", "target_command"]

_err = Console(stderr=True)


def _money(text: str | None, option: str) -> Decimal | None:
    if text is None:
        return None
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation:
        raise typer.BadParameter(f"{text!r} is not an amount of CNY", param_hint=option) from None
    if value < 0:
        raise typer.BadParameter(f"{text!r} must not be negative", param_hint=option)
    return value


def _quotas(items: list[str] | None, option: str) -> dict[str, int]:
    quotas: dict[str, int] = {}
    for item in items or []:
        key, _, count = item.partition("=")
        if not count.strip().isdigit():
            raise typer.BadParameter(f"{item!r} should look like TYPE=COUNT", param_hint=option)
        quotas[key.strip()] = int(count)
    return quotas


def _print_table(result: dict[str, Any]) -> None:
    table = Table(title=f"selected {len(result['selected'])} counties — gap {result['gap']:.2e}")
    for column in ("#", "code", "county", "province", "score", "penetration", "potential"):
        table.add_column(column, justify="right" if column in {"score", "potential"} else "left")
    for row in result["selected"]:
        table.add_row(
            str(row["rank"]),
            row["code"],
            row["name"],
            row["province"],
            f"{row['score']:,.0f}",
            f"{row['penetration']:.1%}",
            f"{row['potential']:,.0f}",
        )
    Console().print(table)


def target_command(
    counties: Annotated[int, typer.Option("--counties", help="How many counties to select.")],
    per_province_min: Annotated[int, typer.Option(help="At least this many per province.")] = 0,
    per_province_max: Annotated[
        int | None, typer.Option(help="At most this many per province.")
    ] = None,
    min_spacing_km: Annotated[float, typer.Option(help="Minimum distance between two, km.")] = 0.0,
    budget_cny: Annotated[str | None, typer.Option(help="Total event budget, CNY.")] = None,
    horizon_years: Annotated[float, typer.Option(min=1, max=5, help="Forecast horizon.")] = 3.0,
    penetration_threshold: Annotated[
        float | None, typer.Option(help="Exclude counties above this NEV share (0-1).")
    ] = None,
    type_min: Annotated[list[str] | None, typer.Option(help="TYPE=COUNT, repeatable.")] = None,
    type_max: Annotated[list[str] | None, typer.Option(help="TYPE=COUNT, repeatable.")] = None,
    time_limit_s: Annotated[float, typer.Option(help="Solver time limit, s.")] = 10.0,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Select N counties with a low NEV share and large potential (exact MIP, HiGHS)."""
    options: dict[str, Any] = {}
    if penetration_threshold is not None:
        options["penetration_threshold"] = penetration_threshold
    try:
        request = TargetingRequest(
            n_counties=counties,
            per_province_min=per_province_min,
            per_province_max=per_province_max,
            min_spacing_km=min_spacing_km,
            budget_cny=_money(budget_cny, "--budget-cny"),
            horizon_years=horizon_years,
            type_min=_quotas(type_min, "--type-min"),
            type_max=_quotas(type_max, "--type-max"),
            time_limit_s=time_limit_s,
            **options,
        )
    except ValueError as error:
        raise typer.BadParameter(str(error)) from None
    with open_container() as container:
        prepare_platform(container, quiet=as_json)
        try:
            scenario = run_targeting(container.uow, request)
        except SelectionInfeasible as clash:
            _err.print(f"[bold red]infeasible[/]: {clash}")
            raise typer.Exit(code=2) from None
        except ValueError as error:  # an option the model refuses, e.g. a negative spacing
            raise typer.BadParameter(str(error)) from None
    result = {"scenario_id": scenario.id, **scenario.result}
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False))
    else:
        _print_table(result)


def linkage_command(
    k: Annotated[int, typer.Option("--k", min=1, help="How many cities to choose.")],
    candidates: Annotated[
        Path | None,
        typer.Option(
            "--candidates",
            exists=True,
            dir_okay=False,
            help="CSV/XLSX/JSON of candidate cities; the demo list when omitted.",
        ),
    ] = None,
    w_distinct: Annotated[float, typer.Option(min=0, help="Weight of distinctiveness.")] = 1.0,
    w_themes: Annotated[float, typer.Option(min=0, help="Weight of theme coverage.")] = 1.0,
    w_regions: Annotated[float, typer.Option(min=0, help="Weight of region coverage.")] = 1.0,
    w_spread: Annotated[float, typer.Option(min=0, help="Weight of geographic spread.")] = 1.0,
    method: Annotated[str, typer.Option(help="auto, exact or greedy.")] = "auto",
    time_limit_s: Annotated[float, typer.Option(help="Solver time limit, s.")] = 60.0,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Choose K cities with distinctive features and complementary themes and regions."""
    if method not in {"auto", "exact", "greedy"}:
        raise typer.BadParameter(f"{method!r} is not auto, exact or greedy", param_hint="--method")
    request = LinkageRequest(
        k=k,
        w_distinct=w_distinct,
        w_themes=w_themes,
        w_regions=w_regions,
        w_spread=w_spread,
        method=method,  # type: ignore[arg-type]
        time_limit_s=time_limit_s,
    )
    with open_container() as container:
        prepare_platform(container, quiet=as_json)
        try:
            table = (
                container.read_linkage_candidates(candidates)
                if candidates
                else load_demo_candidates(container.uow)
            )
            scenario = run_linkage(container.uow, table, request)
        except (ImportRejected, ValueError) as problem:
            _err.print(f"[bold red]refused[/]: {problem}", highlight=False)
            raise typer.Exit(code=2) from None
    result = {"scenario_id": scenario.id, **scenario.result}
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False))
        return
    console = Console()
    console.print(
        f"[bold]{len(result['selected'])} linked cities[/] — objective "
        f"{result['objective']:.4f}, gap {result['gap'] or 0:.1e}, "
        f"{result['method']}, {result['seconds']:.2f} s"
    )
    for row in result["selected"]:
        console.print(f"[bold]{row['code']} {row['name']}[/] ({'、'.join(row['themes_zh'])})")
        console.print(f"    {row['reason_zh']}", highlight=False)
        console.print(f"    {row['reason_en']}", style="dim", highlight=False)
