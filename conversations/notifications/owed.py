"""Notices owed to people about a referral: each kind says who may receive it and what it
says; each notice is a row in `notifications` until it is delivered."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from conversations.reply import Notice, Reply
from storage.models import Referral, User
from storage.uow import UnitOfWork

Render = Callable[[UnitOfWork, Referral, User], Awaitable[Reply | None]]
MayReceive = Callable[[UnitOfWork, Referral, User], Awaitable[bool]]
KindNamed = Callable[[str], "NoticeKind | None"]  # a kind by its stored name


@dataclass(frozen=True)
class NoticeKind:
    """One kind of notice. `may_receive` is the role and scope the recipient needs, checked
    at every send, first or again (a person may have moved LA or role since); `render` says
    what they are told, or None once it is no longer news."""

    name: str
    may_receive: MayReceive
    render: Render


async def owe(
    uow: UnitOfWork, referral: Referral, kind: NoticeKind, recipients: Sequence[User]
) -> list[Notice]:
    """Record one notice per recipient in this unit of work, and return those to send after
    it commits (each carries its row's id, to be marked sent). One for a console user stays
    owed until their console shows it (`inbox`)."""
    owed = await owe_each(uow, [(referral, kind, user) for user in recipients])
    return [notice for _nid, notice in owed if notice is not None]


async def owe_each(
    uow: UnitOfWork, owed: Sequence[tuple[Referral, NoticeKind, User]]
) -> list[tuple[int, Notice | None]]:
    """`owe` for many notices, each with the id of the row it recorded (a nudge's claim
    links it); the rows recorded in one round of statements however many (a sweep's batch)."""
    rows = [(referral.id, kind.name, user.id) for referral, kind, user in owed]
    ids = await uow.notifications.record_all(rows, uow.clock.now())
    return [
        (nid, await notice_for(uow, kind, referral, user, nid))
        for (referral, kind, user), nid in zip(owed, ids, strict=True)
    ]


async def inbox(uow: UnitOfWork, user: User, kinds: KindNamed) -> list[Notice]:
    """What is owed to `user` and still news, for a channel that asks (the console)."""
    notices = []
    for row in await uow.notifications.owed_to(user.id):
        kind = kinds(row.kind)
        referral = await uow.referrals.get_by_id(row.referral_id)
        notice = None if kind is None else await notice_for(uow, kind, referral, user, row.id)
        if notice is not None:
            notices.append(notice)
    return notices


async def notice_for(
    uow: UnitOfWork, kind: NoticeKind, referral: Referral, user: User, notification_id: int
) -> Notice | None:
    """The notice as `user` should get it now; None when they are no longer someone to tell
    (revoked, moved to another role or scope) or it is no longer news."""
    if not user.active:
        return None
    if not await kind.may_receive(uow, referral, user):
        return None
    reply = await kind.render(uow, referral, user)
    return None if reply is None else Notice(user.telegram_id, reply, notification_id)
