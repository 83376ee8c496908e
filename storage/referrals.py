"""Referrals: creation, look-up, screening answers and every state change (via the lifecycle)."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import JSON, bindparam, case, delete, func, inspect, select, type_coerce
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from state_machine.clock import Clock
from state_machine.lifecycle import Case, ReferralState, Transitioned, fire
from state_machine.nudges import plan
from state_machine.obligations import Obligation, obligations
from state_machine.reference import new_reference
from state_machine.sessions import APPROPRIATE, ATTENDED, PLANNED
from storage.audit import AuditLog
from storage.dialect import execute, insert_for
from storage.errors import NotFound
from storage.live import Live
from storage.models import Dialogue, ParentingSession, Referral, ScreeningAnswer
from storage.models_cases import STATE_FROM_MACHINE
from storage.nudges import Nudging

_ANSWERS = ScreeningAnswer.metadata.tables["screening_answers"]
_REPLACED = ("value", "answered_at", "answered_by")
# Built once: every answer of every screening reads them.
_READ_ANSWERS = select(_ANSWERS.c.question, _ANSWERS.c.value).where(
    _ANSWERS.c.referral_id == bindparam("referral_id")
)


@cache
def _record(insert: Any) -> Any:
    """The answer's upsert, built once per database kind."""
    statement = insert(_ANSWERS).values(
        {name: bindparam(name) for name in ("referral_id", "question", *_REPLACED)}
    )
    return statement.on_conflict_do_update(
        index_elements=["referral_id", "question"],
        set_={name: statement.excluded[name] for name in _REPLACED},
    )


_BY_ID = select(Referral).where(Referral.id == bindparam("id"))  # built once: every answer


@cache
def _with_answers(dialect: str) -> Any:
    """A referral and its screening answers as one JSON object, in one statement (built once
    per database kind: the two spell the aggregate differently)."""
    if dialect == "postgresql":
        answers = func.json_object_agg(_ANSWERS.c.question, _ANSWERS.c.value)
    else:
        answers = func.json_group_object(_ANSWERS.c.question, func.json(_ANSWERS.c.value))
    of_referral = select(answers).where(_ANSWERS.c.referral_id == Referral.id).scalar_subquery()
    return select(Referral, type_coerce(of_referral, JSON)).where(Referral.id == bindparam("id"))


