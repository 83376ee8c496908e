"""Messages owed to other people about a referral, each on record until it is delivered."""

from __future__ import annotations

from conversations.reply import Notice, Reply
from storage.models import Referral, User
from storage.uow import UnitOfWork


async def owed(
    uow: UnitOfWork,
    referral: Referral,
    kind: str,
    recipients: list[User],
    replies: list[Reply | None],
) -> list[Notice]:
    """The notices, each with its row in `notifications` (marked when it is delivered)."""
    ids = await uow.notifications.record(
        referral.id, kind, [user.id for user in recipients], uow.clock.now()
    )
    return [
        Notice(user.telegram_id, reply, nid)
        for user, reply, nid in zip(recipients, replies, ids, strict=True)
        if user.telegram_id is not None and reply is not None
    ]
