"""A parent under 18: police cannot refer them (§3, §4 YOTs role), so the screening so far is
handed to the YOT officers of the officer's force, and one of them completes it."""

from __future__ import annotations

from conversations.access import Actor
from conversations.forms.order import next_key
from conversations.i18n import t
from conversations.notifications.owed import owe
from conversations.notifications.yot import HANDED_OVER, TO_YOT
from conversations.reply import Notice, Outcome, Reply
from conversations.screening.questions import QUESTIONS
from state_machine.lifecycle import ReferralState
from storage.models import Referral
from storage.uow import UnitOfWork


async def hand_to_yot(uow: UnitOfWork, actor: Actor, referral: Referral) -> list[Notice] | None:
    """Offer the screening to the force's YOT officers; None when there are none enrolled."""
    officers = [u for u in await uow.people.active_with_role("yot")
                if u.force_code == actor.force_code]  # fmt: skip
    if not officers:
        return None
    await uow.referrals.record_answer(referral, HANDED_OVER, actor.force_code, by=actor.user_id)
    referral.yot = True
    await uow.dialogues.end(actor.user_id)  # the answers stay with the referral
    return await owe(uow, referral, TO_YOT, officers)


async def take(uow: UnitOfWork, actor: Actor, referral_id: int) -> Outcome:
    """A YOT officer of the same force carries on from where police stopped."""
    from conversations.screening.service import ask_current  # service imports this module

    lang = actor.language
    referral = await uow.referrals.get_by_id(referral_id)
    answers = await uow.referrals.answers(referral)
    if actor.role != "yot" or answers.get(HANDED_OVER) != actor.force_code:
        return Outcome([Reply(t(lang, "button.stale"))])
    if referral.lifecycle_state is not ReferralState.SCREENING or answers.get("yot_officer"):
        return Outcome([Reply(t(lang, "handover.taken", reference=referral.reference),
                           edit=True)])  # fmt: skip
    current = await uow.dialogues.current(actor.user_id)
    if current is not None:  # one conversation at a time; theirs is not lost silently
        return Outcome([Reply(t(lang, "handover.finish_first"))])
    await uow.referrals.record_answer(referral, "yot_officer", actor.user_id, by=actor.user_id)
    referral.referring_officer_id = actor.user_id
    step = next_key(QUESTIONS, "age", answers)
    dialogue = await uow.dialogues.begin(actor.user_id, "screening", step, referral_id=referral.id)
    taken = Reply(t(lang, "handover.yours", reference=referral.reference), edit=True)
    return Outcome([taken, await ask_current(uow, actor, dialogue)])