class ReferralRepository:
    def __init__(
        self, session: AsyncSession, clock: Clock, tz: ZoneInfo, audit: AuditLog, nudging: Nudging
    ) -> None:
        self._session = session
        self._clock = clock
        self._tz = tz
        self._audit = audit
        self._nudging = nudging
        self._loaded: dict[int, Referral] = {}  # this unit of work's, by id
        self._answers: dict[int, dict[str, Any]] = {}  # read once per unit of work, kept current
        self._sessions: dict[int, SessionFacts] = {}  # read once per unit of work, kept current
        # The cases `cases_of` made, with the referral and version each was made from: a
        # sweep's notices read again the case it planned from (`case_of`).
        self._cases: dict[int, tuple[Referral, int, Case]] = {}
        self._owed: dict[int, tuple[Case, datetime, tuple[Obligation, ...]]] = {}  # owed_now's

    async def start_screening(
        self, *, actor: str, officer_id: int | None, force_code: str | None, yot: bool = False
    ) -> Referral:
        """A new referral in `screening`, with a fresh random reference."""
        now = self._clock.now()
        for _ in range(8):  # a clash is a one-in-millions event; retry rather than fail
            referral = Referral(
                reference=new_reference(secrets.choice),
                state_changed_at=now,
                created_at=now,
                force_code=force_code,
                referring_officer_id=officer_id,
                yot=yot,
            )
            try:
                async with self._session.begin_nested():
                    self._session.add(referral)
            except IntegrityError:
                continue
            self._audit.record(actor, "referral.created", referral_id=referral.id)
            return referral
        raise RuntimeError("could not find a free referral reference")

    async def discard_screening(self, referral: Referral, *, actor: str, reason: str) -> None:
        """An unfinished screening is dropped whole, with its answers and details (no referral
        was ever made). The audit keeps that it happened, not what it held."""
        if referral.lifecycle_state is not ReferralState.SCREENING:
            raise ValueError("only a screening in progress can be discarded")
        self._audit.record(actor, "screening.discarded", referral_id=referral.id, reason=reason)
        await self._session.delete(referral)
        self._answers.pop(referral.id, None)
        await self._session.flush()

    async def unattended_screenings(self, before: datetime) -> list[Referral]:
        """Screenings nobody is working on (left by a dialogue that ended, or handed to a YOT
        and not yet taken up), untouched since `before`."""
        last_answer = (
            select(func.max(ScreeningAnswer.answered_at))
            .where(ScreeningAnswer.referral_id == Referral.id)
            .scalar_subquery()
        )
        in_a_dialogue = select(Dialogue.referral_id).where(Dialogue.referral_id.is_not(None))
        rows = await self._session.scalars(
            select(Referral)
            .where(Referral.state == ReferralState.SCREENING.value)
            .where(Referral.id.not_in(in_a_dialogue))
            .where(func.coalesce(last_answer, Referral.created_at) < before)
        )
        return list(rows)

    async def handed_over(self, force_code: str | None) -> list[Referral]:
        """Screenings handed to a YOT (see conversations/screening/handover.py) that nobody is
        working on, of one force's officers, oldest first."""
        in_a_dialogue = select(Dialogue.referral_id).where(Dialogue.referral_id.is_not(None))
        rows = await self._session.scalars(
            select(Referral)
            .where(Referral.state == ReferralState.SCREENING.value, Referral.yot.is_(True))
            .where(Referral.force_code == force_code, Referral.id.not_in(in_a_dialogue))
            .order_by(Referral.created_at)
        )
        return list(rows)

    async def waiting_to_be_accepted(self, la_codes: Sequence[str] | None) -> list[Referral]:
        """Referrals submitted and not yet accepted, in these LAs (None: every LA), oldest
        first."""
        statement = select(Referral).where(Referral.state == ReferralState.REFERRED.value)
        if la_codes is not None:
            statement = statement.where(Referral.la_code.in_(la_codes))
        return list(await self._session.scalars(statement.order_by(Referral.received_at)))

    async def get(self, reference: str) -> Referral:
        referral = await self._session.scalar(
            select(Referral).where(Referral.reference == reference)
        )
        if referral is None:
            raise NotFound("referral_not_found", f"no referral {reference}")
        return referral

    async def get_by_id(self, referral_id: int) -> Referral:
        referral = self._loaded.get(referral_id)
        if referral is None or referral not in self._session:
            referral = await self._session.scalar(_BY_ID, {"id": referral_id})
        if referral is not None:
            self._loaded[referral_id] = referral
        if referral is None:
            raise NotFound("referral_not_found", f"no referral #{referral_id}")
        return referral

    async def with_answers(self, referral_id: int) -> Referral:
        """`get_by_id`, with its screening answers read in the same statement (a screening
        needs both on every step)."""
        known = self._loaded.get(referral_id)
        if known is not None and known in self._session and referral_id in self._answers:
            return known
        dialect = self._session.get_bind().dialect.name
        row = (await self._session.execute(_with_answers(dialect), {"id": referral_id})).first()
        if row is None:
            raise NotFound("referral_not_found", f"no referral #{referral_id}")
        referral: Referral = row[0]
        answers = row[1]
        self._loaded[referral_id] = referral
        self._answers[referral_id] = dict(answers or {})
        return referral

    async def record_answer(
        self, referral: Referral, question: str, value: Any, *, by: int | None
    ) -> None:
        """Store (or replace) one screening answer, in one statement."""
        row = {"referral_id": referral.id, "question": question, "value": value,
               "answered_at": self._clock.now(), "answered_by": by}  # fmt: skip
        await execute(self._session, _record(insert_for(self._session)), row)
        if referral.id in self._answers:
            self._answers[referral.id][question] = value

    async def forget_answer(self, referral: Referral, question: str) -> None:
        await self._session.execute(
            delete(ScreeningAnswer).where(
                ScreeningAnswer.referral_id == referral.id, ScreeningAnswer.question == question
            )
        )
        self._answers.get(referral.id, {}).pop(question, None)

    async def answers(self, referral: Referral) -> dict[str, Any]:
        """The screening's answers so far (a copy: the caller may keep it as "before")."""
        if referral.id not in self._answers:
            rows = await execute(self._session, _READ_ANSWERS, {"referral_id": referral.id})
            self._answers[referral.id] = {row.question: row.value for row in rows}
        return dict(self._answers[referral.id])

    async def case_of(self, referral: Referral) -> Case:
        """What the lifecycle rules need, read from the referral and its sessions: the one
        `cases_of` made while the referral is as it was then (not changed, flushed or
        expired since), so read it and do not change it."""
        kept = self._cases.get(referral.id)
        if kept is not None and kept[0] is referral and kept[1] == referral.version:
            state = inspect(referral)
            if not state.modified and not state.expired_attributes:
                return kept[2]
        if referral.id not in self._sessions:
            await self.cases_of([referral])
        return case_from(referral, sessions=self._sessions[referral.id])

    async def cases_of(self, referrals: Sequence[Referral]) -> dict[int, Case]:
        """`case_of` for many referrals, their sessions read in one statement however many
        (the nudge sweep's batch, /nudges). What was read of the sessions is kept for this
        unit of work until they change here (`replan`)."""
        unread = [r.id for r in referrals if r.id not in self._sessions]
        if unread:
            rows = await self._session.execute(
                _SESSION_FACTS.where(ParentingSession.referral_id.in_(unread))
            )
            found = {rid: SessionFacts(int(n or 0), int(a or 0), planned, last)
                     for rid, n, a, planned, last in rows}  # fmt: skip
            self._sessions.update({rid: found.get(rid, SessionFacts()) for rid in unread})
        made = {r.id: case_from(r, sessions=self._sessions[r.id]) for r in referrals}
        self._cases.update({r.id: (r, r.version, made[r.id]) for r in referrals})
        return made

    async def owed_now(self, referral: Referral) -> tuple[Obligation, ...]:
        """What is owed on the case now (`obligations`), worked out once for the case as
        `case_of` gives it at this moment."""
        case, now = await self.case_of(referral), self._clock.now()
        kept = self._owed.get(referral.id)
        if kept is not None and kept[0] is case and kept[1] == now:
            return kept[2]
        owed = tuple(obligations(case, now, self._tz))
        self._owed[referral.id] = (case, now, owed)
        return owed

    def _forget(self, referral: Referral) -> None:
        """Its sessions are read again, and its case made again, at the next `case_of`."""
        self._sessions.pop(referral.id, None)
        self._cases.pop(referral.id, None)

    async def transition(
        self, referral: Referral, trigger: str, *, actor: str, reason: str = "", **params: Any
    ) -> Transitioned:
        """Run one lifecycle trigger and write the new state, the facts it changed and its audit
        event together.

        The row is locked first (PostgreSQL `SELECT ... FOR UPDATE`; SQLite serialises writers),
        so two people acting on one referral at once cannot both move it.
        """
        await self._session.flush()  # a refresh would otherwise drop unsaved screening edits
        await self._session.refresh(referral, with_for_update=True)
        self._forget(referral)
        await self.cases_of([referral])  # its sessions, read again under the lock
        # A case of its own, not the one kept: firing the trigger moves its state.
        case = case_from(referral, sessions=self._sessions[referral.id])
        now = self._clock.now()
        change = fire(case, trigger, actor=actor, at=now, reason=reason, tz=self._tz, **params)
        _apply(referral, change)
        # Read from the row as changed: what is derived from it (the session booked, once a
        # first-session date is set) is then right too.
        self.plan_nudges(referral, await self.case_of(referral))
        await self._session.flush()
        self._audit.record_transition(referral.id, change)
        return change

    def plan_nudges(self, referral: Referral, case: Case) -> None:
        """Keep `next_nudge_at` right, in the transaction of the change: every lifecycle
        transition calls it; so must any other change to a fact the nudge rules read
        (`replan`: a session planned or logged). What was due at this moment counts as
        seen: the person changing the case is looking at it."""
        nudging = self._nudging
        now = self._clock.now()
        referral.next_nudge_at = plan(case, nudging.rules, now, nudging.calendar).next_at

    async def replan(self, referral: Referral) -> None:
        """The case's sessions changed: read them again and plan its nudges afresh."""
        await self._session.flush()
        self._forget(referral)
        self.plan_nudges(referral, await self.case_of(referral))
        await self._session.flush()


