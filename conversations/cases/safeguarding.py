"""Raise a safeguarding concern (NICE NG76 §1.3, `004_d3cd136780a13bc7.txt`), from the card of
any open case the worker holds, at any time: the level (immediate risk, or a concern), what
was seen or said (in the worker's words: sealed, as free text about people), the action
taken (children's social care, the police, or advice from the safeguarding lead), and when
(not in the future). A review with Change, and Save.

Saving alerts the LA's managers at once (conversations/notifications/safeguarding.py). For
an immediate risk the confirmation itself tells the worker to contact the police or
children's social care now. The case stays open: nothing in its lifecycle changes."""

from __future__ import annotations

from datetime import date

from conversations.cases import scope
from conversations.cases.card import card
from conversations.cases.case_form import CaseForm, referral_of
from conversations.cases.sealed import SealedStore
from conversations.cases.words import case_label, day
from conversations.forms.hooks import Hooks, Store, Turn
from conversations.forms.questions import Answers, Form, Question
from conversations.i18n import t
from conversations.notifications.safeguarding import alert_managers
from conversations.reply import Outcome, Reply
from state_machine.safeguarding import IMMEDIATE_RISK, LEVELS, SAFEGUARDING_ACTIONS

KIND = "concern"
WORDS_LIMIT = 1000

QUESTIONS = (
    Question("level", "choice", "concern", LEVELS, per_row=1),
    Question("words", "text", "concern", personal=True, limit=WORDS_LIMIT),
    Question("action", "choice", "concern", SAFEGUARDING_ACTIONS, per_row=1),
    Question("on", "date", "concern", ("today", "yesterday")),
)


class ConcernHooks(Hooks):
    async def store(self, turn: Turn) -> Store:
        return SealedStore(turn.uow, turn.dialogue, turn.form)

    async def text(self, turn: Turn, question: Question, answers: Answers) -> str:
        if question.key == "level":
            label = await case_label(turn.uow, referral_of(turn))
            return t(turn.lang, "concern.q.level", case=label)
        if question.key == "on":
            return t(turn.lang, "concern.q.on", example=day(turn.today()))
        return await super().text(turn, question, answers)

    def bounds(
        self, turn: Turn, question: Question, answers: Answers, today: date
    ) -> tuple[date | None, date | None]:
        """Not in the future, and not before the referral reached the LA."""
        received = referral_of(turn).received_at
        return (received.astimezone(turn.uow.tz).date() if received else None), today

    async def review_title(self, turn: Turn) -> str:
        label = await case_label(turn.uow, referral_of(turn))
        return t(turn.lang, "concern.review.title", case=label)


FORM = Form(KIND, "concern", QUESTIONS, ConcernHooks(), editable_sections=("concern",))


async def save(turn: Turn) -> Outcome:
    """The concern on the case's record, the managers' alerts owed in the same unit of work
    (sent once it commits); the confirmation (with what to do now, for an immediate risk),
    then the card again."""
    uow, actor, referral = turn.uow, turn.actor, referral_of(turn)
    store = SealedStore(uow, turn.dialogue, turn.form)
    answers = await store.answers()
    concern = await uow.safeguarding.raise_concern(
        referral,
        raised_by=actor.user_id,
        level=answers["level"],
        on=date.fromisoformat(answers["on"]),
        words=str(store.personal()["words"]),
        action=answers["action"],
        actor=actor.audit_name,
    )
    notices = await alert_managers(uow, referral)
    await uow.dialogues.end(actor.user_id)
    lang, label = turn.lang, await case_label(uow, referral)
    told = "concern.saved" if notices else "concern.saved_no_manager"
    lines = [t(lang, told, case=label, day=day(concern.on))]
    if concern.level == IMMEDIATE_RISK:
        lines.insert(0, t(lang, "concern.act_now"))
    reply = Reply("\n\n".join(lines), edit=True)
    return Outcome([reply, await card(uow, actor, referral)], notices=notices)


ENTRY = CaseForm(FORM, scope.WORKED_ON, save)
