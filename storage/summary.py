"""What a manager's `/summary`, `/overdue` and `/workload` read: the live referrals in scope,
those received since a day, the outcomes recorded in a window, and which cases wanting Welsh
had a Welsh session. Each query is bounded by an indexed column (state, la_code, received_at,
outcome_recorded_at, parenting_sessions.referral_id): nothing scans the whole history."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from state_machine.lifecycle import OPEN_STATES, OUTCOME_STATES
from state_machine.sessions import ATTENDED
from storage.models import ParentingSession, Referral, User

# Not closed: open, or an outcome the police have still to acknowledge (as storage.casework).
LIVE: tuple[str, ...] = tuple(s.value for s in (*OPEN_STATES, *OUTCOME_STATES))


@dataclass(frozen=True)
class Scope:
    """Whose referrals: these LAs (None: every LA), and only one force's (police)."""

    la_codes: tuple[str, ...] | None
    force_code: str | None = None

    def narrow(self, statement: Select[Referral]) -> Select[Referral]:
        if self.la_codes is not None:
            statement = statement.where(Referral.la_code.in_(self.la_codes))
        if self.force_code is not None:
            statement = statement.where(Referral.force_code == self.force_code)
        return statement


def live_query(scope: Scope) -> Select[Referral]:
    """Referrals not closed in scope (the state and la_code indexes), oldest first."""
    statement = scope.narrow(select(Referral).where(Referral.state.in_(LIVE)))
    return statement.order_by(Referral.received_at)


def received_query(scope: Scope, since: datetime) -> Select[Referral]:
    """Referrals received at or after `since` (the received_at index), oldest first."""
    statement = scope.narrow(
        select(Referral).where(Referral.received_at >= since, Referral.la_code.is_not(None))
    )
    return statement.order_by(Referral.received_at)


def outcomes_query(scope: Scope, start: datetime, end: datetime) -> Select[Referral]:
    """Referrals whose outcome was recorded in [start, end) (the outcome_recorded_at index)."""
    statement = scope.narrow(
        select(Referral).where(
            Referral.outcome_recorded_at >= start, Referral.outcome_recorded_at < end
        )
    )
    return statement.order_by(Referral.outcome_recorded_at)


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

    async def live(self, scope: Scope) -> list[Referral]:
        return list(await self._session.scalars(live_query(scope)))

    async def received_since(self, scope: Scope, since: datetime) -> list[Referral]:
        return list(await self._session.scalars(received_query(scope, since)))

    async def outcomes_between(
        self, scope: Scope, start: datetime, end: datetime
    ) -> list[Referral]:
        return list(await self._session.scalars(outcomes_query(scope, start, end)))

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
