"""The monitoring return's reads and the managers' entries (docs/monitoring-return.md).

The referrals a period touches are found through one index per kind of event (received,
first session, outcome, a session held, an end measure), so the work grows with the period,
not with the years of data kept; their sessions and measures are read by referral id, in
chunks. The counting itself is state_machine/monitoring.py.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from dataclasses import fields
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import CompoundSelect, Select, bindparam, case, func, select, union
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from state_machine.clock import Clock
from state_machine.monitoring import (
    Attended,
    CaseRecord,
    Entered,
    MeasureRecord,
    Window,
    sessions_count,
)
from state_machine.periods import Period
from state_machine.sessions import ATTENDED
from storage.audit import AuditLog
from storage.dialect import InSet, execute, is_postgresql, one_of
from storage.models import DistanceMeasure, MonitoringEntry, ParentingSession, Referral

NONE_ATTENDED = Attended()
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


_REFERRALS = Referral.__table__.c
_SESSIONS = ParentingSession.__table__.c
_MEASURE_ROWS = DistanceMeasure.__table__.c


def _attended_of(which: ColumnElement[bool]) -> Select[Any]:
    """The attended sessions of `which` referrals counted per referral, and the Welsh-medium
    ones."""
    welsh = func.sum(case((_SESSIONS.welsh_medium.is_(True), 1), else_=0))
    return (
        select(_SESSIONS.referral_id, func.count(), welsh)
        .where(which, _SESSIONS.status == ATTENDED)
        .group_by(_SESSIONS.referral_id)
    )


class _Reads(NamedTuple):
    """The statements that read a chunk of referrals' rows, built once per kind of database
    with the ids as one parameter (`one_of`): built per chunk with 2,000 literals, they cost
    more to make than to run (docs/performance.md)."""

    attended: Select[Any]
    welsh_days: Select[Any]
    measures: Select[Any]


@cache
def _reads(postgresql: bool) -> _Reads:
    s, m = _SESSIONS, _MEASURE_ROWS
    welsh_days = select(s.referral_id, s.held_on).where(
        one_of(s.referral_id, "ids", postgresql), s.status == ATTENDED, s.welsh_medium.is_(True)
    )
    measures = select(m.referral_id, m.tool, m.phase, m.score, m.measured_on, m.positive)
    return _Reads(
        _attended_of(one_of(s.referral_id, "ids", postgresql)),
        welsh_days,
        measures.where(one_of(m.referral_id, "ids", postgresql)),
    )


def _measured_between(first: Any, last: Any) -> Select[Any]:
    """The referrals with an end measure from day `first` to day `last` (the day's index)."""
    m = _MEASURE_ROWS
    return (
        select(m.referral_id)
        .where(m.phase == "end", m.measured_on >= first, m.measured_on <= last)
        .distinct()
    )


_MEASURED = _measured_between(bindparam("first"), bindparam("last"))


def cases_query(period: Period, tz: ZoneInfo, la_codes: Sequence[str] | None) -> Select[Any]:
    """The referral columns the return reads, of the referrals the period touches (held by,
    or referred to, one of `la_codes` if given), in one statement: no ids sent back and forth."""
    found = touching(period, tz)
    r = _REFERRALS
    query = select(
        r.id, r.la_code, r.referred_la_code, r.received_at, r.session_language,
        r.first_session_date, r.outcome, r.outcome_recorded_at,
    ).where(InSet(r.id, select(found.subquery())), r.received_at.is_not(None))  # fmt: skip
    if la_codes is not None:  # only theirs: an LA's return reads its own cases' rows
        query = query.where(r.la_code.in_(la_codes) | r.referred_la_code.in_(la_codes))
    return query.order_by(r.id)


def attended_query(ids: Sequence[int]) -> Select[Any]:
    """The attended sessions counted, for these referrals (the benchmark reads its plan)."""
    return _attended_of(_SESSIONS.referral_id.in_(list(ids)))


def measured_query(period: Period) -> Select[Any]:
    """`_MEASURED` for the period."""
    return _measured_between(period.first_day, period.last_day)


class MonitoringStore:
    def __init__(self, session: AsyncSession, clock: Clock, audit: AuditLog) -> None:
        self._session = session
        self._reads = _reads(is_postgresql(session))
        self._clock = clock
        self._audit = audit

    async def cases(
        self,
        window: Window,
        la_codes: Sequence[str] | None = None,
        progress: Progress | None = None,
    ) -> list[CaseRecord]:
        """Every referral the window's period touches (held by, or referred to, one of
        `la_codes` if given), with what the return reads of its sessions and measures."""
        return [case async for chunk in self.chunks(window, la_codes, progress) for case in chunk]

    async def chunks(
        self,
        window: Window,
        la_codes: Sequence[str] | None = None,
        progress: Progress | None = None,
    ) -> AsyncIterator[list[CaseRecord]]:
        """`cases`, a chunk at a time: what is counted need not be kept."""
        await self._session.flush()  # what follows reads the tables directly
        query = cases_query(window.period, window.tz, la_codes)
        rows: Sequence[tuple[Any, ...]] = (await execute(self._session, query, {})).all()
        measured = await self._measured(window.period)
        for at in range(0, len(rows), CHUNK):
            yield await self._chunk(rows[at : at + CHUNK], window, measured)
            if progress is not None:
                progress(min(at + CHUNK, len(rows)), len(rows))

    async def _chunk(
        self, rows: Iterable[tuple[Any, ...]], window: Window, measured: set[int]
    ) -> list[CaseRecord]:
        cases = [
            CaseRecord(
                referral_id=rid,
                la_code=la or "",
                referred_la_code=referred or la or "",
                received_at=received,
                preferred_welsh=language == "cy",
                first_session_date=first,
                outcome=outcome,
                outcome_recorded_at=ended,
            )
            for rid, la, referred, received, language, first, outcome, ended in rows
        ]
        sessions = await self._attended([c for c in cases if sessions_count(c, window)])
        measures = await self._measures([c.referral_id for c in cases], measured)
        return [
            c._replace(attended=sessions.get(c.referral_id, NONE_ATTENDED),
                       measures=measures.get(c.referral_id, ()))
            if c.referral_id in sessions or c.referral_id in measures else c
            for c in cases
        ]  # fmt: skip

    async def _attended(self, cases: Sequence[CaseRecord]) -> dict[int, Attended]:
        """What `counts_of` reads of these cases' sessions: the attended ones counted in
        the database, and the days of the Welsh-medium ones for those who asked for Welsh."""
        ids = [c.referral_id for c in cases]
        if not ids:
            return {}
        counted: Iterable[tuple[Any, ...]] = (
            await execute(self._session, self._reads.attended, {"ids": ids})
        ).all()
        welsh = [c.referral_id for c in cases if c.preferred_welsh]
        days: dict[int, list[date]] = {}
        if welsh:
            held: Iterable[tuple[Any, ...]] = (
                await execute(self._session, self._reads.welsh_days, {"ids": welsh})
            ).all()
            for rid, day in held:
                days.setdefault(rid, []).append(day)
        return {
            rid: Attended(int(n), int(w or 0), tuple(days.get(rid, ()))) for rid, n, w in counted
        }

    async def _measures(
        self, ids: Sequence[int], measured: set[int]
    ) -> dict[int, tuple[MeasureRecord, ...]]:
        """The measures of those of `ids` with an end measure in the period (`measured`):
        without one, `positive_outcome` is false whatever the rest."""
        wanted = [i for i in ids if i in measured]
        found: dict[int, list[MeasureRecord]] = {}
        if wanted:
            rows: Iterable[tuple[Any, ...]] = (
                await execute(self._session, self._reads.measures, {"ids": wanted})
            ).all()
            for rid, *measure in rows:
                found.setdefault(rid, []).append(MeasureRecord(*measure))
        return {rid: tuple(each) for rid, each in found.items()}

    async def _measured(self, period: Period) -> set[int]:
        """The referrals with an end measure in the period, in one statement on the day's
        index for the whole return (asked for chunk by chunk beside the ids, SQLite scans
        the period's measures by day for every chunk)."""
        found = await execute(self._session, _MEASURED,
                              {"first": period.first_day, "last": period.last_day})  # fmt: skip
        return {int(rid) for (rid,) in found.all()}

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
