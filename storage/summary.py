"""What a manager's `/summary`, `/overdue` and `/workload` read: the live referrals in scope,
those received since a day, the outcomes recorded in a window, and which cases wanting Welsh
had a Welsh session. Each query is bounded by an indexed column (state, la_code, received_at,
outcome_recorded_at, parenting_sessions.referral_id): nothing scans the whole history.

What only counts is counted in the database or read as plain columns, not as ORM objects:
the chart's year of referrals is 12 monthly counts, the period's referrals (for the median
and Welsh) five columns each (docs/performance.md, the 1,000,000-referral benchmark)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy import Select, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from state_machine.lifecycle import OPEN_STATES, OUTCOME_STATES
from state_machine.sessions import ATTENDED
from storage.live import COLUMNS, Live
from storage.models import ParentingSession, Referral, User

# Not closed: open, or an outcome the police have still to acknowledge (as storage.casework).
LIVE: tuple[str, ...] = tuple(s.value for s in (*OPEN_STATES, *OUTCOME_STATES))


@dataclass(frozen=True)
class Scope:
    """Whose referrals: these LAs (None: every LA), and only one force's (police)."""

    la_codes: tuple[str, ...] | None
    force_code: str | None = None

    def narrow(self, statement: Select[Any]) -> Select[Any]:
        if self.la_codes is not None:
            statement = statement.where(_R.la_code.in_(self.la_codes))
        if self.force_code is not None:
            statement = statement.where(_R.force_code == self.force_code)
        return statement


# The table's columns: a statement that names the mapped class's attributes has its rows
# go through the ORM's loading, which took as long again as the reading (15,000 live rows).
_R = Referral.__table__.c


def live_query(scope: Scope) -> Select[Any]:
    """Referrals not closed in scope (the state index, or la_code and state), as plain
    columns. Not ordered here: asked to order by received_at, SQLite (no statistics kept)
    reads an LA's referrals of every year in that order through (la_code, received_at)."""
    return scope.narrow(select(*COLUMNS).where(_R.state.in_(LIVE)))


def _received(r: Live) -> datetime:
    assert r.received_at is not None  # every live state comes after receipt
    return r.received_at


def received_query(scope: Scope, since: datetime) -> Select[Any]:
    """Referrals received at or after `since` (the received_at index), oldest first."""
    statement = scope.narrow(
        select(*COLUMNS).where(_R.received_at >= since, _R.la_code.is_not(None))
    )
    return statement.order_by(_R.received_at)


class Received(NamedTuple):
    """A referral received in the period, as the median and the Welsh figures need it."""

    id: int
    la_code: str | None
    received_at: datetime
    first_session_date: date | None
    session_language: str | None


class Monthly(NamedTuple):
    """How many referrals of an LA, received in one month, stand so (outcome, state)."""

    la_code: str | None
    month: int  # its index among the chart's months; -1 before the first
    outcome: str | None
    state: str
    n: int


def period_query(
    scope: Scope, since: datetime
) -> Select[int, str | None, datetime | None, date | None, str | None]:
    """The period's referrals as plain columns (the received_at index), oldest first."""
    r = _R
    statement = select(r.id, r.la_code, r.received_at, r.first_session_date, r.session_language)
    statement = statement.where(r.received_at >= since, r.la_code.is_not(None))
    if scope.la_codes is not None:
        statement = statement.where(r.la_code.in_(scope.la_codes))
    if scope.force_code is not None:
        statement = statement.where(r.force_code == scope.force_code)
    return statement.order_by(r.received_at)


def monthly_query(scope: Scope, since: datetime, starts: Sequence[datetime]) -> Select[Any]:
    """Referrals received since `since`, counted in the database per LA, per month (the
    index in `starts`, ascending, of the month each falls in; -1 before the first) and by
    how each stands (outcome, state): the chart's bars (the received_at index)."""
    r = Referral
    month = case(
        *((r.received_at >= at, n) for n, at in reversed(list(enumerate(starts)))), else_=-1
    ).label("month")
    statement = select(r.la_code, month, r.outcome, r.state, func.count()).where(
        r.received_at >= since, r.la_code.is_not(None)
    )
    if scope.la_codes is not None:
        statement = statement.where(r.la_code.in_(scope.la_codes))
    if scope.force_code is not None:
        statement = statement.where(r.force_code == scope.force_code)
    return statement.group_by(r.la_code, month, r.outcome, r.state)


def outcomes_query(
    scope: Scope, start: datetime, end: datetime
) -> Select[str | None, str | None, int]:
    """How many referrals of each LA had each outcome recorded in [start, end), counted in
    the database (the outcome_recorded_at index)."""
    r = Referral
    statement = select(r.la_code, r.outcome, func.count()).where(
        r.outcome_recorded_at >= start, r.outcome_recorded_at < end
    )
    if scope.la_codes is not None:
        statement = statement.where(r.la_code.in_(scope.la_codes))
    if scope.force_code is not None:
        statement = statement.where(r.force_code == scope.force_code)
    return statement.group_by(r.la_code, r.outcome)


def welsh_query(referral_ids: Sequence[int]) -> Select[int]:
    """Of these referrals, those with a Welsh-medium session attended (the referral_id index)."""
    return (
        select(ParentingSession.referral_id)
        .where(
            ParentingSession.referral_id.in_(referral_ids),
            ParentingSession.welsh_medium.is_(True),
            ParentingSession.status == ATTENDED,
        )
        .distinct()
    )


class SummaryStore:
    """The statements are built above, apart, so a test can read their query plans."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def live(self, scope: Scope) -> list[Live]:
        """Oldest first."""
        rows = await self._session.execute(live_query(scope))
        return sorted(map(Live._make, rows), key=_received)

    async def received_since(self, scope: Scope, since: datetime) -> list[Live]:
        rows = await self._session.execute(received_query(scope, since))
        return list(map(Live._make, rows))

    async def received_rows(self, scope: Scope, since: datetime) -> list[Received]:
        rows = await self._session.execute(period_query(scope, since))
        # received_at is never None here (the query asks for it from a moment on).
        return [Received(i, la, at, first, lang) for i, la, at, first, lang in rows if at]

    async def monthly(
        self, scope: Scope, since: datetime, starts: Sequence[datetime]
    ) -> list[Monthly]:
        rows = await self._session.execute(monthly_query(scope, since, starts))
        return [Monthly(la, int(m), o, s, int(n)) for la, m, o, s, n in rows]

    async def outcomes_between(
        self, scope: Scope, start: datetime, end: datetime
    ) -> dict[str | None, dict[str, int]]:
        """Per LA, how many of each outcome were recorded in [start, end)."""
        out: dict[str | None, dict[str, int]] = {}
        for la, outcome, n in await self._session.execute(outcomes_query(scope, start, end)):
            if outcome is not None:
                out.setdefault(la, {})[outcome] = int(n)
        return out

    async def had_welsh(self, referral_ids: Sequence[int]) -> set[int]:
        if not referral_ids:
            return set()
        return set(await self._session.scalars(welsh_query(referral_ids)))

    async def names(self, user_ids: Sequence[int]) -> dict[int, str]:
        """Workers' display names, for /workload."""
        if not user_ids:
            return {}
        rows = await self._session.execute(
            select(User.id, User.display_name).where(User.id.in_(user_ids))
        )
        return {uid: name for uid, name in rows.all()}
