"""Notifications owed to people about referrals: written with the change that caused them,
marked sent once Telegram took them, so "who was told, and when" is on record."""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import bindparam, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.dialect import execute
from storage.models import Notification

_TABLE = Notification.metadata.tables["notifications"]
_SENT = (
    update(_TABLE)
    .where(_TABLE.c.id == bindparam("nid"), _TABLE.c.sent_at.is_(None))
    .values(sent_at=bindparam("at"), chat_message_id=bindparam("mid"))
)


class NotificationStore:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def record(
        self, referral_id: int, kind: str, recipients: Sequence[int], at: datetime
    ) -> list[int]:
        """One row per recipient (our user ids); their ids, in the same order."""
        rows = [
            Notification(referral_id=referral_id, kind=kind, recipient_user_id=user_id,
                         created_at=at)
            for user_id in recipients
        ]  # fmt: skip
        self._session.add_all(rows)
        await self._session.flush()
        return [row.id for row in rows]

    async def mark_sent(self, sent: Sequence[tuple[int, int]], at: datetime) -> None:
        """(notification id, Telegram message id) for each one delivered."""
        if sent:
            params = [{"nid": nid, "mid": mid, "at": at} for nid, mid in sent]
            await execute(self._session, _SENT, params)
