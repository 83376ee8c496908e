"""Notices that did not reach someone (they had blocked the bot, or the bot stopped between
saving a change and sending its notices) are sent again by the sweeper, while they are still
news, a few times over the first day, and only to someone who may still receive them."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from conversations.notifications import case_changes, extension, nudges
from conversations.notifications.offers import TO_ADMINS, TO_MANAGERS, TO_WORKERS
from conversations.notifications.outcome import TO_ADMINS as OUTCOME_TO_ADMINS
from conversations.notifications.outcome import TO_POLICE, TO_WORKER
from conversations.notifications.owed import NoticeKind, notice_for
from conversations.notifications.safeguarding import TO_MANAGERS as CONCERN_TO_MANAGERS
from conversations.notifications.yot import TO_ADMINS as YOT_TO_ADMINS
from conversations.notifications.yot import TO_YOT, UNATTENDED
from conversations.reply import Notice
from storage.uow import UnitOfWork

QUIET = timedelta(minutes=2)  # the first send is long done; and the time between tries
GIVE_UP_AFTER = timedelta(days=1)  # by then the deadline nudges take over
ATTEMPTS = 3

KINDS: Mapping[str, NoticeKind] = {
    kind.name: kind
    for kind in (
        TO_WORKERS,
        TO_MANAGERS,
        TO_ADMINS,
        TO_YOT,
        YOT_TO_ADMINS,
        UNATTENDED,
        TO_POLICE,
        OUTCOME_TO_ADMINS,
        TO_WORKER,
        CONCERN_TO_MANAGERS,
        extension.TO_POLICE,
        extension.TO_ADMINS,
        extension.TO_WORKER,
        *case_changes.KINDS,
    )
}


def kind_named(name: str) -> NoticeKind | None:
    """A stored notification's kind: one above, or a deadline nudge (named for its rule)."""
    return KINDS.get(name) or nudges.kind_named(name)


async def owed_again(uow: UnitOfWork) -> list[Notice]:
    """The notices to send again now, each counted as a try; ones no longer news, or whose
    recipient may no longer have them, are settled."""
    now = uow.clock.now()
    owed = await uow.notifications.undelivered(
        created_after=now - GIVE_UP_AFTER, quiet_since=now - QUIET, attempts_below=ATTEMPTS
    )
    notices: list[Notice] = []
    settled: list[int] = []
    for row in owed:
        kind = kind_named(row.kind)
        user = await uow.people.get(row.recipient_user_id)
        if user is not None and user.active and user.telegram_id is None:
            continue  # a console user: their console shows it when they are there
        notice = None
        if kind is not None and user is not None:
            referral = await uow.referrals.get_by_id(row.referral_id)
            notice = await notice_for(uow, kind, referral, user, row.id)
        if notice is None:
            settled.append(row.id)  # no longer news, or nobody left to tell
        else:
            notices.append(notice)
    await uow.notifications.tried([row.id for row in owed if row.id not in settled], now)
    await uow.notifications.settle(settled, ATTEMPTS, now)
    return notices