@dataclass(frozen=True)
class SessionFacts:
    """What the rules read of a case's sessions: how many were attended (and of those, with
    engagement judged appropriate), the day of the planned one, the day of the latest one
    logged."""

    attended: int = 0
    appropriate: int = 0
    planned_on: date | None = None
    last_logged_on: date | None = None


_APPROPRIATE = (ParentingSession.status == ATTENDED) & (ParentingSession.engagement == APPROPRIATE)
_SESSION_FACTS = select(
    ParentingSession.referral_id,
    func.sum(case((ParentingSession.status == ATTENDED, 1), else_=0)),
    func.sum(case((_APPROPRIATE, 1), else_=0)),
    func.min(case((ParentingSession.status == PLANNED, ParentingSession.held_on), else_=None)),
    func.max(case((ParentingSession.status != PLANNED, ParentingSession.held_on), else_=None)),
).group_by(ParentingSession.referral_id)


def session_planned_on(referral: Referral | Live, sessions: SessionFacts) -> date | None:
    """The day of the earliest session booked and not logged: the first session while no
    session on or after its day is logged, or the next one planned."""
    first, last = referral.first_session_date, sessions.last_logged_on
    unlogged_first = first if first is not None and (last is None or last < first) else None
    booked = [d for d in (unlogged_first, sessions.planned_on) if d is not None]
    return min(booked, default=None)


