"""``nevrural``: the command line of the platform."""

from __future__ import annotations

import json
import logging
from typing import Annotated

import typer
from rich.console import Console

from nevrural.interfaces.cli.atlas import atlas_app
from nevrural.interfaces.cli.chain import service_app
from nevrural.interfaces.cli.events import events_app
from nevrural.interfaces.cli.offers import offer_app
from nevrural.interfaces.cli.planning import linkage_command, target_command
from nevrural.interfaces.cli.routing import route_app
from nevrural.interfaces.cli.runtime import open_container, prepare_platform
from nevrural.interfaces.cli.siting import site_app
from nevrural.interfaces.cli.siting_plans import charging_command, repair_command

__all__ = ["app"]

app = typer.Typer(
    name="nevrural",
    help="nevrural: plan and run rural NEV promotion campaigns (新能源汽车下乡).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(atlas_app, name="atlas")
app.command("target")(target_command)
app.command("linkage")(linkage_command)
site_app.command("charging")(charging_command)
site_app.command("repair")(repair_command)
app.add_typer(site_app, name="site")
app.add_typer(offer_app, name="offer")
app.add_typer(route_app, name="route")
app.add_typer(events_app, name="events")
app.add_typer(service_app, name="service")
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
app.add_typer(db_app, name="db")
demo_app = typer.Typer(help="The demo campaign.", no_args_is_help=True)
app.add_typer(demo_app, name="demo")


@app.callback()
def main(verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False) -> None:
    """Configure logging for every command."""
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )


@db_app.command("migrate")
def db_migrate() -> None:
    """Create or upgrade the database schema (SQLite by default, or NEVRURAL_DATABASE_URL)."""
    with open_container() as container:
        container.migrate()
        typer.echo(f"database migrated ({container.database_backend})")


@demo_app.command("seed")
def demo_seed(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Migrate, build the atlas if absent and seed the demo campaign."""
    with open_container() as container:
        summary = prepare_platform(container, quiet=as_json)
    typer.echo(json.dumps(summary, ensure_ascii=False) if as_json else "demo ready")


@app.command("serve")
def serve(
    host: Annotated[str | None, typer.Option(help="Interface to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="TCP port.")] = None,
) -> None:
    """Prepare the database (migrate, atlas, demo) and serve the platform."""
    import uvicorn

    from nevrural.interfaces.api.app import create_app

    with open_container() as container:
        prepare_platform(container, quiet=False)
        bind_host = host or container.settings.host
        bind_port = port or container.settings.port
        Console(stderr=True).print(
            f"[bold green]nevrural[/] serving on [link]http://{bind_host}:{bind_port}[/link] "
            f"(database: {container.database_backend})"
        )
        uvicorn.run(create_app(container), host=bind_host, port=bind_port, log_level="info")
