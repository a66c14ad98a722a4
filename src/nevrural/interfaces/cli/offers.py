"""``nevrural offer``: quotes, the rules in force, rule revisions and subsidy claims."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from nevrural.bootstrap import Container
from nevrural.interfaces.cli.runtime import open_container
from nevrural.services.offer_claims import file_claim
from nevrural.services.offer_quotes import OfferNotFoundError, quote_offer
from nevrural.services.offer_revision import revise_rules
from nevrural.services.offer_rules import list_rules

__all__ = ["offer_app"]

_T = TypeVar("_T")

offer_app = typer.Typer(
    help="Offers: quotes with every subsidy stacked, rules in force, revisions, claims.",
    no_args_is_help=True,
)
_err = Console(stderr=True)

JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON object.")]
FileArgument = Annotated[Path, typer.Argument(exists=True, dir_okay=False)]


def _refuse(problem: Exception) -> typer.Exit:
    _err.print(f"[bold red]refused[/]: {problem}", highlight=False)
    return typer.Exit(code=2)


def _run(action: Callable[[Container], _T]) -> _T:
    """Run `action` on a migrated container; a refused input exits 2 naming the field."""
    with open_container() as container:
        container.migrate()
        try:
            return action(container)
        except (OfferNotFoundError, ValueError) as problem:
            raise _refuse(problem) from None


def _print_quote(quote: dict[str, Any]) -> None:
    console = Console()
    table = Table(title=f"quote {quote['quote_id']} — {quote['purchase_date']}")
    for column in ("rule", "category", "amount, CNY", "note"):
        table.add_column(column, justify="right" if column.startswith("amount") else "left")
    for item in quote["items"]:
        table.add_row(item["title_zh"], item["category"], item["amount_cny"], item["note_zh"] or "")
    console.print(table)
    for refused in quote["not_applied"]:
        console.print(f"  ✗ {refused['title_zh']}: {refused['reason_zh']}", highlight=False)
    console.print(
        f"[bold]net price {quote['net_price_cny']} CNY[/], purchase tax"
        f" {quote['purchase_tax_cny']}, monthly {quote['monthly_payment_cny']}"
        f" × {quote['term_months']}\n5-year cost {quote['tco_5y_cny']} CNY"
        f" (petrol car {quote['tco_5y_petrol_cny']} CNY)",
        highlight=False,
    )


@offer_app.command("quote")
def quote_command(file: FileArgument, as_json: JsonOption = False) -> None:
    """Quote the purchase in FILE.json (buyer, old car, model, loan, usage, energy prices)."""
    quote = _run(lambda c: quote_offer(c.uow, c.offers, c.read_json_mapping(file)))
    if as_json:
        typer.echo(json.dumps(quote, ensure_ascii=False))
    else:
        _print_quote(quote)


def _date(text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not a date YYYY-MM-DD", param_hint="--at") from None


@offer_app.command("rules")
def rules_command(
    at: Annotated[str | None, typer.Option("--at", help="In force on DATE (YYYY-MM-DD).")] = None,
    region: Annotated[
        str | None, typer.Option("--region", help="Province, prefecture or county code.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """List the rules in force (newest versions without --at), with their citations."""
    on = _date(at)
    rules = _run(lambda c: list_rules(c.uow, c.offers, on, region))
    if as_json:
        typer.echo(json.dumps({"at": at, "region": region, "rules": rules}, ensure_ascii=False))
        return
    console = Console()
    console.print(f"[bold]{len(rules)} rules[/]" + (f" in force on {at}" if at else ""))
    for rule in rules:
        until = rule["effective_to"] or "…"
        citation = rule["citation"]
        console.print(
            f"[bold]{rule['rule_id']}[/] v{rule['version']} ({rule['jurisdiction']},"
            f" {rule['effective_from']} – {until}, {rule['source']})\n"
            f"    {rule['title_zh']}\n"
            f"    {citation['issuer']}: {citation['document']}, {citation['date']}",
            highlight=False,
        )


@offer_app.command("revise")
def revise_command(file: FileArgument, as_json: JsonOption = False) -> None:
    """Publish the rule versions in FILE.yaml (``rules:``) and print their retroactive impact."""
    impact = _run(lambda c: revise_rules(c.uow, c.offers, c.read_rule_mappings(file)))
    if as_json:
        typer.echo(json.dumps(impact, ensure_ascii=False))
        return
    console = Console()
    added = ", ".join(f"{r['rule_id']} v{r['version']}" for r in impact["added"])
    console.print(f"[bold]added[/] {added}", highlight=False)
    for change in impact["quotes"]:
        console.print(
            f"  quote {change['quote_id']} ({change['buyer_ref'] or '-'},"
            f" {change['purchase_date']}): {change['kind']} {change['total_change_cny']} CNY",
            highlight=False,
        )
        for claim in change["claims"]:
            console.print(
                f"    claim {claim['claim_id']} {claim['rule_id']}: {claim['change_cny']} CNY",
                highlight=False,
            )
    totals = impact["totals"]
    console.print(
        f"{totals['quotes_affected']} quotes affected: top-up {totals['top_up_cny']} CNY,"
        f" claw-back {totals['claw_back_cny']} CNY; {totals['claims_affected']} claims",
        highlight=False,
    )


@offer_app.command("claim")
def claim_command(
    quote_id: Annotated[int, typer.Argument(help="A stored quote.")],
    rule: Annotated[str, typer.Option("--rule", help="The applied rule to claim.")],
    as_json: JsonOption = False,
) -> None:
    """Claim the trade-in or discount subsidy a stored quote applied for RULE."""
    claim = _run(lambda c: file_claim(c.uow, quote_id, rule))
    if as_json:
        typer.echo(json.dumps(claim, ensure_ascii=False))
    else:
        typer.echo(
            f"claim {claim['claim_id']} filed: {claim['rule_id']} v{claim['rule_version']},"
            f" {claim['amount_cny']} CNY on quote {claim['quote_id']}"
        )
