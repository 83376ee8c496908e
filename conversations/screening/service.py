"""The screening as a sergeant (or a YOT officer) goes through it: the entry points.

The questions are asked by the form engine (conversations/forms) from the screening's form
(form.py); what is left here is what only the screening does: offer to carry on or start
again, discard a referral never submitted, and submit.
"""

from __future__ import annotations

from typing import Any

from conversations.access import Actor
from conversations.forms import engine
from conversations.forms.hooks import Turn
from conversations.forms.order import REVIEW
from conversations.i18n import t
from conversations.keyboards import button
from conversations.reply import Outcome, Reply
from conversations.screening.form import FORM, KIND, end_confirmed, referral_of, unsay
from conversations.screening.submit import submit
from storage.dialogues import DialogueState
from storage.uow import UnitOfWork

__all__ = ["KIND", "ROLES", "ask_current", "begin", "discard", "on_button", "on_text"]
ROLES = ("police", "yot")


def _turn(uow: UnitOfWork, actor: Actor, dialogue: DialogueState) -> Turn:
    return Turn(uow, actor, dialogue, FORM)


async def begin(uow: UnitOfWork, actor: Actor) -> Outcome:
    """`/screen`: start, or offer to carry on with the screening already under way."""
    lang = actor.language
    current = await uow.dialogues.current(actor.user_id)
    if current is not None and current.kind == KIND:
        carry_on = button(uow, actor, t(lang, "screen.carry_on"), "screening.resume")
        restart = button(uow, actor, t(lang, "screen.start_again"), "screening.restart")
        return Outcome([Reply(t(lang, "screen.in_progress"), buttons=((carry_on,), (restart,)))])
    return await _start(uow, actor)


async def _start(uow: UnitOfWork, actor: Actor) -> Outcome:
    referral = await uow.referrals.start_screening(
        actor=actor.audit_name,
        officer_id=actor.user_id,
        force_code=actor.force_code,
        yot=actor.role == "yot",
    )
    dialogue = await uow.dialogues.begin(
        actor.user_id, KIND, engine.first_key(FORM), referral_id=referral.id
    )
    intro = Reply(t(actor.language, "screen.intro"))
    return Outcome([intro, await engine.ask(_turn(uow, actor, dialogue), {})])


async def discard(uow: UnitOfWork, dialogue: DialogueState, *, actor: str, reason: str) -> None:
    """End a conversation; a screening it held that was never submitted goes with everything
    it held (for /cancel, "start again" and the idle sweep alike)."""
    await engine.discard(FORM, uow, dialogue, actor=actor, reason=reason)


async def on_button(
    uow: UnitOfWork, actor: Actor, dialogue: DialogueState, action: str, payload: dict[str, Any]
) -> Outcome:
    turn = _turn(uow, actor, dialogue)
    if action == "screening.resume":
        return Outcome([await engine.ask(turn)])
    if action == "screening.restart":
        await discard(uow, dialogue, actor=actor.audit_name, reason="started again")
        return await _start(uow, actor)
    if action == "screening.submit" and dialogue.step == REVIEW:
        return await submit(uow, actor, await referral_of(turn), dialogue)
    if action in ("screening.end", "screening.unsay") and payload.get("q") == dialogue.step:
        if action == "screening.end":
            return await end_confirmed(turn)
        return await unsay(turn, str(payload.get("key", dialogue.step)))
    outcome = await engine.on_button(turn, action, payload)
    return outcome if outcome is not None else Outcome([Reply(t(actor.language, "button.stale"))])


async def on_text(uow: UnitOfWork, actor: Actor, dialogue: DialogueState, text: str) -> Outcome:
    return await engine.on_text(_turn(uow, actor, dialogue), text)


async def ask_current(uow: UnitOfWork, actor: Actor, dialogue: DialogueState) -> Reply:
    """Where the officer is, asked again (carrying on, or a YOT officer taking over)."""
    return await engine.ask(_turn(uow, actor, dialogue))
