"""The parent's feedback at the end of support (guidance §6: "collect feedback from parents
... whether the intervention achieved its aim"): how helpful it was, 1 to 5 by buttons, and
a comment in their words if they gave one (sealed, as free text about people). Given again,
it replaces the first."""

from __future__ import annotations

from conversations.cases import scope
from conversations.cases.card import card
from conversations.cases.case_form import CaseForm, referral_of
from conversations.cases.sealed import SealedStore
from conversations.cases.words import case_label
from conversations.forms.hooks import Hooks, Store, Turn
from conversations.forms.questions import Answers, Form, Question
from conversations.i18n import t
from conversations.reply import Outcome, Reply
from state_machine.sessions import HELPFUL_SCORES

KIND = "feedback"
NO_COMMENT = "no_comment"
COMMENT_LIMIT = 500

QUESTIONS = (
    Question("helpful", "choice", "feedback", tuple(str(n) for n in HELPFUL_SCORES), per_row=5),
    Question("comment", "text", "feedback", (NO_COMMENT,), personal=True, shortcut=NO_COMMENT,
             limit=COMMENT_LIMIT),
)  # fmt: skip


class FeedbackHooks(Hooks):
    async def store(self, turn: Turn) -> Store:
        return SealedStore(turn.uow, turn.dialogue, turn.form)

    async def text(self, turn: Turn, question: Question, answers: Answers) -> str:
        if question.key == "helpful":
            label = await case_label(turn.uow, referral_of(turn))
            return t(turn.lang, "feedback.q.helpful", case=label)
        return await super().text(turn, question, answers)

    async def review_title(self, turn: Turn) -> str:
        label = await case_label(turn.uow, referral_of(turn))
        return t(turn.lang, "feedback.review.title", case=label)


FORM = Form(KIND, "feedback", QUESTIONS, FeedbackHooks(), editable_sections=("feedback",))


async def save(turn: Turn) -> Outcome:
    uow, actor, referral = turn.uow, turn.actor, referral_of(turn)
    store = SealedStore(uow, turn.dialogue, turn.form)
    helpful = int((await store.answers())["helpful"])
    comment = store.personal().get("comment")
    await uow.casework.save_feedback(
        referral,
        worker_id=actor.user_id,
        helpful=helpful,
        comment=None if comment in (None, NO_COMMENT) else str(comment),
        actor=actor.audit_name,
    )
    await uow.dialogues.end(actor.user_id)
    text = t(turn.lang, "feedback.saved", case=await case_label(uow, referral))
    return Outcome([Reply(text, edit=True), await card(uow, actor, referral)])


ENTRY = CaseForm(FORM, scope.SESSIONS, save)
