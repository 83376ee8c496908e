"""A new referral offered to its LA: every active worker there; else its managers; else the
admins (who are told only that one is waiting). Never nobody."""

from __future__ import annotations

from datetime import date

from conversations.access import Actor
from conversations.i18n import t
from conversations.keyboards import button
from conversations.notifications.owed import MayReceive, NoticeKind, owe
from conversations.reply import Button, Notice, Reply
from state_machine.lifecycle import ReferralState
from storage.models import Referral, User
from storage.reference import Place
from storage.uow import UnitOfWork


def day(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else "–"


async def la_of(uow: UnitOfWork, code: str | None) -> Place:
    return next(la for la in await uow.people.local_authorities() if la.code == code)


async def notify_new_referral(uow: UnitOfWork, referral: Referral) -> list[Notice]:
    assert referral.la_code is not None
    recipients: list[User] = list(await uow.people.active_in_la("worker", referral.la_code))
    kind = TO_WORKERS
    if not recipients:
        recipients = list(await uow.people.active_in_la("manager", referral.la_code))
        kind = TO_MANAGERS
    if not recipients:
        recipients = list(await uow.people.active_with_role("admin"))
        kind = TO_ADMINS
    return await owe(uow, referral, kind, recipients)


def _in_la(role: str) -> MayReceive:
    async def may_receive(_uow: UnitOfWork, referral: Referral, user: User) -> bool:
        return user.role == role and Actor.of(user).sees_la(referral.la_code)

    return may_receive


async def _admin(_uow: UnitOfWork, _referral: Referral, user: User) -> bool:
    return user.role == "admin"


async def _offer(uow: UnitOfWork, referral: Referral, user: User) -> Reply | None:
    """Reference and initials, never more; None once a worker has accepted it."""
    if referral.lifecycle_state is not ReferralState.REFERRED:
        return None
    actor = Actor.of(user)
    lang = actor.language
    la = await la_of(uow, referral.la_code)
    language = referral.session_language
    key = "notify.new_referral" if user.role == "worker" else "notify.new_referral_no_worker"
    text = t(
        lang,
        key,
        reference=referral.reference,
        initials=await uow.personal.initials(referral) or "–",
        la=la.name(lang),
        first_session_due=day(referral.first_session_due),
        support_due=day(referral.support_due),
        language=t(lang, f"screen.a.session_language.{language}") if language else "–",
    )
    buttons: tuple[tuple[Button, ...], ...] = ()
    if user.role == "worker":
        label = t(lang, "notify.accept")
        buttons = ((button(uow, actor, label, "referral.accept", referral_id=referral.id),),)
    return Reply(text, buttons=buttons)


async def _waiting(uow: UnitOfWork, referral: Referral, user: User) -> Reply | None:
    """Admins see no case details (DESIGN.md §1): only that an LA has one waiting."""
    if referral.lifecycle_state is not ReferralState.REFERRED:
        return None
    lang = Actor.of(user).language
    la = await la_of(uow, referral.la_code)
    return Reply(t(lang, "notify.nobody", reference=referral.reference, la=la.name(lang)))


TO_WORKERS = NoticeKind("new_referral", _in_la("worker"), _offer)
TO_MANAGERS = NoticeKind("new_referral_no_worker", _in_la("manager"), _offer)
TO_ADMINS = NoticeKind("new_referral_nobody", _admin, _waiting)
