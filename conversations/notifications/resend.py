"""Notices that did not reach someone (they had blocked the bot, or the bot stopped between
saving a change and sending its notices) are sent again by the sweeper, while they are still
news, a few times over the first day, and only to someone who may still receive them.

A deadline nudge goes again only in working time, like its first send, and stays news for a
working day (one left unsent at 16:58 on a Friday goes on Monday at 09:00, not at 17:03)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

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
# A nudge's working day can be stretched this far by a weekend and bank holidays (Christmas:
# Thursday evening to Tuesday morning).
NUDGES_LOOKED_AT = timedelta(days=6)
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
    found = await uow.notifications.undelivered(
        created_after=now - NUDGES_LOOKED_AT, quiet_since=now - QUIET, attempts_below=ATTEMPTS
    )
    owed = [row for row in found if _still_news(uow, row.kind, row.created_at, now)]
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


def _still_news(uow: UnitOfWork, kind: str, created_at: datetime, now: datetime) -> bool:
    """To send again now: a nudge in working time, for a working day after it was owed;
    another notice for a day. One no longer news is left as it is (unsent, on record)."""
    if nudges.kind_named(kind) is None:
        return created_at > now - GIVE_UP_AFTER
    calendar = uow.nudging.calendar
    return calendar.is_working_moment(now) and now < calendar.working_days_after(created_at, 1)
