"""Transfer a case to another Welsh LA because the individual moved, from the card of the
worker who holds it: the new LA (a button each), the reason in the worker's words (sealed,
then encrypted on the referral), and the review as the confirmation: nothing happens
before Transfer is pressed.

Then the lifecycle's `transfer` moves it (back to `referred`, at the new LA, no worker): the
new LA's workers get the offer, as a new referral's (offers.py), the referring officer is
told, and the case leaves this worker's list. A first-session date the old LA booked is
dropped and the new LA has 21 days from now to set its own; the delivery date stays (only
police move it, by an extension). The monitoring return counts the referral at the LA the
police referred to and the support at the LA holding it (docs/monitoring-return.md)."""

from __future__ import annotations

from typing import Any

from conversations.cases import scope
from conversations.cases.case_form import CaseForm, referral_of
from conversations.cases.sealed import SealedStore
from conversations.cases.words import case_label
from conversations.forms.hooks import Hooks, Store, Turn
from conversations.forms.questions import Answers, Form, Question
from conversations.i18n import t
from conversations.notifications.case_changes import TRANSFER_TO_POLICE, tell_police
from conversations.notifications.offers import notify_new_referral
from conversations.reply import Outcome, Reply
from state_machine.errors import LifecycleError
from storage.models import Referral
from storage.reference import Place
from storage.uow import UnitOfWork

KIND = "transfer"
REASON_LIMIT = 500
MOVED = "moved"  # the lifecycle's reason: the worker's words stay encrypted

QUESTIONS = (
    Question("la", "choice", "transfer", per_row=2),
    Question("reason", "text", "transfer", personal=True, limit=REASON_LIMIT),
)


def _las(turn: Turn) -> dict[str, Place]:
    las = turn.extra["las"]
    assert isinstance(las, dict)
    return las


class TransferHooks(Hooks):
    async def store(self, turn: Turn) -> Store:
        return SealedStore(turn.uow, turn.dialogue, turn.form)

    async def text(self, turn: Turn, question: Question, answers: Answers) -> str:
        if question.key == "la":
            label = await case_label(turn.uow, referral_of(turn))
            return t(turn.lang, "transfer.q.la", case=label)
        return await super().text(turn, question, answers)

    def label(self, turn: Turn, lang: str, question: Question, value: str) -> str:
        if question.key == "la":
            place = _las(turn).get(value)
            return place.name(lang) if place is not None else value
        return super().label(turn, lang, question, value)

    async def options(
        self, turn: Turn, question: Question, answers: Answers, lang: str
    ) -> list[tuple[str, str]]:
        """Every Welsh LA but the one holding the case."""
        if question.key != "la":
            return await super().options(turn, question, answers, lang)
        here = referral_of(turn).la_code
        return [(code, place.name(lang)) for code, place in _las(turn).items() if code != here]

    async def shown(self, turn: Turn, question: Question, value: Any) -> str:
        if question.key == "la" and value is not None:
            return self.label(turn, turn.lang, question, str(value))
        return await super().shown(turn, question, value)

    async def review_title(self, turn: Turn) -> str:
        label = await case_label(turn.uow, referral_of(turn))
        return t(turn.lang, "transfer.review.title", case=label)


FORM = Form(KIND, "transfer", QUESTIONS, TransferHooks(), editable_sections=("transfer",))


async def _known(uow: UnitOfWork, _referral: Referral) -> dict[str, Any]:
    return {"las": {la.code: la for la in await uow.people.local_authorities()}}


async def save(turn: Turn) -> Outcome:
    uow, actor, referral, lang = turn.uow, turn.actor, referral_of(turn), turn.lang
    store = SealedStore(uow, turn.dialogue, turn.form)
    new_la, words = (await store.answers()).get("la"), str(store.personal().get("reason", ""))
    old_la = referral.la_code
    await uow.dialogues.end(actor.user_id)
    if new_la not in _las(turn) or new_la == old_la:  # a crafted press: not an LA to go to
        return Outcome([Reply(t(lang, "button.stale"))])
    try:
        await uow.referrals.transition(referral, "transfer", actor=actor.audit_name,
                                       reason=MOVED, la_code=new_la)  # fmt: skip
    except LifecycleError:
        return Outcome([Reply(t(lang, "button.stale"))])
    referral.transfer_reason = uow.casework.seal(words)
    # Asked by the old LA's worker: the new LA asks again if it needs more time.
    await uow.extensions.withdraw_open(referral, actor=actor.audit_name, why="transferred")
    uow.audit.record(actor.audit_name, "referral.transferred", referral_id=referral.id,
                     details={"from": str(old_la), "to": str(new_la)})  # fmt: skip
    offered = await notify_new_referral(uow, referral)
    police = await tell_police(uow, referral, TRANSFER_TO_POLICE)
    label, la = await case_label(uow, referral), _las(turn)[str(new_la)].name(lang)
    text = t(lang, "transfer.done", case=label, la=la)
    if not police:
        text += "\n" + t(lang, "transfer.no_police")
    return Outcome([Reply(text, edit=True)], notices=offered.notices + police)


ENTRY = CaseForm(FORM, scope.WORKED_ON, save, known=_known)
