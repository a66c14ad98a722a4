"""``SqlUnitOfWork``: one session and transaction over every repository."""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

from nevrural.adapters.db.atlas_repository import SqlAtlasRepository
from nevrural.adapters.db.campaign_repository import SqlCampaignRepository
from nevrural.adapters.db.chain_aftersales_repository import SqlAftersalesRepository
from nevrural.adapters.db.chain_catalogue_repository import SqlCatalogueRepository
from nevrural.adapters.db.chain_lead_repository import SqlLeadRepository
from nevrural.adapters.db.chain_order_repository import SqlOrderRepository
from nevrural.adapters.db.chain_shared_repository import (
    SqlAuditRepository,
    SqlBuyerRepository,
    SqlEnterpriseRepository,
    SqlUserRepository,
)
from nevrural.adapters.db.offer_repository import (
    SqlClaimRepository,
    SqlPolicyRepository,
    SqlQuoteRepository,
)
from nevrural.adapters.db.scenario_repository import SqlScenarioRepository

if TYPE_CHECKING:
    from types import TracebackType

    from sqlalchemy.orm import Session, sessionmaker

__all__ = ["SqlUnitOfWork"]


class SqlUnitOfWork:
    """Use as ``with uow: ...; uow.commit()``; anything not committed is rolled back."""

    atlas: SqlAtlasRepository
    campaigns: SqlCampaignRepository
    scenarios: SqlScenarioRepository
    policies: SqlPolicyRepository
    quotes: SqlQuoteRepository
    claims: SqlClaimRepository
    enterprises: SqlEnterpriseRepository
    buyers: SqlBuyerRepository
    users: SqlUserRepository
    audit: SqlAuditRepository
    catalogue: SqlCatalogueRepository
    orders: SqlOrderRepository
    aftersales: SqlAftersalesRepository
    leads: SqlLeadRepository

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._session_factory = session_factory
        self._session: Session | None = None

    def __enter__(self) -> Self:
        self._session = self._session_factory()
        self.atlas = SqlAtlasRepository(self._session)
        self.campaigns = SqlCampaignRepository(self._session)
        self.scenarios = SqlScenarioRepository(self._session)
        self.policies = SqlPolicyRepository(self._session)
        self.quotes = SqlQuoteRepository(self._session)
        self.claims = SqlClaimRepository(self._session)
        self.enterprises = SqlEnterpriseRepository(self._session)
        self.buyers = SqlBuyerRepository(self._session)
        self.users = SqlUserRepository(self._session)
        self.audit = SqlAuditRepository(self._session)
        self.catalogue = SqlCatalogueRepository(self._session)
        self.orders = SqlOrderRepository(self._session)
        self.aftersales = SqlAftersalesRepository(self._session)
        self.leads = SqlLeadRepository(self._session)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self._session is not None
        try:
            self._session.rollback()
        finally:
            self._session.close()
            self._session = None

    def commit(self) -> None:
        """Commit the transaction."""
        assert self._session is not None, "commit() outside `with`"
        self._session.commit()

    def rollback(self) -> None:
        """Discard everything since the last commit."""
        assert self._session is not None, "rollback() outside `with`"
        self._session.rollback()
