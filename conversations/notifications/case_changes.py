"""What people are told when a case changes hands or ends early: the referring officer of a
transfer to another LA and of a withdrawal; both workers of a re-allocation. Reference and
initials, never a name of the individual nor the worker's words."""

from __future__ import annotations

from conversations.access import Actor
from conversations.i18n import t
from conversations.keyboards import button
from conversations.notifications.offers import la_of
from conversations.notifications.outcome import police_for
from conversations.notifications.owed import NoticeKind, owe
from conversations.reply import Notice, Reply
from state_machine.lifecycle import OPEN_STATES, ReferralState
from storage.models import Referral, User
from storage.uow import UnitOfWork


async def _of_the_force(_uow: UnitOfWork, referral: Referral, user: User) -> bool:
    return user.role == "police" and user.force_code == referral.force_code


async def _transferred(uow: UnitOfWork, referral: Referral, user: User) -> Reply | None:
    lang = Actor.of(user).language
    la = await la_of(uow, referral.la_code)
    return Reply(t(lang, "transfer.police_told", reference=referral.reference,
                   initials=await uow.personal.initials(referral) or "–",
                   la=la.name(lang)))  # fmt: skip


async def _withdrawn(uow: UnitOfWork, referral: Referral, user: User) -> Reply | None:
    if referral.lifecycle_state is not ReferralState.CLOSED_WITHDRAWN:
        return None
    lang = Actor.of(user).language
    la = await la_of(uow, referral.la_code)
    why = t(lang, f"withdraw.a.why.{referral.closed_reason}")
    return Reply(t(lang, "withdraw.police_told", reference=referral.reference,
                   initials=await uow.personal.initials(referral) or "–",
                   la=la.name(lang), why=why))  # fmt: skip


async def _worker_of_the_la(_uow: UnitOfWork, referral: Referral, user: User) -> bool:
    return user.role == "worker" and Actor.of(user).sees_la(referral.la_code)


async def _given(uow: UnitOfWork, referral: Referral, user: User) -> Reply | None:
    """To the worker it is now allocated to (no longer news once it moved on again)."""
    if referral.allocated_worker_id != user.id or referral.lifecycle_state not in OPEN_STATES:
        return None
    actor = Actor.of(user)
    lang = actor.language
    text = t(lang, "reallocate.given", reference=referral.reference,
             initials=await uow.personal.initials(referral) or "–")  # fmt: skip
    opens = button(uow, actor, t(lang, "notify.open_case"), "case.open", referral_id=referral.id)
    return Reply(text, buttons=((opens,),))


async def _taken(uow: UnitOfWork, referral: Referral, user: User) -> Reply | None:
    """To the worker it was taken from (no longer news if it came back to them)."""
    if referral.allocated_worker_id == user.id:
        return None
    lang = Actor.of(user).language
    return Reply(t(lang, "reallocate.taken", reference=referral.reference,
                   initials=await uow.personal.initials(referral) or "–"))  # fmt: skip


TRANSFER_TO_POLICE = NoticeKind("transfer_to_police", _of_the_force, _transferred)
WITHDRAWAL_TO_POLICE = NoticeKind("withdrawal_to_police", _of_the_force, _withdrawn)
REALLOCATED_TO = NoticeKind("reallocated_to", _worker_of_the_la, _given)
REALLOCATED_FROM = NoticeKind("reallocated_from", _worker_of_the_la, _taken)
KINDS = (TRANSFER_TO_POLICE, WITHDRAWAL_TO_POLICE, REALLOCATED_TO, REALLOCATED_FROM)


async def tell_police(uow: UnitOfWork, referral: Referral, kind: NoticeKind) -> list[Notice]:
    """The referring officer, or while they are not active the force's other police users
    (as the outcome notice goes); nobody else: the police have nothing to do about it."""
    return await owe(uow, referral, kind, await police_for(uow, referral))


async def tell_workers(
    uow: UnitOfWork, referral: Referral, old: User | None, new: User
) -> list[Notice]:
    notices = await owe(uow, referral, REALLOCATED_TO, [new])
    if old is not None:
        notices += await owe(uow, referral, REALLOCATED_FROM, [old])
    return notices
