"""A case as the LA works it: the cases a worker or manager sees, the contact attempts made
(each note encrypted, each read of the notes audited), the sessions logged and the next one
planned (the worker's words about the parent encrypted), the parent's feedback, and how much
is logged on each."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from state_machine.clock import Clock
from state_machine.lifecycle import OPEN_STATES, OUTCOME_STATES, ReferralState
from state_machine.sessions import APPROPRIATE, ATTENDED, PLANNED, welsh_medium
from storage.audit import AuditLog
from storage.crypto import FieldCipher
from storage.models import ContactAttempt, ParentFeedback, ParentingSession, Referral
from storage.referrals import ReferralRepository

# Not closed: open, or an outcome the police have still to acknowledge.
LIVE_STATES: tuple[ReferralState, ...] = (*OPEN_STATES, *OUTCOME_STATES)


@dataclass(frozen=True)
class Tally:
    """How much is logged on a case (counted, not read: a list shows many). Sessions are
    those logged; a planned one is not counted until it is."""

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


@dataclass(frozen=True)
class SessionLog:
    """A session as logged: what happened (plain) and the worker's words (sealed on save).
    Only `on` and `status` for one that did not take place (and who cancelled it)."""

    on: date
    status: str  # state_machine.sessions.LOGGED_STATUSES
    cancelled_by: str | None = None
    minutes: int | None = None
    delivery: str | None = None
    language: str | None = None
    topics: tuple[str, ...] = ()
    engagement: str | None = None
    police_agreed_other_parent: bool | None = None
    other_parent_took_part: bool | None = None
    # Free text about people: encrypted in the row.
    engagement_reason: str | None = None
    doing_well: str | None = None
    next_steps: str | None = None


@dataclass(frozen=True)
class Held:
    """A logged session without the worker's words (read only on request)."""

    id: int
    on: date
    status: str
    cancelled_by: str | None
    language: str | None
    topics: tuple[str, ...]
    engagement: str | None


def _held(row: ParentingSession) -> Held:
    return Held(row.id, row.held_on, row.status, row.cancelled_by, row.language,
                tuple(row.topics or ()), row.engagement)  # fmt: skip


