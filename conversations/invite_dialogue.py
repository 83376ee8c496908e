"""An admin invites someone from the phone: the entry points. The form and its hooks are in
conversations/invite/form.py, asked by the form engine."""

from __future__ import annotations

from typing import Any

from conversations.access import Actor
from conversations.forms import engine
from conversations.forms.hooks import Turn
from conversations.i18n import t
from conversations.invite.form import EXPIRIES, FORM, KIND, MAX_NAME
from conversations.reply import Outcome, Reply
from storage.dialogues import DialogueState
from storage.uow import UnitOfWork

__all__ = ["EXPIRIES", "KIND", "MAX_NAME", "begin", "on_button", "on_text"]


def _one(outcome: Outcome) -> Reply:
    """This form says one thing at a time (no progress, no question asked twice)."""
    *_, last = outcome.replies
    return last


async def begin(uow: UnitOfWork, actor: Actor) -> Reply:
    dialogue = await uow.dialogues.begin(actor.user_id, KIND, engine.first_key(FORM))
    return await engine.ask(Turn(uow, actor, dialogue, FORM), {})


async def on_button(
    uow: UnitOfWork,
    actor: Actor,
    dialogue: DialogueState,
    action: str,
    payload: dict[str, Any],
    *,
    bot_username: str,
) -> Reply:
    turn = Turn(uow, actor, dialogue, FORM, extra={"bot_username": bot_username})
    outcome = await engine.on_button(turn, action, payload)
    return Reply(t(actor.language, "button.stale")) if outcome is None else _one(outcome)


async def on_text(uow: UnitOfWork, actor: Actor, dialogue: DialogueState, text: str) -> Reply:
    return _one(await engine.on_text(Turn(uow, actor, dialogue, FORM), text))
