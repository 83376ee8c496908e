"""The monitoring return's reads and the managers' entries (docs/monitoring-return.md).

The referrals a period touches are found through one index per kind of event (received,
first session, outcome, a session held, an end measure), so the work grows with the period,
not with the years of data kept; their sessions and measures are read by referral id, in
chunks. The counting itself is state_machine/monitoring.py.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import fields
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import CompoundSelect, Select, select, union
from sqlalchemy.ext.asyncio import AsyncSession

from state_machine.clock import Clock
from state_machine.monitoring import CaseRecord, Entered, MeasureRecord, SessionRecord
from state_machine.periods import Period
from storage.audit import AuditLog
from storage.models import DistanceMeasure, MonitoringEntry, ParentingSession, Referral

CHUNK = 2000  # referral ids per read of their rows: well under every driver's parameter limit
Progress = Callable[[int, int], None]  # (referrals read so far, referrals in all)


def touching(period: Period, tz: ZoneInfo) -> CompoundSelect[Any]:
    """The ids of referrals with anything the return counts in `period`, each part on its
    own index (docs/performance.md shows the plan)."""
    start, end = period.starts_at(tz), period.ends_at(tz)
    first, last = period.first_day, period.last_day
    r, s, m = Referral, ParentingSession, DistanceMeasure
    return union(
        select(r.id).where(r.received_at >= start, r.received_at < end),
        select(r.id).where(r.first_session_date >= first, r.first_session_date <= last),
        select(r.id).where(r.outcome_recorded_at >= start, r.outcome_recorded_at < end),
        select(s.referral_id).where(s.held_on >= first, s.held_on <= last),
        select(m.referral_id).where(m.measured_on >= first, m.measured_on <= last),
    )


class MonitoringStore:
    def __init__(self, session: AsyncSession, clock: Clock, audit: AuditLog) -> None:
        self._session = session
        self._clock = clock
        self._audit = audit

    async def cases(
        self,
        period: Period,
        tz: ZoneInfo,
        la_codes: Sequence[str] | None = None,
        progress: Progress | None = None,
    ) -> list[CaseRecord]:
        """Every referral the period touches (held by, or referred to, one of `la_codes` if
        given), with its sessions and measures."""
        found: CompoundSelect[Any] | Select[int] = touching(period, tz)
        if la_codes is not None:  # only theirs: an LA's return reads its own cases' rows
            r, touched = Referral, found.subquery()
            found = select(r.id).where(
                r.id.in_(select(touched.c.id)),
                r.la_code.in_(la_codes) | r.referred_la_code.in_(la_codes),
            )
        ids = sorted({int(i) for i in await self._session.scalars(found)})
        out: list[CaseRecord] = []
        for at in range(0, len(ids), CHUNK):
            out.extend(await self._chunk(ids[at : at + CHUNK], la_codes))
            if progress is not None:
                progress(min(at + CHUNK, len(ids)), len(ids))
        return out

    async def _chunk(self, ids: Sequence[int], la_codes: Sequence[str] | None) -> list[CaseRecord]:
        r = Referral
        query = select(
            r.id, r.la_code, r.referred_la_code, r.received_at, r.session_language,
            r.first_session_date, r.outcome, r.outcome_recorded_at,
        ).where(r.id.in_(ids), r.received_at.is_not(None))  # fmt: skip
        if la_codes is not None:
            query = query.where(r.la_code.in_(la_codes) | r.referred_la_code.in_(la_codes))
        rows = (await self._session.execute(query)).all()
        if not rows:
            return []
        wanted = [row.id for row in rows]
        sessions: dict[int, list[SessionRecord]] = {}
        s = ParentingSession
        for srow in await self._session.execute(
            select(s.referral_id, s.held_on, s.status, s.welsh_medium).where(
                s.referral_id.in_(wanted)
            )
        ):
            sessions.setdefault(srow.referral_id, []).append(
                SessionRecord(srow.held_on, srow.status, srow.welsh_medium)
            )
        measures: dict[int, list[MeasureRecord]] = {}
        m = DistanceMeasure
        for mrow in await self._session.execute(
            select(m.referral_id, m.tool, m.phase, m.score, m.measured_on, m.positive).where(
                m.referral_id.in_(wanted)
            )
        ):
            measures.setdefault(mrow.referral_id, []).append(
                MeasureRecord(mrow.tool, mrow.phase, mrow.score, mrow.measured_on, mrow.positive)
            )
        return [
            CaseRecord(
                referral_id=row.id,
                la_code=row.la_code or "",
                referred_la_code=row.referred_la_code or row.la_code or "",
                received_at=row.received_at,
                preferred_welsh=row.session_language == "cy",
                first_session_date=row.first_session_date,
                outcome=row.outcome,
                outcome_recorded_at=row.outcome_recorded_at,
                sessions=tuple(sessions.get(row.id, ())),
                measures=tuple(measures.get(row.id, ())),
            )
            for row in rows
        ]

    async def entries(self, period: Period) -> dict[str, Entered]:
        rows = await self._session.scalars(
            select(MonitoringEntry).where(MonitoringEntry.period == period.name)
        )
        return {row.la_code: _entered(row) for row in rows}

    async def enter(
        self, la_code: str, period: Period, values: dict[str, Any], *, actor: str
    ) -> Entered:
        """Set some of an LA's entered items for a period (the others are kept)."""
        known = {f.name for f in fields(Entered)}
        unknown = set(values) - known
        if unknown:
            raise ValueError(f"not an entered item: {', '.join(sorted(unknown))}")
        row = await self._session.scalar(
            select(MonitoringEntry).where(
                MonitoringEntry.la_code == la_code, MonitoringEntry.period == period.name
            )
        )
        now: datetime = self._clock.now()
        if row is None:
            row = MonitoringEntry(la_code=la_code, period=period.name, updated_at=now,
                                  updated_by=actor)  # fmt: skip
            self._session.add(row)
        for name, value in values.items():
            setattr(row, name, Decimal(str(value)) if name == "fte" and value is not None
                    else value)  # fmt: skip
        row.updated_at, row.updated_by = now, actor
        await self._session.flush()
        self._audit.record(
            actor, "monitoring.entered", details={"la": la_code, "period": period.name,
                                                  "items": sorted(values)},
        )  # fmt: skip
        return _entered(row)


def _entered(row: MonitoringEntry) -> Entered:
    return Entered(
        physical_punishment_not_police=row.physical_punishment_not_police,
        not_physical_punishment=row.not_physical_punishment,
        fte=row.fte,
        staff=row.staff,
        universal_support=row.universal_support,
        training=row.training,
        other_activity=row.other_activity,
    )
