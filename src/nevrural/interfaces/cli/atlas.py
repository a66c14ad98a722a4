"""``nevrural atlas ...``: build, import, inspect the atlas."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from nevrural.core.atlas.imports import ImportRejected, indicator_template_header
from nevrural.interfaces.cli.progress import RichSteps
from nevrural.interfaces.cli.runtime import BUILD_STEPS, open_container
from nevrural.services.atlas_build import build_atlas
from nevrural.services.atlas_import import AtlasNotBuiltError, ImportKind, import_atlas_file
from nevrural.services.atlas_query import atlas_stats

__all__ = ["atlas_app"]

atlas_app = typer.Typer(
    help="The atlas of Chinese divisions and county indicators.", no_args_is_help=True
)
_err = Console(stderr=True)


@atlas_app.command("build")
def build(quiet: Annotated[bool, typer.Option("--quiet", "-q")] = False) -> None:
    """(Re)build the atlas from the pinned data packages, keeping imported data."""
    with open_container() as container:
        container.migrate()
        with RichSteps(BUILD_STEPS, quiet=quiet) as progress:
            report = build_atlas(container.uow, container.atlas_source, progress)
    counts = ", ".join(f"{k} {v:,}" for k, v in report.counts.items())
    typer.echo(
        f"atlas built: {counts}; {report.indicator_values:,} indicator values; "
        f"kept {report.kept_locations} imported locations and "
        f"{report.kept_indicator_values} imported values"
    )


@atlas_app.command("import")
def import_file(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
    kind: Annotated[ImportKind, typer.Option(help="What the file holds.")] = ImportKind.INDICATORS,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Import a census table, an indicator template (CSV/XLSX, UTF-8 or GBK) or coordinates.

    The file is refused whole on any problem, with row numbers; nothing is applied.
    """
    with open_container() as container:
        container.migrate()
        try:
            report = import_atlas_file(container.uow, container.table_reader, file, kind)
        except ImportRejected as rejected:
            _err.print(f"[bold red]refused[/]: {rejected}", markup=True, highlight=False)
            raise typer.Exit(code=2) from None
        except AtlasNotBuiltError as missing:
            _err.print(f"[bold red]error[/]: {missing}")
            raise typer.Exit(code=2) from None
    if as_json:
        typer.echo(json.dumps(report.as_dict(), ensure_ascii=False))
        return
    typer.echo(
        f"{report.file_name}: {report.values_applied:,} values applied to "
        f"{report.divisions_updated:,} divisions "
        f"(matched by code {report.matched_by_code:,}, by name {report.matched_by_name:,})"
    )
    if report.unmatched:
        typer.echo(f"{len(report.unmatched)} rows did not match any county of the atlas:")
        for row in report.unmatched:
            typer.echo(f"  row {row['row']}: {row['code']} {row['name']} — {row['reason']}")
    if report.atlas_counties_without_row:
        typer.echo(
            f"{report.atlas_counties_without_row} atlas counties got no row "
            "(they keep their previous values)"
        )


@atlas_app.command("stats")
def stats(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Counts per level, boundaries, and indicator coverage by source."""
    with open_container() as container:
        container.migrate()
        result = atlas_stats(container.uow).as_dict()
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False))
        return
    for key in ("provinces", "prefectures", "counties", "townships", "county_boundaries"):
        typer.echo(f"{key:>18}: {result[key]:,}")
    indicators = result["indicators"]
    assert isinstance(indicators, dict)
    for key, info in indicators.items():
        sources = ", ".join(f"{s} {n:,}" for s, n in info["sources"].items()) or "none"
        typer.echo(f"{key:>26}: {info['counties']:>5,} counties ({sources})")


@atlas_app.command("template")
def template(
    out: Annotated[Path | None, typer.Argument(help="Where to write; stdout when omitted.")] = None,
) -> None:
    """Write a blank indicator template (UTF-8 CSV with a header row)."""
    header = indicator_template_header()
    if out is None:
        csv.writer(sys.stdout).writerow(header)
        return
    with out.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerow(header)
    typer.echo(f"template written to {out}")
