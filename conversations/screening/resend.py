"""Notices that did not reach someone (they had blocked the bot, or the bot stopped between
saving a referral and sending its notices) are sent again by the sweeper, while they are
still news, a few times over the first day."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta

from conversations.reply import Notice, Reply
from conversations.screening.handover import HANDED_OVER, handover_notice
from conversations.screening.submit import new_referral_notice
from storage.models import Referral, User
from storage.uow import UnitOfWork

QUIET = timedelta(minutes=2)  # the first send is long done; and the time between tries
GIVE_UP_AFTER = timedelta(days=1)  # by then the deadline nudges take over
ATTEMPTS = 3

Render = Callable[[UnitOfWork, str, Referral, User], Awaitable[Reply | None]]
_RENDER: dict[str, Render] = {
    "new_referral": new_referral_notice,
    "new_referral_no_worker": new_referral_notice,
    "new_referral_nobody": new_referral_notice,
    HANDED_OVER: handover_notice,
}


async def owed_again(uow: UnitOfWork) -> list[Notice]:
    """The notices to send again now, each counted as a try; ones no longer news are settled."""
    now = uow.clock.now()
    owed = await uow.notifications.undelivered(
        created_after=now - GIVE_UP_AFTER, quiet_since=now - QUIET, attempts_below=ATTEMPTS
    )
    notices: list[Notice] = []
    settled: list[int] = []
    for row in owed:
        user = await uow.people.get(row.recipient_user_id)
        render = _RENDER.get(row.kind)
        if render and user is not None and user.active and user.telegram_id is not None:
            referral = await uow.referrals.get_by_id(row.referral_id)
            reply = await render(uow, row.kind, referral, user)
            if reply is not None:
                notices.append(Notice(user.telegram_id, reply, row.id))
                continue
        settled.append(row.id)  # no longer news, or nobody left to tell
    await uow.notifications.tried([row.id for row in owed if row.id not in settled], now)
    await uow.notifications.settle(settled, ATTEMPTS, now)
    return notices
