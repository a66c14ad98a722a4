"""The service-chain pages: the offer calculator, a buyer's orders and tickets, the dealer.

``/offers`` (anyone; a signed-in buyer can order from the quote), ``/my/orders`` and
``/my/tickets`` (buyers), ``/dealer`` (enterprise staff). The pages call the same use
cases as the API with the signed-in principal, so every rule (tenancy, the order and
ticket machines, idempotent ordering, audited contact reads) is the use cases' own.
"""

from __future__ import annotations

from fastapi import APIRouter

from nevrural.interfaces.web import pages_service_buyer, pages_service_dealer, pages_service_offers

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
for _module in (pages_service_offers, pages_service_buyer, pages_service_dealer):
    router.include_router(_module.router)
