"""The first-session date, set or moved from the card: a button for each of the coming days
or a date typed, from today on (and not after support is due). Setting it is the 'contact
made' of the 3-week rule (§8 i) and makes the case `engaged`; moving it is a lifecycle
trigger too, so both are in the audit trail."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from conversations.access import Actor
from conversations.cases import scope
from conversations.cases.card import card
from conversations.cases.words import case_label, day, short_day
from conversations.forms import engine
from conversations.forms.hooks import Hooks, RowStore, Store, Turn
from conversations.forms.questions import Answers, Form, Question
from conversations.i18n import t
from conversations.parsing import Problem
from conversations.reply import Outcome, Reply
from state_machine.errors import LifecycleError
from storage.dialogues import DialogueState
from storage.models import Referral
from storage.uow import UnitOfWork

KIND = "first_session"
DAYS_OFFERED = 8  # today and the week after it

QUESTIONS = (Question("date", "date", "first_session", per_row=2),)


def _referral(turn: Turn) -> Referral:
    referral = turn.extra["referral"]  # checked by the entry point, for this very turn
    assert isinstance(referral, Referral)
    return referral


class FirstSessionHooks(Hooks):
    async def store(self, turn: Turn) -> Store:
        return RowStore(turn.uow, turn.dialogue)

    async def text(self, turn: Turn, question: Question, answers: Answers) -> str:
        referral = _referral(turn)
        label = await case_label(turn.uow, referral)
        example = day(turn.today() + timedelta(days=DAYS_OFFERED + 2))  # one ahead, to type
        if referral.first_session_date is None:
            return t(turn.lang, "first_session.q.set", case=label, example=example)
        return t(turn.lang, "first_session.q.move", case=label,
                 current=day(referral.first_session_date), example=example)  # fmt: skip

    def label(self, turn: Turn, lang: str, question: Question, value: str) -> str:
        offset = (date.fromisoformat(value) - turn.today()).days
        if offset in (0, 1):
            return t(lang, "first_session.today" if offset == 0 else "first_session.tomorrow")
        return short_day(lang, date.fromisoformat(value))

    async def options(
        self, turn: Turn, question: Question, answers: Answers, lang: str
    ) -> list[tuple[str, str]]:
        days = [turn.today() + timedelta(days=n) for n in range(DAYS_OFFERED)]
        latest = _referral(turn).support_due
        return [
            (d.isoformat(), self.label(turn, lang, question, d.isoformat()))
            for d in days
            if latest is None or d <= latest
        ]

    def bounds(
        self, turn: Turn, question: Question, answers: Answers, today: date
    ) -> tuple[date | None, date | None]:
        """From today (not in the past) to the day support is due."""
        return today, _referral(turn).support_due

    def check(
        self, turn: Turn, question: Question, value: Any, answers: Answers, today: date
    ) -> Problem | None:
        current = _referral(turn).first_session_date
        if current is not None and value == current.isoformat():
            return Problem("first_session.same_day", {"day": day(current)})
        return None

    async def finish(self, turn: Turn) -> Outcome:
        """Set (allocated -> engaged) or moved (engaged), through the lifecycle."""
        uow, actor, referral = turn.uow, turn.actor, _referral(turn)
        when = date.fromisoformat(turn.dialogue.answers["date"])
        moving = referral.first_session_date is not None
        await uow.dialogues.end(actor.user_id)
        try:
            await uow.referrals.transition(
                referral,
                "move_first_session" if moving else "set_first_session",
                actor=actor.audit_name,
                first_session_date=when,
            )
        except LifecycleError:
            return Outcome([Reply(t(turn.lang, "first_session.refused"))])
        key = "first_session.moved" if moving else "first_session.set"
        text = t(turn.lang, key, case=await case_label(uow, referral), day=day(when))
        return Outcome([Reply(text), await card(uow, actor, referral)])


FORM = Form(KIND, "first_session", QUESTIONS, FirstSessionHooks(), progress=False)


def _turn(uow: UnitOfWork, actor: Actor, dialogue: DialogueState, referral: Referral) -> Turn:
    return Turn(uow, actor, dialogue, FORM, extra={"referral": referral})


def _stale(actor: Actor) -> Outcome:
    return Outcome([Reply(t(actor.language, "button.stale"))])


async def begin(uow: UnitOfWork, actor: Actor, referral: Referral) -> Outcome:
    """From the card: the question (the caller checked the worker may record)."""
    dialogue = await uow.dialogues.begin(
        actor.user_id, KIND, engine.first_key(FORM), referral_id=referral.id
    )
    return Outcome([await engine.ask(_turn(uow, actor, dialogue, referral), {})])


async def on_button(
    uow: UnitOfWork, actor: Actor, dialogue: DialogueState, action: str, payload: dict[str, Any]
) -> Outcome:
    referral = await scope.still_theirs(uow, actor, dialogue)
    if referral is None:
        return _stale(actor)
    outcome = await engine.on_button(_turn(uow, actor, dialogue, referral), action, payload)
    return outcome if outcome is not None else _stale(actor)


async def on_text(uow: UnitOfWork, actor: Actor, dialogue: DialogueState, text: str) -> Outcome:
    referral = await scope.still_theirs(uow, actor, dialogue)
    if referral is None:  # ended: nothing is waiting for what they typed
        return Outcome([Reply(t(actor.language, "text.not_expected"))])
    return await engine.on_text(_turn(uow, actor, dialogue, referral), text)
