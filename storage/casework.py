"""A case as the LA works it: the cases a worker or manager sees, the contact attempts made
(each note encrypted, each read of the notes audited) and how much is logged on each."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from state_machine.clock import Clock
from state_machine.lifecycle import OPEN_STATES, OUTCOME_STATES, ReferralState
from state_machine.sessions import APPROPRIATE, ATTENDED
from storage.audit import AuditLog
from storage.crypto import FieldCipher
from storage.models import ContactAttempt, ParentingSession, Referral

# Not closed: open, or an outcome the police have still to acknowledge.
LIVE_STATES: tuple[ReferralState, ...] = (*OPEN_STATES, *OUTCOME_STATES)


@dataclass(frozen=True)
class Tally:
    """How much is logged on a case (counted, not read: a list shows many)."""

    attempts: int = 0
    sessions: int = 0
    attended: int = 0
    appropriate: int = 0  # attended, with engagement judged appropriate


@dataclass(frozen=True)
class Attempt:
    """A contact attempt without its note (the note is read only on request)."""

    id: int
    on: date
    method: str
    result: str
    worker_id: int | None


def _attempt(row: ContactAttempt) -> Attempt:
    return Attempt(row.id, row.attempted_on, row.method, row.result, row.worker_id)


class CaseworkRepository:
    def __init__(
        self, session: AsyncSession, clock: Clock, cipher: FieldCipher, audit: AuditLog
    ) -> None:
        self._session = session
        self._clock = clock
        self._cipher = cipher
        self._audit = audit

    async def live(
        self, la_codes: Sequence[str] | None, *, worker_id: int | None = None
    ) -> list[Referral]:
        """Referrals not closed in these LAs (None: every LA). With `worker_id`: only those
        still waiting for a worker and that worker's own."""
        statement = select(Referral).where(Referral.state.in_([s.value for s in LIVE_STATES]))
        if la_codes is not None:
            statement = statement.where(Referral.la_code.in_(la_codes))
        if worker_id is not None:
            statement = statement.where(
                (Referral.state == ReferralState.REFERRED.value)
                | (Referral.allocated_worker_id == worker_id)
            )
        return list(await self._session.scalars(statement.order_by(Referral.received_at)))

    async def tallies(self, referral_ids: Sequence[int]) -> dict[int, Tally]:
        """Contact attempts and sessions of each referral, in two statements however many."""
        if not referral_ids:
            return {}
        attempts = await self._session.execute(
            select(ContactAttempt.referral_id, func.count())
            .where(ContactAttempt.referral_id.in_(referral_ids))
            .group_by(ContactAttempt.referral_id)
        )
        appropriate = (ParentingSession.status == ATTENDED) & (
            ParentingSession.engagement == APPROPRIATE
        )
        sessions = await self._session.execute(
            select(
                ParentingSession.referral_id,
                func.count(),
                func.sum(case((ParentingSession.status == ATTENDED, 1), else_=0)),
                func.sum(case((appropriate, 1), else_=0)),
            )
            .where(ParentingSession.referral_id.in_(referral_ids))
            .group_by(ParentingSession.referral_id)
        )
        tried = {rid: int(n) for rid, n in attempts.all()}
        held = {rid: (int(n), int(a or 0), int(g or 0)) for rid, n, a, g in sessions.all()}
        return {rid: Tally(tried.get(rid, 0), *held.get(rid, (0, 0, 0))) for rid in referral_ids}

    async def outcomes_untold(self, force_code: str | None) -> list[Referral]:
        """A force's referrals with an outcome that no police user could be told of yet."""
        rows = await self._session.scalars(
            select(Referral)
            .where(Referral.state.in_([s.value for s in OUTCOME_STATES]))
            .where(Referral.force_code == force_code, Referral.police_notified_at.is_(None))
            .order_by(Referral.outcome_recorded_at)
        )
        return list(rows)

    async def attended_days(self, referral: Referral) -> list[date]:
        """The days of the sessions attended, oldest first (the outcome notice's last one)."""
        rows = await self._session.scalars(
            select(ParentingSession.held_on)
            .where(ParentingSession.referral_id == referral.id)
            .where(ParentingSession.status == ATTENDED)
            .order_by(ParentingSession.held_on)
        )
        return list(rows)

    def seal(self, text: str) -> bytes:
        """Free text about the individual, as stored (the reason for an outcome)."""
        return self._cipher.encrypt(text)

    async def add_attempt(
        self,
        referral: Referral,
        *,
        worker_id: int,
        on: date,
        method: str,
        result: str,
        note: str | None,
        actor: str,
    ) -> None:
        self._session.add(
            ContactAttempt(
                referral_id=referral.id,
                worker_id=worker_id,
                attempted_on=on,
                method=method,
                result=result,
                note=None if note is None else self._cipher.encrypt(note),
                recorded_at=self._clock.now(),
            )
        )
        await self._session.flush()
        self._audit.record(
            actor, "contact_attempt.recorded", referral_id=referral.id,
            details={"on": on.isoformat(), "method": method, "result": result,
                     "note": note is not None},
        )  # fmt: skip

    async def _rows(self, referral: Referral) -> list[ContactAttempt]:
        rows = await self._session.scalars(
            select(ContactAttempt)
            .where(ContactAttempt.referral_id == referral.id)
            .order_by(ContactAttempt.attempted_on, ContactAttempt.id)
        )
        return list(rows)

    async def attempts(self, referral: Referral) -> list[Attempt]:
        """The referral's contact attempts, oldest first, without their notes."""
        return [_attempt(row) for row in await self._rows(referral)]

    async def notes(
        self, referral: Referral, *, actor: str, purpose: str
    ) -> list[tuple[Attempt, str]]:
        """The attempts that have a note, with it; the read is audited (who and why)."""
        noted = [(_attempt(row), self._cipher.decrypt(row.note))
                 for row in await self._rows(referral) if row.note is not None]  # fmt: skip
        if noted:
            self._audit.record(
                actor, "contact_notes.read", referral_id=referral.id,
                details={"purpose": purpose},
            )  # fmt: skip
        return noted
