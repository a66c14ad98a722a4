"""Ports: what the use cases need from storage and data sources, by role.

Adapters implement them (``Sql*`` for the database, ``Package*`` for data packages);
tests may use fakes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, Self

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Iterable, Mapping, Sequence
    from decimal import Decimal
    from pathlib import Path
    from types import TracebackType

    from nevrural.core.atlas.assembly import AtlasInputs, CountyBoundary
    from nevrural.core.atlas.divisions import Division, Level
    from nevrural.core.atlas.indicators import IndicatorValue
    from nevrural.core.offers.rules import CombinedCap, PolicyRule

__all__ = [
    "AtlasRepository",
    "AtlasSource",
    "BoundaryFeature",
    "Campaign",
    "CampaignRepository",
    "CandidateColumns",
    "ClaimRecord",
    "ClaimRepository",
    "LinkageCandidates",
    "Located",
    "PolicyRepository",
    "PolicySource",
    "Progress",
    "QuoteDraft",
    "QuoteRecord",
    "QuoteRepository",
    "RuleVersionRecord",
    "Scenario",
    "ScenarioDraft",
    "ScenarioRepository",
    "TableReader",
    "TabularData",
    "UnitOfWork",
]


@dataclass(frozen=True, slots=True)
class Located:
    """An imported position that must survive an atlas rebuild (degrees)."""

    code: str
    lon: float
    lat: float
    source: str


@dataclass(frozen=True, slots=True)
class BoundaryFeature:
    """A county boundary ready to draw: code, name and GeoJSON geometry text."""

    code: str
    name: str
    geometry_json: str
    area_km2: float


@dataclass(frozen=True, slots=True)
class Campaign:
    """A promotion campaign (dates inclusive; scope = division code, "000000" = nation)."""

    slug: str
    name_zh: str
    name_en: str
    starts_on: dt.date
    ends_on: dt.date
    scope_code: str
    is_demo: bool


@dataclass(frozen=True, slots=True)
class ScenarioDraft:
    """A planning scenario to store: its kind, parameters and result (JSON-ready dicts)."""

    kind: str
    name: str
    params: dict[str, Any]
    result: dict[str, Any]
    seconds: float
    is_demo: bool = False


@dataclass(frozen=True, slots=True)
class Scenario:
    """A stored planning scenario."""

    id: int
    kind: str
    name: str
    created_at: dt.datetime
    params: dict[str, Any]
    result: dict[str, Any]
    seconds: float
    is_demo: bool


@dataclass(frozen=True, slots=True)
class RuleVersionRecord:
    """A stored rule version: its mapping as given (dates as ISO text) and where it came from."""

    id: int
    rule_id: str
    version: int
    body: dict[str, Any]
    source: str  # "user" or "demo"
    is_example: bool
    created_at: dt.datetime


@dataclass(frozen=True, slots=True)
class QuoteDraft:
    """A quote to store: the request as given, the rendered quote and what it paid (CNY).

    ``amounts`` maps each applied rule id to its amount (CNY, text with two decimals);
    ``rule_versions`` maps every rule evaluated to the version used.
    """

    buyer_ref: str
    county_code: str
    purchase_date: dt.date
    request: dict[str, Any]
    result: dict[str, Any]
    net_price_cny: Decimal
    rule_versions: dict[str, int]
    amounts: dict[str, str]


@dataclass(frozen=True, slots=True)
class QuoteRecord:
    """A stored quote: its id, when it was stored, and what was stored."""

    id: int
    created_at: dt.datetime
    draft: QuoteDraft


@dataclass(frozen=True, slots=True)
class ClaimRecord:
    """A subsidy claim on one applied item of a stored quote (CNY)."""

    id: int
    quote_id: int
    rule_id: str
    rule_version: int
    amount_cny: Decimal
    status: str
    created_at: dt.datetime


class PolicySource(Protocol):
    """The rule catalogues shipped with the platform (national rules and examples)."""

    def load(self) -> tuple[tuple[PolicyRule, ...], tuple[CombinedCap, ...]]:
        """Every packaged rule and combined cap, in file order."""


class Progress(Protocol):
    """Reports progress of long work (a Rich bar in the CLI, nothing in the API)."""

    def step(self, description: str) -> None:
        """Announce the next step."""


class AtlasSource(Protocol):
    """Where the embedded atlas comes from."""

    def load(self) -> AtlasInputs:
        """Read and check the inputs."""

    def describe(self) -> list[dict[str, str]]:
        """The files used, with versions, licences and checksums."""


class LinkageCandidates(Protocol):
    """Candidate cities for a linkage run, as read from a file or built for the demo.

    ``lon_deg``/``lat_deg`` are None when the file has no coordinates (the atlas then
    supplies them); ``features`` has one row per candidate, in ``feature_names`` order.
    """

    @property
    def file_name(self) -> str: ...
    @property
    def codes(self) -> tuple[str, ...]: ...
    @property
    def names(self) -> tuple[str, ...]: ...
    @property
    def province_codes(self) -> tuple[str, ...]: ...
    @property
    def lon_deg(self) -> tuple[float, ...] | None: ...
    @property
    def lat_deg(self) -> tuple[float, ...] | None: ...
    @property
    def themes(self) -> tuple[frozenset[str], ...]: ...
    @property
    def feature_names(self) -> tuple[str, ...]: ...
    @property
    def features(self) -> tuple[tuple[float, ...], ...]: ...


@dataclass(frozen=True)
class CandidateColumns:
    """Candidate cities as plain columns; satisfies ``LinkageCandidates``."""

    file_name: str
    codes: tuple[str, ...]
    names: tuple[str, ...]
    province_codes: tuple[str, ...]
    lon_deg: tuple[float, ...] | None
    lat_deg: tuple[float, ...] | None
    themes: tuple[frozenset[str], ...]
    feature_names: tuple[str, ...]
    features: tuple[tuple[float, ...], ...]


class TabularData(Protocol):
    """A read table: header and ``(row number, cells)`` rows, as a spreadsheet numbers them."""

    @property
    def file_name(self) -> str: ...
    @property
    def header(self) -> Sequence[str]: ...
    @property
    def rows(self) -> Sequence[tuple[int, Sequence[str]]]: ...
    @property
    def header_row(self) -> int: ...


class TableReader(Protocol):
    """Reads a CSV/XLSX file into a header and numbered rows."""

    def read(self, path: Path) -> TabularData:
        """The table (see ``adapters.files.tabular``)."""


class AtlasRepository(Protocol):
    """Divisions, boundaries and indicators in storage. Never commits."""

    def has_atlas(self) -> bool: ...
    def clear(self) -> None: ...
    def add_divisions(self, divisions: Sequence[Division], sources: Mapping[str, str]) -> None: ...
    def add_boundaries(self, boundaries: Sequence[CountyBoundary]) -> None: ...
    def upsert_indicators(self, values: Iterable[IndicatorValue]) -> int: ...
    def record_build(self, sources: list[dict[str, str]], counts: dict[str, int]) -> None: ...
    def record_import(
        self, kind: str, file_name: str, sha256: str, applied: int, report: dict[str, Any]
    ) -> int: ...
    def set_locations(self, located: Sequence[Located], quality: str) -> None: ...
    def exact_locations(self) -> list[Located]: ...
    def imported_indicators(self) -> list[IndicatorValue]: ...
    def divisions(
        self,
        level: Level | None = None,
        parent_code: str | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[Division]: ...
    def get_division(self, code: str) -> Division | None: ...
    def location_sources(self, codes: Sequence[str]) -> dict[str, str | None]: ...
    def count_by_level(self) -> dict[Level, int]: ...
    def count_children(self, code: str) -> int: ...
    def child_counts(self, level: Level) -> dict[str, int]: ...
    def count_boundaries(self) -> int: ...
    def boundary_areas_km2(self) -> dict[str, float]: ...
    def boundary_features(
        self, simplified: bool, province_code: str | None
    ) -> list[BoundaryFeature]: ...
    def indicators_of(self, county_code: str) -> list[IndicatorValue]: ...
    def indicator_coverage(self) -> dict[str, dict[str, int]]: ...
    def indicator_snapshot(self) -> list[IndicatorValue]: ...
    def last_build(self) -> dict[str, Any] | None: ...


class CampaignRepository(Protocol):
    """Campaigns in storage. Never commits."""

    def get(self, slug: str) -> Campaign | None: ...
    def add(self, campaign: Campaign) -> None: ...
    def list(self) -> list[Campaign]: ...


class ScenarioRepository(Protocol):
    """Stored planning scenarios. Never commits."""

    def add(self, draft: ScenarioDraft) -> int: ...
    def get(self, kind: str, scenario_id: int) -> Scenario | None: ...
    def list(self, kind: str, limit: int = 100) -> list[Scenario]: ...
    def latest_demo(self, kind: str) -> Scenario | None: ...


class PolicyRepository(Protocol):
    """Rule versions added after packaging (users, demo). Never commits."""

    def add(
        self, rule_id: str, version: int, body: dict[str, Any], source: str, is_example: bool
    ) -> int: ...
    def list(self) -> list[RuleVersionRecord]: ...
    def stamp(self) -> tuple[int, int]:
        """(count, highest id): changes whenever a version is added."""

    def has_source(self, source: str) -> bool: ...


class QuoteRepository(Protocol):
    """Stored quotes. Never commits."""

    def add(self, draft: QuoteDraft) -> QuoteRecord: ...
    def get(self, quote_id: int) -> QuoteRecord | None: ...
    def in_scope(
        self, county_prefix: str, starts_on: dt.date, ends_on: dt.date | None
    ) -> list[QuoteRecord]:
        """Quotes of buyers whose county code starts with the prefix, bought in the dates."""

    def amounts_in_scope(self, county_prefix: str) -> list[dict[str, str]]:
        """The applied amounts (rule id to CNY text) of every quote under the prefix."""

    def count(self) -> int: ...


class ClaimRepository(Protocol):
    """Subsidy claims on stored quotes. Never commits."""

    def add(
        self, quote_id: int, rule_id: str, rule_version: int, amount_cny: Decimal, status: str
    ) -> ClaimRecord: ...
    def get(self, claim_id: int) -> ClaimRecord | None: ...
    def of_quotes(self, quote_ids: Sequence[int]) -> list[ClaimRecord]: ...


class UnitOfWork(Protocol):
    """One transaction over the repositories: commit explicitly, roll back on error."""

    @property
    def atlas(self) -> AtlasRepository:
        """The atlas repository of this transaction."""

    @property
    def campaigns(self) -> CampaignRepository:
        """The campaign repository of this transaction."""

    @property
    def scenarios(self) -> ScenarioRepository:
        """The scenario repository of this transaction."""

    @property
    def policies(self) -> PolicyRepository:
        """The rule version repository of this transaction."""

    @property
    def quotes(self) -> QuoteRepository:
        """The quote repository of this transaction."""

    @property
    def claims(self) -> ClaimRepository:
        """The claim repository of this transaction."""

    def __enter__(self) -> Self: ...
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...
    def commit(self) -> None: ...
    def rollback(self) -> None: ...
