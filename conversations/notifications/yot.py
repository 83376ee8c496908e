"""A parent under 18: the screening so far is offered to the YOT officers of the referring
officer's force, one of whom takes it on (guidance §3, §4 YOTs role). With none enrolled it
waits, the admins are told (the reference only), and the first who enrols is offered it; one
nobody has taken up by the time the idle sweep looks is kept, and the admins are told once."""

from __future__ import annotations

from dataclasses import dataclass

from conversations.access import Actor
from conversations.i18n import t
from conversations.keyboards import button
from conversations.notifications.owed import NoticeKind, owe
from conversations.reply import Notice, Reply
from state_machine.lifecycle import ReferralState
from storage.models import Referral, User
from storage.uow import UnitOfWork

HANDED_OVER = "handed_to_yot"  # a screening answer: the force whose YOT may pick it up


@dataclass(frozen=True)
class HandedOver:
    notices: list[Notice]
    yot_told: bool  # the force's YOT officers have it
    admins_told: bool  # none is enrolled: the admins were told instead


async def officers_of(uow: UnitOfWork, force_code: str | None) -> list[User]:
    return [u for u in await uow.people.active_with_role("yot") if u.force_code == force_code]


async def notify_handover(
    uow: UnitOfWork, referral: Referral, force_code: str | None
) -> HandedOver:
    """Offer it to the force's YOT officers; with none enrolled, tell the admins."""
    officers = await officers_of(uow, force_code)
    if officers:
        return HandedOver(await owe(uow, referral, TO_YOT, officers), True, False)
    admins = list(await uow.people.active_with_role("admin"))
    return HandedOver(await owe(uow, referral, TO_ADMINS, admins), False, bool(admins))


async def waiting(uow: UnitOfWork, referral: Referral) -> str | None:
    """The force a hand-over waits for, while no YOT officer has taken it on; else None."""
    if referral.lifecycle_state is not ReferralState.SCREENING:
        return None
    answers = await uow.referrals.answers(referral)
    force = answers.get(HANDED_OVER)
    return None if force is None or answers.get("yot_officer") else str(force)


async def waiting_for_yot(uow: UnitOfWork, user: User) -> list[Notice]:
    """For a YOT officer just enrolled: every hand-over of their force still waiting (one
    enrolled again is offered it again: revoking voided their old buttons)."""
    notices: list[Notice] = []
    for referral in await uow.referrals.handed_over(user.force_code):
        if await waiting(uow, referral) == user.force_code:
            notices += await owe(uow, referral, TO_YOT, [user])
    return notices


async def unattended(uow: UnitOfWork, referral: Referral) -> list[Notice]:
    """The idle sweep found a hand-over still waiting: it is kept (nobody else can complete
    it), and the admins are told once."""
    if await uow.notifications.told(referral.id, UNATTENDED.name):
        return []
    return await owe(uow, referral, UNATTENDED, list(await uow.people.active_with_role("admin")))


async def _of_the_force(uow: UnitOfWork, referral: Referral, user: User) -> bool:
    answers = await uow.referrals.answers(referral)
    return user.role == "yot" and user.force_code == answers.get(HANDED_OVER)


async def _offer(uow: UnitOfWork, referral: Referral, user: User) -> Reply | None:
    """None once one of them has taken the screening on."""
    if await waiting(uow, referral) is None:
        return None
    yot = Actor.of(user)
    take = button(uow, yot, t(yot.language, "handover.take"), "referral.take",
                  referral_id=referral.id)  # fmt: skip
    text = t(yot.language, "handover.notice", reference=referral.reference)
    return Reply(text, buttons=((take,),))


async def _admin(_uow: UnitOfWork, _referral: Referral, user: User) -> bool:
    return user.role == "admin"


async def _force_name(uow: UnitOfWork, code: str, lang: str) -> str:
    forces = {force.code: force for force in await uow.people.forces()}
    return forces[code].name(lang) if code in forces else code


async def _nobody(uow: UnitOfWork, referral: Referral, user: User) -> Reply | None:
    """Admins see no case details (DESIGN.md §1): the reference and the force. No longer
    news once it is taken, or an officer has enrolled (and was offered it)."""
    force = await waiting(uow, referral)
    if force is None or await officers_of(uow, force):
        return None
    lang = Actor.of(user).language
    name = await _force_name(uow, force, lang)
    return Reply(t(lang, "handover.nobody", reference=referral.reference, force=name))


async def _unattended(uow: UnitOfWork, referral: Referral, user: User) -> Reply | None:
    force = await waiting(uow, referral)
    if force is None:
        return None
    lang = Actor.of(user).language
    name = await _force_name(uow, force, lang)
    return Reply(t(lang, "handover.unattended", reference=referral.reference, force=name))


TO_YOT = NoticeKind(HANDED_OVER, _of_the_force, _offer)
TO_ADMINS = NoticeKind("handed_to_yot_nobody", _admin, _nobody)
UNATTENDED = NoticeKind("handed_to_yot_unattended", _admin, _unattended)
