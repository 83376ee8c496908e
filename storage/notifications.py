"""Notifications owed to people about referrals: written with the change that caused them,
marked sent once Telegram took them, so "who was told, and when" is on record; one that did
not go out is found again here and sent again."""

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.dialect import execute
from storage.models import Notification

_TABLE = Notification.metadata.tables["notifications"]
_SENT = (
    update(_TABLE)
    .where(_TABLE.c.id == bindparam("nid"), _TABLE.c.sent_at.is_(None))
    .values(sent_at=bindparam("at"), chat_message_id=bindparam("mid"))
)


_RECORD = insert(Notification).returning(
    Notification.id, Notification.referral_id, Notification.kind, Notification.recipient_user_id
)


class Owed(NamedTuple):
    """One notification still to deliver."""

    id: int
    referral_id: int
    kind: str
    recipient_user_id: int
    created_at: datetime


class Told(NamedTuple):
    """One notice about a referral, as the timeline shows it: what, when owed, when sent."""

    kind: str
    created_at: datetime
    sent_at: datetime | None


class NotificationStore:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def record_all(self, owed: Sequence[tuple[int, str, int]], at: datetime) -> list[int]:
        """One row per (referral id, kind, recipient's user id), in one round of statements
        however many (a sweep's batch); their ids, in the same order."""
        if not owed:
            return []
        rows = [{"referral_id": rid, "kind": kind, "recipient_user_id": uid, "created_at": at}
                for rid, kind, uid in owed]  # fmt: skip
        # Through the session, which first flushes what its rows rest on (a new referral).
        found = await self._session.execute(_RECORD, rows)
        # Matched by what they hold, not by order (SQLite would send a row a statement to
        # keep the order); rows alike are alike, so any of their ids will do.
        ids: dict[tuple[int, str, int], list[int]] = {}
        made: Iterable[tuple[Any, ...]] = found.all()
        for nid, rid, kind, uid in made:
            ids.setdefault((rid, kind, uid), []).append(nid)
        return [ids[each].pop() for each in owed]

    async def mark_sent(self, sent: Sequence[tuple[int, int | None]], at: datetime) -> None:
        """(notification id, Telegram message id, None on the console) for each delivered."""
        if sent:
            params = [{"nid": nid, "mid": mid, "at": at} for nid, mid in sent]
            await execute(self._session, _SENT, params)

    async def undelivered(
        self, *, created_after: datetime, quiet_since: datetime, attempts_below: int
    ) -> list[Owed]:
        """Not sent, made after `created_after`, not tried since `quiet_since` (nor made
        since then: the first send may still be under way), fewer than `attempts_below`
        tries. Locked for this unit of work where the database can (another instance skips
        them)."""
        n = _TABLE.c
        statement = (
            select(n.id, n.referral_id, n.kind, n.recipient_user_id, n.created_at)
            .where(n.sent_at.is_(None), n.attempts < attempts_below)
            .where(n.created_at > created_after, n.created_at < quiet_since)
            .where((n.last_attempt_at.is_(None)) | (n.last_attempt_at < quiet_since))
            .order_by(n.id)
            .with_for_update(skip_locked=True)
        )
        rows = await self._session.execute(statement)
        return [Owed(*row) for row in rows]

    async def owed_to(self, user_id: int) -> list[Owed]:
        """Everything not yet delivered to one person, oldest first."""
        n = _TABLE.c
        statement = (
            select(n.id, n.referral_id, n.kind, n.recipient_user_id, n.created_at)
            .where(n.recipient_user_id == user_id, n.sent_at.is_(None))
            .order_by(n.id)
        )
        return [Owed(*row) for row in await self._session.execute(statement)]

    async def about(self, referral_id: int) -> list[Told]:
        """Every notice owed about one referral, oldest first (one row per recipient)."""
        n = _TABLE.c
        statement = (
            select(n.kind, n.created_at, n.sent_at)
            .where(n.referral_id == referral_id)
            .order_by(n.created_at, n.id)
        )
        return [Told(*row) for row in await self._session.execute(statement)]

    async def told(self, referral_id: int, kind: str) -> bool:
        """Whether a notice of `kind` about the referral was ever owed, sent or not (some are
        owed once)."""
        n = _TABLE.c
        statement = select(n.id).where(n.referral_id == referral_id, n.kind == kind).limit(1)
        return await self._session.scalar(statement) is not None

    async def tried(self, ids: Sequence[int], at: datetime) -> None:
        if ids:
            await self._session.execute(
                update(_TABLE)
                .where(_TABLE.c.id.in_(ids))
                .values(attempts=_TABLE.c.attempts + 1, last_attempt_at=at)
            )

    async def settle(self, ids: Sequence[int], attempts: int, at: datetime) -> None:
        """Nothing more to send (the referral was accepted, the recipient left): marked as if
        every try was used, and left unsent, which is what happened."""
        if ids:
            await self._session.execute(
                update(_TABLE)
                .where(_TABLE.c.id.in_(ids))
                .values(attempts=attempts, last_attempt_at=at)
            )
