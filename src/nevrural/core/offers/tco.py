"""Five-year cost of ownership of the NEV and of a comparable petrol car.

``TCO = net price + loan interest + energy + maintenance − energy credits − free
service`` over five years at the buyer's yearly mileage, both cars bought on the same
day under the same rules (the petrol car gets whatever the catalogue grants it, e.g.
the scrappage subsidy for fuel cars). Resale value and insurance are left out (they
differ little between the two at rural prices and are not known at the fair).

The maintenance costs per km and the petrol consumption by class are **modelled**
assumptions (typical published figures for Chinese models, rounded), used only when
the request does not give the comparable car; every quote lists them.
"""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

from nevrural.core.offers.amounts import HORIZON_YEARS
from nevrural.core.offers.money import fen_of_cny

__all__ = [
    "MODELLED_MAINTENANCE_CNY_PER_KM",
    "MODELLED_PETROL_DISPLACEMENT_L",
    "MODELLED_PETROL_L_PER_100KM",
    "Ownership",
    "ownership_of",
]

# Modelled: routine maintenance, CNY per km (an NEV has no oil, filters or clutch).
MODELLED_MAINTENANCE_CNY_PER_KM = {"nev": Decimal("0.05"), "petrol": Decimal("0.10")}
# Modelled: petrol use of a comparable car by class, L/100 km (WLTC-like, rural roads).
MODELLED_PETROL_L_PER_100KM = {
    "micro_van": Decimal("7.5"),
    "micro_truck": Decimal("8.0"),
    "light_truck": Decimal("10.5"),
    "small_car": Decimal("6.0"),
    "compact_car": Decimal("6.8"),
    "suv": Decimal("8.0"),
    "mpv": Decimal("8.5"),
}
# Modelled: engine size of the comparable petrol car, L (below the 2.0 L subsidy line).
MODELLED_PETROL_DISPLACEMENT_L = Decimal("1.5")


class Ownership(NamedTuple):
    """Five-year cost of ownership and its parts, fen."""

    net_price_fen: int
    interest_fen: int
    energy_fen: int
    maintenance_fen: int
    credits_fen: int

    @property
    def total_fen(self) -> int:
        """Net price + interest + energy + maintenance − credits (never negative)."""
        total = self.net_price_fen + self.interest_fen + self.energy_fen + self.maintenance_fen
        return max(total - self.credits_fen, 0)


def ownership_of(
    *,
    net_price_fen: int,
    interest_fen: int,
    km_per_year: int,
    energy_units_per_100km: Decimal,
    price_per_unit_cny: Decimal,
    maintenance_cny_per_km: Decimal,
    credits_fen: int,
) -> Ownership:
    """Five-year ownership of one car; energy in kWh or L per 100 km at its unit price.

    >>> o = ownership_of(net_price_fen=6_000_000, interest_fen=0, km_per_year=10_000,
    ...     energy_units_per_100km=Decimal("15"), price_per_unit_cny=Decimal("0.5"),
    ...     maintenance_cny_per_km=Decimal("0.05"), credits_fen=0)
    >>> o.energy_fen, o.maintenance_fen, o.total_fen  # 3,750 + 2,500 + 60,000 CNY
    (375000, 250000, 6625000)
    """
    km = km_per_year * HORIZON_YEARS
    return Ownership(
        net_price_fen=net_price_fen,
        interest_fen=interest_fen,
        energy_fen=fen_of_cny(km * energy_units_per_100km / 100 * price_per_unit_cny),
        maintenance_fen=fen_of_cny(km * maintenance_cny_per_km),
        credits_fen=credits_fen,
    )
