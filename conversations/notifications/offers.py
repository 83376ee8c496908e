"""A new referral offered to its LA: every active worker there; else its managers; else the
admins (who are told only that one is waiting). Never nobody."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from conversations.access import Actor
from conversations.i18n import t
from conversations.keyboards import button
from conversations.notifications.extension import waiting_for_police as extensions_waiting
from conversations.notifications.outcome import waiting_for_police
from conversations.notifications.owed import MayReceive, NoticeKind, owe
from conversations.notifications.yot import waiting_for_yot
from conversations.reply import Button, Notice, Reply
from state_machine.lifecycle import ReferralState
from storage.models import Referral, User
from storage.reference import Place
from storage.uow import UnitOfWork


def day(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else "–"


async def la_of(uow: UnitOfWork, code: str | None) -> Place:
    return next(la for la in await uow.people.local_authorities() if la.code == code)


@dataclass(frozen=True)
class Offered:
    notices: list[Notice]
    la_told: bool  # someone at the LA (a worker, else a manager) has it
    admins_told: bool  # nobody at the LA could be: the admins were told instead


async def notify_new_referral(uow: UnitOfWork, referral: Referral) -> Offered:
    assert referral.la_code is not None
    for role, kind in (("worker", TO_WORKERS), ("manager", TO_MANAGERS)):
        recipients = list(await uow.people.active_in_la(role, referral.la_code))
        if recipients:
            return Offered(await owe(uow, referral, kind, recipients), True, False)
    # Nobody at the LA yet: it waits (`waiting_for` offers it to the first who enrols).
    admins = list(await uow.people.active_with_role("admin"))
    return Offered(await owe(uow, referral, TO_ADMINS, admins), False, bool(admins))


async def waiting_for(uow: UnitOfWork, user: User) -> list[Notice]:
    """Offers for someone just enrolled: a worker, of every referral in their LAs still
    waiting to be accepted; a manager, of those in LAs with no worker to offer them to; a
    YOT officer, of their force's hand-overs nobody has taken on; a police user, of their
    force's outcomes and extension requests no police user could be sent."""
    if user.role == "yot":
        return await waiting_for_yot(uow, user)
    if user.role == "police":
        return await waiting_for_police(uow, user) + await extensions_waiting(uow, user)
    if user.role not in ("worker", "manager"):
        return []
    scope = None if user.national else user.la_codes
    waiting = await uow.referrals.waiting_to_be_accepted(scope)
    notices = []
    for referral in waiting:
        assert referral.la_code is not None
        if user.role == "manager" and await uow.people.active_in_la("worker", referral.la_code):
            continue
        kind = TO_WORKERS if user.role == "worker" else TO_MANAGERS
        notices += await owe(uow, referral, kind, [user])
    return notices


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
