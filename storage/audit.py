"""The append-only audit log: every transition and every read of personal details."""

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from state_machine.clock import Clock
from state_machine.lifecycle import Transitioned
from storage.models import AuditEvent


class AuditLog:
    def __init__(self, session: AsyncSession, clock: Clock) -> None:
        self._session = session
        self._clock = clock

    def record(
        self,
        actor: str,
        action: str,
        *,
        referral_id: int | None = None,
        reason: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> AuditEvent:
        event = AuditEvent(
            at=self._clock.now(),
            actor=actor,
            action=action,
            referral_id=referral_id,
            reason=reason,
            details=details or {},
        )
        self._session.add(event)
        return event

    def record_transition(self, referral_id: int, change: Transitioned) -> AuditEvent:
        event = AuditEvent(
            at=change.at,
            actor=change.actor,
            action=f"transition.{change.trigger}",
            referral_id=referral_id,
            from_state=change.from_state.value,
            to_state=change.to_state.value,
            reason=change.reason or None,
            details=dict(change.details),
        )
        self._session.add(event)
        return event

    async def trail(self, referral_id: int) -> list[AuditEvent]:
        """A referral's events, oldest first."""
        rows = await self._session.scalars(
            select(AuditEvent)
            .where(AuditEvent.referral_id == referral_id)
            .order_by(AuditEvent.at, AuditEvent.id)
        )
        return list(rows)
