"""The base of the service-chain SQL repositories: one session, records from rows.

Never commits. Bulk updates skip session synchronisation, so reads of ORM rows use
``populate_existing`` to see them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import fields
from decimal import Decimal
from functools import cache
from typing import TYPE_CHECKING, Any, TypeVar, cast

from sqlalchemy import update

from nevrural.adapters.db.rows import as_utc

if TYPE_CHECKING:
    from _typeshed import DataclassInstance
    from sqlalchemy import ColumnElement
    from sqlalchemy.engine import CursorResult, Result
    from sqlalchemy.orm import Session
    from sqlalchemy.sql import Select

    from nevrural.adapters.db.rows import Base

__all__ = ["SqlChainRepository", "count_affected", "to_record", "to_utc"]

_R = TypeVar("_R", bound="DataclassInstance")
_Row = TypeVar("_Row", bound="Base")
_CENT = Decimal("0.01")


def to_utc(moment: dt.datetime) -> dt.datetime:
    """``moment`` as an aware UTC datetime (SQLite returns it without a zone)."""
    return as_utc(moment).astimezone(dt.UTC)


def count_affected(result: Result[Any]) -> int:
    """Rows an UPDATE or DELETE matched."""
    return int(cast("CursorResult[Any]", result).rowcount)


@cache
def _field_names(kind: type[DataclassInstance]) -> tuple[str, ...]:
    return tuple(f.name for f in fields(kind))


def _normalised(value: object) -> object:
    if isinstance(value, dt.datetime):
        return to_utc(value)
    if isinstance(value, Decimal):
        return value.quantize(_CENT)
    return value


def to_record(kind: type[_R], row: object, **given: Any) -> _R:
    """A ``kind`` record from the row's attributes of the same names, ``given`` ones replaced.

    Moments come back as aware UTC datetimes and money as CNY to the cent.
    """
    names = (n for n in _field_names(kind) if n not in given)
    return kind(**{n: _normalised(getattr(row, n)) for n in names}, **given)


class SqlChainRepository:
    """Base of the service-chain repositories: one session, never committed here."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def _add(self, row: _Row) -> _Row:
        """Insert ``row`` now (its id is then known)."""
        self._session.add(row)
        self._session.flush()
        return row

    def _update(self, table: type[Base], *where: ColumnElement[bool], **values: Any) -> int:
        """One ``UPDATE table SET values WHERE where``; returns how many rows it matched."""
        statement = update(table).where(*where).values(**values)
        result = self._session.execute(statement.execution_options(synchronize_session=False))
        return count_affected(result)

    def _fresh(self, query: Select[_Row]) -> list[_Row]:
        """ORM rows of ``query`` re-read from the database (bulk updates skip the session)."""
        return list(self._session.scalars(query.execution_options(populate_existing=True)))
