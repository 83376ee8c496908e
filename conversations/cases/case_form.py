"""The entry points of a form about one case, opened from its card (a session, the next
session date, the parent's feedback): begin, a press, typed text. The case is checked at
every step, for this very turn: a worker moved away, or a case re-allocated or closed
meanwhile, ends the dialogue."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from conversations.access import Actor
from conversations.cases import scope
from conversations.forms import engine
from conversations.forms.hooks import Turn
from conversations.forms.order import REVIEW
from conversations.forms.questions import Form
from conversations.i18n import t
from conversations.reply import Outcome, Reply
from state_machine.lifecycle import ReferralState
from storage.dialogues import DialogueState
from storage.models import Referral
from storage.uow import UnitOfWork


def referral_of(turn: Turn) -> Referral:
    referral = turn.extra["referral"]  # checked by the entry point, for this very turn
    assert isinstance(referral, Referral)
    return referral


def _stale(actor: Actor) -> Outcome:
    return Outcome([Reply(t(actor.language, "button.stale"))])


@dataclass(frozen=True)
class CaseForm:
    form: Form
    states: tuple[ReferralState, ...]  # the case's states it may be filled in
    save: Callable[[Turn], Awaitable[Outcome]] | None = None  # `<kind>.submit`, on the review
    # What else each turn knows about the case, read afresh (the session planned now).
    known: Callable[[UnitOfWork, Referral], Awaitable[dict[str, Any]]] | None = None

    @property
    def kind(self) -> str:
        return self.form.kind

    async def turn(
        self, uow: UnitOfWork, actor: Actor, dialogue: DialogueState, referral: Referral
    ) -> Turn:
        known = await self.known(uow, referral) if self.known is not None else {}
        return Turn(uow, actor, dialogue, self.form, extra={**known, "referral": referral})

    async def begin(self, uow: UnitOfWork, actor: Actor, referral: Referral) -> Outcome:
        """From the card: the first question (the caller checked the worker may record)."""
        dialogue = await uow.dialogues.begin(
            actor.user_id, self.kind, engine.first_key(self.form), referral_id=referral.id
        )
        return Outcome([await engine.ask(await self.turn(uow, actor, dialogue, referral), {})])

    async def on_button(
        self,
        uow: UnitOfWork,
        actor: Actor,
        dialogue: DialogueState,
        action: str,
        payload: dict[str, Any],
    ) -> Outcome:
        referral = await scope.still_theirs(uow, actor, dialogue, self.states)
        if referral is None:
            return _stale(actor)
        turn = await self.turn(uow, actor, dialogue, referral)
        if action == f"{self.kind}.submit":
            ready = self.save is not None and dialogue.step == REVIEW
            return await self.save(turn) if ready and self.save else _stale(actor)
        outcome = await engine.on_button(turn, action, payload)
        return outcome if outcome is not None else _stale(actor)

    async def on_text(
        self, uow: UnitOfWork, actor: Actor, dialogue: DialogueState, text: str
    ) -> Outcome:
        referral = await scope.still_theirs(uow, actor, dialogue, self.states)
        if referral is None:  # ended: nothing is waiting for what they typed
            return Outcome([Reply(t(actor.language, "text.not_expected"))])
        return await engine.on_text(await self.turn(uow, actor, dialogue, referral), text)
