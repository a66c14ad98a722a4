"""Catalogue storage in SQL: models, dealer stock, service points, sales events, livestreams.

Never commits. A stock change is one conditional ``UPDATE`` (``reserved_units + 1 ≤
on_hand_units`` to reserve), so concurrent buyers cannot oversell; stock is read as plain
columns, never through the session's identity map.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import insert, select, update

from nevrural.adapters.db.chain_repository_base import SqlChainRepository, to_record
from nevrural.adapters.db.chain_rows import (
    LivestreamRow,
    SalesEventRow,
    ServicePointRow,
    StockRow,
    VehicleModelRow,
)
from nevrural.services.chain_catalogue_ports import (
    LivestreamRecord,
    SalesEventRecord,
    ServicePointRecord,
    StockRecord,
    VehicleModelRecord,
)

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Sequence
    from decimal import Decimal

    from sqlalchemy import ColumnElement

__all__ = ["SqlCatalogueRepository"]

_STOCK_COLUMNS = (
    StockRow.dealer_id,
    StockRow.model_id,
    StockRow.on_hand_units,
    StockRow.reserved_units,
)


def _at(dealer_id: int, model_id: int) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    return StockRow.dealer_id == dealer_id, StockRow.model_id == model_id


class SqlCatalogueRepository(SqlChainRepository):
    """Models, stock, service points, events and livestreams through one session."""

    def add_model(
        self,
        *,
        automaker_id: int,
        code: str,
        name_zh: str,
        name_en: str,
        vehicle_class: str,
        powertrain: str,
        seats: int,
        payload_kg: int,
        winter_range_km: int,
        price_cny: Decimal,
        is_demo: bool,
    ) -> VehicleModelRecord:
        """Store a model; returns it with its id."""
        row = self._add(
            VehicleModelRow(
                automaker_id=automaker_id,
                code=code,
                name_zh=name_zh,
                name_en=name_en,
                vehicle_class=vehicle_class,
                powertrain=powertrain,
                seats=seats,
                payload_kg=payload_kg,
                winter_range_km=winter_range_km,
                price_cny=price_cny,
                is_demo=is_demo,
            )
        )
        return to_record(VehicleModelRecord, row)

    def model(self, model_id: int) -> VehicleModelRecord | None:
        """One model, or None (a Core SELECT: no identity-map work on the order path)."""
        table = VehicleModelRow.__table__
        row = self._session.execute(select(table).where(table.c.id == model_id)).first()
        return to_record(VehicleModelRecord, row) if row is not None else None

    def models(self, automaker_id: int | None = None) -> list[VehicleModelRecord]:
        """Every model (of one automaker), by id."""
        query = select(VehicleModelRow).order_by(VehicleModelRow.id)
        if automaker_id is not None:
            query = query.where(VehicleModelRow.automaker_id == automaker_id)
        return [to_record(VehicleModelRecord, r) for r in self._session.scalars(query)]

    def set_stock(self, dealer_id: int, model_id: int, on_hand_units: int) -> StockRecord:
        """Set the units on hand, adding the row; ValueError below the reserved units."""
        if on_hand_units < 0:
            raise ValueError(f"on_hand_units must be at least 0, got {on_hand_units}")
        changed = self._session.execute(
            update(StockRow)
            .where(*_at(dealer_id, model_id), StockRow.reserved_units <= on_hand_units)
            .values(on_hand_units=on_hand_units)
            .returning(StockRow.reserved_units)
            .execution_options(synchronize_session=False)
        ).scalar_one_or_none()
        if changed is not None:
            return StockRecord(dealer_id, model_id, on_hand_units, int(changed))
        held = self.stock(dealer_id, model_id)
        if held is not None:
            raise ValueError(
                f"on_hand_units {on_hand_units} is below the {held.reserved_units} units"
                f" reserved of model {model_id} at dealer {dealer_id}"
            )
        self._session.execute(
            insert(StockRow).values(
                dealer_id=dealer_id,
                model_id=model_id,
                on_hand_units=on_hand_units,
                reserved_units=0,
            )
        )
        return StockRecord(dealer_id, model_id, on_hand_units, 0)

    def stock(self, dealer_id: int, model_id: int) -> StockRecord | None:
        """Units of the model at the dealer, or None when it never stocked it."""
        found = self._session.execute(
            select(*_STOCK_COLUMNS).where(*_at(dealer_id, model_id))
        ).one_or_none()
        return StockRecord(*found) if found is not None else None

    def stock_of(self, dealer_id: int) -> list[StockRecord]:
        """Every stock row of the dealer, by model id."""
        query = (
            select(*_STOCK_COLUMNS)
            .where(StockRow.dealer_id == dealer_id)
            .order_by(StockRow.model_id)
        )
        return [StockRecord(*r) for r in self._session.execute(query)]

    def available_by_dealer(self, model_id: int, dealer_ids: Sequence[int]) -> dict[int, int]:
        """Units of the model each given dealer can still reserve (0 without a stock row)."""
        available = dict.fromkeys(dealer_ids, 0)
        if not available:
            return available
        query = select(StockRow.dealer_id, StockRow.on_hand_units - StockRow.reserved_units).where(
            StockRow.model_id == model_id, StockRow.dealer_id.in_(list(available))
        )
        for dealer_id, units in self._session.execute(query):
            available[dealer_id] = int(units)
        return available

    def reserve(self, dealer_id: int, model_id: int) -> bool:
        """Reserve one unit if one is free (one conditional UPDATE); False when none is."""
        has_free = StockRow.reserved_units < StockRow.on_hand_units
        changed = self._update(
            StockRow,
            *_at(dealer_id, model_id),
            has_free,
            reserved_units=StockRow.reserved_units + 1,
        )
        return changed == 1

    def change_stock(self, dealer_id: int, model_id: int, reserved: int, on_hand: int) -> None:
        """Apply deltas to reserved and on-hand units; ValueError if that breaks the stock."""
        reserved_after = StockRow.reserved_units + reserved
        on_hand_after = StockRow.on_hand_units + on_hand
        changed = self._update(
            StockRow,
            *_at(dealer_id, model_id),
            reserved_after >= 0,
            reserved_after <= on_hand_after,
            reserved_units=reserved_after,
            on_hand_units=on_hand_after,
        )
        if changed != 1:
            held = self.stock(dealer_id, model_id)
            raise ValueError(
                f"cannot change the stock of model {model_id} at dealer {dealer_id} by"
                f" reserved_units {reserved:+d} and on_hand_units {on_hand:+d}: it holds {held}"
            )

    def add_service_point(
        self,
        *,
        enterprise_id: int,
        kind: str,
        name_zh: str,
        county_code: str,
        lon: float,
        lat: float,
        is_open: bool,
    ) -> ServicePointRecord:
        """Store a service point (degrees); returns it with its id."""
        row = self._add(
            ServicePointRow(
                enterprise_id=enterprise_id,
                kind=kind,
                name_zh=name_zh,
                county_code=county_code,
                lon=lon,
                lat=lat,
                is_open=is_open,
            )
        )
        return to_record(ServicePointRecord, row)

    def service_points(
        self, county_prefix: str = "", enterprise_id: int | None = None
    ) -> list[ServicePointRecord]:
        """Service points in counties under the prefix (of one enterprise), by id."""
        query = select(ServicePointRow).order_by(ServicePointRow.id)
        if county_prefix:
            query = query.where(
                ServicePointRow.county_code.startswith(county_prefix, autoescape=True)
            )
        if enterprise_id is not None:
            query = query.where(ServicePointRow.enterprise_id == enterprise_id)
        return [to_record(ServicePointRecord, r) for r in self._fresh(query)]

    def service_point(self, point_id: int) -> ServicePointRecord | None:
        """One service point, or None."""
        row = self._session.get(ServicePointRow, point_id, populate_existing=True)
        return to_record(ServicePointRecord, row) if row is not None else None

    def set_service_point_open(self, point_id: int, is_open: bool) -> None:
        """Open or close a service point."""
        self._update(ServicePointRow, ServicePointRow.id == point_id, is_open=is_open)

    def add_event(
        self,
        *,
        plan_event_ref: str,
        county_code: str,
        venue_zh: str,
        held_on: dt.date,
        lon: float,
        lat: float,
    ) -> SalesEventRecord:
        """Store a sales event (degrees); returns it with its id."""
        row = self._add(
            SalesEventRow(
                plan_event_ref=plan_event_ref,
                county_code=county_code,
                venue_zh=venue_zh,
                held_on=held_on,
                lon=lon,
                lat=lat,
            )
        )
        return to_record(SalesEventRecord, row)

    def event(self, event_id: int) -> SalesEventRecord | None:
        """One sales event, or None."""
        row = self._session.get(SalesEventRow, event_id)
        return to_record(SalesEventRecord, row) if row is not None else None

    def events(self, county_prefix: str = "", limit: int = 200) -> list[SalesEventRecord]:
        """Sales events in counties under the prefix, by date then id."""
        query = select(SalesEventRow)
        if county_prefix:
            query = query.where(
                SalesEventRow.county_code.startswith(county_prefix, autoescape=True)
            )
        query = query.order_by(SalesEventRow.held_on, SalesEventRow.id).limit(limit)
        return [to_record(SalesEventRecord, r) for r in self._session.scalars(query)]

    def add_livestream(
        self,
        *,
        enterprise_id: int,
        title_zh: str,
        county_code: str,
        starts_at: dt.datetime,
        ends_at: dt.datetime,
    ) -> LivestreamRecord:
        """Store a livestream session; returns it with its id."""
        row = self._add(
            LivestreamRow(
                enterprise_id=enterprise_id,
                title_zh=title_zh,
                county_code=county_code,
                starts_at=starts_at,
                ends_at=ends_at,
            )
        )
        return to_record(LivestreamRecord, row)

    def livestream(self, livestream_id: int) -> LivestreamRecord | None:
        """One livestream session, or None."""
        row = self._session.get(LivestreamRow, livestream_id)
        return to_record(LivestreamRecord, row) if row is not None else None

    def livestreams(self, enterprise_id: int | None = None) -> list[LivestreamRecord]:
        """Livestream sessions (of one enterprise), by start then id."""
        query = select(LivestreamRow).order_by(LivestreamRow.starts_at, LivestreamRow.id)
        if enterprise_id is not None:
            query = query.where(LivestreamRow.enterprise_id == enterprise_id)
        return [to_record(LivestreamRecord, r) for r in self._session.scalars(query)]
