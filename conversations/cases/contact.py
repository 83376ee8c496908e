"""A contact attempt, as a form on the engine: when (today, yesterday or a date typed, not in
the future nor before the referral was received), how, what came of it, and a short note.
Then a review with Change, and Save.

While it is being filled in, the answers live in the dialogue row; the note is free text
about people, so even there it is kept sealed (encrypted), and in the case's record too.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from conversations.access import Actor
from conversations.cases import scope
from conversations.cases.card import card
from conversations.cases.words import case_label, day
from conversations.forms import engine
from conversations.forms.hooks import Hooks, Store, Turn
from conversations.forms.order import REVIEW
from conversations.forms.questions import Answers, Form, Question
from conversations.i18n import t
from conversations.reply import Outcome, Reply
from state_machine.contact import CONTACT_METHODS, CONTACT_RESULTS
from storage.dialogues import DialogueState
from storage.models import Referral
from storage.uow import UnitOfWork

KIND = "contact"
NOTE_LIMIT = 300
NO_NOTE = "no_note"
SEALED = "sealed"  # the dialogue row's key for the encrypted personal answers

QUESTIONS = (
    Question("on", "date", "attempt", ("today", "yesterday")),
    Question("method", "choice", "attempt", CONTACT_METHODS),
    Question("result", "choice", "attempt", CONTACT_RESULTS),
    Question("note", "text", "note", (NO_NOTE,), personal=True, shortcut=NO_NOTE,
             limit=NOTE_LIMIT),
)  # fmt: skip


def _referral(turn: Turn) -> Referral:
    referral = turn.extra["referral"]  # checked by the entry point, for this very turn
    assert isinstance(referral, Referral)
    return referral


class ContactStore:
    """The answers so far in the dialogue row; the personal ones sealed (a case's other
    forms keep theirs the same way)."""

    def __init__(
        self, uow: UnitOfWork, dialogue: DialogueState, questions: tuple[Question, ...] = QUESTIONS
    ) -> None:
        self.uow, self.dialogue = uow, dialogue
        self.plain = tuple(q.key for q in questions if not q.personal)

    async def answers(self) -> dict[str, Any]:
        return {k: self.dialogue.answers[k] for k in self.plain if k in self.dialogue.answers}

    def personal(self) -> dict[str, Any]:
        sealed = self.dialogue.answers.get(SEALED)
        return self.uow.cipher.decrypt_json(sealed.encode("ascii")) if sealed else {}

    async def given(self) -> dict[str, Any]:
        return {**await self.answers(), **self.personal()}

    async def record(self, question: Question, value: Any) -> None:
        fields = {question.key: value}
        if question.personal:
            sealed = self.uow.cipher.encrypt_json({**self.personal(), **fields})
            fields = {SEALED: sealed.decode("ascii")}
        self.uow.dialogues.advance(self.dialogue, self.dialogue.step, **fields)


class ContactHooks(Hooks):
    async def store(self, turn: Turn) -> Store:
        return ContactStore(turn.uow, turn.dialogue)

    async def text(self, turn: Turn, question: Question, answers: Answers) -> str:
        if question.key == "on":
            label = await case_label(turn.uow, _referral(turn))
            return t(turn.lang, "contact.q.on", case=label, example=day(turn.today()))
        return await super().text(turn, question, answers)

    def bounds(
        self, turn: Turn, question: Question, answers: Answers, today: date
    ) -> tuple[date | None, date | None]:
        """Not in the future, and not before the referral reached the LA."""
        received = _referral(turn).received_at
        return (received.astimezone(turn.uow.tz).date() if received else None), today

    async def review_title(self, turn: Turn) -> str:
        label = await case_label(turn.uow, _referral(turn))
        return t(turn.lang, "contact.review.title", case=label)


FORM = Form(KIND, "contact", QUESTIONS, ContactHooks(), editable_sections=("attempt", "note"))


def _turn(uow: UnitOfWork, actor: Actor, dialogue: DialogueState, referral: Referral) -> Turn:
    return Turn(uow, actor, dialogue, FORM, extra={"referral": referral})


def _stale(actor: Actor) -> Outcome:
    return Outcome([Reply(t(actor.language, "button.stale"))])


async def begin(uow: UnitOfWork, actor: Actor, referral: Referral) -> Outcome:
    """From the card: the first question (the caller checked the worker may record)."""
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
    turn = _turn(uow, actor, dialogue, referral)
    if action == f"{KIND}.submit":
        return await save(turn) if dialogue.step == REVIEW else _stale(actor)
    outcome = await engine.on_button(turn, action, payload)
    return outcome if outcome is not None else _stale(actor)


async def on_text(uow: UnitOfWork, actor: Actor, dialogue: DialogueState, text: str) -> Outcome:
    referral = await scope.still_theirs(uow, actor, dialogue)
    if referral is None:  # ended: nothing is waiting for what they typed
        return Outcome([Reply(t(actor.language, "text.not_expected"))])
    return await engine.on_text(_turn(uow, actor, dialogue, referral), text)


async def save(turn: Turn) -> Outcome:
    """The attempt goes on the case's record, the note encrypted; then the card again."""
    uow, actor, referral = turn.uow, turn.actor, _referral(turn)
    store = ContactStore(uow, turn.dialogue)
    answers, personal = await store.answers(), store.personal()
    note = personal.get("note")
    await uow.casework.add_attempt(
        referral,
        worker_id=actor.user_id,
        on=date.fromisoformat(answers["on"]),
        method=answers["method"],
        result=answers["result"],
        note=None if note in (None, NO_NOTE) else str(note),
        actor=actor.audit_name,
    )
    await uow.dialogues.end(actor.user_id)
    text = t(turn.lang, "contact.saved", case=await case_label(uow, referral))
    # After a "declined", the card below offers to record 'did not take up'.
    return Outcome([Reply(text, edit=True), await card(uow, actor, referral)])
