"""The append-only audit log: every transition and every read of personal details.

Events are kept in order and written together, in one statement, when the unit of work
commits (or before the trail is read): most updates record one or two.
"""

from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from state_machine.clock import Clock
from state_machine.lifecycle import Transitioned
from storage.dialect import execute
from storage.models import AuditEvent

_INSERT = insert(AuditEvent.metadata.tables["audit_events"])


class AuditLog:
    def __init__(self, session: AsyncSession, clock: Clock) -> None:
        self._session = session
        self._clock = clock
        self._pending: list[dict[str, Any]] = []

    def record(
        self,
        actor: str,
        action: str,
        *,
        referral_id: int | None = None,
        reason: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        self._pending.append(
            {"at": self._clock.now(), "actor": actor, "action": action,
             "referral_id": referral_id, "from_state": None, "to_state": None,
             "reason": reason, "details": details or {}}
        )  # fmt: skip

    def record_transition(self, referral_id: int, change: Transitioned) -> None:
        self._pending.append(
            {"at": change.at, "actor": change.actor, "action": f"transition.{change.trigger}",
             "referral_id": referral_id, "from_state": change.from_state.value,
             "to_state": change.to_state.value, "reason": change.reason or None,
             "details": dict(change.details)}
        )  # fmt: skip

    async def save(self) -> None:
        if self._pending:
            rows, self._pending = self._pending, []
            await execute(self._session, _INSERT, rows)

    async def trail(self, referral_id: int) -> list[AuditEvent]:
        """A referral's events, oldest first."""
        await self.save()
        rows = await self._session.scalars(
            select(AuditEvent)
            .where(AuditEvent.referral_id == referral_id)
            .order_by(AuditEvent.at, AuditEvent.id)
        )
        return list(rows)
