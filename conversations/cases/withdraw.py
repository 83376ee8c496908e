"""Withdraw a case (the police withdrew the disposal, the individual withdrew consent, or
another reason), from the card of the worker who holds it: why (buttons), the worker's words
(sealed, then encrypted on the referral), and the review as the confirmation. It ends the
case (the lifecycle's `withdraw`: closed_withdrawn, the reason's key kept), the referring
officer is told, and the card shows it."""

from __future__ import annotations

from conversations.cases import scope
from conversations.cases.card import card
from conversations.cases.case_form import CaseForm, referral_of
from conversations.cases.sealed import SealedStore
from conversations.cases.words import case_label
from conversations.forms.hooks import Hooks, Store, Turn
from conversations.forms.questions import Answers, Form, Question
from conversations.i18n import t
from conversations.notifications.case_changes import WITHDRAWAL_TO_POLICE, tell_police
from conversations.reply import Outcome, Reply
from state_machine.errors import LifecycleError

KIND = "withdraw"
WORDS_LIMIT = 500
WHY = ("disposal_withdrawn", "consent_withdrawn", "other")

QUESTIONS = (
    Question("why", "choice", "withdraw", WHY, per_row=1),
    Question("words", "text", "withdraw", personal=True, limit=WORDS_LIMIT),
)


class WithdrawHooks(Hooks):
    async def store(self, turn: Turn) -> Store:
        return SealedStore(turn.uow, turn.dialogue, turn.form)

    async def text(self, turn: Turn, question: Question, answers: Answers) -> str:
        if question.key == "why":
            label = await case_label(turn.uow, referral_of(turn))
            return t(turn.lang, "withdraw.q.why", case=label)
        return await super().text(turn, question, answers)

    async def review_title(self, turn: Turn) -> str:
        label = await case_label(turn.uow, referral_of(turn))
        return t(turn.lang, "withdraw.review.title", case=label)


FORM = Form(KIND, "withdraw", QUESTIONS, WithdrawHooks(), editable_sections=("withdraw",))


async def save(turn: Turn) -> Outcome:
    uow, actor, referral, lang = turn.uow, turn.actor, referral_of(turn), turn.lang
    store = SealedStore(uow, turn.dialogue, turn.form)
    why, words = (await store.answers()).get("why"), str(store.personal().get("words", ""))
    await uow.dialogues.end(actor.user_id)
    if why not in WHY:  # a crafted press
        return Outcome([Reply(t(lang, "button.stale"))])
    try:
        await uow.referrals.transition(referral, "withdraw", actor=actor.audit_name, reason=why)
    except LifecycleError:
        return Outcome([Reply(t(lang, "button.stale"))])
    referral.withdrawal_reason = uow.casework.seal(words)
    await uow.extensions.withdraw_open(referral, actor=actor.audit_name, why="withdrawn")
    uow.audit.record(actor.audit_name, "referral.withdrawn", referral_id=referral.id,
                     details={"why": str(why)})  # fmt: skip
    police = await tell_police(uow, referral, WITHDRAWAL_TO_POLICE)
    label = await case_label(uow, referral)
    text = t(lang, "withdraw.done", case=label)
    if not police:
        text += "\n" + t(lang, "transfer.no_police")
    return Outcome([Reply(text, edit=True), await card(uow, actor, referral)], notices=police)


ENTRY = CaseForm(FORM, scope.WORKED_ON, save)
