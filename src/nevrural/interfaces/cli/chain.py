"""``nevrural service``: accounts, the lead-offer sweep and the retention job."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console

from nevrural.core.service.principal import Role
from nevrural.interfaces.cli.runtime import open_container
from nevrural.services.chain_auth import add_user
from nevrural.services.chain_errors import ChainConflictError
from nevrural.services.chain_lead_routing import sweep_expired_offers
from nevrural.services.chain_retention import DEFAULT_INACTIVE_DAYS, run_retention

__all__ = ["service_app"]

service_app = typer.Typer(
    help="Service chain: accounts, lead offers past their SLA, personal-data retention.",
    no_args_is_help=True,
)
_err = Console(stderr=True)


@service_app.command("add-user")
def add_user_command(
    username: Annotated[str, typer.Argument(help="Login name (a-z, 0-9, _ . - @).")],
    role: Annotated[str, typer.Option(help="organiser or enterprise.")],
    scope: Annotated[
        str, typer.Option(help="Organiser's division code: 000000 nation, 410000 Henan, …")
    ] = "000000",
    enterprise_id: Annotated[int | None, typer.Option(help="The staff member's company.")] = None,
    password: Annotated[
        str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)
    ] = "",
) -> None:
    """Create an organiser or enterprise account (buyers sign up themselves)."""
    if role not in {Role.ORGANISER.value, Role.ENTERPRISE.value}:
        _err.print("[bold red]refused[/]: role: organiser or enterprise")
        raise typer.Exit(code=2)
    with open_container() as container:
        container.migrate()
        try:
            user = add_user(
                container.chain,
                username=username,
                password=password,
                role=Role(role),
                scope_code=scope,
                enterprise_id=enterprise_id,
                check_strength=container.check_password_strength,
            )
        except (ValueError, ChainConflictError) as problem:
            _err.print(f"[bold red]refused[/]: {problem}", highlight=False)
            raise typer.Exit(code=2) from None
    typer.echo(json.dumps({"id": user.id, "username": user.username, "role": user.role}))


@service_app.command("sweep-leads")
def sweep_leads_command() -> None:
    """Expire lead offers past their SLA and pass the leads to the next dealer."""
    with open_container() as container:
        container.migrate()
        moved = sweep_expired_offers(container.chain)
    typer.echo(json.dumps({"leads_moved_on": moved}))


@service_app.command("retention")
def retention_command(
    inactive_days: Annotated[
        int, typer.Option(help="Erase buyers inactive this long with every record finished.")
    ] = DEFAULT_INACTIVE_DAYS,
) -> None:
    """Erase the personal fields of buyers whose records are all closed or expired."""
    with open_container() as container:
        container.migrate()
        try:
            report = run_retention(container.chain, inactive_days=inactive_days)
        except ValueError as problem:
            _err.print(f"[bold red]refused[/]: {problem}", highlight=False)
            raise typer.Exit(code=2) from None
    typer.echo(
        json.dumps(
            {
                "erased_buyers": report.erased_buyers,
                "inactive_since": report.inactive_since.isoformat(),
            }
        )
    )
