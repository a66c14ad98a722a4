"""Use cases on buyers' personal information: store sealed, show masked, read audited.

A buyer is found by the blind index of their phone number (``buyers.phone``), never by
a clear-text column. Names, phone and ID card numbers are sealed with the table.column
as associated data. Any read of an unmasked field writes ``contact.read`` to the audit
log in the same transaction.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nevrural.core.service.access import Ownership, can_see_contact
from nevrural.core.service.personal import (
    mask_id_card,
    mask_name,
    mask_phone,
    normalise_id_card,
    normalise_name,
    normalise_phone,
)
from nevrural.services.chain_context import audit
from nevrural.services.chain_errors import ChainNotFoundError

if TYPE_CHECKING:
    import datetime as dt

    from nevrural.core.service.principal import Principal
    from nevrural.services.chain_context import ChainContext, ChainUnitOfWork
    from nevrural.services.chain_ports import BuyerRecord, PersonalVault

__all__ = [
    "ID_CARD",
    "NAME",
    "PHONE",
    "buyer_contact",
    "buyer_masked",
    "find_or_add_buyer",
]

NAME = "buyers.name"
PHONE = "buyers.phone"
ID_CARD = "buyers.id_card_no"


def find_or_add_buyer(
    uow: ChainUnitOfWork,
    vault: PersonalVault,
    *,
    phone: str,
    name: str | None,
    id_card_no: str | None,
    county_code: str,
    now: dt.datetime,
) -> BuyerRecord:
    """The buyer with this phone (filling in a missing name or ID), or a new one.

    Raises ``ValueError`` naming ``phone``, ``name`` or ``id_card_no`` when malformed.
    """
    phone = normalise_phone(phone)
    clean_name = normalise_name(name) if name is not None else None
    clean_id = normalise_id_card(id_card_no) if id_card_no is not None else None
    phone_index = vault.index(phone, context=PHONE)
    id_index = vault.index(clean_id, context=ID_CARD) if clean_id is not None else None
    found = uow.buyers.by_phone_index(phone_index)
    if found is None:
        return uow.buyers.add(
            county_code=county_code,
            name_sealed=vault.seal(clean_name, context=NAME) if clean_name else None,
            phone_sealed=vault.seal(phone, context=PHONE),
            phone_index=phone_index,
            id_card_sealed=vault.seal(clean_id, context=ID_CARD) if clean_id else None,
            id_card_index=id_index,
            now=now,
        )
    if (clean_name and found.name_sealed is None) or (clean_id and found.id_card_sealed is None):
        uow.buyers.update_personal(
            found.id,
            name_sealed=found.name_sealed
            or (vault.seal(clean_name, context=NAME) if clean_name else None),
            id_card_sealed=found.id_card_sealed
            or (vault.seal(clean_id, context=ID_CARD) if clean_id else None),
            id_card_index=id_index if found.id_card_sealed is None else None,
        )
    uow.buyers.touch(found.id, now)
    return found


def _opened(vault: PersonalVault, blob: bytes | None, context: str) -> str | None:
    return vault.open(blob, context=context) if blob is not None else None


def buyer_masked(vault: PersonalVault, buyer: BuyerRecord) -> dict[str, Any]:
    """The buyer as anyone entitled to the record sees it: masked (138****1234)."""
    name = _opened(vault, buyer.name_sealed, NAME)
    phone = _opened(vault, buyer.phone_sealed, PHONE)
    id_card = _opened(vault, buyer.id_card_sealed, ID_CARD)
    return {
        "id": buyer.id,
        "county_code": buyer.county_code,
        "name": mask_name(name) if name else None,
        "phone": mask_phone(phone) if phone else None,
        "id_card_no": mask_id_card(id_card) if id_card else None,
        "erased": buyer.erased_at is not None,
    }


def buyer_contact(
    ctx: ChainContext,
    principal: Principal,
    buyer_id: int,
    owner: Ownership,
    *,
    record_type: str,
    record_id: int,
    purpose: str,
) -> dict[str, Any]:
    """The unmasked name and phone of the buyer of a record, audited.

    Only the enterprise holding the record or the buyer may read it (404 otherwise, as
    for any record the caller may not see). ``purpose`` is stored in the audit line.
    """
    if not can_see_contact(principal, owner):
        raise ChainNotFoundError(f"{record_type} {record_id} not found")
    now = ctx.clock()
    with ctx.uow_factory() as uow:
        buyer = uow.buyers.get(buyer_id)
        if buyer is None:
            raise ChainNotFoundError(f"{record_type} {record_id} not found")
        contact = {
            "buyer_id": buyer.id,
            "name": _opened(ctx.vault, buyer.name_sealed, NAME),
            "phone": _opened(ctx.vault, buyer.phone_sealed, PHONE),
            "erased": buyer.erased_at is not None,
        }
        audit(
            uow,
            principal,
            at=now,
            action="contact.read",
            record_type=record_type,
            record_id=record_id,
            owner=owner,
            buyer_id=buyer.id,
            fields=["name", "phone"],
            purpose=purpose,
        )
        uow.commit()
    return contact


def buyer_owner(buyer: BuyerRecord) -> Ownership:
    """Who holds a buyer record by itself: the buyer (organisers by county)."""
    return Ownership(county_code=buyer.county_code, buyer_id=buyer.id)
