"""A parent under 18: the screening so far is offered to the YOT officers of the referring
officer's force, one of whom takes it on (guidance §3, §4 YOTs role)."""

from __future__ import annotations

from conversations.access import Actor
from conversations.i18n import t
from conversations.keyboards import button
from conversations.notifications.owed import NoticeKind
from conversations.reply import Reply
from state_machine.lifecycle import ReferralState
from storage.models import Referral, User
from storage.uow import UnitOfWork

HANDED_OVER = "handed_to_yot"  # a screening answer: the force whose YOT may pick it up


async def _of_the_force(uow: UnitOfWork, referral: Referral, user: User) -> bool:
    answers = await uow.referrals.answers(referral)
    return user.role == "yot" and user.force_code == answers.get(HANDED_OVER)


async def _offer(uow: UnitOfWork, referral: Referral, user: User) -> Reply | None:
    """None once one of them has taken the screening on."""
    answers = await uow.referrals.answers(referral)
    if referral.lifecycle_state is not ReferralState.SCREENING or answers.get("yot_officer"):
        return None
    yot = Actor.of(user)
    take = button(uow, yot, t(yot.language, "handover.take"), "referral.take",
                  referral_id=referral.id)  # fmt: skip
    text = t(yot.language, "handover.notice", reference=referral.reference)
    return Reply(text, buttons=((take,),))


TO_YOT = NoticeKind(HANDED_OVER, _of_the_force, _offer)
