"""A parent under 18: police cannot refer them (§3, §4 YOTs role), so the screening so far is
handed to the YOT officers of the officer's force, and one of them completes it. With none
enrolled yet it waits for them: the officer is told so, and the admins."""

from __future__ import annotations

from conversations.access import Actor
from conversations.forms.order import next_key
from conversations.i18n import t
from conversations.notifications.yot import HANDED_OVER, notify_handover
from conversations.reply import Outcome, Reply
from conversations.screening.questions import QUESTIONS
from state_machine.lifecycle import ReferralState
from storage.models import Referral
from storage.uow import UnitOfWork


async def hand_to_yot(uow: UnitOfWork, actor: Actor, referral: Referral) -> Outcome:
    """Hand the screening to the force's YOT officers, or leave it waiting for the first to
    enrol; the officer is told which, in plain words."""
    await uow.referrals.record_answer(referral, HANDED_OVER, actor.force_code, by=actor.user_id)
    referral.yot = True
    await uow.dialogues.end(actor.user_id)  # the answers stay with the referral
    handed = await notify_handover(uow, referral, actor.force_code)
    lang, reference = actor.language, referral.reference
    if handed.yot_told:
        text = t(lang, "handover.done", reference=reference)
    else:  # said plainly: nobody at the YOT knows of it yet
        told = "screen.submitted_admins_told" if handed.admins_told else "screen.submitted_no_admin"
        text = f"{t(lang, 'handover.waiting', reference=reference)}\n{t(lang, told)}"
    return Outcome([Reply(text)], notices=handed.notices)


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
