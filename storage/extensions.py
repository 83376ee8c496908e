"""Extension requests: asked by the worker (the reason encrypted), answered by the police.
The referral's `extension_requested_at` says one is open, so the obligations (and the nudge
that reminds the officer) read it from the case alone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from state_machine.clock import Clock
from storage.audit import AuditLog
from storage.crypto import FieldCipher
from storage.models import ExtensionRequest, Referral
from storage.referrals import ReferralRepository

OPEN, APPROVED, DECLINED, WITHDRAWN = "open", "approved", "declined", "withdrawn"


@dataclass(frozen=True)
class Extension:
    """A request without the words."""

    id: int
    referral_id: int
    requested_by: int | None
    requested_at: datetime
    until: date
    due_before: date | None
    status: str
    answered_by: int | None
    answered_at: datetime | None


def _extension(row: ExtensionRequest) -> Extension:
    return Extension(row.id, row.referral_id, row.requested_by, row.requested_at,
                     row.proposed_until, row.due_before, row.status, row.answered_by,
                     row.answered_at)  # fmt: skip


class ExtensionRepository:
    def __init__(
        self,
        session: AsyncSession,
        clock: Clock,
        cipher: FieldCipher,
        audit: AuditLog,
        referrals: ReferralRepository,
    ) -> None:
        self._referrals = referrals  # an open request is owed an answer: its nudges move
        self._session = session
        self._clock = clock
        self._cipher = cipher
        self._audit = audit

    async def _row(self, request_id: int) -> ExtensionRequest | None:
        return await self._session.get(ExtensionRequest, request_id)

    async def get(self, request_id: int) -> Extension | None:
        row = await self._row(request_id)
        return None if row is None else _extension(row)

    async def latest(self, referral: Referral) -> Extension | None:
        row = await self._session.scalar(
            select(ExtensionRequest)
            .where(ExtensionRequest.referral_id == referral.id)
            .order_by(ExtensionRequest.id.desc())
            .limit(1)
        )
        return None if row is None else _extension(row)

    async def open_for(self, referral: Referral) -> Extension | None:
        latest = await self.latest(referral)
        return latest if latest is not None and latest.status == OPEN else None

    async def open_in_force(self, force_code: str | None) -> list[Referral]:
        """The referrals of a force with a request waiting (for a police user just enrolled)."""
        rows = await self._session.scalars(
            select(Referral)
            .where(Referral.force_code == force_code, Referral.extension_requested_at.is_not(None))
            .order_by(Referral.extension_requested_at)
        )
        return list(rows)

    async def ask(
        self, referral: Referral, *, by: int, until: date, reason: str, actor: str
    ) -> Extension | None:
        """A new open request, or None when one is open already (the referral's row is
        locked first: of two asked at once, one is made)."""
        await self._session.flush()
        await self._session.refresh(referral, with_for_update=True)
        if referral.extension_requested_at is not None or await self.open_for(referral):
            return None
        now = self._clock.now()
        row = ExtensionRequest(
            referral_id=referral.id, requested_by=by, requested_at=now, proposed_until=until,
            due_before=referral.support_due, reason=self._cipher.encrypt(reason), status=OPEN,
        )  # fmt: skip
        self._session.add(row)
        referral.extension_requested_at = now
        await self._referrals.replan(referral)
        self._audit.record(
            actor, "extension.requested", referral_id=referral.id,
            details={"request": str(row.id), "until": until.isoformat()},
        )  # fmt: skip
        return _extension(row)

    async def answer(
        self, referral: Referral, request_id: int, *, approved: bool, by: int, actor: str,
        reason: str | None = None,
    ) -> Extension:  # fmt: skip
        """The police's answer: the request closed, who and when; the referral no longer
        waits for one. (An approval's new date is the lifecycle's `extend`, by the caller.)"""
        row = await self._row(request_id)
        assert row is not None and row.status == OPEN
        row.status = APPROVED if approved else DECLINED
        row.answered_by, row.answered_at = by, self._clock.now()
        if reason is not None:
            row.decline_reason = self._cipher.encrypt(reason)
        referral.extension_requested_at = None
        await self._referrals.replan(referral)
        self._audit.record(
            actor, f"extension.{row.status}", referral_id=referral.id,
            details={"request": str(row.id), "until": row.proposed_until.isoformat(),
                     "requested_by": str(row.requested_by)},
        )  # fmt: skip
        return _extension(row)

    async def withdraw_open(self, referral: Referral, *, actor: str, why: str) -> bool:
        """The case left the worker's LA or ended (`why`: transferred, withdrawn): an open
        request is no longer theirs to have answered. True when there was one."""
        waiting = await self.open_for(referral)
        if waiting is None:
            return False
        row = await self._row(waiting.id)
        assert row is not None
        row.status = WITHDRAWN
        referral.extension_requested_at = None
        await self._referrals.replan(referral)
        self._audit.record(
            actor, "extension.withdrawn", referral_id=referral.id,
            details={"request": str(row.id), "why": why},
        )  # fmt: skip
        return True

    async def words(self, request_id: int) -> tuple[str | None, str | None]:
        """The worker's reason and a decline's reason, while held (the caller audits a read
        shown to a person)."""
        row = await self._row(request_id)
        if row is None:
            return None, None
        reason = self._cipher.decrypt(row.reason) if row.reason is not None else None
        decline = self._cipher.decrypt(row.decline_reason) if row.decline_reason else None
        return reason, decline