def case_from(
    referral: Referral | Live,
    *,
    attended: int = 0,
    appropriate: int = 0,
    sessions: SessionFacts | None = None,
) -> Case:
    """The referral as the rules see it, given how many sessions were attended, and of
    those how many with engagement judged appropriate (counted by the caller: one case, or a
    list's in one statement); with `sessions`, all the rules read of them (the nudges')."""
    if sessions is not None:
        attended, appropriate = sessions.attended, sessions.appropriate
    planned_on = None if sessions is None else session_planned_on(referral, sessions)
    return Case(
        state=referral.lifecycle_state,
        la_code=referral.la_code,
        consent_given=referral.consent_given_at is not None,
        referring_officer_id=referral.referring_officer_id,
        received_at=referral.received_at,
        referred_la_code=referral.referred_la_code,
        offered_at=referral.offered_at,
        first_session_due=referral.first_session_due,
        support_due=referral.support_due,
        extension_until=referral.extension_until,
        extension_reason=referral.extension_reason,
        allocated_worker_id=referral.allocated_worker_id,
        first_session_date=referral.first_session_date,
        attended_sessions=attended,
        appropriate_sessions=appropriate,
        session_planned_on=planned_on,
        outcome=referral.outcome,
        outcome_recorded_at=referral.outcome_recorded_at,
        police_notified_at=referral.police_notified_at,
        police_acknowledged_at=referral.police_acknowledged_at,
        closed_reason=referral.closed_reason,
        extension_requested_at=referral.extension_requested_at,
    )


def _apply(referral: Referral, change: Transitioned) -> None:
    """Write what the lifecycle decided: the facts by their column names, then the state."""
    for column, value in change.changes.items():
        setattr(referral, column, value)
    if change.to_state is not change.from_state:
        token = STATE_FROM_MACHINE.set(change.to_state.value)
        try:
            referral.state = change.to_state.value
        finally:
            STATE_FROM_MACHINE.reset(token)
        referral.state_changed_at = change.at
