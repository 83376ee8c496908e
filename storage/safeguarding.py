"""Safeguarding concerns on a case: raised (the worker's words encrypted), listed without the
words for the card and the managers' alert, and read with them only in the details view,
each read audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from state_machine.clock import Clock
from storage.audit import AuditLog
from storage.crypto import FieldCipher
from storage.models import Referral, SafeguardingConcern


@dataclass(frozen=True)
class Concern:
    """A concern without the worker's words."""

    id: int
    on: date
    level: str  # state_machine.safeguarding.LEVELS
    action: str  # state_machine.safeguarding.SAFEGUARDING_ACTIONS
    raised_by: int | None


def _concern(row: SafeguardingConcern) -> Concern:
    return Concern(row.id, row.noticed_on, row.level, row.action_taken, row.raised_by)


class SafeguardingRepository:
    def __init__(
        self, session: AsyncSession, clock: Clock, cipher: FieldCipher, audit: AuditLog
    ) -> None:
        self._session = session
        self._clock = clock
        self._cipher = cipher
        self._audit = audit

    async def raise_concern(
        self, referral: Referral, *, raised_by: int, level: str, on: date, words: str,
        action: str, actor: str,
    ) -> Concern:  # fmt: skip
        row = SafeguardingConcern(
            referral_id=referral.id, raised_by=raised_by, raised_at=self._clock.now(),
            summary=self._cipher.encrypt(words), action_taken=action, level=level,
            noticed_on=on,
        )  # fmt: skip
        self._session.add(row)
        await self._session.flush()
        self._audit.record(
            actor, "safeguarding_concern.raised", referral_id=referral.id,
            details={"level": level, "on": on.isoformat(), "action": action},
        )  # fmt: skip
        return _concern(row)

    async def _rows(self, referral: Referral) -> list[SafeguardingConcern]:
        rows = await self._session.scalars(
            select(SafeguardingConcern)
            .where(SafeguardingConcern.referral_id == referral.id)
            .order_by(SafeguardingConcern.noticed_on, SafeguardingConcern.id)
        )
        return list(rows)

    async def concerns(self, referral: Referral) -> list[Concern]:
        """The case's concerns, oldest first, without the words."""
        return [_concern(row) for row in await self._rows(referral)]

    async def words(
        self, referral: Referral, *, actor: str, purpose: str
    ) -> list[tuple[Concern, str]]:
        """The concerns whose words are still held, with them; the read is audited."""
        said = [(_concern(row), self._cipher.decrypt(row.summary))
                for row in await self._rows(referral) if row.summary is not None]  # fmt: skip
        if said:
            self._audit.record(
                actor, "safeguarding_words.read", referral_id=referral.id,
                details={"purpose": purpose},
            )  # fmt: skip
        return said
