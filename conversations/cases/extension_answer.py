"""The police answer an extension request: Approve (confirmed first: it moves the delivery
date, through the lifecycle's `extend`, recorded with both people and when) or Decline (with
a reason, asked on the form engine: sealed while typed, encrypted when saved). The worker is
told either way. Only a police user of the referral's force, while the request is open and
the case is open, checked at every press, however the button came to them: anything else
gets the stale answer."""

from __future__ import annotations

from typing import Any

from conversations.access import Actor
from conversations.cases.sealed import SealedStore
from conversations.cases.words import case_label, day
from conversations.forms import engine
from conversations.forms.hooks import Hooks, Store, Turn
from conversations.forms.order import REVIEW
from conversations.forms.questions import Answers, Form, Question
from conversations.i18n import t
from conversations.keyboards import button
from conversations.notifications.extension import open_request, tell_worker
from conversations.reply import Outcome, Reply
from state_machine.errors import LifecycleError
from storage.dialogues import DialogueState
from storage.extensions import Extension
from storage.models import Referral
from storage.uow import UnitOfWork

KIND = "extension_decline"
REASON_LIMIT = 500
AGREED = "agreed_with_police"  # the lifecycle's reason: the worker's words stay encrypted


def _stale(actor: Actor) -> Outcome:
    return Outcome([Reply(t(actor.language, "button.stale"))])


async def answerable(
    uow: UnitOfWork, actor: Actor, request_id: Any
) -> tuple[Referral, Extension] | None:
    """The request and its case, if `actor` may answer it now."""
    if actor.role != "police" or not isinstance(request_id, int):
        return None
    request = await uow.extensions.get(request_id)
    if request is None:
        return None
    referral = await uow.referrals.get_by_id(request.referral_id)
    if referral.force_code != actor.force_code:
        return None
    waiting = await open_request(uow, referral)
    return (referral, request) if waiting is not None and waiting.id == request.id else None


async def approve(uow: UnitOfWork, actor: Actor, request_id: Any, *, confirmed: bool) -> Outcome:
    found = await answerable(uow, actor, request_id)
    if found is None:
        return _stale(actor)
    referral, request = found
    lang, label = actor.language, await case_label(uow, referral)
    if not confirmed:  # it changes the case: asked once more, with what it changes
        sure = button(uow, actor, t(lang, "extension.approve_yes"), "extension.approve",
                      request_id=request.id, confirmed=True)  # fmt: skip
        text = t(lang, "extension.approve_sure", case=label, due=day(request.due_before),
                 until=day(request.until))  # fmt: skip
        return Outcome([Reply(text, buttons=((sure,),))])
    if referral.support_due is not None and request.until <= referral.support_due:
        return _stale(actor)  # the date in force has moved past it since it was asked
    answered = await uow.extensions.answer(
        referral, request.id, approved=True, by=actor.user_id, actor=actor.audit_name
    )
    try:  # the row is locked first: of two officers pressing at once, one moves it
        await uow.referrals.transition(
            referral, "extend", actor=actor.audit_name, reason=AGREED, until=request.until,
            request=request.id, requested_by=request.requested_by,
        )  # fmt: skip
    except LifecycleError:
        return _stale(actor)
    said = Reply(t(lang, "extension.approved", case=label, until=day(request.until)), edit=True)
    return Outcome([said], notices=await tell_worker(uow, referral, answered))


async def reason(uow: UnitOfWork, actor: Actor, request_id: Any) -> Outcome:
    """The worker's reason, on request; the read is audited."""
    found = await answerable(uow, actor, request_id)
    if found is None:
        return _stale(actor)
    referral, request = found
    why, _ = await uow.extensions.words(request.id)
    uow.audit.record(actor.audit_name, "extension_words.read", referral_id=referral.id,
                     details={"purpose": "extension answer"})  # fmt: skip
    label = await case_label(uow, referral)
    text = t(actor.language, "extension.reason_shown", case=label, reason=why or "–")
    return Outcome([Reply(text)])


QUESTIONS = (Question("reason", "text", "decline", personal=True, limit=REASON_LIMIT),)


def _referral(turn: Turn) -> Referral:
    referral = turn.extra["referral"]
    assert isinstance(referral, Referral)
    return referral


class DeclineHooks(Hooks):
    async def store(self, turn: Turn) -> Store:
        return SealedStore(turn.uow, turn.dialogue, turn.form)

    async def text(self, turn: Turn, question: Question, answers: Answers) -> str:
        label = await case_label(turn.uow, _referral(turn))
        return t(turn.lang, "extension_decline.q.reason", case=label)

    async def review_title(self, turn: Turn) -> str:
        label = await case_label(turn.uow, _referral(turn))
        return t(turn.lang, "extension_decline.review.title", case=label)


FORM = Form(KIND, "extension_decline", QUESTIONS, DeclineHooks(), editable_sections=("decline",))


async def decline(uow: UnitOfWork, actor: Actor, request_id: Any) -> Outcome:
    """Decline pressed: the reason is asked (the officer's other dialogue, if any, gives way:
    the caller discards it)."""
    found = await answerable(uow, actor, request_id)
    if found is None:
        return _stale(actor)
    referral, request = found
    dialogue = await uow.dialogues.begin(
        actor.user_id, KIND, engine.first_key(FORM), {"request": request.id},
        referral_id=referral.id,
    )  # fmt: skip
    turn = Turn(uow, actor, dialogue, FORM, extra={"referral": referral})
    return Outcome([await engine.ask(turn, {})])


async def _turn(uow: UnitOfWork, actor: Actor, dialogue: DialogueState) -> Turn | None:
    found = await answerable(uow, actor, dialogue.answers.get("request"))
    if found is None:  # answered meanwhile, the case closed, or no longer theirs: it ends
        await uow.dialogues.end(actor.user_id)
        return None
    return Turn(uow, actor, dialogue, FORM, extra={"referral": found[0], "request": found[1]})


async def on_button(
    uow: UnitOfWork, actor: Actor, dialogue: DialogueState, action: str, payload: dict[str, Any]
) -> Outcome:
    turn = await _turn(uow, actor, dialogue)
    if turn is None:
        return _stale(actor)
    if action == f"{KIND}.submit":
        return await _save(turn) if dialogue.step == REVIEW else _stale(actor)
    outcome = await engine.on_button(turn, action, payload)
    return outcome if outcome is not None else _stale(actor)


async def on_text(uow: UnitOfWork, actor: Actor, dialogue: DialogueState, text: str) -> Outcome:
    turn = await _turn(uow, actor, dialogue)
    if turn is None:
        return Outcome([Reply(t(actor.language, "text.not_expected"))])
    return await engine.on_text(turn, text)


async def _save(turn: Turn) -> Outcome:
    uow, actor, referral = turn.uow, turn.actor, _referral(turn)
    request = turn.extra["request"]
    assert isinstance(request, Extension)
    words = str(SealedStore(uow, turn.dialogue, turn.form).personal()["reason"])
    answered = await uow.extensions.answer(
        referral, request.id, approved=False, by=actor.user_id, actor=actor.audit_name,
        reason=words,
    )  # fmt: skip
    await uow.dialogues.end(actor.user_id)
    label = await case_label(uow, referral)
    said = Reply(t(turn.lang, "extension.declined", case=label), edit=True)
    return Outcome([said], notices=await tell_worker(uow, referral, answered))
