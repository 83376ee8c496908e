"""Replies kept with their update's claim until Telegram has taken them.

The reply is written in the same transaction as the work (the idempotency-key pattern: what
was answered is stored with the key), encrypted because it may show personal details, and
cleared once sent. One still here after a crash is sent again; it holds only an opaque JSON
value: what a reply means is the layer above's business.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.crypto import FieldCipher
from storage.dialect import execute
from storage.models import ProcessedUpdate

_TABLE = ProcessedUpdate.metadata.tables["processed_updates"]
_THE_UPDATE = _TABLE.c.update_id == bindparam("uid")
_KEEP = update(_TABLE).where(_THE_UPDATE).values(reply=bindparam("value"))
_SENT = update(_TABLE).where(_THE_UPDATE, _TABLE.c.reply.is_not(None)).values(reply=None)
_UNSENT = select(_TABLE.c.reply).where(_THE_UPDATE)


class ReplyStore:
    def __init__(self, session: AsyncSession, cipher: FieldCipher) -> None:
        self._session = session
        self._cipher = cipher

    async def keep(self, update_id: int, reply: dict[str, Any]) -> None:
        """With the claim of `update_id`, in this unit of work."""
        value = self._cipher.encrypt_json(reply)
        await execute(self._session, _KEEP, {"uid": update_id, "value": value})

    async def unsent(self, update_id: int) -> dict[str, Any] | None:
        """The reply kept for `update_id` and not yet sent, if any."""
        token = (await execute(self._session, _UNSENT, {"uid": update_id})).scalar()
        return None if token is None else self._cipher.decrypt_json(token)

    async def sent(self, update_id: int) -> None:
        """Telegram took it: nothing more to send, and nothing personal left behind."""
        await execute(self._session, _SENT, {"uid": update_id})

    async def take_unsent(
        self, claimed_before: datetime, now: datetime
    ) -> list[tuple[int, dict[str, Any]]]:
        """Every reply kept and not sent whose update was claimed before `claimed_before`,
        oldest first, to send again. Their claim time becomes `now`, so that another instance
        sweeping meanwhile leaves them to this one (and a crash now leaves them to the next)."""
        t = _TABLE.c
        statement = (
            select(t.update_id, t.reply)
            .where(t.reply.is_not(None), t.processed_at < claimed_before)
            .order_by(t.processed_at, t.update_id)
            .with_for_update(skip_locked=True)
        )
        rows = (await self._session.execute(statement)).all()
        if rows:
            taken = t.update_id.in_([uid for uid, _ in rows])
            await self._session.execute(update(_TABLE).where(taken).values(processed_at=now))
        return [(uid, self._cipher.decrypt_json(token)) for uid, token in rows]
