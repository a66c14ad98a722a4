"""``SqlScenarioRepository``: stored planning scenarios. Never commits."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import select

from nevrural.adapters.db.rows import ScenarioRow, as_utc
from nevrural.services.ports import Scenario, ScenarioDraft

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

__all__ = ["SqlScenarioRepository"]


def _scenario(row: ScenarioRow) -> Scenario:
    return Scenario(
        id=row.id,
        kind=row.kind,
        name=row.name,
        created_at=as_utc(row.created_at),
        params=row.params,
        result=row.result,
        seconds=row.seconds,
        is_demo=row.is_demo,
    )


class SqlScenarioRepository:
    """The scenarios table through one SQLAlchemy session."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, draft: ScenarioDraft) -> int:
        """Store a scenario; returns its id."""
        row = ScenarioRow(
            kind=draft.kind,
            name=draft.name,
            created_at=dt.datetime.now(dt.UTC),
            params=draft.params,
            result=draft.result,
            seconds=draft.seconds,
            is_demo=draft.is_demo,
        )
        self._session.add(row)
        self._session.flush()
        return row.id

    def get(self, kind: str, scenario_id: int) -> Scenario | None:
        """One scenario of ``kind``."""
        row = self._session.get(ScenarioRow, scenario_id)
        return _scenario(row) if row is not None and row.kind == kind else None

    def list(self, kind: str, limit: int = 100) -> list[Scenario]:
        """Scenarios of ``kind``, newest first (results included)."""
        rows = self._session.scalars(
            select(ScenarioRow)
            .where(ScenarioRow.kind == kind)
            .order_by(ScenarioRow.id.desc())
            .limit(limit)
        )
        return [_scenario(r) for r in rows]

    def latest_demo(self, kind: str) -> Scenario | None:
        """The newest demo scenario of ``kind``."""
        row = self._session.scalars(
            select(ScenarioRow)
            .where(ScenarioRow.kind == kind, ScenarioRow.is_demo.is_(True))
            .order_by(ScenarioRow.id.desc())
            .limit(1)
        ).first()
        return _scenario(row) if row else None