class CaseworkRepository:
    def __init__(
        self,
        session: AsyncSession,
        clock: Clock,
        cipher: FieldCipher,
        audit: AuditLog,
        referrals: ReferralRepository,
    ) -> None:
        self._session = session
        self._clock = clock
        self._cipher = cipher
        self._audit = audit
        self._referrals = referrals  # a session planned or logged moves the case's nudges

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
            .where(
                ParentingSession.referral_id.in_(referral_ids),
                ParentingSession.status != PLANNED,
            )
            .group_by(ParentingSession.referral_id)
        )
        tried = {rid: int(n) for rid, n in attempts.all()}
        held = {rid: (int(n), int(a or 0), int(g or 0)) for rid, n, a, g in sessions.all()}
        return {rid: Tally(tried.get(rid, 0), *held.get(rid, (0, 0, 0))) for rid in referral_ids}

    async def attended(self, referral_ids: Sequence[int]) -> dict[int, int]:
        """How many sessions each referral had attended, in one statement (none: 0): what the
        managers' lists need of `tallies`, without counting contact attempts too."""
        if not referral_ids:
            return {}
        s = ParentingSession
        rows = await self._session.execute(
            select(s.referral_id, func.count())
            .where(s.referral_id.in_(referral_ids), s.status == ATTENDED)
            .group_by(s.referral_id)
        )
        held = {rid: int(n) for rid, n in rows.all()}
        return {rid: held.get(rid, 0) for rid in referral_ids}

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

    # Sessions ---------------------------------------------------------------------------

    async def _planned_row(self, referral: Referral) -> ParentingSession | None:
        return await self._session.scalar(
            select(ParentingSession).where(
                ParentingSession.referral_id == referral.id, ParentingSession.status == PLANNED
            )
        )

    async def planned(self, referral: Referral) -> date | None:
        """The next session's day, if one is booked."""
        row = await self._planned_row(referral)
        return row.held_on if row is not None else None

    async def plan_session(
        self, referral: Referral, *, worker_id: int, on: date | None, actor: str
    ) -> None:
        """The next session booked for `on` (None: no date yet); one planned row at most."""
        row = await self._planned_row(referral)
        if row is not None and on is None:
            await self._session.delete(row)
        elif row is not None and on is not None:
            row.held_on, row.worker_id, row.recorded_at = on, worker_id, self._clock.now()
        elif on is not None:
            self._session.add(
                ParentingSession(referral_id=referral.id, worker_id=worker_id, held_on=on,
                                 status=PLANNED, topics=[], recorded_at=self._clock.now())
            )  # fmt: skip
        await self._referrals.replan(referral)
        self._audit.record(
            actor, "session.planned", referral_id=referral.id,
            details={"on": on.isoformat() if on else None},
        )  # fmt: skip

    def _sealed(self, text: str | None) -> bytes | None:
        return None if text is None else self._cipher.encrypt(text)

    async def log_session(
        self,
        referral: Referral,
        log: SessionLog,
        *,
        worker_id: int,
        next_on: date | None,
        actor: str,
    ) -> None:
        """A session logged: it takes the place of the planned one it reached (a plan still
        ahead of it stays, unless a next date is given), and the next date is planned."""
        planned = await self._planned_row(referral)
        if planned is not None and planned.held_on <= log.on:
            await self._session.delete(planned)
            await self._session.flush()
        self._session.add(
            ParentingSession(
                referral_id=referral.id, worker_id=worker_id, held_on=log.on,
                status=log.status, cancelled_by=log.cancelled_by, minutes=log.minutes,
                delivery=log.delivery, language=log.language,
                welsh_medium=welsh_medium(log.language), topics=list(log.topics),
                engagement=log.engagement,
                engagement_reason=self._sealed(log.engagement_reason),
                police_agreed_other_parent=log.police_agreed_other_parent,
                other_parent_took_part=log.other_parent_took_part,
                doing_well=self._sealed(log.doing_well), next_steps=self._sealed(log.next_steps),
                recorded_at=self._clock.now(),
            )
        )  # fmt: skip
        await self._referrals.replan(referral)  # the session booked is logged: not chased
        self._audit.record(
            actor, "session.logged", referral_id=referral.id,
            details={"on": log.on.isoformat(), "status": log.status,
                     "engagement": log.engagement, "topics": list(log.topics)},
        )  # fmt: skip
        if next_on is not None:
            await self.plan_session(referral, worker_id=worker_id, on=next_on, actor=actor)

    async def sessions(self, referral: Referral) -> list[Held]:
        """The sessions logged on a referral (not the planned one), oldest first."""
        rows = await self._session.scalars(
            select(ParentingSession)
            .where(ParentingSession.referral_id == referral.id, ParentingSession.status != PLANNED)
            .order_by(ParentingSession.held_on, ParentingSession.id)
        )
        return [_held(row) for row in rows]

    async def session_notes(
        self, referral: Referral, *, actor: str, purpose: str
    ) -> list[tuple[Held, dict[str, str]]]:
        """The logged sessions that have the worker's words, with them; the read is audited."""
        rows = await self._session.scalars(
            select(ParentingSession)
            .where(ParentingSession.referral_id == referral.id, ParentingSession.status != PLANNED)
            .order_by(ParentingSession.held_on, ParentingSession.id)
        )
        noted = []
        for row in rows:
            words = {key: self._cipher.decrypt(sealed) for key, sealed in (
                ("engagement_reason", row.engagement_reason), ("doing_well", row.doing_well),
                ("next_steps", row.next_steps)) if sealed is not None}  # fmt: skip
            if words:
                noted.append((_held(row), words))
        if noted:
            self._audit.record(
                actor, "session_notes.read", referral_id=referral.id,
                details={"purpose": purpose},
            )  # fmt: skip
        return noted

    # The parent's feedback --------------------------------------------------------------

    async def feedback(self, referral: Referral) -> int | None:
        """How helpful the parent found the support (1-5), once given; not the comment."""
        return await self._session.scalar(
            select(ParentFeedback.helpful).where(ParentFeedback.referral_id == referral.id)
        )

    async def save_feedback(
        self, referral: Referral, *, worker_id: int, helpful: int, comment: str | None,
        actor: str,
    ) -> None:  # fmt: skip
        """The parent's feedback; given again, it replaces the first (one per case)."""
        await self._session.execute(
            delete(ParentFeedback).where(ParentFeedback.referral_id == referral.id)
        )
        self._session.add(
            ParentFeedback(referral_id=referral.id, worker_id=worker_id, helpful=helpful,
                           comment=self._sealed(comment), recorded_at=self._clock.now())
        )  # fmt: skip
        await self._session.flush()
        self._audit.record(
            actor, "feedback.recorded", referral_id=referral.id,
            details={"helpful": helpful, "comment": comment is not None},
        )  # fmt: skip
