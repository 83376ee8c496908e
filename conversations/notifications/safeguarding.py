"""The alert to an LA's managers when a safeguarding concern is raised on one of its cases:
at once, owed in the same unit of work as the concern and sent after it commits. Reference
and initials, the level and the action taken: never names, never the worker's words."""

from __future__ import annotations

from conversations.access import Actor
from conversations.i18n import t
from conversations.keyboards import button
from conversations.notifications.offers import day
from conversations.notifications.owed import NoticeKind, owe
from conversations.reply import Notice, Reply
from storage.models import Referral, User
from storage.uow import UnitOfWork


async def _manager_of_the_la(_uow: UnitOfWork, referral: Referral, user: User) -> bool:
    return user.role == "manager" and Actor.of(user).sees_la(referral.la_code)


async def _alert(uow: UnitOfWork, referral: Referral, user: User) -> Reply | None:
    """The latest concern on the case: one concern is one alert (sent again, it is the same)."""
    concerns = await uow.safeguarding.concerns(referral)
    if not concerns:
        return None
    concern, actor = concerns[-1], Actor.of(user)
    lang = actor.language
    text = t(
        lang,
        "safeguarding.alert",
        reference=referral.reference,
        initials=await uow.personal.initials(referral) or "–",
        level=t(lang, f"concern.a.level.{concern.level}"),
        action=t(lang, f"concern.a.action.{concern.action}"),
        day=day(concern.on),
    )
    label = t(lang, "notify.open_case")
    return Reply(
        text, buttons=((button(uow, actor, label, "case.open", referral_id=referral.id),),)
    )


TO_MANAGERS = NoticeKind("safeguarding_concern", _manager_of_the_la, _alert)


async def alert_managers(uow: UnitOfWork, referral: Referral) -> list[Notice]:
    """One notice to each active manager of the case's LA (a national manager is not one)."""
    if referral.la_code is None:
        return []
    managers = await uow.people.active_in_la("manager", referral.la_code)
    return await owe(uow, referral, TO_MANAGERS, list(managers))
