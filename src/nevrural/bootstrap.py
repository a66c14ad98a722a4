"""The one place where concrete adapters are chosen and wired together."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session, sessionmaker

from nevrural.adapters.db.engine import create_db_engine
from nevrural.adapters.db.migrate import migrate_database
from nevrural.adapters.db.unit_of_work import SqlUnitOfWork
from nevrural.adapters.files.caravan_ics import (
    caravan_calendar,
    county_calendar,
    plan_calendar,
    write_itinerary_files,
)
from nevrural.adapters.files.exports import write_csv, write_geojson
from nevrural.adapters.files.linkage_candidates import CandidateTable, read_linkage_candidates
from nevrural.adapters.files.offer_files import (
    PackagedPolicySource,
    read_json_mapping,
    read_rule_mappings,
)
from nevrural.adapters.files.orlib import OrlibPMedian, read_orlib_pmed
from nevrural.adapters.files.siting_points import read_siting_points
from nevrural.adapters.files.solomon import read_solomon
from nevrural.adapters.files.tabular import Table, read_table
from nevrural.adapters.packages.atlas_source import PackageAtlasSource
from nevrural.adapters.security.api_keys import (
    NewApiKey,
    api_key_matches,
    new_api_key,
    parse_api_key,
)
from nevrural.adapters.security.keys import load_or_create_key
from nevrural.adapters.security.passwords import Argon2PasswordHasher, check_password_strength
from nevrural.adapters.security.pii_cipher import AesGcmFieldCipher
from nevrural.adapters.security.tokens import JwtTokenIssuer
from nevrural.config import Settings
from nevrural.services.chain_context import ChainContext
from nevrural.services.offer_catalogue import OfferCatalogue

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from datetime import datetime
    from decimal import Decimal
    from pathlib import Path

    from sqlalchemy import Engine

    from nevrural.core.routing.vrptw import VrptwProblem
    from nevrural.core.siting.points import PointSites

__all__ = ["Container", "FileTableReader", "build_container"]


class FileTableReader:
    """``TableReader`` for CSV/XLSX files on disk."""

    def read(self, path: Path) -> Table:
        """Read ``path`` into a ``Table``."""
        return read_table(path)


@dataclass
class Container:
    """Wired adapters for one process: engine, units of work, sources and readers."""

    settings: Settings
    engine: Engine
    session_factory: sessionmaker[Session]
    atlas_source: PackageAtlasSource = field(default_factory=PackageAtlasSource)
    table_reader: FileTableReader = field(default_factory=FileTableReader)
    offers: OfferCatalogue = field(default_factory=lambda: OfferCatalogue(PackagedPolicySource()))

    def uow(self) -> SqlUnitOfWork:
        """A new unit of work (use with ``with``)."""
        return SqlUnitOfWork(self.session_factory)

    @cached_property
    def chain(self) -> ChainContext:
        """The service chain's context: storage, personal-data vault, passwords, tokens.

        Keys come from ``NEVRURAL_PII_KEY`` / ``NEVRURAL_JWT_SECRET`` or from key files
        under ``var_dir`` created on first run (mode 0600).
        """
        settings = self.settings
        pii_key = load_or_create_key(
            settings.pii_key, settings.var_dir / "pii.key", name="NEVRURAL_PII_KEY"
        )
        jwt_key = load_or_create_key(
            settings.jwt_secret, settings.var_dir / "jwt.key", name="NEVRURAL_JWT_SECRET"
        )
        return ChainContext(
            uow_factory=self.uow,
            vault=AesGcmFieldCipher(pii_key),
            passwords=Argon2PasswordHasher(
                time_cost=settings.argon2_time_cost, memory_cost=settings.argon2_memory_kib
            ),
            tokens=JwtTokenIssuer(jwt_key, ttl=dt.timedelta(minutes=settings.token_ttl_minutes)),
        )

    def new_api_key(self) -> NewApiKey:
        """A fresh API key (its token is shown once)."""
        return new_api_key()

    def parse_api_key(self, token: str) -> tuple[str, str]:
        """(key id, secret) of an API key token; ValueError when malformed."""
        return parse_api_key(token)

    def api_key_matches(self, secret: str, stored_digest: str) -> bool:
        """Whether the secret matches the stored SHA-256 (constant time)."""
        return api_key_matches(secret, stored_digest)

    def check_password_strength(self, password: str) -> None:
        """ValueError naming ``password`` when it is too weak."""
        check_password_strength(password)

    def read_linkage_candidates(self, path: Path) -> CandidateTable:
        """Candidate cities from a CSV/XLSX/JSON file (refused whole on any problem)."""
        return read_linkage_candidates(path)

    def write_geojson(self, path: Path, collection: dict[str, Any]) -> Path:
        """Write a GeoJSON FeatureCollection file."""
        return write_geojson(path, collection)

    def write_csv(self, path: Path, header: Sequence[str], rows: Sequence[Sequence[str]]) -> Path:
        """Write a CSV file (UTF-8 with BOM)."""
        return write_csv(path, header, rows)

    def event_calendar(
        self,
        document: Mapping[str, Any],
        *,
        plan_id: str,
        stamp: datetime,
        caravan: str | None = None,
        county: str | None = None,
    ) -> bytes:
        """ICS of a stored event plan's itinerary: one caravan's, one county's, or all."""
        if caravan is not None:
            return caravan_calendar(document, caravan, plan_id=plan_id, stamp=stamp)
        if county is not None:
            return county_calendar(document, county, plan_id=plan_id, stamp=stamp)
        return plan_calendar(document, plan_id=plan_id, stamp=stamp)

    def write_event_plan_files(
        self,
        directory: Path,
        document: Mapping[str, Any],
        routes: Mapping[str, Any],
        *,
        plan_id: str,
        stamp: datetime,
    ) -> list[Path]:
        """Itinerary JSON/CSV, routes GeoJSON and ICS per caravan and county, in a folder."""
        return write_itinerary_files(directory, document, routes, plan_id=plan_id, stamp=stamp)

    def read_rule_mappings(self, path: Path) -> list[dict[str, Any]]:
        """New rule versions from a YAML file with ``rules:`` (dates as ISO text)."""
        return read_rule_mappings(path)

    def read_json_mapping(self, path: Path) -> dict[str, Any]:
        """A JSON object from a file (a quote request)."""
        return read_json_mapping(path)

    def read_orlib_pmed(self, path: Path) -> OrlibPMedian:
        """An OR-Library p-median instance (refused whole on any problem)."""
        return read_orlib_pmed(path)

    def read_solomon(self, path: Path) -> VrptwProblem:
        """A Solomon VRPTW instance, CVRPLIB convention (refused whole on any problem)."""
        return read_solomon(path)

    def read_siting_points(
        self,
        demand_path: Path,
        sites_path: Path,
        *,
        radius_km: float,
        k_nearest: int = 0,
        budget_cny: Decimal | None = None,
    ) -> PointSites:
        """Demand and site CSV/XLSX files as a siting problem (refused whole on any problem)."""
        return read_siting_points(
            demand_path, sites_path, radius_km=radius_km, k_nearest=k_nearest, budget_cny=budget_cny
        )

    def migrate(self) -> None:
        """Bring the database schema to the latest migration."""
        migrate_database(self.engine)

    @property
    def database_backend(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    def dispose(self) -> None:
        """Close pooled connections."""
        self.engine.dispose()


def build_container(settings: Settings | None = None) -> Container:
    """Wire the adapters for ``settings`` (read from the environment when omitted)."""
    settings = settings or Settings()
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    engine = create_db_engine(settings.resolved_database_url())
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    return Container(settings=settings, engine=engine, session_factory=factory)
